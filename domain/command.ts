// Remote commands the hub sends on <prefix>/<id>/cmd and the acknowledgements a pot sends back
// on <prefix>/<id>/cmd/ack (protocol version 1, docs/watering.md#protocol). Espruino-compatible
// syntax: the firmware parses commands and builds acknowledgements with this file. The hub
// validates both against the JSON Schemas in domain/schemas/ with domain/decode-command.ts.

export const COMMAND_VERSION = 1;

/** Largest command payload, in bytes; a pot rejects a larger one before parsing. */
export const MAX_COMMAND_BYTES = 512;
/** Largest acknowledgement payload, in bytes. */
export const MAX_ACK_BYTES = 512;
/** Maximum length of a command id; ids are letters, digits, `-` and `_`. */
export const MAX_COMMAND_ID_LENGTH = 32;
/**
 * Maximum pump run the protocol accepts, seconds. The pot's own hard maximum (domain/pump-guard.ts) is
 * usually much lower and wins.
 */
export const MAX_WATER_DURATION_S = 600;
/** Largest volume a command may request, in millilitres. */
export const MAX_WATER_VOLUME_ML = 5000;
/** Maximum span from `issued` to `expires`, so a lost pot does not water weeks later. */
export const MAX_COMMAND_LIFETIME_S = 7 * 24 * 3600;
/** Times before 2024-01-01 come from a clock that was never set. */
export const MIN_COMMAND_TIME_S = 1704067200;
/** Maximum length of the `error` text in an acknowledgement; longer text is cut. */
export const MAX_ACK_ERROR_LENGTH = 160;

export type CommandKind = 'water' | 'sample_now' | 'reboot';
export type AckResult = 'done' | 'refused' | 'expired' | 'failed' | 'duplicate';

export const COMMAND_KINDS: CommandKind[] = ['water', 'sample_now', 'reboot'];
export const ACK_RESULTS: AckResult[] = ['done', 'refused', 'expired', 'failed', 'duplicate'];

/**
 * Codes for why a command was not carried out, so the dashboard can show the reason in the reader's
 * language. `error` keeps the details in English. A newer pot may send a code that is not in this
 * list; the hub still accepts any code of lower-case letters and `_`.
 */
export type AckReason =
  | 'no_pump' | 'pump_busy' | 'min_interval' | 'clock_not_set' | 'no_flow' | 'invalid_command'
  | 'not_supported' | 'arrived_expired' | 'restarted';

export const ACK_REASONS: AckReason[] = [
  'no_pump', 'pump_busy', 'min_interval', 'clock_not_set', 'no_flow', 'invalid_command',
  'not_supported', 'arrived_expired', 'restarted',
];

const COMMAND_FIELDS = ['v', 'id', 'kind', 'duration_s', 'volume_ml', 'expires', 'issued'];
// Espruino's RegExp has no {n,m} quantifier: the length is checked apart.
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A command as sent by the hub. A `water` command carries exactly one of `duration_s` and `volume_ml`. */
export interface Command {
  v: number;
  id: string;
  kind: CommandKind;
  /** Requested pump run, seconds. */
  duration_s?: number;
  /** Requested volume, millilitres; the pot converts it with its pump flow. */
  volume_ml?: number;
  /** Unix seconds after which the pot must not run the command. */
  expires: number;
  /** Unix seconds when the hub created the command. */
  issued: number;
}

/** A pot's reply to one command. */
export interface CommandAck {
  v: number;
  id: string;
  result: AckResult;
  /** Seconds the pump actually ran; 0 when it did not run. */
  ran_s?: number;
  /** Soil moisture in percent just before the run, or null when unknown (no calibration, sensor fault). */
  moisture_before?: number | null;
  /** Soil moisture in percent after the run and a settling delay, or null when unknown. */
  moisture_after?: number | null;
  /** Code of the reason the command was refused, expired or failed (AckReason). */
  reason?: string;
  /** Reason the command was refused or failed, for people. */
  error?: string;
}

export interface CommandParseResult {
  ok: boolean;
  command?: Command;
  /** The command id when it could be read, so the pot can acknowledge a rejected command. */
  id?: string;
  error?: string;
}

export function isCommandId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_COMMAND_ID_LENGTH && ID_PATTERN.test(value);
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && isFinite(value) && value % 1 === 0;
}

function quote(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.slice(0, 40);
}

function rejected(id: string | undefined, error: string): CommandParseResult {
  if (id === undefined) return { ok: false, error: error };
  return { ok: false, id: id, error: error };
}

/** Returns a problem with the command's times in words, or null when they are valid. */
function checkTimes(value: any): string | null {
  if (!isWholeNumber(value.issued) || value.issued < MIN_COMMAND_TIME_S) {
    return 'command field "issued" must be whole Unix seconds after 2024-01-01, got ' + quote(value.issued);
  }
  if (!isWholeNumber(value.expires) || value.expires <= value.issued) {
    return 'command field "expires" must be whole Unix seconds later than "issued", got ' + quote(value.expires);
  }
  if (value.expires - value.issued > MAX_COMMAND_LIFETIME_S) {
    return 'command field "expires" lies more than ' + MAX_COMMAND_LIFETIME_S + ' s after "issued": send a shorter expiry';
  }
  return null;
}

