// Hub settings from environment variables and an optional JSON file (POCO_CONFIG=path).
// Environment variables win over the file. Every problem is reported at once, naming the
// variable, the bad value and what is expected. The settings are listed in docs/configuration.md.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';

export type EmbeddedBrokerMode = 'auto' | 'off';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface HubConfig {
  host: string;
  port: number;
  mqttUrl: string;
  mqttUsername: string | null;
  mqttPassword: string | null;
  mqttPrefix: string;
  mqttClientId: string;
  embeddedBroker: EmbeddedBrokerMode;
  /** Absolute path of the data folder. */
  dataDir: string;
  flushMs: number;
  flushMaxReadings: number;
  /** Readings kept in memory while the data disk fails; more are dropped and counted. */
  maxPendingReadings: number;
  /** Milliseconds between two fsyncs of the write-ahead log: what a power cut can lose. */
  walFsyncMs: number;
  /** Minimum milliseconds between two writes of the rollup files; 0 writes them at every flush. */
  rollupSaveMs: number;
  /** Maximum milliseconds between a change and the save of the pot registry and plant-care state. */
  stateSaveMs: number;
  /** Days raw readings are kept before the background job deletes their day files. */
  rawRetentionDays: number;
  /** Plant care: SMTP server for alert e-mails; null turns e-mail off. */
  smtpHost: string | null;
  smtpPort: number;
  smtpUser: string | null;
  smtpPassword: string | null;
  smtpFrom: string | null;
  /** Recipients, separated by commas. */
  smtpTo: string | null;
  /** URL that receives each alert as a JSON POST; null turns webhooks off. */
  webhookUrl: string | null;
  /** ntfy-style topic URL that receives each alert as a text POST with a Title header. */
  ntfyUrl: string | null;
  /** IANA time zone of the plants: light days and quiet hours follow it. */
  timeZone: string;
  /** Battery voltage below which a pot raises a battery alert, millivolts. */
  batteryLowMv: number;
  /** First retry delay of a failed alert delivery; each retry doubles it, milliseconds. */
  alertRetryMs: number;
  logLevel: LogLevel;
  /** Mosquitto's password_file the hub maintains for pot accounts; null: pot credentials are off. */
  brokerPasswordFile: string | null;
  /** Mosquitto's acl_file, written with the password file. */
  brokerAclFile: string | null;
  /** Mosquitto's pid_file, read to send SIGHUP after each change; null: reload by hand. */
  brokerPidFile: string | null;
  /** True when browsers reach the hub over HTTPS (directly or through a proxy): cookies get Secure. */
  httpsCookies: boolean;
}

type Key = keyof HubConfig;

/** Environment variable of each setting; the JSON file uses the same names as keys. */
export const ENV_NAMES: Record<Key, string> = {
  host: 'POCO_HOST',
  port: 'POCO_PORT',
  mqttUrl: 'POCO_MQTT_URL',
  mqttUsername: 'POCO_MQTT_USERNAME',
  mqttPassword: 'POCO_MQTT_PASSWORD',
  mqttPrefix: 'POCO_MQTT_PREFIX',
  mqttClientId: 'POCO_MQTT_CLIENT_ID',
  embeddedBroker: 'POCO_EMBEDDED_BROKER',
  dataDir: 'POCO_DATA_DIR',
  flushMs: 'POCO_FLUSH_MS',
  flushMaxReadings: 'POCO_FLUSH_MAX_READINGS',
  maxPendingReadings: 'POCO_MAX_PENDING_READINGS',
  walFsyncMs: 'POCO_WAL_FSYNC_MS',
  rollupSaveMs: 'POCO_ROLLUP_SAVE_MS',
  stateSaveMs: 'POCO_STATE_SAVE_MS',
  rawRetentionDays: 'POCO_RAW_RETENTION_DAYS',
  smtpHost: 'POCO_SMTP_HOST',
  smtpPort: 'POCO_SMTP_PORT',
  smtpUser: 'POCO_SMTP_USER',
  smtpPassword: 'POCO_SMTP_PASSWORD',
  smtpFrom: 'POCO_SMTP_FROM',
  smtpTo: 'POCO_SMTP_TO',
  webhookUrl: 'POCO_WEBHOOK_URL',
  ntfyUrl: 'POCO_NTFY_URL',
  timeZone: 'POCO_TIME_ZONE',
  batteryLowMv: 'POCO_BATTERY_LOW_MV',
  alertRetryMs: 'POCO_ALERT_RETRY_MS',
  logLevel: 'POCO_LOG_LEVEL',
  brokerPasswordFile: 'POCO_BROKER_PASSWORD_FILE',
  brokerAclFile: 'POCO_BROKER_ACL_FILE',
  brokerPidFile: 'POCO_BROKER_PID_FILE',
  httpsCookies: 'POCO_HTTPS',
};

