// Decoding and validation of telemetry payloads on the hub and in tools (not on the device).
// Every rejection carries a reason code, for counters, and a message that names the value.
import { Ajv, type ErrorObject } from 'ajv';
import schema from './schemas/reading.schema.json' with { type: 'json' };
import { MAX_PAYLOAD_BYTES, type Reading } from './reading.js';

export type RejectReason = 'too_large' | 'not_utf8' | 'not_json' | 'non_finite' | 'invalid' | 'no_measurement';

export type DecodeResult =
  | { ok: true; reading: Reading }
  | { ok: false; reason: RejectReason; error: string };

// `verbose` keeps the offending value in each error, so messages can name it.
const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
const validate = ajv.compile<Reading>(schema);
const utf8 = new TextDecoder('utf-8', { fatal: true });

// JSON has no NaN or Infinity, but C and Python serialisers write them; name the field.
const NON_FINITE = /"([^"\\]{1,64})"\s*:\s*(-?(?:NaN|nan|Infinity|infinity|inf|Inf))\b/;

function describe(error: ErrorObject): string {
  const field = error.instancePath ? error.instancePath.slice(1) : '';
  if (error.keyword === 'additionalProperties') {
    return 'unknown field "' + String(error.params['additionalProperty']) + '"';
  }
  if (error.keyword === 'required') {
    return 'missing field "' + String(error.params['missingProperty']) + '"';
  }
  const value = field === '' ? '' : ' (got ' + String(JSON.stringify(error.data)).slice(0, 40) + ')';
  return 'field "' + (field || '(root)') + '" ' + (error.message ?? 'is invalid') + value;
}

/** Checks an already parsed value against the reading schema and the domain rules. */
export function validateReading(value: unknown): DecodeResult {
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map(describe);
    return { ok: false, reason: 'invalid', error: 'invalid reading: ' + errors.join('; ') };
  }
  const reading = value;
  // A reading with no value at all carries nothing, unless its faults say why both sensors
  // failed: that is worth storing, so a dead sensor shows as a fault and not as silence.
  const hasFaults = reading.faults !== undefined && reading.faults.length > 0;
  if (typeof reading.moisture_raw !== 'number' && typeof reading.light_raw !== 'number' && !hasFaults) {
    return {
      ok: false,
      reason: 'no_measurement',
      error: 'invalid reading: neither "moisture_raw" nor "light_raw" holds a number, and "faults" is empty',
    };
  }
  return { ok: true, reading };
}

/** Decodes a telemetry payload: size, UTF-8, JSON, then schema. */
export function decodeReading(payload: Uint8Array): DecodeResult {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return {
      ok: false,
      reason: 'too_large',
      error: 'payload of ' + payload.byteLength + ' bytes exceeds the ' + MAX_PAYLOAD_BYTES + '-byte limit',
    };
  }

  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { ok: false, reason: 'not_utf8', error: 'payload is not valid UTF-8 text: send the reading as UTF-8 JSON' };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const nonFinite = NON_FINITE.exec(text);
    if (nonFinite) {
      return {
        ok: false,
        reason: 'non_finite',
        error: 'field "' + nonFinite[1] + '" is ' + nonFinite[2] + ', which is not a number: send null when the sensor gave no value',
      };
    }
    return { ok: false, reason: 'not_json', error: 'payload is not JSON: ' + (err as Error).message };
  }
  return validateReading(value);
}
