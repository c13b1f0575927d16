// Handles one MQTT message from a pot: parse the topic, decode, store, push live. Never throws:
// each rejected message is counted per reason and logged at warn, with repeats of the same
// reason from the same pot folded into one line per REPEAT_LOG_MS.
import type { FastifyBaseLogger } from 'fastify';
import { decodeReading, type RejectReason } from '../../domain/decode-reading.js';
import { toStored, type StoredReading } from '../../domain/reading.js';
import { parseTopic } from '../../domain/topics.js';
import type { Live } from '../plugins/live.js';
import type { Store } from '../store/store.js';

export type IngestRejectReason = RejectReason | 'bad_topic' | 'bad_status' | 'internal';

export interface IngestCounters {
  received: number;
  stored: number;
  duplicates: number;
  rejected: Partial<Record<IngestRejectReason, number>>;
}

export const REPEAT_LOG_MS = 60 * 1000;
/** Bound on the per-key maps below, so random topics cannot grow them without limit. */
const MAX_TRACKED_KEYS = 10000;

/** Plant care's view of each reading (hub/plugins/care.ts); hooks must not throw. */
export interface IngestHooks {
  /** Runs before a reading is stored, so it may fill in derived fields such as `moisture`. */
  beforeStore(potId: string, reading: StoredReading): void;
  /** Runs after a reading was stored (not for duplicates). */
  afterStore(potId: string, reading: StoredReading): void;
}

export interface IngestDeps {
  prefix: string;
  store: Store;
  live: Live;
  log: FastifyBaseLogger;
  now?: () => number;
}

export class Ingest {
  readonly counters: IngestCounters = { received: 0, stored: 0, duplicates: 0, rejected: {} };
  readonly #deps: IngestDeps;
  readonly #now: () => number;
  /** Last warn time and repeats since, per `<pot id or topic>|<reason>`. */
  readonly #lastWarn = new Map<string, { at: number; suppressed: number }>();
  /** Status announced by pots that have not sent a reading yet, applied when they register. */
  readonly #pendingStatus = new Map<string, { status: 'online' | 'offline'; at: number }>();
  #hooks: IngestHooks | null = null;

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  setHooks(hooks: IngestHooks): void {
    this.#hooks = hooks;
  }

  handle(topic: string, payload: Uint8Array): void {
    this.counters.received++;
    try {
      this.#route(topic, payload);
    } catch (err) {
      this.#deps.log.error({ err, topic }, 'failed to handle an MQTT message');
      this.#count('internal');
    }
  }

  #route(topic: string, payload: Uint8Array): void {
    const parsed = parseTopic(this.#deps.prefix, topic);
    if (!parsed.ok || parsed.potId === undefined) {
      this.#reject(topic, parsed.potId ?? null, 'bad_topic', parsed.error ?? 'invalid topic', payload);
      return;
    }
    if (parsed.kind === 'telemetry') this.#telemetry(topic, parsed.potId, payload);
    else if (parsed.kind === 'status') this.#status(topic, parsed.potId, payload);
  }

  #telemetry(topic: string, potId: string, payload: Uint8Array): void {
    const decoded = decodeReading(payload);
    if (!decoded.ok) {
      this.#reject(topic, potId, decoded.reason, decoded.error, payload);
      return;
    }

    const now = this.#now();
    const reading = toStored(decoded.reading, now);
    const isNewPot = this.#deps.store.pot(potId, now) === null;
    this.#hooks?.beforeStore(potId, reading);
    const result = this.#deps.store.addReading(potId, reading, now);
    if (result === 'duplicate') {
      this.counters.duplicates++;
      this.#deps.log.debug({ potId, topic, seq: reading.seq }, 'duplicate reading dropped');
      return;
    }
    // The store counts and logs the loss (hub/store/durability.ts); the message is still acked.
    if (result === 'dropped') return;

    this.counters.stored++;
    if (isNewPot) {
      this.#deps.log.info({ potId }, 'new pot registered');
      this.#applyPendingStatus(potId);
    }
    this.#deps.live.send('reading', { potId, reading });
    this.#deps.live.send('pot', { pot: this.#deps.store.pot(potId, now)! });
    this.#hooks?.afterStore(potId, reading);
  }

  #status(topic: string, potId: string, payload: Uint8Array): void {
    const text = Buffer.from(payload).toString('utf8');
    if (text !== 'online' && text !== 'offline') {
      const quoted = JSON.stringify(text.slice(0, 40));
      this.#reject(topic, potId, 'bad_status', `status payload ${quoted} is neither "online" nor "offline"`, payload);
      return;
    }

    const now = this.#now();
    if (!this.#deps.store.setAnnounced(potId, text, now)) {
      // A pot announces `online` before its first reading; keep it until the pot registers.
      if (this.#pendingStatus.size >= MAX_TRACKED_KEYS) this.#pendingStatus.clear();
      this.#pendingStatus.set(potId, { status: text, at: now });
      this.#deps.log.debug({ potId, topic, status: text }, 'status of an unregistered pot kept until its first reading');
      return;
    }
    this.#deps.log.debug({ potId, status: text }, 'pot status received');
    this.#deps.live.send('pot', { pot: this.#deps.store.pot(potId, now)! });
  }

  #applyPendingStatus(potId: string): void {
    const pending = this.#pendingStatus.get(potId);
    if (pending === undefined) return;
    this.#pendingStatus.delete(potId);
    this.#deps.store.setAnnounced(potId, pending.status, pending.at);
  }

  #count(reason: IngestRejectReason): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
  }

  #reject(topic: string, potId: string | null, reason: IngestRejectReason, error: string, payload: Uint8Array): void {
    this.#count(reason);
    // One warning per pot, reason and field a minute: a NaN in one field does not hide another.
    const field = /field "([^"]{1,64})"/.exec(error)?.[1] ?? '';
    const key = (potId ?? topic) + '|' + reason + '|' + field;
    const now = this.#now();
    const last = this.#lastWarn.get(key);
    if (last && now - last.at < REPEAT_LOG_MS) {
      last.suppressed++;
      return;
    }

    const repeats = last?.suppressed ?? 0;
    if (this.#lastWarn.size >= MAX_TRACKED_KEYS) this.#lastWarn.clear();
    this.#lastWarn.set(key, { at: now, suppressed: 0 });
    const fields = { potId, topic: topic.slice(0, 200), reason, error, bytes: payload.byteLength };
    if (repeats > 0) this.#deps.log.warn({ ...fields, repeats }, 'reading rejected (repeated since the last warning)');
    else this.#deps.log.warn(fields, 'reading rejected');
  }
}
