// Password rules for accounts: a minimum length, a maximum size and no composition rules, because
// length makes a password strong while forced symbols make people write it down.

/** Minimum number of characters (Unicode code points) in a password. */
export const MIN_PASSWORD_LENGTH = 10;

/** Largest password in UTF-8 bytes, so a huge request body cannot make scrypt run for long. */
export const MAX_PASSWORD_BYTES = 1024;

export type PasswordCheck = { ok: true } | { ok: false; code: 'too_short' | 'too_long' | 'not_text'; error: string };

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Checks a new password against the length rules; the error never quotes the password. */
export function checkNewPassword(password: unknown): PasswordCheck {
  if (typeof password !== 'string') {
    return { ok: false, code: 'not_text', error: 'invalid password: expected a string / mot de passe invalide : texte attendu' };
  }
  const characters = Array.from(password).length;
  if (characters < MIN_PASSWORD_LENGTH) {
    return {
      ok: false,
      code: 'too_short',
      error: `mot de passe trop court : au moins ${MIN_PASSWORD_LENGTH} caractères (${characters} reçus) / password too short: at least ${MIN_PASSWORD_LENGTH} characters (got ${characters})`,
    };
  }
  if (utf8Length(password) > MAX_PASSWORD_BYTES) {
    return {
      ok: false,
      code: 'too_long',
      error: `mot de passe trop long : au plus ${MAX_PASSWORD_BYTES} octets / password too long: at most ${MAX_PASSWORD_BYTES} bytes`,
    };
  }
  return { ok: true };
}

/** True when a password given at login may be hashed at all; larger inputs fail without hashing. */
export function isHashablePassword(password: unknown): password is string {
  return typeof password === 'string' && password.length > 0 && utf8Length(password) <= MAX_PASSWORD_BYTES;
}
