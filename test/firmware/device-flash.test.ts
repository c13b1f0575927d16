import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FIRMWARE_FILE } from '../../scripts/device-build.js';
import { startStandInConsole, type StandInConsole } from './helpers/espruino-console.js';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an npm-script entry (tsx) as a child process, without blocking the stand-in console. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGTERM'), 90000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const flash = suite<{ stand: StandInConsole }>('device:flash', {} as { stand: StandInConsole });

flash.before(async (context) => {
  context.stand = await startStandInConsole('ESP32');
});

flash.after(async (context) => {
  await context.stand.close();
});

flash('uploads and saves to flash', async (context) => {
  const run = await runScript('scripts/device-flash.ts', ['--port', context.stand.url, '--timeout', '30']);
  assert.is(run.code, 0, run.stdout + run.stderr);
  for (const index of [1, 2, 3, 4]) assert.match(run.stdout, `[${index}/4]`);
  assert.match(run.stdout, 'POCO is saved to flash');
  const built = readFileSync(FIRMWARE_FILE, 'latin1');
  assert.is(context.stand.storage.get('.bootcde'), built);
  assert.ok(context.stand.statements.some((statement) => statement.startsWith('load()')));
});

flash('rejects a missing serial port', async () => {
  const run = await runScript('scripts/device-flash.ts', ['--port', '/dev/ttyPOCO-absent']);
  assert.is(run.code, 1);
  assert.match(run.stderr, 'Port introuvable : /dev/ttyPOCO-absent');
  assert.match(run.stderr, 'Port not found');
});

flash('rejects a missing --port', async () => {
  const run = await runScript('scripts/device-flash.ts', []);
  assert.is(run.code, 1);
  assert.match(run.stderr, 'Port missing');
});

flash('rejects the wrong board', async (context) => {
  const run = await runScript('scripts/device-flash.ts', ['--port', context.stand.url, '--timeout', '30'], { BOARD: 'PICO' });
  assert.is(run.code, 1);
  assert.match(run.stderr, 'Wrong board');
  assert.match(run.stderr, 'reports ESP32, expected PICO');
});

flash('reports a console that is down', async () => {
  const closed = await startStandInConsole();
  const url = closed.url;
  await closed.close();
  const run = await runScript('scripts/device-flash.ts', ['--port', url, '--timeout', '10']);
  assert.is(run.code, 1, run.stdout);
  assert.ok(/Cannot connect|did not answer/.test(run.stderr), `unexpected message: ${run.stderr.slice(-600)}`);
});

flash.run();

// ---

const offline = suite('espruino CLI offline');

offline('prepares the upload without network', async () => {
  // unshare -n gives the CLI a network namespace with no interface up: any online look-up fails.
  const probe = await new Promise<number | null>((resolve) => spawn('unshare', ['-n', 'true']).on('close', resolve).on('error', () => resolve(null)));
  if (probe !== 0) {
    console.log('  unshare -n is not permitted here: check skipped');
    return;
  }
  const outFile = `${FIRMWARE_FILE}.sent.js`;
  const { offlineArgs } = await import('../../scripts/device-console.js');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('unshare', ['-n', 'node_modules/.bin/espruino', ...offlineArgs(), '-n', '-o', outFile, FIRMWARE_FILE], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGTERM'), 30000);
    child.on('close', (exit) => { clearTimeout(timer); resolve(exit); });
  });
  assert.is(code, 0);
  assert.is(readFileSync(outFile, 'latin1').trim(), readFileSync(FIRMWARE_FILE, 'latin1').trim());
});

offline.run();
