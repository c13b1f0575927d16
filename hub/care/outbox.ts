// Alert deliveries to the outside channels. Each alert phase (raised, cleared) is queued once per
// channel the pot chose, held until its quiet hours end, and retried with a doubling delay when
// the channel fails. The queue lives in data/care.json, so it survives a restart.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { CareStore } from '../store/care-store.js';
import type { Sender } from './channels.js';
import { inQuietHours, quietHoursEnd } from './clock.js';
import { alertMessage } from './messages.js';
import type { AlertRecord, Channel, Delivery, DeliveryPhase, PotCare } from './types.js';

/** Attempts before a delivery is marked failed. */
export const MAX_ATTEMPTS = 6;
/** Longest sleep of the delivery loop, so a clock change is noticed. */
const MAX_SLEEP_MS = 60000;

export interface OutboxDeps {
  care: CareStore;
  senders: Partial<Record<Channel, Sender>>;
  timeZone: string;
  retryMs: number;
  log: FastifyBaseLogger;
  now?: () => number;
}

export class Outbox {
  readonly #deps: OutboxDeps;
  readonly #now: () => number;
  readonly #inFlight = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  #running: Promise<void> = Promise.resolve();

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Queues one delivery per chosen channel; a channel the hub has no settings for is logged and skipped. */
  enqueue(alert: AlertRecord, phase: DeliveryPhase, care: PotCare, potName: string): void {
    const now = this.#now();
    const nextAt = inQuietHours(care.quietHours, now, this.#deps.timeZone) ? quietHoursEnd(care.quietHours!, now, this.#deps.timeZone) : now;
    for (const channel of care.channels) {
      if (!this.#deps.senders[channel]) {
        this.#deps.log.warn({ potId: alert.potId, channel, alert: alert.key }, 'alert channel chosen for the pot has no hub settings; see docs/configuration.md');
        continue;
      }
      const delivery: Delivery = {
        id: randomUUID(), channel, phase, alert: { ...alert }, potName,
        status: 'pending', attempts: 0, nextAt, lastError: null, sentAt: null,
      };
      this.#deps.care.outbox().push(delivery);
      if (nextAt > now) this.#deps.log.info({ potId: alert.potId, channel, alert: alert.key, phase, nextAt }, 'alert held until the quiet hours end');
    }
    this.#deps.care.changed();
    this.#schedule(0);
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops the loop and waits for the attempts in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Sends every delivery that is due now; resolves when their attempts ended. */
  async runDue(): Promise<void> {
    const now = this.#now();
    const due = this.#deps.care.outbox().filter((d) => d.status === 'pending' && d.nextAt <= now && !this.#inFlight.has(d.id));
    await Promise.all(due.map((delivery) => this.#attempt(delivery)));
    this.#deps.care.trimOutbox();
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.runDue().finally(() => this.#schedule(this.#nextDelay()));
    }, delayMs);
    this.#timer.unref();
  }

  #nextDelay(): number {
    const pending = this.#deps.care.outbox().filter((d) => d.status === 'pending' && !this.#inFlight.has(d.id));
    if (pending.length === 0) return MAX_SLEEP_MS;
    const next = Math.min(...pending.map((d) => d.nextAt));
    return Math.min(MAX_SLEEP_MS, Math.max(0, next - this.#now()));
  }

  async #attempt(delivery: Delivery): Promise<void> {
    const sender = this.#deps.senders[delivery.channel];
    if (!sender) return;
    this.#inFlight.add(delivery.id);
    const fields = { potId: delivery.alert.potId, channel: delivery.channel, alert: delivery.alert.key, phase: delivery.phase };
    try {
      delivery.attempts++;
      await sender.send(alertMessage(delivery, this.#deps.timeZone));
      delivery.status = 'sent';
      delivery.sentAt = this.#now();
      delivery.lastError = null;
      this.#deps.log.info({ ...fields, attempts: delivery.attempts }, 'alert delivered');
    } catch (err) {
      delivery.lastError = (err as Error).message;
      if (delivery.attempts >= MAX_ATTEMPTS) {
        delivery.status = 'failed';
        this.#deps.log.error({ ...fields, attempts: delivery.attempts, error: delivery.lastError }, 'alert delivery failed for good; check the channel settings');
      } else {
        const waitMs = this.#deps.retryMs * 2 ** (delivery.attempts - 1);
        delivery.nextAt = this.#now() + waitMs;
        this.#deps.log.warn({ ...fields, attempts: delivery.attempts, retryInMs: waitMs, error: delivery.lastError }, 'alert delivery failed; retrying');
      }
    } finally {
      this.#inFlight.delete(delivery.id);
      this.#deps.care.changed();
    }
  }
}
