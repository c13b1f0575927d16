// Remote watering through the hub, against a real Mosquitto and battery pots with a pump:
// commands from the API, their live states, automatic rules, the daily limit and the no-rise stop.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { getJson, removeDir, startHub, type TestHub } from '../support/hub.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { tempDir } from '../device/helpers.js';
import { readLive, startPumpPot, waitUntil, type LiveReader, type PumpPot } from './support.js';

interface Context {
  broker: Broker;
  hub: TestHub;
  dir: string;
  pots: PumpPot[];
  live: LiveReader;
}

const hub = suite<Context>('watering through the hub', {} as Context);

hub.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_TIME_ZONE: 'UTC', POCO_LOG_LEVEL: 'warn' } });
  context.dir = tempDir('watering-hub');
  context.pots = [];
  context.live = await readLive(context.hub.url);
});

hub.after(async (context) => {
  context.live.close();
  await Promise.all(context.pots.map((p) => p.pot.stop()));
  await context.hub.close();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  removeDir(context.hub.dataDir);
  rmSync(context.dir, { recursive: true, force: true });
});

async function send(context: Context, method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(context.hub.url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function commandsOf(context: Context, id: string): Promise<any[]> {
  return (await getJson(context.hub, `/api/pots/${id}/commands`)).body.commands;
}

async function known(context: Context, pot: PumpPot): Promise<void> {
  await waitUntil(async () => (await getJson(context.hub, `/api/pots/${pot.id}`)).status === 200, 20000, `pot ${pot.id} on the hub`);
}

const ruleFor = (fields: Record<string, unknown>) => ({
  rule: { enabled: true, dryForMs: 0, quietHours: null, maxReadingAgeMs: 3600_000, ...fields },
});

hub('waters a sleeping pot and shows each state live', async (context) => {
  const pot = startPumpPot(context.broker.url, context.dir, '02:00:00:00:78:01', 40);
  context.pots.push(pot);
  await known(context, pot);
  assert.is((await getJson(context.hub, `/api/pots/${pot.id}/commands`)).body.pump, true, 'the pot stated its pump in its readings');
  await waitUntil(() => pot.pot.sleeping(), 15000, 'the pot to sleep');
  const answer = await send(context, 'POST', `/api/pots/${pot.id}/water`, { duration_s: 3 });
  assert.is(answer.status, 201, JSON.stringify(answer.body));
  const id = answer.body.command.id as string;

  await waitUntil(async () => (await commandsOf(context, pot.id)).some((c) => c.id === id && c.state === 'done'), 20000, 'the command done');
  const done = (await commandsOf(context, pot.id)).find((c) => c.id === id);
  assert.is(done.ranS, 3);
  assert.ok(done.moistureAfter > done.moistureBefore, JSON.stringify(done));
  assert.is(pot.soil.runs.length, 1);
  const states = context.live.events.filter((e) => e.event === 'command' && e.data.command.id === id).map((e) => e.data.command.state);
  assert.equal(states, ['pending', 'sent', 'done']);
  const timeline = (await getJson(context.hub, `/api/pots/${pot.id}/timeline`)).body.events.filter((e: any) => e.kind === 'watering_command');
  assert.equal(timeline.map((e: any) => e.data.state), ['pending', 'done']);
  const usage = (await getJson(context.hub, `/api/pots/${pot.id}/commands`)).body.usage;
  assert.equal(usage.today, { runs: 1, seconds: 3, ml: null });
});

hub('refuses a volume without a flow, then converts it', async (context) => {
  const pot = context.pots[0]!;
  const refused = await send(context, 'POST', `/api/pots/${pot.id}/water`, { volume_ml: 10 });
  assert.is(refused.status, 400);
  assert.match(refused.body.error, /pump flow/);
  assert.is((await send(context, 'PUT', `/api/pots/${pot.id}/watering-rules`, { flowMlPerS: 5 })).status, 200);
  const answer = await send(context, 'POST', `/api/pots/${pot.id}/water`, { volume_ml: 12 });
  assert.is(answer.status, 201);
  assert.is(answer.body.command.durationS, 3);
  const usage = (await getJson(context.hub, `/api/pots/${pot.id}/commands`)).body.usage;
  assert.is(usage.today.ml, 15);
});

hub('rejects a request with both or neither amount', async (context) => {
  const pot = context.pots[0]!;
  assert.is((await send(context, 'POST', `/api/pots/${pot.id}/water`, {})).status, 400);
  assert.is((await send(context, 'POST', `/api/pots/${pot.id}/water`, { duration_s: 2, volume_ml: 3 })).status, 400);
  assert.is((await send(context, 'POST', `/api/pots/${pot.id}/water`, { duration_s: 601 })).status, 400);
});

hub('a rule waters when dry and stops at the daily limit', async (context) => {
  const pot = startPumpPot(context.broker.url, context.dir, '02:00:00:00:78:02', 20, 1);
  context.pots.push(pot);
  await known(context, pot);
  const put = await send(context, 'PUT', `/api/pots/${pot.id}/watering-rules`, ruleFor({ thresholdPercent: 30, durationS: 2, maxPerDay: 2, maxSecondsPerDay: 10, minRisePercent: 1 }));
  assert.is(put.status, 200, JSON.stringify(put.body));

  await waitUntil(async () => (await commandsOf(context, pot.id)).filter((c) => c.state === 'done').length >= 2, 40000, 'two waterings by the rule');
  const bootsAtLimit = pot.pot.boots();
  await waitUntil(() => pot.pot.boots() >= bootsAtLimit + 3, 30000, 'three more wake-ups');
  const commands = await commandsOf(context, pot.id);
  assert.is(commands.length, 2, JSON.stringify(commands));
  assert.ok(commands.every((c) => c.origin === 'dry'));
  assert.is(pot.soil.runs.length, 2);
  assert.ok(pot.soil.percentAt(Date.now()) < 30, 'still dry, so only the limit stopped it');
  const rules = (await getJson(context.hub, `/api/pots/${pot.id}/watering-rules`)).body;
  assert.is(rules.state.countToday, 2);
  const skips = (await getJson(context.hub, `/api/pots/${pot.id}/timeline`)).body.events.filter((e: any) => e.kind === 'watering_rule');
  assert.equal(skips.map((e: any) => e.data.skip), ['daily_count']);
});

hub('no rise after a watering stops the rule with an alert', async (context) => {
  const pot = startPumpPot(context.broker.url, context.dir, '02:00:00:00:78:03', 20);
  pot.soil.setTankEmpty(true);
  context.pots.push(pot);
  await known(context, pot);
  const put = await send(context, 'PUT', `/api/pots/${pot.id}/watering-rules`, ruleFor({ thresholdPercent: 30, durationS: 2, maxPerDay: 5, maxSecondsPerDay: 20, riseWindowMs: 4000, minRisePercent: 3 }));
  assert.is(put.status, 200);

  await waitUntil(async () => (await getJson(context.hub, `/api/pots/${pot.id}/watering-rules`)).body.state.disabled !== null, 40000, 'the rule to stop');
  const active = (await getJson(context.hub, '/api/alerts')).body.active;
  assert.ok(active.some((a: any) => a.potId === pot.id && a.kind === 'no_rise'), JSON.stringify(active));
  assert.ok(context.live.events.some((e) => e.event === 'alert' && e.data.potId === pot.id && e.data.alert.kind === 'no_rise'));
  const boots = pot.pot.boots();
  await waitUntil(() => pot.pot.boots() >= boots + 2, 20000, 'two more wake-ups');
  assert.is((await commandsOf(context, pot.id)).length, 1, 'no watering after the stop');

  const enabled = await send(context, 'PUT', `/api/pots/${pot.id}/watering-rules`, { enable: true });
  assert.is(enabled.body.state.disabled, null);
  const after = (await getJson(context.hub, '/api/alerts')).body.active;
  assert.not.ok(after.some((a: any) => a.potId === pot.id && a.kind === 'no_rise'));
});

hub.run();
