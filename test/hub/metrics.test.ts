// GET /metrics in the Prometheus text format, read after real messages through Mosquitto.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

const TOPIC = 'poco/a0b1c2d3e610/telemetry';

interface Context {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
}

const metrics = suite<Context>('metrics route');

metrics.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pub = await connectPublisher(context.broker.url);
  const payload = readingPayload(1, { ts: Math.floor(Date.now() / 1000) - 10 });
  await context.pub.publishAsync(TOPIC, payload, { qos: 1 });
  await context.pub.publishAsync(TOPIC, payload, { qos: 1 });
  await context.pub.publishAsync(TOPIC, 'not json', { qos: 1 });
  await waitFor('three messages handled', () => context.hub.app.mqtt.counters.received === 3);
  await context.hub.app.store.flush();
});

metrics.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  if (context.hub) removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

metrics('count messages by outcome', async ({ hub }) => {
  const response = await fetch(hub.url + '/metrics');
  const text = await response.text();
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(text, /^poco_messages_received_total 3$/m);
  assert.match(text, /^poco_messages_stored_total 1$/m);
  assert.match(text, /^poco_messages_duplicates_total 1$/m);
  assert.match(text, /^poco_messages_rejected_total\{reason="not_json"\} 1$/m);
});

metrics('report the disk, the log and the link', async ({ hub }) => {
  const text = await (await fetch(hub.url + '/metrics')).text();
  assert.match(text, /^poco_pending_readings 0$/m);
  assert.match(text, /^poco_wal_bytes 0$/m);
  assert.match(text, /^poco_disk_failing 0$/m);
  // Plant care also reads the day before, for its 12-hour window.
  assert.match(text, /^poco_open_day_files [12]$/m);
  assert.match(text, /^poco_open_rollup_partitions 3$/m);
  assert.match(text, /^poco_readings_lost_total 0$/m);
  assert.match(text, /^poco_broker_connected 1$/m);
  assert.match(text, /^poco_live_clients 0$/m);
  assert.match(text, /^poco_flush_duration_seconds_count [1-9]\d*$/m);
});

metrics.run();
