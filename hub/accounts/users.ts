// Accounts: the first-start owner (through a one-time setup token), members (created by the owner
// or through a one-time invitation), password changes and profile settings.
import { checkNewPassword } from '../../domain/auth/password-policy.js';
import type { Role } from '../../domain/auth/access.js';
import { AccountError } from './errors.js';
import { hashPassword } from './password.js';
import { hashToken, randomId, randomToken, safeEqual } from './secrets.js';
import type { AccountsDb } from './store.js';
import type { Language, User } from './types.js';

/** A setup token or an invitation is valid this long. */
export const SETUP_TOKEN_MS = 24 * 60 * 60 * 1000;
export const INVITATION_MS = 7 * 24 * 60 * 60 * 1000;

const NAME = /^[\p{L}\p{N}._-]{2,40}$/u;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export interface NewUser {
  name: string;
  password: string;
  email?: string | null;
  language?: Language;
}

function checkNewUser(db: AccountsDb, input: NewUser): void {
  if (typeof input.name !== 'string' || !NAME.test(input.name)) {
    throw new AccountError('invalid_name', `nom d'utilisateur invalide ${JSON.stringify(String(input.name).slice(0, 60))} : 2 à 40 lettres, chiffres, « . », « _ » ou « - » / invalid user name: use 2 to 40 letters, digits, ".", "_" or "-"`);
  }
  if (findUserByName(db, input.name) !== undefined) {
    throw new AccountError('name_taken', `le nom « ${input.name} » est déjà pris / the name "${input.name}" is already taken`);
  }
  const password = checkNewPassword(input.password);
  if (!password.ok) throw new AccountError('invalid_password', password.error);
  if (input.email != null && !EMAIL.test(input.email)) {
    throw new AccountError('invalid_email', `adresse e-mail invalide ${JSON.stringify(input.email.slice(0, 80))} / invalid e-mail address`);
  }
}

async function addUser(db: AccountsDb, input: NewUser, role: Role, now: number): Promise<User> {
  checkNewUser(db, input);
  const user: User = {
    id: randomId(),
    name: input.name,
    email: input.email ?? null,
    language: input.language ?? 'fr',
    role,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
  };
  // Checked again after the slow hash: another request may have taken the name meanwhile.
  checkNewUser(db, input);
  db.data.users.push(user);
  return user;
}

export function findUserByName(db: AccountsDb, name: string): User | undefined {
  const wanted = name.toLowerCase();
  return db.data.users.find((user) => user.name.toLowerCase() === wanted);
}

export function findUser(db: AccountsDb, id: string): User | undefined {
  return db.data.users.find((user) => user.id === id);
}

export function hasOwner(db: AccountsDb): boolean {
  return db.data.users.some((user) => user.role === 'owner');
}

/**
 * Creates the one-time setup token for the first owner and returns it; only its hash is stored.
 * Callable only while no owner exists. A new call replaces the previous token.
 * hub/accounts/setup-link.ts calls it at each start and prints the link on standard output,
 * never through the log.
 */
export async function startSetup(db: AccountsDb, now: number): Promise<string> {
  if (hasOwner(db)) throw new AccountError('setup_done', 'le hub a déjà un propriétaire / the hub already has an owner');
  const token = randomToken();
  db.data.setup = { tokenHash: hashToken(token), expiresAt: now + SETUP_TOKEN_MS };
  await db.write();
  return token;
}

/** Creates the owner account with the setup token, which then stops working. */
export async function completeSetup(db: AccountsDb, token: string, input: NewUser, now: number): Promise<User> {
  if (hasOwner(db)) throw new AccountError('setup_done', 'le hub a déjà un propriétaire / the hub already has an owner');
  const setup = db.data.setup;
  if (setup === null || now >= setup.expiresAt || !safeEqual(hashToken(String(token)), setup.tokenHash)) {
    throw new AccountError('setup_token_invalid', 'lien de configuration invalide ou expiré : redémarrez le hub pour en obtenir un nouveau / invalid or expired setup link: restart the hub to get a new one');
  }
  const user = await addUser(db, input, 'owner', now);
  db.data.setup = null;
  await db.write();
  return user;
}

/** Creates a member directly (the owner types the first password and gives it to the person). */
export async function createMember(db: AccountsDb, input: NewUser, now: number): Promise<User> {
  const user = await addUser(db, input, 'member', now);
  await db.write();
  return user;
}

/** Creates a one-time invitation and returns its token; optionally the new member joins a group. */
export async function invite(db: AccountsDb, createdBy: string, groupId: string | null, now: number): Promise<string> {
  const token = randomToken();
  db.data.invitations = db.data.invitations.filter((invitation) => invitation.expiresAt > now);
  db.data.invitations.push({ tokenHash: hashToken(token), createdBy, groupId, expiresAt: now + INVITATION_MS });
  await db.write();
  return token;
}

/** Creates a member from an invitation token, which is then deleted. */
export async function acceptInvitation(db: AccountsDb, token: string, input: NewUser, now: number): Promise<User> {
  const tokenHash = hashToken(String(token));
  const invitation = db.data.invitations.find((entry) => safeEqual(entry.tokenHash, tokenHash));
  if (invitation === undefined || now >= invitation.expiresAt) {
    throw new AccountError('invitation_invalid', 'invitation invalide ou expirée : demandez-en une nouvelle / invalid or expired invitation: ask for a new one');
  }
  const user = await addUser(db, input, 'member', now);
  db.data.invitations = db.data.invitations.filter((entry) => entry !== invitation);
  const group = db.data.groups.find((entry) => entry.id === invitation.groupId);
  if (group !== undefined) group.memberIds.push(user.id);
  await db.write();
  return user;
}

/** Replaces a user's password. The caller ends the user's other sessions (logoutEverywhere). */
export async function setPassword(db: AccountsDb, user: User, password: string): Promise<void> {
  const check = checkNewPassword(password);
  if (!check.ok) throw new AccountError('invalid_password', check.error);
  user.passwordHash = await hashPassword(password);
  await db.write();
}

/** Updates the Profil tab settings: language and e-mail for alerts. */
export async function updateProfile(db: AccountsDb, user: User, changes: { language?: Language; email?: string | null }): Promise<void> {
  if (changes.email != null && !EMAIL.test(changes.email)) {
    throw new AccountError('invalid_email', `adresse e-mail invalide ${JSON.stringify(changes.email.slice(0, 80))} / invalid e-mail address`);
  }
  if (changes.language !== undefined) user.language = changes.language;
  if (changes.email !== undefined) user.email = changes.email;
  await db.write();
}
