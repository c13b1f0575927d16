import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type mqtt from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { PINGREQ, PUBACK, PUBLISH } from '../../device/mqtt/packets.js';
import { startProxy } from './helpers/tcp-proxy.js';
import { publishAcked, startObserver, startPotClient, waitFor, type PotClient } from './helpers/pot-client.js';

interface Context {
  broker: Broker;
  observer: { client: mqtt.MqttClient; received: mqtt.IPublishPacket[] };
  pots: PotClient[];
}

function withBroker(name: string) {
  const test = suite<Context>(name, {} as Context);
  test.before(async (context) => {
    context.broker = await startMosquitto();
    context.observer = await startObserver(context.broker.url, 'poco-test/#');
    context.pots = [];
  });
  test.after.each((context) => {
    for (const pot of context.pots.splice(0)) pot.stop();
    context.observer.received.length = 0;
  });
  test.after(async (context) => {
    await context.observer.client.endAsync();
    await context.broker.stop();
    removeBrokerDir(context.broker);
  });
  return test;
}

function pot(context: Context, url: string, id: string, overrides = {}): PotClient {
  const started = startPotClient(url, id, overrides);
  context.pots.push(started);
  return started;
}

// ---

const session = withBroker('mqtt client session');

session('publishes QoS 0 and QoS 1', async (context) => {
  const client = pot(context, context.broker.url, 'pot-publish');
  await waitFor('CONNACK', () => client.client.isConnected());
  const qos0 = await new Promise<string | null>((resolve) => client.client.publish('poco-test/a/telemetry', 'zero', 0, false, resolve));
  assert.is(qos0, null);
  assert.is(await publishAcked(client, 'poco-test/a/telemetry', '{"v":1,"seq":4}'), null);
  await waitFor('both messages at the observer', () => context.observer.received.length >= 2);
  const payloads = context.observer.received.map((packet) => packet.payload.toString());
  assert.ok(payloads.includes('zero'));
  assert.ok(payloads.includes('{"v":1,"seq":4}'));
});

session('sends last will when socket drops', async (context) => {
  const proxy = await startProxy(context.broker.port);
  try {
    const client = pot(context, proxy.url, 'pot-will', { will: { topic: 'poco-test/will/status', payload: 'offline', qos: 1, retain: true } });
    await waitFor('CONNACK', () => client.client.isConnected());
    proxy.cutAll();
    await waitFor('the will at the observer', () => context.observer.received.some((p) => p.topic === 'poco-test/will/status'));
    const will = context.observer.received.find((p) => p.topic === 'poco-test/will/status');
    assert.is(will?.payload.toString(), 'offline');
  } finally {
    await proxy.close();
  }
});

