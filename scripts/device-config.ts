// npm run device:config -- --port P --wifi-ssid S --wifi-password W --broker mqtt://host:1883
//   [--mqtt-user U --mqtt-password M --prefix poco --ntp pool.ntp.org --interval 300 --dry 3200 --wet 1500
//    --moisture-pin D34 --light-pin D35 --sensor-power-pin D25 --battery --timeout 30
//    --pump-pin D26 [--pump-active-low | --pump-active-high] --pump-max-s 30 --pump-min-interval-s 600
//    --pump-flow-ml-s 2 --new-claim-secret]
// Writes the pot's settings into Espruino Storage (poco.json), reads them back and compares.
// Passwords are never printed: they show as *****.
// The pot's claim secret (claim.secret) is made here from 32 random bytes, once. A board that
// already contains one keeps it, unless --new-claim-secret replaces it, which voids the old code.
// The secret is never printed; the claim code derived from it and the board's MAC is.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_INTERVAL_S } from '../domain/pot-config.js';
import { checkDeviceSettings, DEVICE_SETTINGS_FILE, type DeviceSettings, type PumpWiring } from '../device/espruino/device-settings.js';
import { claimCode, formatClaimCode, isClaimSecret } from '../domain/pot-claim.js';
import { CLAIM_SECRET_FILE } from '../device/core/claim.js';
import { potIdFromMac } from '../device/core/mac.js';
import { nodeSha256 } from '../device/host/claim.js';
import { checkPort, DeviceError, maskSecrets, parseOptions, readMarker, runCli } from './device-console.js';

/** A short run and ten minutes between runs, until the user measures the pot's needs. */
const DEFAULT_PUMP_MAX_S = 30;
const DEFAULT_PUMP_MIN_INTERVAL_S = 600;

function text(options: Map<string, string | true>, name: string): string | undefined {
  const value = options.get(name);
  if (value === true) throw new DeviceError(`--${name} sans valeur / --${name} needs a value`);
  return value;
}

function number(options: Map<string, string | true>, name: string): number | undefined {
  const value = text(options, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!isFinite(parsed)) throw new DeviceError(`--${name} invalide : "${value}" n'est pas un nombre / invalid --${name}: "${value}" is not a number`);
  return parsed;
}

const PUMP_OPTIONS = ['pump-active-low', 'pump-active-high', 'pump-max-s', 'pump-min-interval-s', 'pump-flow-ml-s'];

/** Builds the pump part of the settings, or returns undefined without --pump-pin. */
function pumpFromOptions(options: Map<string, string | true>): PumpWiring | undefined {
  const pin = text(options, 'pump-pin');
  if (pin === undefined) {
    const stray = PUMP_OPTIONS.find((name) => options.has(name));
    if (stray !== undefined) throw new DeviceError(`--${stray} sans --pump-pin / --${stray} needs --pump-pin: give the pin that drives the pump`);
    return undefined;
  }
  const low = options.get('pump-active-low');
  const high = options.get('pump-active-high');
  if (low !== undefined && high !== undefined) throw new DeviceError('Choisissez --pump-active-low ou --pump-active-high / Give only one of --pump-active-low and --pump-active-high');
  if (typeof low === 'string' || typeof high === 'string') throw new DeviceError('--pump-active-low et --pump-active-high ne prennent pas de valeur / take no value');
  return {
    pin,
    activeLow: low === true,
    maxRunS: number(options, 'pump-max-s') ?? DEFAULT_PUMP_MAX_S,
    minIntervalS: number(options, 'pump-min-interval-s') ?? DEFAULT_PUMP_MIN_INTERVAL_S,
    flowMlPerS: number(options, 'pump-flow-ml-s') ?? 0,
  };
}

/** Builds the settings from command-line options and validates them like the firmware does. */
export function settingsFromOptions(options: Map<string, string | true>): DeviceSettings {
  const dry = number(options, 'dry');
  const wet = number(options, 'wet');
  if ((dry === undefined) !== (wet === undefined)) throw new DeviceError('Donnez --dry et --wet ensemble / Give --dry and --wet together');
  const mqtt: DeviceSettings['mqtt'] = { url: text(options, 'broker') ?? '' };
  const user = text(options, 'mqtt-user');
  const password = text(options, 'mqtt-password');
  if (user !== undefined) mqtt.username = user;
  if (password !== undefined) mqtt.password = password;
  const prefix = text(options, 'prefix');
  if (prefix !== undefined) mqtt.prefix = prefix;
  const settings: DeviceSettings = {
    v: 1,
    wifi: { ssid: text(options, 'wifi-ssid') ?? '', password: text(options, 'wifi-password') ?? '' },
    mqtt,
    interval_s: number(options, 'interval') ?? DEFAULT_INTERVAL_S,
    calibration: dry === undefined || wet === undefined ? null : { dry, wet },
    pins: {
      moisture: text(options, 'moisture-pin') ?? 'D34',
      light: text(options, 'light-pin') ?? 'D35',
      sensorPower: text(options, 'sensor-power-pin') ?? 'D25',
    },
    battery: options.get('battery') === true,
  };
  const ntp = text(options, 'ntp');
  if (ntp !== undefined) settings.ntp = ntp;
  const pump = pumpFromOptions(options);
  if (pump !== undefined) settings.pump = pump;
  const problem = checkDeviceSettings(settings);
  if (problem !== null) throw new DeviceError(`Réglage invalide / Invalid setting: ${problem}`);
  return settings;
}

