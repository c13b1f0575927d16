// Claim codes: proof that a person has the pot in hand. Each pot gets a random secret at configuration
// time; its claim code is 8 Crockford base32 characters of HMAC-SHA256(secret, "poco-claim:" + id).
// The pot shows the code on its console and publishes once, retained, a VERIFIER on
// `<prefix>/<id>/claim`: SHA-256 of "poco-claim-verifier:" + id + ":" + code. The hub compares a
// typed code with the verifier, so it never needs the secret.
//
// Shared by the firmware, the virtual pots and the hub, so it sticks to what Espruino runs (no
// spread, destructuring or optional chaining). SHA-256 is passed in: on Node it is
// node:crypto's createHash; the ESP32 Espruino build has require("crypto").SHA256 (its board file
// lists the CRYPTO, SHA256 and SHA512 libraries), which returns an ArrayBuffer.
// NOTE: that Espruino's SHA256 accepts a Uint8Array message was read from its source, not run
// on a board.

/** Hashes bytes with SHA-256 and returns the 32-byte digest. */
export type Sha256 = (message: Uint8Array) => Uint8Array;

export var CLAIM_CODE_LENGTH = 8;
/** Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or copied by hand survives. */
var ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
var HEX_DIGITS = '0123456789abcdef';

/** Topic kind the verifier is published on, beside telemetry and status. */
export var CLAIM_TOPIC_KIND = 'claim';

export function claimTopic(prefix: string, potId: string): string {
  return prefix + '/' + potId + '/' + CLAIM_TOPIC_KIND;
}

// A loop, not /^[0-9a-f]{64}$/: Espruino's RegExp has no {n} quantifier.
function isHex64(text: string): boolean {
  if (text.length !== 64) return false;
  for (var i = 0; i < text.length; i++) {
    if (HEX_DIGITS.indexOf(text.charAt(i)) < 0) return false;
  }
  return true;
}

/** True when `text` is a claim secret: 32 bytes written as 64 lowercase hex digits. */
export function isClaimSecret(text: unknown): text is string {
  return typeof text === 'string' && isHex64(text);
}

function asciiBytes(text: string): Uint8Array {
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

function hexBytes(hex: string): Uint8Array {
  var bytes = new Uint8Array(hex.length / 2);
  for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  var out = '';
  for (var i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  var out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** HMAC-SHA256 (RFC 2104) over the given SHA-256, for keys of at most 64 bytes. */
export function hmacSha256(key: Uint8Array, message: Uint8Array, sha256: Sha256): Uint8Array {
  if (key.length > 64) throw new Error('HMAC key of ' + key.length + ' bytes: at most 64 are supported');
  var inner = new Uint8Array(64);
  var outer = new Uint8Array(64);
  for (var i = 0; i < 64; i++) {
    var k = i < key.length ? key[i]! : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  return sha256(concat(outer, sha256(concat(inner, message))));
}

/** Encodes the first 40 bits of `bytes` as 8 base32 characters. */
function base32First40Bits(bytes: Uint8Array): string {
  var out = '';
  var buffer = 0;
  var bits = 0;
  var index = 0;
  while (out.length < CLAIM_CODE_LENGTH) {
    if (bits < 5) {
      buffer = ((buffer << 8) | bytes[index]!) & 0xffff;
      index++;
      bits += 8;
    }
    out += ALPHABET.charAt((buffer >> (bits - 5)) & 31);
    bits -= 5;
  }
  return out;
}

/** Derives a pot's claim code (8 characters, no separator) from its secret and id. */
export function claimCode(secretHex: string, potId: string, sha256: Sha256): string {
  if (!isClaimSecret(secretHex)) throw new Error('invalid claim secret: expected 64 lowercase hex digits; run device:config again');
  var mac = hmacSha256(hexBytes(secretHex), asciiBytes('poco-claim:' + potId), sha256);
  return base32First40Bits(mac);
}

/** Formats a code for people as `ABCD-EFGH`. */
export function formatClaimCode(code: string): string {
  return code.slice(0, 4) + '-' + code.slice(4);
}

/**
 * Reads a code as a person typed it: case, spaces and dashes do not matter, and O, I and L are
 * read as 0, 1 and 1. Returns null when it cannot be a code, so the caller can say so.
 */
export function normalizeClaimCode(text: string): string | null {
  var cleaned = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== CLAIM_CODE_LENGTH) return null;
  for (var i = 0; i < cleaned.length; i++) {
    if (ALPHABET.indexOf(cleaned.charAt(i)) < 0) return null;
  }
  return cleaned;
}

/** Computes the verifier of a normalized code, as 64 lowercase hex digits. */
export function claimVerifier(potId: string, code: string, sha256: Sha256): string {
  return toHex(sha256(asciiBytes('poco-claim-verifier:' + potId + ':' + code)));
}

/** Builds the retained claim message a pot publishes. */
export function claimMessage(verifier: string): string {
  return JSON.stringify({ v: 1, verifier: verifier });
}

/** Reads a claim message; returns the verifier, or null when the message is not one. */
export function parseClaimMessage(payload: string): string | null {
  var parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (e) {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  var message = parsed as { v?: unknown; verifier?: unknown };
  if (message.v !== 1 || typeof message.verifier !== 'string' || !isHex64(message.verifier)) return null;
  return message.verifier;
}
