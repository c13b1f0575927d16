// A virtual pot's claim code. Its secret is made once and kept in the pot's storage folder, as
// device:config writes it into a real pot. The pot core publishes the verifier, retained, at
// each start (device/core/claim.ts); the virtual pots print the code for the person who runs them
// (domain/pot-claim.ts, docs/security.md).
import { createHash, randomBytes } from 'node:crypto';
import { claimCodeLine, CLAIM_SECRET_FILE, deviceClaim, storedClaimSecret } from '../core/claim.js';
import type { FolderStorage } from './storage.js';

export { CLAIM_SECRET_FILE };

/** SHA-256 from node:crypto, in the form domain/pot-claim.ts takes. */
export const nodeSha256 = (message: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(message).digest());

function hardwareOf(storage: FolderStorage) {
  return { storageRead: (name: string) => storage.read(name) };
}

/** Returns the pot's claim secret, made on first use and kept in its storage. */
export function claimSecret(storage: FolderStorage): string {
  const stored = storedClaimSecret(hardwareOf(storage));
  if (stored !== null) return stored;
  const secret = randomBytes(32).toString('hex');
  storage.write(CLAIM_SECRET_FILE, secret);
  return secret;
}

/** Makes the secret if needed and returns the line showing the pot's code, for its console. */
export function claimLine(storage: FolderStorage, potId: string, prefix: string): string {
  claimSecret(storage);
  const claim = deviceClaim(hardwareOf(storage), potId, prefix, nodeSha256);
  if (claim === null) throw new Error(`claim secret in ${storage.dir} unreadable: delete ${CLAIM_SECRET_FILE} there to make a new one`);
  return claimCodeLine(claim.code);
}

export interface ClaimAnnouncement {
  storage: FolderStorage;
  potId: string;
  prefix: string;
  publish(topic: string, payload: string, options: { retain: boolean }): Promise<void>;
  /** Shows a line to the person running the pot (its console), never to a log. */
  print(line: string): void;
}

/** Prints the pot's claim code and publishes its verifier, retained, without a pot core; returns the code. */
export async function announceClaim(pot: ClaimAnnouncement): Promise<string> {
  pot.print(claimLine(pot.storage, pot.potId, pot.prefix));
  const claim = deviceClaim(hardwareOf(pot.storage), pot.potId, pot.prefix, nodeSha256)!;
  await pot.publish(claim.topic, claim.message, { retain: true });
  return claim.code.replace('-', '');
}
