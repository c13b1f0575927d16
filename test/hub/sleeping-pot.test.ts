// A battery pot states its interval in each reading, so the hub keeps it online through a long
// sleep from its very first reading (field case: a pot that reports every 30 minutes).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { potStatus } from '../../domain/pot-status.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, getJson, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4a9';

interface Context {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
}

const sleeping = suite<Context>('sleeping pot');

sleeping.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pub = await connectPublisher(context.broker.url);
});

sleeping.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

sleeping('takes the interval from the first reading', async ({ hub, pub }) => {
  await pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(1, { interval_s: 1800 }), { qos: 1 });
  const pot = await waitFor('pot registered', async () => {
    const response = await getJson(hub, `/api/pots/${POT}`);
    return response.status === 200 ? response.body : undefined;
  });
  assert.is(pot.intervalS, 1800);
  assert.is(pot.status, 'online');

  // Twenty minutes into its sleep the pot is still online; after three missed intervals it is not.
  const input = { lastSeen: pot.lastSeen, intervalS: pot.intervalS, announced: null, announcedAt: null };
  assert.is(potStatus(input, pot.lastSeen + 20 * 60_000), 'online');
  assert.is(potStatus(input, pot.lastSeen + 4 * 1800_000), 'offline');
});

sleeping('rejects an interval outside 1 to 86400 s', async ({ hub, pub }) => {
  await pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(2, { interval_s: 0 }), { qos: 1 });
  await waitFor('rejection counted', () => (hub.app.mqtt.counters.rejected.invalid ?? 0) === 1);
});

sleeping.run();