const DEFAULTS = {
  host: '127.0.0.1',
  port: 5000,
  mqttUrl: 'mqtt://127.0.0.1:1883',
  mqttUsername: null,
  mqttPassword: null,
  mqttPrefix: 'poco',
  embeddedBroker: 'auto',
  dataDir: './data',
  flushMs: 1000,
  // Reached only by bursts (an offline pot's buffer, many pots at once): a pot reading once a
  // minute is flushed by the timer. 2 000 waiting readings take an estimated 1 MB.
  flushMaxReadings: 2000,
  rawRetentionDays: 90,
  maxPendingReadings: 100000,
  walFsyncMs: 1000,
  // Each save rewrites a pot's day, month and year rollup files (up to an estimated 140 kB).
  rollupSaveMs: 300000,
  // pots.json and care.json are rewritten whole and change at every reading: about 1 KB per pot each.
  stateSaveMs: 10000,
  smtpHost: null,
  smtpPort: 587,
  smtpUser: null,
  smtpPassword: null,
  smtpFrom: null,
  smtpTo: null,
  webhookUrl: null,
  ntfyUrl: null,
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  // NOTE: an estimate for one Li-ion cell behind a 3.3 V regulator; set it for the pot's battery.
  batteryLowMv: 3400,
  alertRetryMs: 30000,
  logLevel: 'info',
  brokerPasswordFile: null,
  brokerAclFile: null,
  brokerPidFile: null,
  httpsCookies: false,
} satisfies Omit<HubConfig, 'mqttClientId'>;

// Each property carries `expected`, the text shown when a value does not fit.
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1, expected: 'a host name or IP address such as 127.0.0.1' },
    port: { type: 'integer', minimum: 0, maximum: 65535, expected: 'a TCP port from 0 to 65535' },
    mqttUrl: { type: 'string', pattern: '^(mqtt|mqtts)://[^/?#]+(:[0-9]+)?/?$', expected: 'a broker URL such as mqtt://127.0.0.1:1883' },
    mqttUsername: { type: ['string', 'null'], minLength: 1, expected: 'a user name, or unset' },
    mqttPassword: { type: ['string', 'null'], expected: 'a password, or unset' },
    mqttPrefix: { type: 'string', pattern: '^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$', expected: 'a topic prefix of letters, digits, "-", "_" and "/", such as poco' },
    mqttClientId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$', expected: 'an MQTT client id of 1 to 128 printable ASCII characters without spaces' },
    embeddedBroker: { enum: ['auto', 'off'], expected: '"auto" or "off"' },
    dataDir: { type: 'string', minLength: 1, expected: 'a folder path' },
    flushMs: { type: 'integer', minimum: 10, maximum: 60000, expected: 'milliseconds from 10 to 60000' },
    flushMaxReadings: { type: 'integer', minimum: 1, maximum: 100000, expected: 'a number of readings from 1 to 100000' },
    maxPendingReadings: { type: 'integer', minimum: 100, maximum: 10000000, expected: 'a number of readings from 100 to 10000000' },
    walFsyncMs: { type: 'integer', minimum: 10, maximum: 60000, expected: 'milliseconds from 10 to 60000' },
    rollupSaveMs: { type: 'integer', minimum: 0, maximum: 3600000, expected: 'milliseconds from 0 to 3600000' },
    stateSaveMs: { type: 'integer', minimum: 10, maximum: 600000, expected: 'milliseconds from 10 to 600000' },
    rawRetentionDays: { type: 'integer', minimum: 1, maximum: 36500, expected: 'a number of days from 1 to 36500' },
    smtpHost: { type: ['string', 'null'], minLength: 1, expected: 'an SMTP server host name, or unset to send no e-mail' },
    smtpPort: { type: 'integer', minimum: 1, maximum: 65535, expected: 'a TCP port such as 587 (STARTTLS) or 465 (TLS)' },
    smtpUser: { type: ['string', 'null'], minLength: 1, expected: 'an SMTP user name, or unset' },
    smtpPassword: { type: ['string', 'null'], expected: 'an SMTP password, or unset' },
    smtpFrom: { type: ['string', 'null'], pattern: '^[^@\\s]+@[^@\\s]+$', expected: 'a sender address such as poco@example.org' },
    smtpTo: { type: ['string', 'null'], pattern: '^[^@\\s,]+@[^@\\s,]+(\\s*,\\s*[^@\\s,]+@[^@\\s,]+)*$', expected: 'one or more addresses separated by commas' },
    webhookUrl: { type: ['string', 'null'], pattern: '^https?://', expected: 'an http:// or https:// URL, or unset' },
    ntfyUrl: { type: ['string', 'null'], pattern: '^https?://', expected: 'an http:// or https:// topic URL such as https://ntfy.example.org/poco, or unset' },
    timeZone: { type: 'string', minLength: 1, expected: 'an IANA time zone such as Europe/Paris' },
    batteryLowMv: { type: 'integer', minimum: 0, maximum: 10000, expected: 'millivolts from 0 to 10000' },
    alertRetryMs: { type: 'integer', minimum: 10, maximum: 3600000, expected: 'milliseconds from 10 to 3600000' },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], expected: 'one of fatal, error, warn, info, debug, trace, silent' },
    brokerPasswordFile: { type: ['string', 'null'], minLength: 1, expected: 'the path of Mosquitto\'s password_file, such as mosquitto/passwd, or unset' },
    brokerAclFile: { type: ['string', 'null'], minLength: 1, expected: 'the path of Mosquitto\'s acl_file, such as mosquitto/acl, or unset' },
    brokerPidFile: { type: ['string', 'null'], minLength: 1, expected: 'the path of Mosquitto\'s pid_file, such as mosquitto/mosquitto.pid, or unset' },
    httpsCookies: { type: 'boolean', expected: 'true when the dashboard is served over HTTPS, else false' },
  },
} as const;

