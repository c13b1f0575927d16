// Shared set-up for the suites that run the hub with accounts on: a real Mosquitto, the hub, and
// HTTP clients that keep their session cookie and CSRF token like a browser tab would.
import type { MqttClient } from 'mqtt';
import { claimCode, claimMessage, claimVerifier } from '../../domain/pot-claim.js';
import { nodeSha256 } from '../../hub/accounts/secrets.js';
import { startSetup } from '../../hub/accounts/users.js';
import { CSRF_HEADER } from '../../hub/plugins/auth.js';
import { connectPublisher, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';

export const PASSWORD = 'correct horse battery';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw body with its content type, for forms and CSV. */
  raw?: { type: string; text: string };
  /** Leaves out the CSRF header even when the client has one. */
  noCsrf?: boolean;
  headers?: Record<string, string>;
}

/** One browser tab: a cookie and a CSRF token once logged in, nothing before. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;

  constructor(readonly base: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie !== null) headers['cookie'] = this.cookie;
    if (this.bearer !== null) headers['authorization'] = `Bearer ${this.bearer}`;
    if (this.csrf !== null && !options.noCsrf) headers[CSRF_HEADER] = this.csrf;
    let body: string | undefined;
    if (options.raw !== undefined) {
      headers['content-type'] = options.raw.type;
      body = options.raw.text;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    const text = method === 'HEAD' ? '' : await response.text();
    let parsed: unknown = null;
    try { parsed = JSON.parse(text); } catch { parsed = null; }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** Logs in with a name and password; keeps the cookie and token. */
  async login(name: string, password = PASSWORD): Promise<Answer> {
    const answer = await this.request('POST', '/api/auth/login', { body: { name, password } });
    this.take(answer);
    return answer;
  }

  take(answer: Answer): void {
    const cookie = answer.headers.get('set-cookie');
    if (cookie !== null) this.cookie = cookie.split(';')[0]!;
    if (typeof answer.body?.csrfToken === 'string') this.csrf = answer.body.csrfToken;
  }
}

export interface AuthStack {
  broker: Broker;
  hub: TestHub;
  publisher: MqttClient;
  /** The hub's owner, logged in. */
  admin: Client;
}

export async function startAuthStack(env: Record<string, string> = {}, webDir?: string): Promise<AuthStack> {
  const broker = await startMosquitto();
  const hub = await startHub({ brokerUrl: broker.url, auth: true, env, ...(webDir === undefined ? {} : { webDir }) });
  const publisher = await connectPublisher(broker.url);
  const token = await startSetup(hub.app.accounts.db, Date.now());
  const admin = new Client(hub.url);
  const created = await admin.request('POST', '/api/auth/setup', { body: { token, name: 'admin', password: PASSWORD } });
  if (created.status !== 200) throw new Error(`setup failed with ${created.status}: ${created.text}`);
  admin.take(created);
  return { broker, hub, publisher, admin };
}

export async function stopAuthStack(stack: AuthStack | undefined): Promise<void> {
  if (stack === undefined) return;
  await stack.publisher.endAsync();
  await stack.hub.close();
  await stack.broker.stop();
  removeBrokerDir(stack.broker);
  removeDir(stack.hub.dataDir);
}

/** Creates a member through the owner's route and returns a logged-in client for them. */
export async function member(stack: AuthStack, name: string): Promise<Client> {
  const created = await stack.admin.request('POST', '/api/users', { body: { name, password: PASSWORD } });
  if (created.status !== 201) throw new Error(`member ${name} not created: ${created.status} ${created.text}`);
  const client = new Client(stack.hub.url);
  const login = await client.login(name);
  if (login.status !== 200) throw new Error(`member ${name} cannot log in: ${login.status} ${login.text}`);
  return client;
}

/** Derives a test pot's claim code from a secret made of its id. */
export function testClaimCode(potId: string): string {
  return claimCode(potId.repeat(6).slice(0, 64).replace(/[^0-9a-f]/g, '0'), potId, nodeSha256);
}

/** Plays a pot's first boot: its claim verifier (retained) and one reading; waits until both arrived. */
export async function bootPot(stack: AuthStack, potId: string, seq = 1): Promise<void> {
  const verifier = claimVerifier(potId, testClaimCode(potId), nodeSha256);
  await stack.publisher.publishAsync(`poco/${potId}/claim`, claimMessage(verifier), { qos: 1, retain: true });
  await stack.publisher.publishAsync(`poco/${potId}/telemetry`, readingPayload(seq), { qos: 1 });
  await waitFor(`pot ${potId} stored with its verifier`, () =>
    stack.hub.app.store.pot(potId, Date.now()) !== null && stack.hub.app.accounts.db.data.pots.some((pot) => pot.potId === potId && pot.claimVerifier === verifier));
}

/** Boots a pot and claims it for `owner`. */
export async function ownPot(stack: AuthStack, owner: Client, potId: string): Promise<void> {
  await bootPot(stack, potId);
  const claimed = await owner.request('POST', '/api/claim', { body: { mac: potId, code: testClaimCode(potId) } });
  if (claimed.status !== 201) throw new Error(`claim of ${potId} failed: ${claimed.status} ${claimed.text}`);
}
