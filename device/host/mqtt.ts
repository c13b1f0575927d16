// The Hardware MQTT connection on Node, over mqtt.js. One mqtt.js client per connection attempt,
// with its own reconnection off: the device core decides when to reconnect, as on the ESP32.
import { connect } from 'mqtt';
import type { MqttConnectOptions, MqttConnection, MqttHandlers } from '../core/hardware.js';

export interface HostMqttConnection extends MqttConnection {
  /** Destroys the socket without DISCONNECT, as a pot losing power does; the broker sends the will. */
  destroy(): void;
}

export function connectMqtt(options: MqttConnectOptions, handlers: MqttHandlers, log: (message: string) => void): HostMqttConnection {
  const client = connect(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    keepalive: options.keepaliveS,
    clean: options.clean,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: options.will.qos, retain: options.will.retain },
  });
  let lastError = '';
  let closed = false;

  client.on('connect', () => handlers.onConnect());
  client.on('error', (err) => { lastError = err.message; });
  client.on('close', () => {
    if (closed) return;
    closed = true;
    handlers.onClose(lastError || 'connection closed');
  });
  client.on('message', (topic, payload) => handlers.onMessage(topic, payload.toString('utf8')));

  return {
    publish(topic, payload, qos, retain, done) {
      client.publish(topic, payload, { qos, retain }, (err) => done(err ? err.message : null));
    },
    subscribe(topic, qos) {
      client.subscribe(topic, { qos }, (err) => {
        if (err) log(`subscribing to ${topic} failed: ${err.message}`);
      });
    },
    isConnected: () => client.connected,
    end() {
      client.end(false);
    },
    destroy() {
      client.stream.destroy();
    },
  };
}
