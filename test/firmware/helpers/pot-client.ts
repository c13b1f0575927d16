// Runs POCO's firmware MQTT client on Node for tests, recording what its handlers receive.
import mqtt from 'mqtt';
import type { MqttConnectOptions } from '../../../device/core/hardware.js';
import { MqttClient, type ClientTuning } from '../../../device/mqtt/client.js';
import { nodeSockets, nodeTimers } from '../../../device/mqtt/node-socket.js';

export interface PotClient {
  client: MqttClient;
  connects: number;
  closes: string[];
  messages: { topic: string; payload: string }[];
  /** Ends the client and cancels its timers. */
  stop(): void;
}

export const FAST_TUNING: ClientTuning = { ackTimeoutMs: 300, minBackoffMs: 100, maxBackoffMs: 400, maxInflight: 5 };

export function startPotClient(url: string, clientId: string, overrides: Partial<MqttConnectOptions> = {}, tuning: ClientTuning = FAST_TUNING): PotClient {
  const timers = nodeTimers();
  const options: MqttConnectOptions = {
    url,
    clientId,
    keepaliveS: 30,
    clean: false,
    will: { topic: `poco-test/${clientId}/status`, payload: 'offline', qos: 1, retain: false },
    ...overrides,
  };
  const record: PotClient = {
    client: undefined as unknown as MqttClient,
    connects: 0,
    closes: [],
    messages: [],
    stop() {
      record.client.end();
      timers.clearAll();
    },
  };
  record.client = new MqttClient(options, {
    onConnect: () => { record.connects++; },
    onClose: (reason) => { record.closes.push(reason); },
    onMessage: (topic, payload) => { record.messages.push({ topic, payload }); },
  }, nodeSockets().open, timers, tuning);
  return record;
}

/** Polls `check` every 20 ms; rejects with `what` once `timeoutMs` has passed. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Publishes with the QoS 1 callback turned into a promise of the error text or null. */
export function publishAcked(pot: PotClient, topic: string, payload: string, retain = false): Promise<string | null> {
  return new Promise((resolve) => pot.client.publish(topic, payload, 1, retain, resolve));
}

/** An mqtt.js observer, independent of the code under test, subscribed to `filter`. */
export async function startObserver(url: string, filter: string): Promise<{ client: mqtt.MqttClient; received: mqtt.IPublishPacket[] }> {
  const client = await mqtt.connectAsync(url, { clientId: `observer-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 });
  const received: mqtt.IPublishPacket[] = [];
  client.on('message', (_topic, _payload, packet) => { received.push(packet); });
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, received };
}
