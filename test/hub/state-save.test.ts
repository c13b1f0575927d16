// The pot registry (pots.json) changes at every reading and is rewritten whole, so the hub saves it
// at most every POCO_STATE_SAVE_MS, not at every history flush, and always when it closes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4b1';

interface Context {
  broker: Broker;
  hub: TestHub | null;
  pub: MqttClient;
}

const state = suite<Context>('state saves');

state.before(async (context) => {
  context.broker = await startMosquitto();
  context.pub = await connectPublisher(context.broker.url);
  context.hub = null;
});

state.after(async (context) => {
  await context.pub?.endAsync();
  if (context.hub) {
    await context.hub.close();
    removeDir(context.hub.dataDir);
  }
  await context.broker?.stop();
  removeBrokerDir(context.broker);
});

function registeredPots(dataDir: string): string[] {
  const file = join(dataDir, 'pots.json');
  return existsSync(file) ? Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { pots: Record<string, unknown> }).pots) : [];
}

state('registry waits for its delay', async (context) => {
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_STATE_SAVE_MS: '60000', POCO_FLUSH_MS: '50' } });
  const hub = context.hub;
  await context.pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  const dayFolder = join(hub.dataDir, 'history', POT);
  await waitFor('reading in its day file', () => existsSync(dayFolder));
  // Several history flushes later, the registry is still the one saved before the reading.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(registeredPots(hub.dataDir), []);

  await hub.close();
  assert.equal(registeredPots(hub.dataDir), [POT], 'saved when the hub closes');
  removeDir(hub.dataDir);
  context.hub = null;
});

state('registry saved after its delay', async (context) => {
  // A hub left open by a failed test above would keep this process running.
  await context.hub?.close();
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_STATE_SAVE_MS: '200' } });
  const hub = context.hub;
  await context.pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  await waitFor('registry saved', () => registeredPots(hub.dataDir).includes(POT) || undefined, 5000);
});

state.run();
