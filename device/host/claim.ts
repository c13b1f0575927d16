// A virtual pot's claim code. Its secret is made once and kept in the pot's storage folder, as
// device:config writes it into a real pot. At start the pot prints its code for the person who
// runs it and publishes the verifier, retained, so the hub can check a typed code
// (domain/pot-claim.ts, docs/security.md).
// TODO: device/host/virtual-pots.ts does not call announceClaim yet, and the firmware
// (device/core) does not show its code; both belong to the device code and wait for it.
import { createHash, randomBytes } from 'node:crypto';
import { claimCode, claimMessage, claimTopic, claimVerifier, formatClaimCode, isClaimSecret } from '../../domain/pot-claim.js';
import type { FolderStorage } from './storage.js';

export const CLAIM_SECRET_FILE = 'claim.secret';

const sha256 = (message: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(message).digest());

/** Returns the pot's claim secret, made on first use and kept in its storage. */
export function claimSecret(storage: FolderStorage): string {
  const stored = storage.read(CLAIM_SECRET_FILE);
  if (stored !== null && isClaimSecret(stored.trim())) return stored.trim();
  const secret = randomBytes(32).toString('hex');
  storage.write(CLAIM_SECRET_FILE, secret);
  return secret;
}

export interface ClaimAnnouncement {
  storage: FolderStorage;
  potId: string;
  prefix: string;
  publish(topic: string, payload: string, options: { retain: boolean }): Promise<void>;
  /** Shows a line to the person running the pot (its console), never to a log. */
  print(line: string): void;
}

/** Prints the pot's claim code and publishes its verifier, retained; returns the code. */
export async function announceClaim(pot: ClaimAnnouncement): Promise<string> {
  const code = claimCode(claimSecret(pot.storage), pot.potId, sha256);
  pot.print(`Code pour ajouter ce pot / code to add this pot: ${formatClaimCode(code)}`);
  await pot.publish(claimTopic(pot.prefix, pot.potId), claimMessage(claimVerifier(pot.potId, code, sha256)), { retain: true });
  return code;
}
