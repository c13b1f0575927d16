// Password hashes in Mosquitto 2.0's password file format, so the hub writes the file itself
// instead of running mosquitto_passwd: `$7$<iterations>$<salt base64>$<hash base64>`, where the
// hash is PBKDF2-HMAC-SHA512 of the password, 64 bytes. mosquitto_passwd 2.0 writes 101 iterations
// and a 12-byte salt; test/broker-auth checks that a real Mosquitto 2.0.11 accepts these hashes.
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Iterations Mosquitto 2.0's own tool uses; device passwords are random, so few suffice. */
export const MOSQUITTO_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;
const FORMAT = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** Hashes a password for Mosquitto's password_file. */
export function mosquittoHash(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const hash = pbkdf2Sync(password, salt, MOSQUITTO_ITERATIONS, HASH_BYTES, 'sha512');
  return `$7$${MOSQUITTO_ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Checks a password against a `$7$` hash (used by tests and by `poco-admin check`). */
export function verifyMosquittoHash(password: string, stored: string): boolean {
  const match = FORMAT.exec(stored);
  if (match === null) return false;
  const iterations = Number(match[1]);
  if (iterations < 1 || iterations > 1_000_000) return false;
  const expected = Buffer.from(match[3]!, 'base64');
  const actual = pbkdf2Sync(password, Buffer.from(match[2]!, 'base64'), iterations, expected.length, 'sha512');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
