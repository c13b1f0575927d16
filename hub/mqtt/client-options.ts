// Options of the hub's MQTT client, and the switch to MQTT 3.1.1 for a broker that rejects
// MQTT 5 in its CONNACK.
import type { IClientOptions, MqttClient } from 'mqtt';
import type { HubConfig } from '../config.js';

/** How long the broker keeps the hub's session and queued readings while the hub is away (MQTT 5 only). */
export const SESSION_EXPIRY_S = 7 * 24 * 3600;

/**
 * CONNACK codes that mean the broker does not accept the protocol version: return code 1 of
 * MQTT 3.1.1 (what a 3.1.1-only broker such as aedes 1.2 sends to an MQTT 5 CONNECT) and reason
 * code 0x84 of MQTT 5.
 */
const UNACCEPTABLE_PROTOCOL_VERSION = new Set([0x01, 0x84]);

/**
 * Builds the client options: a persistent session (clean: false) in MQTT 5 with a session
 * expiry, or MQTT 3.1.1 for the embedded broker, which speaks nothing else. The connection is
 * opened later by `client.connect()`, once the hub listens for HTTP.
 */
export function clientOptions(config: HubConfig, embedded: boolean): IClientOptions {
  const options: IClientOptions = {
    clientId: config.mqttClientId,
    clean: false,
    reconnectPeriod: 2000,
    connectTimeout: 10000,
    manualConnect: true,
    // Aedes speaks MQTT 3.1.1 only; there the session lasts as long as the embedded broker.
    protocolVersion: embedded ? 4 : 5,
  };
  if (!embedded) options.properties = { sessionExpiryInterval: SESSION_EXPIRY_S };
  if (config.mqttUsername !== null) options.username = config.mqttUsername;
  if (config.mqttPassword !== null) options.password = config.mqttPassword;
  return options;
}

/**
 * Returns true for the error mqtt.js emits when a CONNACK refuses the connection: a numeric
 * reason code while the client is not connected. Socket errors carry string codes such as
 * ECONNREFUSED, and protocol errors on an open connection come while `connected` is still true.
 */
export function isConnackRefusal(client: MqttClient, err: Error): boolean {
  return typeof (err as { code?: unknown }).code === 'number' && !client.connected;
}

/** Returns true for a CONNACK refusal that names the protocol version. */
export function isProtocolVersionRejected(client: MqttClient, err: Error): boolean {
  return isConnackRefusal(client, err) && UNACCEPTABLE_PROTOCOL_VERSION.has((err as { code?: unknown }).code as number);
}

/**
 * Switches the client to MQTT 3.1.1 for its next attempts and drops the MQTT 5 properties (the
 * session expiry). Returns false, changing nothing, when the client already used 3.1.1.
 */
export function fallBackToMqtt311(client: MqttClient): boolean {
  if (client.options.protocolVersion !== 5) return false;
  client.options.protocolVersion = 4;
  delete client.options.properties;
  return true;
}

/**
 * Sets whether mqtt.js connects again after the CONNACK refusal it is reporting. mqtt.js 5.16
 * reads `reconnectOnConnackError` just after it emits the refusal as an `error` event
 * (build/lib/handlers/connack.js), so an `error` listener can decide per refusal. Only the
 * protocol fallback retries; other refusals (bad credentials, say) stop the client as before.
 */
// NOTE: this relies on that order inside mqtt.js; test/hub/mqtt311-broker.test.ts fails if it changes.
export function retryAfterRefusal(client: MqttClient, retry: boolean): void {
  client.options.reconnectOnConnackError = retry;
}
