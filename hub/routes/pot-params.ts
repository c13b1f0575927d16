// Parameters and replies shared by the routes under /api/pots/:id.
import type { FastifyReply } from 'fastify';
import { parsePotId, type PotId } from '../../domain/pot-id.js';

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

export const errorBody = { type: 'object', properties: { error: { type: 'string' } } } as const;

/** Parses `:id`, or sends 400 naming the value and returns null. */
export function potIdOrReply(text: string, reply: FastifyReply): PotId | null {
  const parsed = parsePotId(text);
  if (parsed.ok && parsed.id) return parsed.id;
  void reply.code(400).send({ error: parsed.error });
  return null;
}

export function potNotFound(text: string): { error: string } {
  return { error: `pot ${text} not found: it has not sent a valid reading yet` };
}
