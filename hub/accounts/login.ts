// Login with throttling: at most LOGIN_LIMITS.limit failures per hour for one account and for one
// client address, counted separately, so neither guessing one account from many addresses nor
// many accounts from one address gets far. A blocked attempt is refused before the password is
// hashed. The log names the user and the address, never the password.
import type { FastifyBaseLogger } from 'fastify';
import { FailureThrottle, LOGIN_LIMITS, type ThrottleOptions } from '../../domain/auth/throttle.js';
import { AccountError } from './errors.js';
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './password.js';
import { createSession, type NewSession } from './sessions.js';
import type { AccountsDb } from './store.js';
import { findUserByName } from './users.js';

export interface LoginRequest {
  name: string;
  password: string;
  address: string;
  userAgent: string;
}

export class LoginService {
  readonly #db: AccountsDb;
  readonly #log: FastifyBaseLogger;
  readonly #perAccount: FailureThrottle;
  readonly #perAddress: FailureThrottle;

  constructor(db: AccountsDb, log: FastifyBaseLogger, limits: ThrottleOptions = LOGIN_LIMITS) {
    this.#db = db;
    this.#log = log;
    this.#perAccount = new FailureThrottle(limits);
    this.#perAddress = new FailureThrottle(limits);
  }

  /** Logs a user in and opens a session; throws AccountError 'throttled' or 'invalid_password'. */
  async login(request: LoginRequest, now: number): Promise<NewSession> {
    const accountKey = String(request.name).toLowerCase();
    const blocked = this.#blocked(accountKey, request.address, now);
    if (blocked !== null) {
      this.#log.warn({ user: accountKey.slice(0, 40), address: request.address, retryAfterMs: blocked }, 'login throttled');
      throw new AccountError('throttled', `trop d'essais : réessayez dans ${Math.ceil(blocked / 60000)} min / too many attempts: try again in ${Math.ceil(blocked / 60000)} min`, blocked);
    }

    const user = findUserByName(this.#db, String(request.name));
    const ok = user === undefined ? await verifyAgainstNothing(request.password) : await verifyPassword(request.password, user.passwordHash);
    if (!ok || user === undefined) {
      this.#perAccount.fail(accountKey, now);
      this.#perAddress.fail(request.address, now);
      this.#log.info({ user: accountKey.slice(0, 40), address: request.address, known: user !== undefined }, 'login failed');
      // One message for an unknown name and a wrong password, so names cannot be probed.
      throw new AccountError('invalid_password', 'nom ou mot de passe incorrect / wrong user name or password');
    }

    if (needsRehash(user.passwordHash)) user.passwordHash = await hashPassword(request.password);
    this.#log.info({ userId: user.id, address: request.address }, 'login succeeded');
    return createSession(this.#db, user, request.userAgent, now);
  }

  // Returns the longer wait of the two counters, or null when both allow an attempt.
  #blocked(accountKey: string, address: string, now: number): number | null {
    const account = this.#perAccount.check(accountKey, now);
    const client = this.#perAddress.check(address, now);
    const waits = [account, client].flatMap((verdict) => (verdict.allowed ? [] : [verdict.retryAfterMs]));
    return waits.length === 0 ? null : Math.max(...waits);
  }
}
