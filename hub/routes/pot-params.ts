// Parameters and replies shared by the routes under /api/pots/:id.
import type { FastifyReply } from 'fastify';
import { parsePotId, type PotId, type PotIdResult } from '../../domain/pot-id.js';

export const DAY_MS = 24 * 3600 * 1000;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

export const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'integer', minimum: 0 },
    to: { type: 'integer', minimum: 0 },
  },
} as const;

/**
 * Body of a refusal: `error` is English for logs and API users, `code` (when set) is stable, so
 * the dashboard shows its own French or English text for it.
 */
export const errorBody = { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' } } } as const;

export interface ErrorReply {
  error: string;
  code?: string;
}

/** Parses `:id`, or sends 400 naming the value with the parser's reason as `code`, and returns null. */
export function potIdOrReply(text: string, reply: FastifyReply): PotId | null {
  const parsed = parsePotId(text);
  if (parsed.ok && parsed.id) return parsed.id;
  void reply.code(400).send(invalidMac(text, parsed));
  return null;
}

/** Body of the 400 reply for a rejected MAC. */
export function invalidMac(text: unknown, parsed: PotIdResult): ErrorReply {
  return { error: parsed.error ?? `invalid MAC ${JSON.stringify(text)}`, code: parsed.reason ?? 'mac_format' };
}

export function potNotFound(text: string): ErrorReply {
  return { error: `pot ${text} not found: it has not sent a valid reading yet`, code: 'pot_not_found' };
}
