// `npm start`: builds the dashboard when needed, starts the hub (which falls back to an embedded
// broker when none responds locally), and, with --demo, a virtual pot that sends the shipped trace
// as its past two weeks, then publishes live readings.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { buildWeb } from './build-web.js';
import { DEFAULT_MAC, DEFAULT_TRACE, startVirtualPots } from '../device/host/virtual-pots.js';
import { loadConfig } from '../hub/config.js';

const HELP = `Usage: npm start [-- --demo [--live-interval S]]

  --demo       lance aussi un pot virtuel : la trace fournie devient ses deux
               dernières semaines, puis il envoie des lectures en direct
               also starts a virtual pot: the shipped trace becomes its past
               two weeks, then it sends live readings
  --live-interval S
               secondes entre deux lectures en direct (défaut 60)
               seconds between live readings (default 60)
  --help       affiche cette aide / shows this help

Réglages du hub / hub settings: variables POCO_* (docs/configuration.md).`;

interface StartOptions {
  demo: boolean;
  liveIntervalS: number;
}

function parseArgs(args: string[]): StartOptions {
  const options: StartOptions = { demo: false, liveIntervalS: 60 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      console.log(HELP);
      process.exit(0);
    } else if (arg === '--demo') {
      options.demo = true;
    } else if (arg === '--live-interval') {
      const value = Number(args[++i]);
      if (!Number.isFinite(value) || value < 1) {
        console.error(`--live-interval "${args[i]}" invalide / invalid: donnez des secondes, 1 ou plus / give seconds, 1 or more, e.g. --live-interval 60`);
        process.exit(2);
      }
      options.liveIntervalS = value;
    } else {
      console.error(`Option inconnue / unknown option "${arg}"\n\n${HELP}`);
      process.exit(2);
    }
  }
  return options;
}

// Newest modification time of the files under a folder, in ms.
function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

async function ensureDashboardBuilt(): Promise<void> {
  const index = resolve('web/dist/index.html');
  const sources = ['web/src', 'web/public', 'web/i18n'].map((dir) => newestMtime(resolve(dir)));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources)) return;
  console.log('Construction du tableau de bord / building the dashboard (web/dist)…');
  await buildWeb();
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  await ensureDashboardBuilt();

  // The hub starts on import and resolves once it listens and its broker connection is set up.
  await import('../hub/server.js');
  if (!options.demo) return;

  const config = loadConfig();
  const pots = startVirtualPots({
    brokerUrl: config.mqttUrl,
    username: config.mqttUsername ?? undefined,
    password: config.mqttPassword ?? undefined,
    prefix: config.mqttPrefix,
    count: 1,
    mac: DEFAULT_MAC,
    mode: 'replay',
    tracePath: resolve(DEFAULT_TRACE),
    speed: 1,
    backfill: true,
    liveIntervalS: options.liveIntervalS,
    intervalS: 60,
    dataDir: join(config.dataDir, 'virtual-pots'),
    print: (line) => console.log(line),
    logger: pino({ level: 'warn' }),
  });
  process.once('SIGINT', () => void pots.stop());
  process.once('SIGTERM', () => void pots.stop());
}

await main();