const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: false });
ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
const validate = ajv.compile(SCHEMA);

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('invalid configuration:\n  - ' + problems.join('\n  - '));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;
type Source = Record<string, { value: unknown; origin: string }>;

function readFileSettings(path: string, problems: string[]): Source {
  const source: Source = {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`POCO_CONFIG="${path}": cannot read the file as JSON (${(err as Error).message}); fix the file or unset POCO_CONFIG`);
    return source;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`POCO_CONFIG="${path}": expected a JSON object such as {"POCO_PORT": 5000}`);
    return source;
  }

  const known = new Map(Object.entries(ENV_NAMES).map(([key, name]) => [name, key]));
  for (const [name, value] of Object.entries(parsed)) {
    const key = known.get(name);
    if (key === undefined) {
      problems.push(`${name} in ${path}: unknown setting; expected one of ${[...known.keys()].join(', ')}`);
    } else {
      source[key] = { value, origin: `${name} in ${path}` };
    }
  }
  return source;
}

function describe(error: ErrorObject, source: Source, raw: Record<string, unknown>): string {
  const key = error.instancePath.slice(1);
  const origin = source[key]?.origin ?? ENV_NAMES[key as Key] ?? key;
  const value = raw[key];
  const schema = (SCHEMA.properties as Record<string, { expected: string }>)[key];
  return `${origin}=${JSON.stringify(value)}: expected ${schema?.expected ?? error.message}`;
}

/** Short stable hash of the host and data folder, so two hubs on two data folders get two ids. */
export function defaultClientId(dataDir: string): string {
  const hash = createHash('sha256').update(hostname() + '\n' + dataDir).digest('hex');
  return 'poco-hub-' + hash.slice(0, 8);
}

/** Builds the settings from `env` (and the file it names); throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): HubConfig {
  const problems: string[] = [];
  const configPath = env['POCO_CONFIG'];
  const source: Source = configPath ? readFileSettings(resolve(cwd, configPath), problems) : {};

  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') source[key] = { value, origin: name };
  }

  const raw: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(source)) raw[key] = entry.value;
  const merged: Record<string, unknown> = { ...DEFAULTS, ...raw };

  if (!validate(merged)) {
    for (const error of validate.errors ?? []) problems.push(describe(error, source, raw));
  }
  if (typeof merged['timeZone'] === 'string' && !isTimeZone(merged['timeZone'])) {
    problems.push(`${source['timeZone']?.origin ?? ENV_NAMES.timeZone}=${JSON.stringify(merged['timeZone'])}: expected an IANA time zone such as Europe/Paris`);
  }
  if ((merged['brokerPasswordFile'] == null) !== (merged['brokerAclFile'] == null)) {
    problems.push(`${ENV_NAMES.brokerPasswordFile} and ${ENV_NAMES.brokerAclFile} go together: set both, or neither`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config = merged as unknown as HubConfig;
  config.dataDir = resolve(cwd, config.dataDir);
  for (const key of ['brokerPasswordFile', 'brokerAclFile', 'brokerPidFile'] as const) {
    const path = config[key];
    if (path !== null) config[key] = resolve(cwd, path);
  }
  if (config.mqttClientId === undefined) config.mqttClientId = defaultClientId(config.dataDir);
  return config;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Removes the user name and password from a broker URL, for logs and the health route. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
