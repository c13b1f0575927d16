// `npm run pot -- [options]`: starts virtual pots that publish to a broker like real ones.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { MAX_INTERVAL_S, MIN_INTERVAL_S, DEFAULT_INTERVAL_S } from '../domain/pot-config.js';
import { DEFAULT_PREFIX } from '../domain/topics.js';
import { DEFAULT_MAC, DEFAULT_TRACE, startVirtualPots, type VirtualPotsOptions } from '../device/host/virtual-pots.js';

export { startVirtualPots, type VirtualPots, type VirtualPotsOptions } from '../device/host/virtual-pots.js';

const HELP = `Pots virtuels POCO / POCO virtual pots

Usage: npm run pot -- [options]

  --broker URL      broker MQTT / MQTT broker (défaut / default mqtt://127.0.0.1:1883)
  --username NAME   utilisateur MQTT / MQTT user name (or POCO_MQTT_USERNAME)
  --password TEXT   mot de passe MQTT / MQTT password (or POCO_MQTT_PASSWORD)
  --prefix TEXT     préfixe des topics / topic prefix (default ${DEFAULT_PREFIX})
  --count N         nombre de pots / number of pots, 1 to 100 (default 1)
  --mac MAC         MAC du premier pot / first pot's MAC, the others count up (default ${DEFAULT_MAC})
  --mode MODE       synthetic (plante simulée / simulated plant) or replay (trace) (default synthetic)
  --trace FILE      trace CSV à rejouer / trace to replay (default ${DEFAULT_TRACE})
  --speed X         facteur de vitesse / speed factor: 1 = real time, 600 = ten hours a minute (default 1)
  --interval S      secondes entre lectures simulées / seconds between synthetic readings,
                    ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S} (default ${DEFAULT_INTERVAL_S}); the hub's config replaces it
  --data DIR        dossier de stockage des pots / pots' storage folder (default data/virtual-pots)
  --battery         sur batterie / on battery: one reading per wake-up, deep sleep between (synthetic only)
  --pump            avec une pompe / with a pump that the hub waters with (Arroser, rules)
  --verbose         journal détaillé / debug logs
  --help            cette aide / this help

At speed 1 a pot sends the real time as ts; at any other speed its clock is virtual, so it
sends no ts and the hub dates each reading when it receives it. A pot with --pump keeps the
real time as its clock at every speed, so it can check when a water command expires.`;

/** Parses a number option; returns it or throws an error naming the option and its range. */
function numberOption(name: string, text: string | undefined, fallback: number, min: number, max: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} "${text}" invalide / invalid: use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

export function parseOptions(args: string[]): Omit<VirtualPotsOptions, 'print' | 'logger'> & { verbose: boolean; help: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      broker: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' },
      prefix: { type: 'string' }, count: { type: 'string' }, mac: { type: 'string' },
      mode: { type: 'string' }, trace: { type: 'string' }, speed: { type: 'string' },
      interval: { type: 'string' }, data: { type: 'string' }, battery: { type: 'boolean' }, pump: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  const mode = values.mode ?? 'synthetic';
  if (mode !== 'synthetic' && mode !== 'replay') throw new Error(`--mode "${mode}" invalide / invalid: use synthetic or replay`);
  return {
    brokerUrl: values.broker ?? process.env['POCO_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883',
    username: values.username ?? process.env['POCO_MQTT_USERNAME'],
    password: values.password ?? process.env['POCO_MQTT_PASSWORD'],
    prefix: values.prefix ?? DEFAULT_PREFIX,
    count: numberOption('count', values.count, 1, 1, 100, true),
    mac: values.mac ?? DEFAULT_MAC,
    mode,
    tracePath: values.trace ?? DEFAULT_TRACE,
    speed: numberOption('speed', values.speed, 1, 0.001, 1_000_000, false),
    intervalS: numberOption('interval', values.interval, DEFAULT_INTERVAL_S, MIN_INTERVAL_S, MAX_INTERVAL_S, false),
    dataDir: values.data ?? 'data/virtual-pots',
    battery: values.battery ?? false,
    pump: values.pump ?? false,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n(npm run pot -- --help)`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(HELP);
    return;
  }

  const logger = pino({ level: parsed.verbose ? 'debug' : 'info' }, pretty({ destination: 2, sync: true }));
  const pots = startVirtualPots({ ...parsed, print: (line) => console.log(line), logger });
  const stopOnSignal = (): void => {
    console.log('Arrêt des pots / stopping the pots…');
    void pots.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  await pots.finished;
  process.exit(0);
}

const invokedPath = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invokedPath === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    console.error(`Erreur / error: ${err.message}`);
    process.exit(1);
  });
}
