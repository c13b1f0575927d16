// The pot's claim code on the device side. device:config (or the virtual pot) stores a random
// secret in the Storage file CLAIM_SECRET_FILE. The secret and the pot id give the code a person
// types to claim the pot, and the verifier the pot publishes, retained, for the hub
// (domain/pot-claim.ts). SHA-256 is passed in: Espruino's crypto module on the board,
// node:crypto on the host. Espruino-compatible syntax.
import { claimCode, claimMessage, claimTopic, claimVerifier, formatClaimCode, isClaimSecret, type Sha256 } from '../../domain/pot-claim.js';
import type { Hardware, MqttConnection } from './hardware.js';

/** Storage file holding the secret as 64 hex digits (Espruino allows 28 characters per name). */
export const CLAIM_SECRET_FILE = 'claim.secret';

export interface DeviceClaim {
  /** The code for people, `ABCD-EFGH`. */
  code: string;
  topic: string;
  /** The retained claim message, `{"v":1,"verifier":"…"}`. */
  message: string;
}

/** Reads the stored secret; returns null when the pot has none (configured before claim codes). */
export function storedClaimSecret(hw: Pick<Hardware, 'storageRead'>): string | null {
  const text = hw.storageRead(CLAIM_SECRET_FILE);
  if (text === null) return null;
  const secret = text.trim();
  return isClaimSecret(secret) ? secret : null;
}

/** Derives the pot's code and claim message from its stored secret, or null without one. */
export function deviceClaim(hw: Pick<Hardware, 'storageRead'>, potId: string, prefix: string, sha256: Sha256): DeviceClaim | null {
  const secret = storedClaimSecret(hw);
  if (secret === null) return null;
  const code = claimCode(secret, potId, sha256);
  return {
    code: formatClaimCode(code),
    topic: claimTopic(prefix, potId),
    message: claimMessage(claimVerifier(potId, code, sha256)),
  };
}

/** The line shown on the pot's console; it must never go to a log. */
export function claimCodeLine(code: string): string {
  return "Code d'ajout / claim code: " + code;
}

/**
 * Publishes the verifier, retained, when the pot has a secret; `done` gets true once the broker
 * acknowledged it. The hub keeps the verifier, so once per boot is enough.
 */
export function publishClaim(hw: Pick<Hardware, 'storageRead' | 'log'>, conn: MqttConnection, potId: string, prefix: string, sha256: Sha256, done: (sent: boolean) => void): void {
  const claim = deviceClaim(hw, potId, prefix, sha256);
  if (claim === null) {
    hw.log('no claim secret in Storage: run npm run device:config so the pot can be claimed');
    done(false);
    return;
  }
  conn.publish(claim.topic, claim.message, 1, true, function (error) {
    if (error !== null) hw.log('publishing the claim verifier failed: ' + error);
    done(error === null);
  });
}
