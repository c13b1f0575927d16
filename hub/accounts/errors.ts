// Errors the account services throw for bad requests. `code` is stable for routes and tests;
// `statusCode` is the HTTP status Fastify's error handler sends. Messages are French, then English.

export type AccountErrorCode =
  | 'invalid_name' | 'name_taken' | 'invalid_password' | 'invalid_email'
  | 'setup_done' | 'setup_token_invalid' | 'invitation_invalid'
  | 'not_found' | 'claim_unavailable' | 'claim_code_invalid' | 'claim_code_wrong' | 'claim_taken' | 'throttled'
  | 'invalid_share';

const STATUS: Record<AccountErrorCode, number> = {
  invalid_name: 400, name_taken: 409, invalid_password: 400, invalid_email: 400,
  setup_done: 409, setup_token_invalid: 403, invitation_invalid: 403,
  not_found: 404, claim_unavailable: 409, claim_code_invalid: 400, claim_code_wrong: 403, claim_taken: 409,
  throttled: 429, invalid_share: 400,
};

export class AccountError extends Error {
  readonly code: AccountErrorCode;
  readonly statusCode: number;
  /** For `throttled`: milliseconds before the next attempt may succeed. */
  readonly retryAfterMs: number | null;

  constructor(code: AccountErrorCode, message: string, retryAfterMs: number | null = null) {
    super(message);
    this.name = 'AccountError';
    this.code = code;
    this.statusCode = STATUS[code];
    this.retryAfterMs = retryAfterMs;
  }
}
