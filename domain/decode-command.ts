// Decoding and validation of command and acknowledgement payloads on the hub and in tools
// (not on the device, which uses parseCommand in domain/command.ts). Every rejection carries a
// reason code, for counters, and a message that names the value.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import commandSchema from './schemas/command.schema.json' with { type: 'json' };
import ackSchema from './schemas/command-ack.schema.json' with { type: 'json' };
import { MAX_ACK_BYTES, MAX_COMMAND_BYTES, MAX_COMMAND_LIFETIME_S, type Command, type CommandAck } from './command.js';

export type CommandRejectReason = 'too_large' | 'not_utf8' | 'not_json' | 'invalid';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: CommandRejectReason; error: string };

// `verbose` keeps the offending value in each error, so messages can name it. The command
// schema states "exactly one of duration_s and volume_ml" with `required` inside `not`, which
// strictRequired reports because those subschemas declare no properties of their own.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true });
const validateCommandSchema = ajv.compile<Command>(commandSchema);
const validateAckSchema = ajv.compile<CommandAck>(ackSchema);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function describe(error: ErrorObject): string {
  const field = error.instancePath ? error.instancePath.slice(1) : '';
  if (error.keyword === 'additionalProperties') return 'unknown field "' + String(error.params['additionalProperty']) + '"';
  if (error.keyword === 'required') return 'missing field "' + String(error.params['missingProperty']) + '"';
  const value = field === '' ? '' : ' (got ' + String(JSON.stringify(error.data)).slice(0, 40) + ')';
  return 'field "' + (field || '(root)') + '" ' + (error.message ?? 'is invalid') + value;
}

/** Error text for a schema failure; the `if`/`then` wrappers Ajv adds around a oneOf mean nothing to a person. */
function schemaErrors(what: string, validate: ValidateFunction): string {
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
  const oneOf = errors.some((error) => error.keyword === 'oneOf' || error.keyword === 'not');
  const messages = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'not' && !error.schemaPath.includes('/oneOf/')).map(describe);
  if (oneOf) messages.push('a water command needs exactly one of "duration_s" and "volume_ml", other kinds neither');
  return 'invalid ' + what + ': ' + messages.join('; ');
}

function parsePayload(what: string, payload: Uint8Array, maxBytes: number): Decoded<unknown> {
  if (payload.byteLength > maxBytes) {
    return { ok: false, reason: 'too_large', error: what + ' of ' + payload.byteLength + ' bytes exceeds the ' + maxBytes + '-byte limit' };
  }
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { ok: false, reason: 'not_utf8', error: what + ' is not valid UTF-8 text: send it as UTF-8 JSON' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: 'not_json', error: what + ' is not JSON: ' + (err as Error).message };
  }
}

/** Checks an already parsed value against the command schema and the rules a schema cannot state. */
export function validateCommand(value: unknown): Decoded<Command> {
  if (!validateCommandSchema(value)) return { ok: false, reason: 'invalid', error: schemaErrors('command', validateCommandSchema) };
  if (value.expires <= value.issued) {
    return { ok: false, reason: 'invalid', error: 'invalid command: "expires" (' + value.expires + ') must be later than "issued" (' + value.issued + ')' };
  }
  if (value.expires - value.issued > MAX_COMMAND_LIFETIME_S) {
    return { ok: false, reason: 'invalid', error: 'invalid command: "expires" lies more than ' + MAX_COMMAND_LIFETIME_S + ' s after "issued": send a shorter expiry' };
  }
  return { ok: true, value };
}

/** Checks an already parsed value against the acknowledgement schema. */
export function validateAck(value: unknown): Decoded<CommandAck> {
  if (!validateAckSchema(value)) return { ok: false, reason: 'invalid', error: schemaErrors('acknowledgement', validateAckSchema) };
  return { ok: true, value };
}

/** Decodes a command payload: size, UTF-8, JSON, then schema. */
export function decodeCommand(payload: Uint8Array): Decoded<Command> {
  const parsed = parsePayload('command', payload, MAX_COMMAND_BYTES);
  return parsed.ok ? validateCommand(parsed.value) : parsed;
}

/** Decodes an acknowledgement payload from `<prefix>/<id>/cmd/ack`: size, UTF-8, JSON, then schema. */
export function decodeAck(payload: Uint8Array): Decoded<CommandAck> {
  const parsed = parsePayload('acknowledgement', payload, MAX_ACK_BYTES);
  return parsed.ok ? validateAck(parsed.value) : parsed;
}
