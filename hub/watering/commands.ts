// Water commands from the hub: created by a user or a rule, published at QoS 1 on
// <prefix>/<id>/cmd, followed through their states until the pot's acknowledgement or expiry.
// Each change is stored, pushed live as a `command` event and written to the care timeline.
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { COMMAND_VERSION, MAX_COMMAND_LIFETIME_S, type Command, type CommandAck } from '../../domain/command.js';
import { decodeAck } from '../../domain/decode-command.js';
import { parseTopic, topicFor } from '../../domain/topics.js';
import type { Live } from '../plugins/live.js';
import type { MqttLink } from '../plugins/mqtt.js';
import type { Timelines } from '../store/care-timeline.js';
import { FINAL_STATES, type CommandOrigin, type CommandRecord, type WateringStore } from '../store/watering-store.js';

declare module '../plugins/live.js' {
  interface LiveEvents {
    command: { potId: string; command: CommandRecord };
  }
}

/** A command with no acknowledgement this long after `expires` is shown expired. */
export const EXPIRY_GRACE_MS = 60_000;
export const DEFAULT_EXPIRES_S = 3600;

export interface CommandDeps {
  prefix: string;
  store: WateringStore;
  mqtt: MqttLink;
  live: Live;
  timelines: Timelines;
  log: FastifyBaseLogger;
  now: () => number;
  /** Called with each acknowledged command, so the rules can count what really ran. */
  onOutcome: (record: CommandRecord) => void;
}

export interface NewCommand {
  potId: string;
  durationS: number;
  volumeMl: number | null;
  expiresInS: number;
  origin: CommandOrigin;
  by: string | null;
}

function newId(): string {
  return randomBytes(9).toString('base64url');
}

export class CommandBook {
  readonly #deps: CommandDeps;

  constructor(deps: CommandDeps) {
    this.#deps = deps;
  }

  #changed(record: CommandRecord): void {
    void this.#deps.store.save().catch((err: unknown) => this.#deps.log.error({ err, potId: record.potId }, 'watering file not written'));
    this.#deps.live.send('command', { potId: record.potId, command: { ...record } });
  }

  #timeline(record: CommandRecord, at: number): void {
    const data = {
      id: record.id, state: record.state, origin: record.origin, durationS: record.durationS,
      ranS: record.ranS, moistureBefore: record.moistureBefore, moistureAfter: record.moistureAfter, error: record.error,
    };
    void this.#deps.timelines.add(record.potId, { at, kind: 'watering_command', data }).catch(() => {});
  }

  /** Creates, stores and publishes a command; resolves with its record once it is stored. */
  create(input: NewCommand): CommandRecord {
    const now = this.#deps.now();
    const lifetimeS = Math.min(Math.max(1, Math.round(input.expiresInS)), MAX_COMMAND_LIFETIME_S);
    const record: CommandRecord = {
      id: newId(), potId: input.potId, kind: 'water', durationS: input.durationS, volumeMl: input.volumeMl,
      origin: input.origin, by: input.by, issued: now, expires: now + lifetimeS * 1000,
      state: 'pending', sentAt: null, ackAt: null, ranS: null, moistureBefore: null, moistureAfter: null, reason: null, error: null,
    };
    this.#deps.store.addCommand(record);
    this.#changed(record);
    this.#timeline(record, now);
    this.#publish(record);
    return record;
  }

  #publish(record: CommandRecord): void {
    const issuedS = Math.floor(record.issued / 1000);
    const command: Command = {
      v: COMMAND_VERSION, id: record.id, kind: 'water', duration_s: record.durationS,
      issued: issuedS, expires: issuedS + Math.round((record.expires - record.issued) / 1000),
    };
    const topic = topicFor(this.#deps.prefix, record.potId, 'cmd');
    this.#deps.mqtt.publish(topic, JSON.stringify(command), { retain: false }).then(() => {
      if (record.state !== 'pending') return; // the acknowledgement came first
      record.state = 'sent';
      record.sentAt = this.#deps.now();
      this.#deps.log.info({ potId: record.potId, commandId: record.id, durationS: record.durationS }, 'water command sent');
      this.#changed(record);
    }, (err: unknown) => {
      this.#deps.log.error({ err, potId: record.potId, commandId: record.id }, 'water command not published');
      this.#settle(record, { state: 'failed', reason: 'not_published', error: `the broker did not take the command: ${(err as Error).message}` });
    });
  }

  #settle(record: CommandRecord, change: Partial<CommandRecord>): void {
    Object.assign(record, change);
    this.#changed(record);
    this.#timeline(record, record.ackAt ?? this.#deps.now());
    this.#deps.onOutcome(record);
  }

  /** Handles a message on <prefix>/<id>/cmd/ack. */
  handleAck(topic: string, payload: Buffer): void {
    const parsed = parseTopic(this.#deps.prefix, topic);
    if (!parsed.ok || parsed.potId === undefined || parsed.kind !== 'cmd/ack') {
      this.#deps.log.warn({ topic: topic.slice(0, 200), reason: 'bad_topic' }, 'acknowledgement rejected');
      return;
    }
    const potId = parsed.potId;
    const decoded = decodeAck(payload);
    if (!decoded.ok) {
      this.#deps.log.warn({ potId, topic, reason: 'invalid', error: decoded.error }, 'acknowledgement rejected');
      return;
    }
    const ack: CommandAck = decoded.value;
    const record = this.#deps.store.findCommand(potId, ack.id);
    if (record === null) {
      this.#deps.log.warn({ potId, commandId: ack.id, result: ack.result }, 'acknowledgement of an unknown command ignored');
      return;
    }
    // A redelivered command answered `duplicate` keeps the outcome of its first run.
    if (ack.result === 'duplicate' && record.ackAt !== null) return;
    this.#deps.log.info({ potId, commandId: ack.id, result: ack.result, reason: ack.reason, ranS: ack.ran_s }, 'water command acknowledged');
    this.#settle(record, {
      state: ack.result, ackAt: this.#deps.now(), ranS: ack.ran_s ?? null,
      moistureBefore: ack.moisture_before ?? null, moistureAfter: ack.moisture_after ?? null,
      reason: ack.reason ?? null, error: ack.error ?? null,
    });
  }

  /** Marks commands expired that had no acknowledgement by `expires` (plus a grace for the pot's run). */
  expire(now: number): void {
    for (const potId of this.#deps.store.potIds()) {
      for (const record of this.#deps.store.pot(potId).commands) {
        if (FINAL_STATES.includes(record.state) || now < record.expires + EXPIRY_GRACE_MS) continue;
        this.#settle(record, { state: 'expired', reason: 'no_ack', error: 'no acknowledgement from the pot before the command expired' });
      }
    }
  }
}
