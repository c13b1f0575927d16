// Random topics and payloads against the ingest path (fast-check): the Ingest class on a real
// store in a temporary folder, then a smaller sample through a real Mosquitto and the hub. The
// hub never throws, every rejection has a reason, and valid readings mixed in are all stored.
import fc from 'fast-check';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { MAX_PAYLOAD_BYTES } from '../../domain/reading.js';
import { Ingest } from '../../hub/mqtt/ingest.js';
import { Live } from '../../hub/plugins/live.js';
import { Store } from '../../hub/store/store.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, removeDir, startHub, tempDataDir, waitFor, type LogLine, type TestHub } from '../support/hub.js';
import { sized } from './child-hub.js';

const POTS = ['a0b1c2d3e607', 'a0b1c2d3e608'];

interface Message {
  topic: string;
  payload: Uint8Array;
}

const text = (s: string) => new TextEncoder().encode(s);

/** Values of every JSON shape, huge numbers and long strings included. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, 1e-320),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 500, maxLength: 2000 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('v', 'seq', 'moisture_raw', 'light_raw', 'fw', 'ts', 'rssi', 'faults', 'battery_mv', 'x'), tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** Payloads: raw bytes, JSON of any shape, near-valid readings, deep nesting. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  jsonValue.map((value) => text(JSON.stringify(value) ?? 'undefined')),
  fc.record({ v: fc.constantFrom(1, 2, '1'), seq: jsonValue, moisture_raw: jsonValue, light_raw: fc.integer(), fw: fc.string({ maxLength: 20 }) }).map((value) => text(JSON.stringify(value))),
  fc.integer({ min: 1, max: 5000 }).map((depth) => text('['.repeat(depth) + ']'.repeat(depth))),
  fc.integer({ min: 1, max: 5000 }).map((depth) => text('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
);

const topic = fc.oneof(
  fc.constantFrom(...POTS).map((id) => `poco/${id}/telemetry`),
  fc.constantFrom(...POTS).map((id) => `poco/${id}/status`),
  fc.string({ maxLength: 60 }),
  fc.string({ maxLength: 12 }).map((id) => `poco/${id}/telemetry`),
  fc.constantFrom('poco', 'poco//telemetry', 'poco/+/telemetry', 'poco/A0:B1:C2:D3:E6:07/telemetry', 'other/a0b1c2d3e607/telemetry'),
);

const message = fc.record({ topic, payload });

/** A valid reading that the fuzzed messages must not disturb; `seq` identifies it. */
function validMessage(seq: number): Message {
  const ts = Math.floor(Date.now() / 1000) - 100000 + seq;
  return { topic: `poco/${POTS[seq % 2]}/telemetry`, payload: text(JSON.stringify({ v: 1, seq, moisture_raw: 2000, light_raw: 300 + (seq % 100), fw: '0.1.0', ts })) };
}

interface Context {
  dataDir: string;
  store: Store;
  ingest: Ingest;
  live: Live;
  logs: LogLine[];
}

const unit = suite<Context>('fuzzed ingest');

unit.before(async (context) => {
  context.dataDir = tempDataDir();
  context.logs = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void context.logs.push(JSON.parse(line) as LogLine) });
  context.store = await Store.open({ dataDir: context.dataDir, flushMs: 50, flushMaxReadings: 500, rawRetentionDays: 36500 }, log);
  context.live = new Live(60000);
  context.ingest = new Ingest({ prefix: 'poco', store: context.store, live: context.live, log });
});

unit.after(async (context) => {
  context.live?.close();
  await context.store?.close();
  removeDir(context.dataDir);
});

unit('never throw and store every valid reading', async (context) => {
  const runs = sized(1000, 10000);
  let nextSeq = 1;
  fc.assert(
    fc.property(fc.array(message, { maxLength: 3 }), (messages) => {
      const valid = validMessage(nextSeq++);
      for (const m of [...messages, valid]) context.ingest.handle(m.topic, m.payload);
    }),
    { numRuns: runs },
  );
  await context.store.flush();

  const { counters } = context.ingest;
  assert.is(counters.rejected.internal ?? 0, 0, 'no message hit an unexpected error');
  const warned = context.logs.filter((line) => line.msg.startsWith('reading rejected'));
  assert.ok(warned.length > 0);
  assert.ok(warned.every((line) => typeof line['reason'] === 'string' && typeof line['error'] === 'string'), 'every rejection has a reason and a message');

  const stored = new Set<number>();
  for (const potId of POTS) for (const r of await context.store.readings(potId, 0, Date.now() + 1e12)) stored.add(r.seq);
  const missing = [];
  for (let seq = 1; seq < nextSeq; seq++) if (!stored.has(seq)) missing.push(seq);
  console.log(`  ${runs} runs: ${counters.received} messages, ${counters.stored} stored, rejected ${JSON.stringify(counters.rejected)}`);
  assert.equal(missing, [], 'every valid reading is stored');
});

unit('parse deep nesting within the size limit', (context) => {
  // The size limit keeps nesting below about 1 000 levels, far from what JSON.parse can recurse.
  const depth = MAX_PAYLOAD_BYTES / 2;
  const before = context.ingest.counters.rejected.internal ?? 0;
  context.ingest.handle(`poco/${POTS[0]}/telemetry`, text('['.repeat(depth) + ']'.repeat(depth)));
  context.ingest.handle(`poco/${POTS[0]}/telemetry`, text('['.repeat(100000) + ']'.repeat(100000)));
  assert.is(context.ingest.counters.rejected.internal ?? 0, before);
  assert.not.throws(() => JSON.parse('['.repeat(depth) + ']'.repeat(depth)));
});

unit.run();

// ---

interface BrokerContext {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
}

const wire = suite<BrokerContext>('fuzzed messages through Mosquitto');

wire.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_MQTT_CLIENT_ID: 'poco-fault-fuzz' } });
  context.pub = await connectPublisher(context.broker.url);
});

wire.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  if (context.hub) removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

wire('store every valid reading among fuzzed ones', async ({ hub, pub }) => {
  const runs = sized(100, 1000);
  // MQTT itself rejects wildcards and empty topics in PUBLISH, so only publishable topics go out.
  const publishable = fc.record({ topic: topic.filter((t) => t.length > 0 && !/[+#\u0000]/.test(t) && !t.startsWith('$')), payload });
  const samples = fc.sample(fc.array(publishable, { maxLength: 3 }), { numRuns: runs, seed: 8 });
  let seq = 0;
  for (const messages of samples) {
    for (const m of messages) await pub.publishAsync(m.topic, Buffer.from(m.payload), { qos: 1 });
    const valid = validMessage(++seq);
    await pub.publishAsync(valid.topic, Buffer.from(valid.payload), { qos: 1 });
  }
  await waitFor('valid readings stored', () => hub.app.mqtt.counters.stored >= seq, 15000);
  await hub.app.store.flush();

  const stored = new Set<number>();
  for (const potId of POTS) for (const r of await hub.app.store.readings(potId, 0, Date.now() + 1e12)) stored.add(r.seq);
  for (let n = 1; n <= seq; n++) assert.ok(stored.has(n), `reading ${n} stored`);
  assert.is(hub.app.mqtt.counters.rejected.internal ?? 0, 0);
});

wire.run();
