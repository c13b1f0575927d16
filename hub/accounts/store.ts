// Opens data/accounts.json with lowdb through hub/store/json-file.ts. Writes go to a temporary
// file that is renamed over the old one. A damaged file is moved aside and replaced by an empty
// store, so the owner runs the first-start setup again and the old file stays for repair.
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import { openJsonFile } from '../store/json-file.js';
import { emptyAccounts, type AccountsData } from './types.js';

export const ACCOUNTS_FILE = 'accounts.json';

const id = { type: 'string', minLength: 1 } as const;
const hash = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const time = { type: 'number' } as const;
const nullableTime = { type: ['number', 'null'] } as const;

function record(properties: Record<string, unknown>): object {
  return { type: 'object', required: Object.keys(properties), properties };
}

const SCHEMA = record({
  version: { const: 1 },
  users: { type: 'array', items: record({
    id, name: id, email: { type: ['string', 'null'] }, language: { enum: ['fr', 'en'] },
    role: { enum: ['owner', 'member'] }, passwordHash: id, createdAt: time,
  }) },
  sessions: { type: 'array', items: record({ idHash: hash, userId: id, userAgent: { type: 'string' }, createdAt: time, lastSeenAt: time }) },
  apiTokens: { type: 'array', items: record({ id, userId: id, label: { type: 'string' }, tokenHash: hash, createdAt: time, lastUsedAt: nullableTime }) },
  invitations: { type: 'array', items: record({ tokenHash: hash, createdBy: id, groupId: { type: ['string', 'null'] }, expiresAt: time }) },
  groups: { type: 'array', items: record({ id, name: { type: 'string' }, teacherId: id, memberIds: { type: 'array', items: id } }) },
  pots: { type: 'array', items: record({
    potId: { type: 'string', pattern: '^[0-9a-f]{12}$' }, ownerId: { type: ['string', 'null'] },
    shares: { type: 'array', items: record({ kind: { enum: ['user', 'group'] }, targetId: id, level: { enum: ['read', 'control'] } }) },
    claimVerifier: { type: ['string', 'null'] }, claimedAt: nullableTime,
  }) },
  setup: { anyOf: [{ type: 'null' }, record({ tokenHash: hash, expiresAt: time })] },
});

const validate = new Ajv({ strict: false }).compile<AccountsData>(SCHEMA);

export type AccountsDb = Low<AccountsData>;

/** Opens (or creates) the accounts file in `dataDir`. */
export async function openAccounts(dataDir: string, log: FastifyBaseLogger): Promise<AccountsDb> {
  const isAccounts = (value: unknown): value is AccountsData => validate(value);
  const db = await openJsonFile(join(dataDir, ACCOUNTS_FILE), isAccounts, emptyAccounts, log);
  await db.write();
  return db;
}
