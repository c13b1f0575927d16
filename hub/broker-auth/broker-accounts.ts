// Keeps Mosquitto's password and ACL files in step with the pots: each configured pot gets its own
// account `pot-<id>` with a random password, and the hub keeps its own account. After each change
// the hub sends Mosquitto SIGHUP so it reloads both files. Mosquitto 2.0.11 re-checks connected clients on reload
// and disconnects one whose account left the password file (checked by test/broker-auth), so a
// revoked pot is cut off at once and its reconnects are rejected.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { HubConfig } from '../config.js';
import { isPotId } from '../../domain/pot-id.js';
import { buildAcl, potIdOfUsername, potUsername } from './acl.js';
import { mosquittoHash } from './mosquitto-hash.js';
import { formatPasswordFile, readPasswordFile, writeFileAtomic, type PasswordEntries } from './password-file.js';

export interface BrokerAccountsOptions {
  passwordFile: string;
  aclFile: string;
  prefix: string;
  hubUsername: string;
  /** Mosquitto's pid file (`pid_file` in its config) or its pid. With null, no reload is sent. */
  broker: { pidFile: string } | { pid: number } | null;
  log: FastifyBaseLogger;
}

export interface PotCredentials {
  username: string;
  /** Shown once to the configuring computer (device:config); never stored in clear or logged. */
  password: string;
}

/** Returns a random device password: 24 bytes as base64url, 32 characters. */
function randomPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** Reads Mosquitto's pid_file; null when it does not exist. */
async function readPid(file: string): Promise<number | null> {
  try {
    return Number((await readFile(file, 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export class BrokerAccounts {
  readonly #options: BrokerAccountsOptions;
  // Changes run one after another, so two requests never write the files at the same time.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: BrokerAccountsOptions) {
    this.#options = options;
  }

  /** Sets the hub's own broker password (at first start or when it changes). */
  setHubPassword(password: string): Promise<void> {
    return this.#change((entries) => { entries.set(this.#options.hubUsername, mosquittoHash(password)); });
  }

  /** Creates or replaces a pot's account and returns its new credentials. */
  async issuePot(potId: string): Promise<PotCredentials> {
    if (!isPotId(potId)) throw new Error(`invalid pot id ${JSON.stringify(potId)}: expected 12 lowercase hex digits`);
    const credentials = { username: potUsername(potId), password: randomPassword() };
    await this.#change((entries) => { entries.set(credentials.username, mosquittoHash(credentials.password)); });
    this.#options.log.info({ potId, username: credentials.username }, 'pot broker account issued');
    return credentials;
  }

  /** Removes a pot's account; Mosquitto disconnects it on reload and rejects its reconnects. */
  async revokePot(potId: string): Promise<boolean> {
    let removed = false;
    await this.#change((entries) => { removed = entries.delete(potUsername(potId)); });
    this.#options.log.info({ potId, removed }, 'pot broker account revoked');
    return removed;
  }

  /** Pot ids that have an account. */
  async potIds(): Promise<string[]> {
    const entries = await readPasswordFile(this.#options.passwordFile);
    return [...entries.keys()].flatMap((user) => { const id = potIdOfUsername(user); return id === null ? [] : [id]; });
  }

  #change(edit: (entries: PasswordEntries) => void): Promise<void> {
    const run = this.#queue.then(async () => {
      const entries = await readPasswordFile(this.#options.passwordFile);
      edit(entries);
      const potIds = [...entries.keys()].flatMap((user) => { const id = potIdOfUsername(user); return id === null ? [] : [id]; });
      const acl = buildAcl({ prefix: this.#options.prefix, hubUsername: this.#options.hubUsername, potIds });
      // ACL first: a pot added to the password file is never live without its ACL lines.
      await writeFileAtomic(this.#options.aclFile, acl);
      await writeFileAtomic(this.#options.passwordFile, formatPasswordFile(entries));
      await this.#reload();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #reload(): Promise<void> {
    const broker = this.#options.broker;
    if (broker === null) {
      this.#options.log.warn({ passwordFile: this.#options.passwordFile }, 'broker files changed but no broker pid is configured; reload Mosquitto by hand');
      return;
    }
    const pid = 'pid' in broker ? broker.pid : await readPid(broker.pidFile);
    if (pid === null) {
      // No pid file: Mosquitto is not running, and it reads both files when it starts.
      this.#options.log.warn({ pidFile: 'pidFile' in broker ? broker.pidFile : null }, 'broker files changed; Mosquitto is not running, so it reads them at its next start');
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`invalid Mosquitto pid ${JSON.stringify(pid)}: check pid_file in mosquitto.conf`);
    process.kill(pid, 'SIGHUP');
    this.#options.log.info({ pid }, 'broker reloaded');
  }
}

/** Builds the account manager from the hub's settings, or returns null when its files are not set. */
export function brokerAccountsFromConfig(config: HubConfig, log: FastifyBaseLogger): BrokerAccounts | null {
  if (config.brokerPasswordFile === null || config.brokerAclFile === null) return null;
  return new BrokerAccounts({
    passwordFile: config.brokerPasswordFile,
    aclFile: config.brokerAclFile,
    prefix: config.mqttPrefix,
    hubUsername: config.mqttUsername ?? 'hub',
    broker: config.brokerPidFile === null ? null : { pidFile: config.brokerPidFile },
    log,
  });
}
