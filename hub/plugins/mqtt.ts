// The broker connection as `app.mqtt`: a persistent MQTT 5 session (clean: false, with a
// session expiry) subscribed at QoS 1 to every pot's telemetry and status, so readings sent
// while the hub is down wait at the broker. The connection opens once HTTP listens, so the
// API responds while that backlog drains. Falls back to MQTT 3.1.1 for a broker that
// rejects MQTT 5, and starts an embedded broker when allowed (see hub/mqtt/embedded-broker.ts).
// Messages are handled by hub/mqtt/ingest.ts.
import fp from 'fastify-plugin';
import mqtt, { type MqttClient } from 'mqtt';
import { filterFor } from '../../domain/topics.js';
import { redactUrl, type HubConfig } from '../config.js';
import { clientOptions, fallBackToMqtt311, isConnackRefusal, isProtocolVersionRejected, retryAfterRefusal } from '../mqtt/client-options.js';
import { MAX_SHORT_CONNECTIONS, SESSION_TAKEN_OVER, TakeoverGuard } from '../mqtt/takeover.js';
import { probe, startEmbeddedBroker, type EmbeddedBroker } from '../mqtt/embedded-broker.js';
import { Ingest, type IngestCounters, type IngestHooks } from '../mqtt/ingest.js';
import type { StoredReading } from '../../domain/reading.js';

const CLOSE_WAIT_MS = 3000;
/**
 * Maximum run of message handling before the hub lets the event loop serve HTTP. mqtt.js handles
 * every packet already read from the socket in one go, so a backlog would otherwise hold the
 * loop for as long as the broker keeps the socket full.
 */
export const INGEST_SLICE_MS = 20;

export interface BrokerStatus {
  /** Connected and subscribed. */
  connected: boolean;
  url: string;
  embedded: boolean;
  /** True once the hub gave up reconnecting because another client took its session. */
  stopped: boolean;
}

export interface MqttLink {
  status(): BrokerStatus;
  readonly counters: IngestCounters;
  /** Resolves once the hub is connected and subscribed for the first time. */
  readonly ready: Promise<void>;
  /**
   * Opens the broker connection; later calls do nothing. The plugin calls it once HTTP listens,
   * so only an app that never listens (a benchmark) calls it itself.
   */
  connect(): void;
  /** Publishes at QoS 1; resolves once the broker acknowledged, or rejects when it could not. */
  publish(topic: string, payload: string, options: { retain: boolean }): Promise<void>;
  /** Lets plant care see each reading before and after it is stored. */
  setIngestHooks(hooks: IngestHooks): void;
  /** Receives each message on `<prefix>/+/claim` (the accounts plugin stores its verifier). */
  setClaimHandler(handler: ClaimHandler): void;
  /** Receives each message on `<prefix>/+/cmd/ack` (the watering plugin matches it to its command). */
  setAckHandler(handler: AckHandler): void;
  /** Adds a listener called after each stored reading, after the ingest hooks (watering rules). */
  addReadingListener(listener: (potId: string, reading: StoredReading) => void): void;
}

export type AckHandler = (topic: string, payload: Buffer) => void;

export type ClaimHandler = (topic: string, payload: Buffer) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    mqtt: MqttLink;
  }
}

function isLocalHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost';
}

/** Starts aedes when the settings allow it and nothing listens at the local broker URL. */
async function maybeStartEmbedded(config: HubConfig): Promise<EmbeddedBroker | null> {
  const url = new URL(config.mqttUrl);
  if (config.embeddedBroker !== 'auto' || url.protocol !== 'mqtt:' || !isLocalHost(url.hostname)) return null;

  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  const port = url.port === '' ? 1883 : Number(url.port);
  if ((await probe(host, port)) !== 'refused') return null;
  return startEmbeddedBroker(host, port);
}

/**
 * Makes mqtt.js wait for the next event loop turn after each INGEST_SLICE_MS of messages.
 * mqtt.js 5.16 calls `handleMessage` after the `message` listeners and sends the PUBACK from its
 * callback (build/lib/handlers/publish.js). Deferring the callback therefore delays only the
 * PUBACK and the next packet, and a reading is still in the write-ahead log before its PUBACK.
 */
function yieldBetweenSlices(client: MqttClient): void {
  let sliceStart = performance.now();
  client.handleMessage = (_packet, callback) => {
    if (performance.now() - sliceStart < INGEST_SLICE_MS) return callback();
    setImmediate(() => {
      sliceStart = performance.now();
      callback();
    });
  };
}

