// Calls to the hub's remote-watering API (docs/watering.md) for the "Arroser" panel.
import type { WateringRule, WateringSchedule } from '../../../domain/watering-rules.js';
import { callApi, potPath } from '../api.js';

export type CommandState = 'pending' | 'sent' | 'done' | 'refused' | 'expired' | 'failed' | 'duplicate';

export interface CommandRecord {
  id: string;
  durationS: number;
  volumeMl: number | null;
  origin: 'manual' | 'dry' | 'schedule';
  by: string | null;
  issued: number;
  expires: number;
  state: CommandState;
  ackAt: number | null;
  ranS: number | null;
  moistureBefore: number | null;
  moistureAfter: number | null;
  /** Code of why the command did not run or failed; absent in older records. */
  reason?: string | null;
  error: string | null;
}

export interface UsageTotal {
  runs: number;
  seconds: number;
  ml: number | null;
}

export interface CommandsView {
  canControl: boolean;
  /** Whether the pot reported a pump; null when no reading had the field (older firmware). */
  pump: boolean | null;
  limits: { maxDurationS: number; maxVolumeMl: number; defaultExpiresS: number };
  commands: CommandRecord[];
  usage: { today: UsageTotal; week: UsageTotal; flowMlPerS: number | null };
  rule: { enabled: boolean; disabled: { at: number; reason: string } | null } | null;
}

// The hub sends the rule in the shape the rule engine uses.
export type Schedule = WateringSchedule;
export type Rule = WateringRule;

export interface RulesView {
  rule: Rule | null;
  defaults: Rule;
  flowMlPerS: number | null;
  state: { countToday: number; secondsToday: number; disabled: { at: number; reason: string } | null };
}


export const fetchCommands = (id: string): Promise<CommandsView> => callApi(`${potPath(id)}/commands`);
export const water = (id: string, durationS: number): Promise<{ command: CommandRecord }> => callApi(`${potPath(id)}/water`, 'POST', { duration_s: durationS });
export const fetchRules = (id: string): Promise<RulesView> => callApi(`${potPath(id)}/watering-rules`);
export const saveRules = (id: string, body: { rule?: Partial<Rule> | null; flowMlPerS?: number | null; enable?: boolean }): Promise<RulesView> =>
  callApi(`${potPath(id)}/watering-rules`, 'PUT', body);