/** Shows settings, or what the board returned, with every `password` field replaced by *****. */
export function describeSettings(settings: unknown): string {
  return JSON.stringify(settings, (key, value: unknown) => (key === 'password' && value !== undefined ? '*****' : value), 2);
}

/** JSON as a JavaScript expression; U+2028 and U+2029 are escaped for older parsers. */
function jsLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

interface BoardIdentity {
  potId: string;
  /** The secret already in Storage, or null when there is none or it is not 64 hex digits. */
  storedSecret: string | null;
}

/** Reads the board's MAC and its stored claim secret; the output is parsed, never shown. */
async function readIdentity(port: string, timeoutMs: number): Promise<BoardIdentity> {
  const command = `print("POCO_IDENTITY="+JSON.stringify({mac:require("Wifi").getIP().mac,` +
    `secret:require("Storage").read(${jsLiteral(CLAIM_SECRET_FILE)})||null}))`;
  const run = await runCli(['-p', port, '-e', command], timeoutMs);
  if (run.output.includes('Unable to connect')) throw new DeviceError(`Connexion impossible sur ${port} / Cannot connect to ${port}: check the cable and close other terminals`);
  const identity = readMarker(run, 'POCO_IDENTITY') as { mac?: unknown; secret?: unknown } | undefined;
  if (identity === undefined) {
    const reason = run.timedOut ? `délai dépassé / timed out after ${timeoutMs} ms` : 'pas de réponse / no answer';
    throw new DeviceError(`Adresse MAC non lue / MAC not read from the board: ${reason}`);
  }
  const potId = potIdFromMac(String(identity.mac));
  if (potId === null) throw new DeviceError(`Adresse MAC invalide / Invalid MAC from the board: "${String(identity.mac)}"; is Espruino for ESP32 flashed on it?`);
  const stored = typeof identity.secret === 'string' ? identity.secret.trim() : null;
  return { potId, storedSecret: isClaimSecret(stored) ? stored : null };
}

/** Keeps the stored secret, or makes a new one when there is none or when asked to. */
function chooseSecret(identity: BoardIdentity, renew: boolean): { secret: string; isNew: boolean } {
  if (identity.storedSecret !== null && !renew) return { secret: identity.storedSecret, isNew: false };
  return { secret: randomBytes(32).toString('hex'), isNew: true };
}

export async function configure(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const port = checkPort(text(options, 'port'));
  const timeoutMs = (number(options, 'timeout') ?? 30) * 1000;
  const settings = settingsFromOptions(options);
  const renew = options.get('new-claim-secret');
  if (typeof renew === 'string') throw new DeviceError('--new-claim-secret ne prend pas de valeur / takes no value');
  const identity = await readIdentity(port, timeoutMs);
  const claim = chooseSecret(identity, renew === true);
  const secrets = [settings.wifi.password, settings.mqtt.password, claim.secret];

  console.log(`Écriture de ${DEVICE_SETTINGS_FILE} sur ${port} / Writing ${DEVICE_SETTINGS_FILE} on ${port}`);
  const writeSecret = claim.isNew ? `require("Storage").write(${jsLiteral(CLAIM_SECRET_FILE)},${jsLiteral(claim.secret)});` : '';
  const command = `require("Storage").writeJSON(${jsLiteral(DEVICE_SETTINGS_FILE)},${jsLiteral(settings)});${writeSecret}` +
    `print("POCO_SETTINGS="+JSON.stringify(require("Storage").readJSON(${jsLiteral(DEVICE_SETTINGS_FILE)},1)));` +
    `print("POCO_CLAIM="+JSON.stringify(require("Storage").read(${jsLiteral(CLAIM_SECRET_FILE)})||null))`;
  const run = await runCli(['-p', port, '-e', command], timeoutMs);
  if (run.output.includes('Unable to connect')) throw new DeviceError(`Connexion impossible sur ${port} / Cannot connect to ${port}: check the cable and close other terminals`);

  const stored = readMarker(run, 'POCO_SETTINGS');
  if (stored === undefined) {
    const printed = maskSecrets(run.boardLines.join('\n'), secrets);
    const reason = run.timedOut ? `délai dépassé / timed out after ${timeoutMs} ms` : `pas de relecture / no read-back:\n${printed}`;
    throw new DeviceError(`Réglages non confirmés / Settings not confirmed: ${reason}`);
  }
  if (!isDeepStrictEqual(stored, settings)) {
    throw new DeviceError(`La relecture diffère de l'écriture / Read-back differs from what was written:\n${maskSecrets(describeSettings(stored), secrets)}`);
  }
  if (readMarker(run, 'POCO_CLAIM') !== claim.secret) {
    throw new DeviceError(`Secret d'ajout non relu / Claim secret not read back from ${CLAIM_SECRET_FILE}: run device:config again`);
  }
  console.log(describeSettings(settings));
  console.log('Réglages enregistrés et relus / Settings written and read back. Redémarrez la carte / Reset the board.');
  console.log(claim.isNew ? 'Nouveau secret d\'ajout / New claim secret stored.' : 'Secret d\'ajout conservé / Claim secret kept (--new-claim-secret to replace it).');
  console.log(`Code d'ajout / claim code: ${formatClaimCode(claimCode(claim.secret, identity.potId, nodeSha256))}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  configure(process.argv.slice(2)).catch((error: Error) => {
    console.error(error instanceof DeviceError ? error.message : `Erreur inattendue / Unexpected error: ${error.message}`);
    process.exitCode = 1;
  });
}