export default fp(
  async (app) => {
    const { config } = app;
    const url = redactUrl(config.mqttUrl);
    const embedded = await maybeStartEmbedded(config);
    if (embedded) app.log.info({ url }, 'connection refused at the broker URL; started the embedded broker (aedes)');

    const ingest = new Ingest({ prefix: config.mqttPrefix, store: app.store, live: app.live, log: app.log });
    const client: MqttClient = mqtt.connect(config.mqttUrl, clientOptions(config, embedded !== null));
    let started = false;
    let subscribed = false;
    let everSubscribed = false;
    let stopped = false;
    let closing = false;
    const guard = new TakeoverGuard();
    const stopForTakeover = (evidence: string) => {
      // Reconnecting would kick the other process, which would kick us back, forever.
      stopped = true;
      app.log.error(
        { url, clientId: config.mqttClientId, evidence },
        'another process uses this MQTT client id and took the session; stopped reconnecting. ' +
          'Stop the other hub or give this one its own POCO_MQTT_CLIENT_ID, then restart',
      );
      client.end(true);
    };
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));

    client.on('connect', (connack) => {
      guard.connected(Date.now());
      app.log.info({ url, clientId: config.mqttClientId, sessionPresent: connack.sessionPresent }, 'connected to the broker');
      const filters = [filterFor(config.mqttPrefix, 'telemetry'), filterFor(config.mqttPrefix, 'status'), filterFor(config.mqttPrefix, 'claim'), filterFor(config.mqttPrefix, 'cmd/ack')];
      client.subscribe(filters, { qos: 1 }, (err) => {
        if (err) {
          app.log.error({ err, url, filters }, 'subscription failed; check the broker ACL for the hub user');
          return;
        }
        subscribed = true;
        everSubscribed = true;
        markReady();
      });
    });
    client.on('reconnect', () => app.log.info({ url }, 'reconnecting to the broker'));
    client.on('close', () => {
      if (subscribed) app.log.info({ url }, 'broker connection closed');
      subscribed = false;
      if (!closing && !stopped && guard.closed(Date.now())) {
        stopForTakeover(`the broker closed ${MAX_SHORT_CONNECTIONS} connections in a row soon after accepting them`);
      }
    });
    let reportedUnreachable = false;
    client.on('error', (err) => {
      const fellBack = isProtocolVersionRejected(client, err) && fallBackToMqtt311(client);
      retryAfterRefusal(client, fellBack);
      if (fellBack) {
        app.log.warn(
          { url, clientId: config.mqttClientId, refusal: err.message },
          'the broker rejected MQTT 5; using MQTT 3.1.1 until the hub restarts. The session has no expiry ' +
            'there: the broker keeps it, and the readings queued for the hub, for as long as its own settings say',
        );
      } else if (isConnackRefusal(client, err)) {
        app.log.error({ err, url, clientId: config.mqttClientId }, 'the broker rejected the connection; stopped reconnecting. Check the hub\'s MQTT account, then restart');
      } else if (!everSubscribed && !reportedUnreachable) {
        reportedUnreachable = true;
        app.log.warn({ err, url }, 'broker not reachable yet; the hub keeps retrying in the background');
      } else {
        app.log.warn({ err, url }, 'broker connection error');
      }
    });
    client.on('disconnect', (packet) => {
      if (packet.reasonCode === SESSION_TAKEN_OVER) stopForTakeover('DISCONNECT reason 0x8E, session taken over');
      else app.log.info({ url, reasonCode: packet.reasonCode }, 'broker disconnected the hub');
    });
    // mqtt.js emits 'message' and then sends PUBACK, synchronously: ingest has written the
    // reading to the write-ahead log before the broker hears it was received.
    let onClaim: ClaimHandler | null = null;
    let onAck: AckHandler | null = null;
    client.on('message', (topic, payload) => {
      if (topic.endsWith('/cmd/ack')) {
        if (onAck !== null) onAck(topic, payload);
        return;
      }
      if (onClaim !== null && topic.endsWith('/claim')) {
        onClaim(topic, payload).catch((err: unknown) => app.log.error({ err, topic }, 'claim message not stored'));
        return;
      }
      ingest.handle(topic, payload);
    });
    yieldBetweenSlices(client);

    let careHooks: IngestHooks | null = null;
    const readingListeners: Array<(potId: string, reading: StoredReading) => void> = [];
    const composedHooks: IngestHooks = {
      beforeStore: (potId, reading) => careHooks?.beforeStore(potId, reading),
      afterStore: (potId, reading) => {
        careHooks?.afterStore(potId, reading);
        for (const listener of readingListeners) {
          try {
            listener(potId, reading);
          } catch (err) {
            app.log.error({ err, potId }, 'reading listener failed');
          }
        }
      },
    };

    const connect = () => {
      if (started || closing) return;
      started = true;
      client.connect();
    };
    // After listening, not during app.ready(): readings queued for the persistent session arrive
    // right after CONNACK, and the API must already respond while they drain.
    app.addHook('onListen', async () => connect());

    app.decorate('mqtt', {
      status: () => ({ connected: subscribed && client.connected, url, embedded: embedded !== null, stopped }),
      counters: ingest.counters,
      ready,
      connect,
      publish: async (topic, payload, options) => {
        await client.publishAsync(topic, payload, { qos: 1, retain: options.retain });
      },
      setIngestHooks: (hooks) => {
        careHooks = hooks;
        ingest.setHooks(composedHooks);
      },
      addReadingListener: (listener) => {
        readingListeners.push(listener);
        ingest.setHooks(composedHooks);
      },
      setAckHandler: (handler) => { onAck = handler; },
      setClaimHandler: (handler) => { onClaim = handler; },
    });

    app.addHook('onClose', async () => {
      closing = true;
      if (!started) {
        if (embedded) await embedded.close();
        return;
      }
      // A graceful end sends DISCONNECT, so the broker keeps the session for the next start.
      const ended = client.endAsync().then(() => true);
      const timedOut = new Promise<boolean>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS, false).unref());
      if (!(await Promise.race([ended, timedOut]))) client.end(true);
      if (embedded) await embedded.close();
      app.log.info({ url }, 'MQTT session ended');
    });
  },
  { name: 'poco-mqtt', dependencies: ['poco-config', 'poco-store', 'poco-live'] },
);
