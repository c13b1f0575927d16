// Runs each pot's watering rule (domain/watering-rules.ts) on every stored reading and on a
// timer for schedules, sends the waterings it decides, records skips in the care timeline, and
// turns a no-rise stop into a care alert.
import type { FastifyBaseLogger } from 'fastify';
import type { StoredReading } from '../../domain/reading.js';
import {
  decideWatering, enableRule, initialRuleState, observeMoisture, recordOutcome, zonedClock,
  type LocalClock, type RuleEvent, type RuleState, type RuleStep, type WateringRule,
} from '../../domain/watering-rules.js';
import type { Care } from '../plugins/care.js';
import type { CommandRecord, WateringStore } from '../store/watering-store.js';
import type { CommandBook } from './commands.js';

export interface RuleDeps {
  store: WateringStore;
  commands: () => CommandBook;
  care: Care;
  timeZone: string;
  log: FastifyBaseLogger;
  now: () => number;
  /** Expiry of the commands a rule sends, seconds. */
  expiresInS: (potId: string) => number;
}

export class RuleRunner {
  readonly #deps: RuleDeps;
  readonly #clock: LocalClock;
  /** Id of the command each pot's rule is waiting on, so its outcome reaches the rule. */
  readonly #ruleCommand = new Map<string, string>();

  constructor(deps: RuleDeps) {
    this.#deps = deps;
    this.#clock = zonedClock(deps.timeZone);
  }

  #state(potId: string): RuleState {
    return this.#deps.store.pot(potId).ruleState ?? initialRuleState();
  }

  #apply(potId: string, rule: WateringRule, step: RuleStep): void {
    this.#deps.store.pot(potId).ruleState = step.state;
    for (const event of step.events) this.#handle(potId, rule, event);
    void this.#deps.store.save().catch((err: unknown) => this.#deps.log.error({ err, potId }, 'watering file not written'));
  }

  #handle(potId: string, rule: WateringRule, event: RuleEvent): void {
    const timelines = this.#deps.care.timelines;
    if (event.type === 'water') {
      const record = this.#deps.commands().create({
        potId, durationS: event.durationS, volumeMl: null, expiresInS: this.#deps.expiresInS(potId), origin: event.trigger, by: null,
      });
      this.#ruleCommand.set(potId, record.id);
      this.#deps.log.info({ potId, trigger: event.trigger, durationS: event.durationS, commandId: record.id }, 'watering rule sent a command');
      return;
    }
    if (event.type === 'skip') {
      void timelines.add(potId, { at: event.at, kind: 'watering_rule', data: { skip: event.reason, trigger: event.trigger, slot: event.slot ?? null } }).catch(() => {});
      return;
    }
    const detail = `moisture ${event.beforePercent} % before the watering, at best ${event.bestPercent ?? '?'} % within ${rule.riseWindowMs / 60000} min: rule stopped`;
    const state = this.#deps.care.engine.state(potId);
    this.#deps.care.alerts.raise(state, potId, { kind: 'no_rise', since: event.at, at: event.at, detail });
    this.#deps.care.store.setEngineState(potId, state);
    void timelines.add(potId, { at: event.at, kind: 'watering_rule', data: { stopped: 'no_rise', beforePercent: event.beforePercent, bestPercent: event.bestPercent } }).catch(() => {});
    this.#deps.log.warn({ potId, beforePercent: event.beforePercent, bestPercent: event.bestPercent }, 'watering rule stopped: moisture did not rise');
  }

  /** Feeds a stored reading (moisture from the pot's calibration) to the pot's rule. */
  onReading(potId: string, reading: StoredReading): void {
    const rule = this.#deps.store.pot(potId).rule;
    if (rule === null) return;
    const percent = typeof reading.moisture === 'number' ? reading.moisture : null;
    const now = this.#deps.now();
    // A pot clock up to 5 minutes fast would otherwise put the dry spell in the hub's future.
    const observed = observeMoisture(rule, this.#state(potId), { at: Math.min(reading.at, now), percent });
    const decided = decideWatering(rule, observed.state, now, this.#clock);
    this.#apply(potId, rule, { state: decided.state, events: observed.events.concat(decided.events) });
  }

  /** Runs every rule at `now`, for schedules and for rise checks whose window ended. */
  tick(now: number): void {
    for (const potId of this.#deps.store.potIds()) {
      const rule = this.#deps.store.pot(potId).rule;
      if (rule !== null) this.#apply(potId, rule, decideWatering(rule, this.#state(potId), now, this.#clock));
    }
  }

  /** Applies a pot's acknowledgement to its rule, so a watering that did not run is given back. */
  onOutcome(record: CommandRecord): void {
    if (record.origin === 'manual' || this.#ruleCommand.get(record.potId) !== record.id) return;
    const pot = this.#deps.store.pot(record.potId);
    if (pot.ruleState === null) return;
    const ran = record.state === 'done' || (record.state === 'failed' && (record.ranS ?? 0) > 0);
    pot.ruleState = recordOutcome(pot.ruleState, ran, record.ranS ?? 0);
    if (!ran) this.#ruleCommand.delete(record.potId);
  }

  /** Sets or removes a pot's rule; a new rule keeps the day's counters of the old one. */
  setRule(potId: string, rule: WateringRule | null): void {
    const pot = this.#deps.store.pot(potId);
    pot.rule = rule;
    if (pot.ruleState === null) pot.ruleState = initialRuleState();
  }

  /** Turns a rule stopped by the no-rise check back on and clears its alert. */
  enable(potId: string): void {
    const pot = this.#deps.store.pot(potId);
    pot.ruleState = enableRule(pot.ruleState ?? initialRuleState());
    const state = this.#deps.care.engine.state(potId);
    this.#deps.care.alerts.clear(state, potId, 'no_rise', this.#deps.now());
    this.#deps.care.store.setEngineState(potId, state);
  }
}
