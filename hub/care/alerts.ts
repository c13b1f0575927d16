// Raising and clearing alerts: each condition raises one alert per episode and clears it once.
// Both phases go to the timeline, the recent-alert list, the live stream and the outbox.
import type { FastifyBaseLogger } from 'fastify';
import type { Live } from '../plugins/live.js';
import type { CareStore } from '../store/care-store.js';
import type { Timelines } from '../store/care-timeline.js';
import type { Outbox } from './outbox.js';
import type { ActiveAlert, AlertKind, AlertRecord, DeliveryPhase, EngineState } from './types.js';

declare module '../plugins/live.js' {
  interface LiveEvents {
    alert: { potId: string; phase: DeliveryPhase; alert: AlertRecord };
  }
}

export interface AlertDeps {
  care: CareStore;
  timelines: Timelines;
  outbox: Outbox;
  live: Live;
  log: FastifyBaseLogger;
  /** Name shown in messages: the user's name for the pot, or its MAC. */
  potName(potId: string): string;
}

export interface RaiseInput {
  kind: AlertKind;
  /** Defaults to the kind; sensor faults use `sensor_fault:<sensor>`. */
  key?: string;
  since: number;
  at: number;
  detail: string;
}

export class AlertBook {
  readonly #deps: AlertDeps;

  constructor(deps: AlertDeps) {
    this.#deps = deps;
  }

  /** Raises an alert unless the same key is already active on the pot. */
  raise(state: EngineState, potId: string, input: RaiseInput): void {
    const key = input.key ?? input.kind;
    if (state.alerts[key]) return;

    const alert: ActiveAlert = { key, kind: input.kind, potId, since: input.since, at: input.at, detail: input.detail };
    state.alerts[key] = alert;
    this.#record({ ...alert, clearedAt: null }, 'raised', input.at);
  }

  /** Clears an active alert; does nothing when the key is not active. */
  clear(state: EngineState, potId: string, key: string, at: number): void {
    const alert = state.alerts[key];
    if (!alert) return;
    delete state.alerts[key];
    const record: AlertRecord = { ...alert, clearedAt: at };
    const recent = this.#deps.care.recentAlerts();
    for (let i = recent.length - 1; i >= 0; i--) {
      const open = recent[i]!;
      if (open.potId !== potId || open.key !== key || open.clearedAt !== null) continue;
      open.clearedAt = at;
      break;
    }
    this.#record(record, 'cleared', at, false);
  }

  #record(record: AlertRecord, phase: DeliveryPhase, at: number, addRecent = true): void {
    const { care, timelines, outbox, live, log } = this.#deps;
    const potId = record.potId;
    if (addRecent) care.addRecentAlert(record);
    else care.changed();

    const kind = phase === 'raised' ? 'alert_raised' : 'alert_cleared';
    void timelines.add(potId, { at, kind, data: { alert: record.kind, key: record.key, detail: record.detail } }).catch(() => {});
    live.send('alert', { potId, phase, alert: record });
    log.info({ potId, alert: record.key, phase, at }, phase === 'raised' ? 'alert raised' : 'alert cleared');
    outbox.enqueue(record, phase, care.potCare(potId), this.#deps.potName(potId));
  }
}
