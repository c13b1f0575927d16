// Runs device/dist/linux-check.js on Espruino's Linux build, the real interpreter, against a
// Mosquitto started here. Set POCO_ESPRUINO_BIN to the `espruino` binary (built from the
// Espruino sources with `make`, BOARD=LINUX); without it the suite is skipped.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '../../domain/reading.js';
import { buildDefault, LINUX_CHECK_FILE } from '../../scripts/device-build.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { record, type Recorder } from '../device/helpers.js';

const BIN = process.env['POCO_ESPRUINO_BIN'];

interface Interpreter {
  child: ChildProcess;
  output(): string;
}

interface Context {
  broker: Broker;
  recorder: Recorder;
  dirs: string[];
  running: Interpreter[];
}

/** Starts the check in a fresh folder, where Espruino keeps its Storage in espruino.flash. */
function startCheck(context: Context, mac: string, mode: 'mains' | 'battery'): { interpreter: Interpreter; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'poco-espruino-'));
  context.dirs.push(dir);
  const settings = { url: context.broker.url, mac, mode, intervalS: 1 };
  writeFileSync(join(dir, 'check.js'), `var POCO_CHECK=${JSON.stringify(settings)};\n${readFileSync(LINUX_CHECK_FILE, 'utf8')}`);
  const child = spawn(BIN!, ['check.js'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
  child.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
  const interpreter = { child, output: () => text };
  context.running.push(interpreter);
  return { interpreter, dir };
}

function readings(recorder: Recorder, id: string): Reading[] {
  return recorder.on(`poco/${id}/telemetry`).map((m) => JSON.parse(m.text) as Reading);
}

function statuses(recorder: Recorder, id: string): string[] {
  return recorder.on(`poco/${id}/status`).map((m) => m.text);
}

function kill(interpreter: Interpreter): Promise<void> {
  if (interpreter.child.exitCode !== null || interpreter.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    interpreter.child.once('exit', () => resolve());
    interpreter.child.kill('SIGKILL');
  });
}

const linux = suite<Context>('firmware on Espruino for Linux', {} as Context);

linux.before(async (context) => {
  context.dirs = [];
  context.running = [];
  if (!BIN) return;
  if (!existsSync(BIN)) throw new Error(`POCO_ESPRUINO_BIN is ${BIN}, which does not exist: point it at the espruino binary`);
  assert.ok(await buildDefault(), 'device:build failed');
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, 'poco/#');
});

linux.after.each(async (context) => {
  await Promise.all(context.running.splice(0).map(kill));
});

linux.after(async (context) => {
  if (!BIN) return;
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  for (const dir of context.dirs) rmSync(dir, { recursive: true, force: true });
});

if (!BIN) {
  console.log('firmware on Espruino for Linux: skipped, because POCO_ESPRUINO_BIN is not set (see docs/device.md)');
} else {
  linux('publishes readings, applies config, fires will', async (context) => {
    const id = '020000006001';
    const { interpreter, dir } = startCheck(context, '02:00:00:00:60:01', 'mains');
    await context.recorder.until(() => readings(context.recorder, id).length >= 3, 10000, `3 readings; interpreter printed:\n${interpreter.output()}`);

    assert.is(statuses(context.recorder, id)[0], 'online');
    const seqs = readings(context.recorder, id).slice(0, 3).map((r) => r.seq);
    assert.equal(seqs, [0, 1, 2]);
    assert.is(readings(context.recorder, id)[0]!.moisture_raw, 2000);

    const config = { v: 1, interval_s: 30, calibration: { dry: 3000, wet: 1000 } };
    await context.recorder.client.publishAsync(`poco/${id}/config`, JSON.stringify(config), { qos: 1, retain: true });
    await context.recorder.until(() => interpreter.output().includes('config applied'), 5000, 'config applied');
    assert.ok(interpreter.output().includes('interval 30 s, calibration dry=3000 wet=1000'), interpreter.output());
    assert.ok(readFileSync(join(dir, 'espruino.flash'), 'latin1').includes(JSON.stringify(config)), 'config stored in Storage');
    await context.recorder.client.publishAsync(`poco/${id}/config`, '', { qos: 1, retain: true });

    await kill(interpreter);
    await context.recorder.until(() => statuses(context.recorder, id).includes('offline'), 5000, 'the last will');
    assert.not.ok(interpreter.output().includes('Uncaught'), interpreter.output());
  });

  linux('runs battery cycles without offline', async (context) => {
    const id = '020000006002';
    const { interpreter } = startCheck(context, '02:00:00:00:60:02', 'battery');
    await context.recorder.until(() => readings(context.recorder, id).length >= 3, 15000, `3 readings; interpreter printed:\n${interpreter.output()}`);

    const seqs = readings(context.recorder, id).slice(0, 3).map((r) => r.seq);
    assert.equal(seqs, [0, 1, 2]);
    assert.not.ok(statuses(context.recorder, id).includes('offline'), statuses(context.recorder, id).join(', '));
    assert.ok((interpreter.output().match(/POCO_SLEEP/g) ?? []).length >= 2, interpreter.output());
    assert.match(interpreter.output(), /awake \d+ ms this cycle/);
    assert.not.ok(interpreter.output().includes('Uncaught'), interpreter.output());
  });
}

linux.run();