session('sends no will after end', async (context) => {
  const client = startPotClient(context.broker.url, 'pot-clean-end', { will: { topic: 'poco-test/end/status', payload: 'offline', qos: 1, retain: false } });
  await waitFor('CONNACK', () => client.client.isConnected());
  client.stop();
  await waitFor('close', () => client.closes.length > 0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.not.ok(context.observer.received.some((p) => p.topic === 'poco-test/end/status'));
});

session('receives retained config on subscribe', async (context) => {
  await context.observer.client.publishAsync('poco-test/cfg/config', '{"v":1,"interval_s":300,"calibration":null}', { qos: 1, retain: true });
  const client = pot(context, context.broker.url, 'pot-config');
  client.client.subscribe('poco-test/cfg/config', 1);
  await waitFor('the retained config', () => client.messages.length > 0);
  assert.equal(client.messages[0], { topic: 'poco-test/cfg/config', payload: '{"v":1,"interval_s":300,"calibration":null}' });
});

session('acknowledges incoming QoS 1 once', async (context) => {
  const first = startPotClient(context.broker.url, 'pot-ack');
  first.client.subscribe('poco-test/ack/cmd', 1);
  await waitFor('CONNACK', () => first.client.isConnected());
  await new Promise((resolve) => setTimeout(resolve, 100));
  await context.observer.client.publishAsync('poco-test/ack/cmd', 'measure', { qos: 1 });
  await waitFor('the command', () => first.messages.length === 1);
  first.stop();

  // The session persists (clean session 0): an unacknowledged message would come back now.
  const again = pot(context, context.broker.url, 'pot-ack');
  await waitFor('CONNACK', () => again.client.isConnected());
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(again.messages.length, 0);
});

session('queues QoS 1 for an absent session', async (context) => {
  const first = startPotClient(context.broker.url, 'pot-away');
  first.client.subscribe('poco-test/away/config', 1);
  await waitFor('CONNACK', () => first.client.isConnected());
  await new Promise((resolve) => setTimeout(resolve, 100));
  first.stop();
  await waitFor('close', () => first.closes.length > 0);

  await context.observer.client.publishAsync('poco-test/away/config', 'while asleep', { qos: 1 });
  const back = pot(context, context.broker.url, 'pot-away');
  await waitFor('the queued message', () => back.messages.length > 0);
  assert.is(back.messages[0]?.payload, 'while asleep');
});

session('rejects a URL that is not mqtt://', () => {
  assert.throws(() => startPotClient('mqtts://127.0.0.1:8883', 'pot-url'), /broker URL "mqtts:\/\/127\.0\.0\.1:8883" is invalid/);
});

session.run();

// ---

const link = withBroker('mqtt client over a faulty link');

link('retries QoS 1 until PUBACK', async (context) => {
  const proxy = await startProxy(context.broker.port);
  try {
    proxy.options.dropFromBroker.push(PUBACK);
    const client = pot(context, proxy.url, 'pot-retry');
    await waitFor('CONNACK', () => client.client.isConnected());
    let calls = 0;
    const acked = await new Promise<string | null>((resolve) => client.client.publish('poco-test/retry/telemetry', 'r1', 1, false, (error) => { calls++; resolve(error); }));
    assert.is(acked, null);
    const publishes = proxy.clientHeaders.filter((header) => header >> 4 === PUBLISH);
    assert.is(publishes.length, 2);
    assert.is(publishes[0]! & 8, 0, 'first copy without DUP');
    assert.is(publishes[1]! & 8, 8, 'second copy with DUP');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.is(calls, 1);
  } finally {
    await proxy.close();
  }
});

link('reads packets cut into single bytes', async (context) => {
  const proxy = await startProxy(context.broker.port);
  try {
    proxy.options.splitToClient = true;
    await context.observer.client.publishAsync('poco-test/split/config', 'é'.repeat(150), { qos: 1, retain: true });
    const client = pot(context, proxy.url, 'pot-split');
    client.client.subscribe('poco-test/split/config', 1);
    await waitFor('the split message', () => client.messages.length > 0);
    assert.is(client.messages[0]?.payload, 'é'.repeat(150));
    assert.is(await publishAcked(client, 'poco-test/split/telemetry', 'after'), null);
  } finally {
    await proxy.close();
  }
});

link('keeps an idle link with pings', async (context) => {
  const proxy = await startProxy(context.broker.port);
  try {
    const client = pot(context, proxy.url, 'pot-idle', { keepaliveS: 1 });
    await waitFor('CONNACK', () => client.client.isConnected());
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.ok(client.client.isConnected());
    assert.is(client.closes.length, 0, client.closes.join('; '));
    assert.ok(proxy.clientHeaders.filter((header) => header >> 4 === PINGREQ).length >= 3);
  } finally {
    await proxy.close();
  }
});

link('delivers QoS 1 across a broker restart', async (context) => {
  const client = pot(context, context.broker.url, 'pot-restart');
  await waitFor('CONNACK', () => client.client.isConnected());
  await context.broker.stop();
  await waitFor('the drop', () => !client.client.isConnected());
  const delivered = publishAcked(client, 'poco-test/restart/telemetry', 'kept');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await context.broker.start();
  assert.is(await delivered, null);
  assert.ok(client.connects >= 2);
  assert.ok(client.closes.some((reason) => /reconnecting in \d+ ms/.test(reason)));
  // The observer lost its connection with the broker; later tests need a fresh one.
  await context.observer.client.endAsync();
  context.observer = await startObserver(context.broker.url, 'poco-test/#');
});

link.run();
