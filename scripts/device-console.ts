// Runs the espruino CLI for the flash and config scripts, always offline-safe: a local board
// file, a local module path and no online compiler, so it never reaches the internet. Every
// call is bounded by a timeout because a short `-e` command can leave the CLI waiting.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './device-build.js';

export const BOARD_FILE = resolve(REPO_ROOT, 'device/boards/ESP32.json');
const CLI = resolve(REPO_ROOT, 'node_modules/.bin/espruino');

export interface CliRun {
  code: number | null;
  timedOut: boolean;
  /** Lines the board printed, without the CLI's `--]` prefix. */
  boardLines: string[];
  output: string;
}

/** A message for students, French first, then English. */
export class DeviceError extends Error {}

export function offlineArgs(): string[] {
  const local = pathToFileURL(resolve(REPO_ROOT, 'device/boards')).href;
  return [
    '--no-ble', '--board', BOARD_FILE,
    '--config', `MODULE_URL=${local}`,
    '--config', `BOARD_JSON_URL=${local}`,
    '--config', 'COMPILATION=false',
    '--config', 'MINIFICATION_LEVEL=',
  ];
}

/** Checks the port before the CLI tries it, so a typo gets a clear message. */
export function checkPort(port: string | undefined): string {
  if (!port) throw new DeviceError('Port manquant : ajoutez --port /dev/ttyUSB0 / Port missing: add --port /dev/ttyUSB0');
  if (/^tcp:\/\/[^/]+$/.test(port)) return port;
  if (!existsSync(port)) {
    throw new DeviceError(`Port introuvable : ${port} (branchez la carte, puis ls /dev/ttyUSB* /dev/ttyACM*) / Port not found: ${port} (plug the board in, then list /dev/ttyUSB* /dev/ttyACM*)`);
  }
  return port;
}

export function runCli(args: string[], timeoutMs: number): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(CLI, [...offlineArgs(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // The CLI prints each byte from the board as one character; the board's strings are UTF-8.
      const boardLines = output.split('\n').filter((line) => line.startsWith('--]'))
        .map((line) => Buffer.from(line.slice(3).trim(), 'latin1').toString('utf8'));
      resolvePromise({ code, timedOut, boardLines, output });
    });
  });
}

/** Finds `MARKER=<json>` in what the board printed and parses it, or returns undefined. */
export function readMarker(run: CliRun, marker: string): unknown {
  for (const printed of run.boardLines) {
    // The REPL's `>` prompt comes before the next output on the same line.
    const line = printed.replace(/^>+/, '');
    // The echo of the command also contains the marker, inside a string literal: skip it.
    if (!line.startsWith(marker + '=')) continue;
    try {
      return JSON.parse(line.slice(marker.length + 1));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Replaces every secret in `text` with *****, for output shown to people. */
export function maskSecrets(text: string, secrets: (string | undefined)[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), JSON.stringify(JSON.stringify(secret)).slice(1, -1)]) {
      masked = masked.split(form).join('*****');
    }
  }
  return masked;
}

/** Reads process.env on the board and checks its BOARD against `expected`. */
export async function checkBoard(port: string, expected: string, timeoutMs: number): Promise<string> {
  const run = await runCli(['-p', port, '-e', 'print("POCO_ENV="+JSON.stringify({BOARD:process.env.BOARD,VERSION:process.env.VERSION}))'], timeoutMs);
  if (run.output.includes('Unable to connect')) {
    throw new DeviceError(`Connexion impossible sur ${port} / Cannot connect to ${port}: check the cable and that no other program (IDE, screen) uses the port`);
  }
  const env = readMarker(run, 'POCO_ENV') as { BOARD?: string; VERSION?: string } | undefined;
  if (!env) {
    const reason = run.timedOut ? `délai dépassé (${timeoutMs} ms) / timed out after ${timeoutMs} ms` : 'pas de réponse / no answer';
    throw new DeviceError(`La carte ne répond pas sur ${port} : ${reason} / The board did not answer on ${port}: is Espruino flashed on it?`);
  }
  if (env.BOARD !== expected) {
    throw new DeviceError(`Mauvaise carte : ${port} annonce ${env.BOARD}, attendu ${expected} (BOARD=${env.BOARD} pour forcer) / Wrong board: ${port} reports ${env.BOARD}, expected ${expected} (set BOARD=${env.BOARD} to override)`);
  }
  return `${env.BOARD} ${env.VERSION ?? ''}`.trim();
}

/** Reads `--name value` and `--name=value` options; a flag without a value is true. */
export function parseOptions(argv: string[]): Map<string, string | true> {
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new DeviceError(`Argument inattendu : ${arg} / Unexpected argument: ${arg}`);
    const equals = arg.indexOf('=');
    if (equals > 0) {
      options.set(arg.slice(2, equals), arg.slice(equals + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) {
      options.set(arg.slice(2), true);
    } else {
      options.set(arg.slice(2), next);
      i++;
    }
  }
  return options;
}
