// Claim codes shared by pots and the hub: the HMAC matches node:crypto's, codes are stable and
// readable, the verifier matches only the right code, and the file passes the Espruino gate.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { checkEspruinoSubset } from '../../device/build/gate.js';
import {
  claimCode, claimMessage, claimTopic, claimVerifier, formatClaimCode, hmacSha256, isClaimSecret,
  normalizeClaimCode, parseClaimMessage,
} from '../../domain/pot-claim.js';
import { nodeSha256 } from '../../hub/accounts/secrets.js';

const POT = 'a4cf12b3c4d5';
const SECRET = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

// Independent base32 of the first 40 bits, through BigInt, to check the byte-by-byte encoder.
function referenceCode(secretHex: string, potId: string): string {
  const mac = createHmac('sha256', Buffer.from(secretHex, 'hex')).update('poco-claim:' + potId).digest();
  const value = BigInt('0x' + mac.subarray(0, 5).toString('hex'));
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let code = '';
  for (let shift = 35n; shift >= 0n; shift -= 5n) code += alphabet[Number((value >> shift) & 31n)];
  return code;
}

const claim = suite('pot claim codes');

claim('computes HMAC-SHA256 like node:crypto', () => {
  for (const keyLength of [0, 1, 32, 63, 64]) {
    const key = randomBytes(keyLength);
    const message = randomBytes(100);
    const ours = Buffer.from(hmacSha256(new Uint8Array(key), new Uint8Array(message), nodeSha256)).toString('hex');
    assert.is(ours, createHmac('sha256', key).update(message).digest('hex'), `key of ${keyLength} bytes`);
  }
});

claim('derives 8 base32 characters from secret and id', () => {
  for (let i = 0; i < 50; i++) {
    const secret = randomBytes(32).toString('hex');
    assert.is(claimCode(secret, POT, nodeSha256), referenceCode(secret, POT));
  }
  assert.match(claimCode(SECRET, POT, nodeSha256), /^[0-9A-HJKMNP-TV-Z]{8}$/);
});

claim('gives another pot another code', () => {
  assert.is.not(claimCode(SECRET, POT, nodeSha256), claimCode(SECRET, 'a4cf12b3c4d6', nodeSha256));
});

claim('rejects a malformed secret', () => {
  assert.not.ok(isClaimSecret('ABCD'));
  assert.throws(() => claimCode('xyz', POT, nodeSha256), /64 lowercase hex digits/);
});

claim('reads codes as people type them', () => {
  const code = claimCode(SECRET, POT, nodeSha256);
  assert.is(normalizeClaimCode(formatClaimCode(code).toLowerCase()), code);
  assert.is(normalizeClaimCode(' 0o1i-lL23 '), '00111123');
  assert.is(normalizeClaimCode('ABCD-EFG'), null);
  assert.is(normalizeClaimCode('ABCD-EFGU'), null);
});

claim('matches the verifier only with the right code', () => {
  const code = claimCode(SECRET, POT, nodeSha256);
  const verifier = claimVerifier(POT, code, nodeSha256);
  assert.match(verifier, /^[0-9a-f]{64}$/);
  assert.is(claimVerifier(POT, code, nodeSha256), verifier);
  assert.is.not(claimVerifier(POT, 'AAAAAAAA', nodeSha256), verifier);
  assert.is.not(claimVerifier('a4cf12b3c4d6', code, nodeSha256), verifier);
  assert.not.ok(verifier.includes(code.toLowerCase()));
});

claim('parses only well-formed claim messages', () => {
  const verifier = claimVerifier(POT, 'ABCDEFGH', nodeSha256);
  assert.is(parseClaimMessage(claimMessage(verifier)), verifier);
  assert.is(parseClaimMessage('{"v":2,"verifier":"' + verifier + '"}'), null);
  assert.is(parseClaimMessage('{"v":1,"verifier":"ABCDEFGH"}'), null);
  assert.is(parseClaimMessage('not json'), null);
  assert.is(parseClaimMessage('null'), null);
  assert.is(claimTopic('poco', POT), 'poco/a4cf12b3c4d5/claim');
});

claim('passes the Espruino gate', () => {
  const source = readFileSync(new URL('../../domain/pot-claim.ts', import.meta.url), 'utf8');
  // The firmware bundle inlines these functions without module wrappers, so drop `export`.
  const code = transformSync(source, { loader: 'ts', target: 'es2015', format: 'esm' }).code.replace(/^export /gm, '');
  const problems = checkEspruinoSubset(code, 'domain/pot-claim.ts');
  assert.equal(problems.map((problem) => `${problem.line}: ${problem.message}`), []);
});

claim.run();