/** Returns a problem with a `water` command's amount in words, or null when it is valid. */
function checkWaterAmount(value: any): string | null {
  const hasDuration = value.duration_s !== undefined;
  const hasVolume = value.volume_ml !== undefined;
  if (hasDuration === hasVolume) return 'a water command needs exactly one of "duration_s" and "volume_ml"';
  if (hasDuration && (!isWholeNumber(value.duration_s) || value.duration_s < 1 || value.duration_s > MAX_WATER_DURATION_S)) {
    return 'command field "duration_s" must be whole seconds from 1 to ' + MAX_WATER_DURATION_S + ', got ' + quote(value.duration_s);
  }
  if (hasVolume && (typeof value.volume_ml !== 'number' || !isFinite(value.volume_ml) || value.volume_ml <= 0 || value.volume_ml > MAX_WATER_VOLUME_ML)) {
    return 'command field "volume_ml" must be a number of millilitres above 0 and at most ' + MAX_WATER_VOLUME_ML + ', got ' + quote(value.volume_ml);
  }
  return null;
}

/** Returns the first field of `value` that a command may not have, or null. */
function unknownField(value: any): string | null {
  for (const key in value) {
    if (COMMAND_FIELDS.indexOf(key) < 0) return key;
  }
  return null;
}

/**
 * Validates a command message. Unknown fields are rejected, unlike in the config, because a
 * pot that skipped a field it does not know could run a command differently from what was asked.
 */
export function parseCommand(text: string): CommandParseResult {
  if (text.length > MAX_COMMAND_BYTES) {
    return rejected(undefined, 'command of ' + text.length + ' bytes exceeds the ' + MAX_COMMAND_BYTES + '-byte limit');
  }
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return rejected(undefined, 'command is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return rejected(undefined, 'command must be a JSON object');

  const id = isCommandId(value.id) ? value.id : undefined;
  if (id === undefined) {
    return rejected(undefined, 'command field "id" must be 1 to ' + MAX_COMMAND_ID_LENGTH + ' letters, digits, "-" or "_", got ' + quote(value.id));
  }
  if (value.v !== COMMAND_VERSION) return rejected(id, 'command field "v" must be ' + COMMAND_VERSION + ', got ' + quote(value.v));
  const extra = unknownField(value);
  if (extra !== null) return rejected(id, 'unknown command field "' + extra.slice(0, 40) + '"');
  if (COMMAND_KINDS.indexOf(value.kind) < 0) {
    return rejected(id, 'command field "kind" must be one of ' + COMMAND_KINDS.join(', ') + ', got ' + quote(value.kind));
  }

  const timeProblem = checkTimes(value);
  if (timeProblem !== null) return rejected(id, timeProblem);
  if (value.kind === 'water') {
    const amountProblem = checkWaterAmount(value);
    if (amountProblem !== null) return rejected(id, amountProblem);
  } else if (value.duration_s !== undefined || value.volume_ml !== undefined) {
    return rejected(id, 'a ' + value.kind + ' command takes no "duration_s" or "volume_ml"');
  }

  const command: Command = { v: COMMAND_VERSION, id: id, kind: value.kind, expires: value.expires, issued: value.issued };
  if (value.duration_s !== undefined) command.duration_s = value.duration_s;
  if (value.volume_ml !== undefined) command.volume_ml = value.volume_ml;
  return { ok: true, command: command, id: id };
}

/** Options of an acknowledgement besides its id and result. */
export interface AckDetails {
  ran_s?: number;
  moisture_before?: number | null;
  moisture_after?: number | null;
  reason?: AckReason;
  error?: string;
}

/** Builds an acknowledgement; the error text is cut to MAX_ACK_ERROR_LENGTH characters. */
export function buildAck(id: string, result: AckResult, details: AckDetails | null): CommandAck {
  const ack: CommandAck = { v: COMMAND_VERSION, id: id, result: result };
  if (details === null) return ack;
  if (typeof details.ran_s === 'number') ack.ran_s = Math.max(0, Math.round(details.ran_s * 10) / 10);
  if (details.moisture_before !== undefined) ack.moisture_before = details.moisture_before;
  if (details.moisture_after !== undefined) ack.moisture_after = details.moisture_after;
  if (typeof details.reason === 'string') ack.reason = details.reason;
  if (typeof details.error === 'string') ack.error = details.error.slice(0, MAX_ACK_ERROR_LENGTH);
  return ack;
}

/** Serialises an acknowledgement for publishing. */
export function ackText(ack: CommandAck): string {
  return JSON.stringify(ack);
}
