// The README's hand-made reading, sent with the real mosquitto_pub command, reaches the API.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { getJson, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

interface Context {
  broker: Broker;
  hub: TestHub;
}

// The command as the README prints it, so the documentation cannot drift from what works.
function readmeCommand(): { topic: string; message: string } {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const match = /mosquitto_pub -h 127\.0\.0\.1 -q 1 -t (\S+) \\\n\s+-m '([^']+)'/.exec(readme);
  if (!match) throw new Error('README.md no longer shows the mosquitto_pub example');
  return { topic: match[1]!, message: match[2]! };
}

const manual = suite<Context>('mosquitto_pub reading');

manual.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
});

manual.after(async (context) => {
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

manual('stores the README example reading', async ({ broker, hub }) => {
  const { topic, message } = readmeCommand();
  execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-t', topic, '-m', message]);

  const pot = await waitFor('pot registered', async () => {
    const response = await getJson(hub, '/api/pots/A4:CF:12:B3:C4:D5');
    return response.status === 200 ? response.body : undefined;
  });
  assert.is(pot.id, 'a4cf12b3c4d5');
  assert.is(pot.latest.moisture_raw, 2710);
  assert.is(pot.latest.light, 412);
  assert.is(pot.latest.clock, 'hub');

  const readings = await getJson(hub, '/api/pots/a4cf12b3c4d5/readings');
  assert.is(readings.body.readings.length, 1);
});

manual.run();
