// Remote watering's file, data/watering.json (lowdb, written atomically): per pot, the commands
// sent with their state, the automatic rule with its state, and the pump flow for water usage.
import { mkdir } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import type { AckResult } from '../../domain/command.js';
import type { RuleState, WateringRule } from '../../domain/watering-rules.js';
import { openJsonFile } from './json-file.js';

/** Commands kept per pot, newest last; older ones drop out (their runs then leave the usage). */
export const MAX_COMMANDS = 500;

/**
 * `pending`: created, the broker has not acknowledged it yet. `sent`: the broker has it (PUBACK)
 * and keeps it for the pot. The protocol has no "received" message, so the pot's acknowledgement
 * is what shows delivery; it sets one of the AckResult states. `expired` is also set by the hub
 * when no acknowledgement came by `expires`.
 */
export type CommandState = 'pending' | 'sent' | AckResult;

export const FINAL_STATES: readonly CommandState[] = ['done', 'refused', 'expired', 'failed', 'duplicate'];

export type CommandOrigin = 'manual' | 'dry' | 'schedule';

export interface CommandRecord {
  id: string;
  potId: string;
  kind: 'water';
  durationS: number;
  /** Volume asked for, when the user asked for one; `durationS` is then computed from the flow. */
  volumeMl: number | null;
  origin: CommandOrigin;
  /** Name of the user who pressed the button, for manual commands. */
  by: string | null;
  /** Unix ms. */
  issued: number;
  expires: number;
  state: CommandState;
  sentAt: number | null;
  ackAt: number | null;
  ranS: number | null;
  moistureBefore: number | null;
  moistureAfter: number | null;
  /**
   * Code of why the command did not run or failed: an AckReason from the pot, or `no_ack` and
   * `not_published` from the hub. Absent in records stored before codes existed, and in a few
   * outcomes that have none.
   */
  reason?: string | null;
  error: string | null;
}

export interface PotWatering {
  commands: CommandRecord[];
  rule: WateringRule | null;
  ruleState: RuleState | null;
  /** Pump flow, mL/s, or null when not measured. */
  flowMlPerS: number | null;
}

interface WateringFile {
  version: 1;
  pots: Record<string, PotWatering>;
}

function isWateringFile(value: unknown): value is WateringFile {
  const file = value as Partial<WateringFile> | null;
  return typeof file === 'object' && file !== null && file.version === 1 && typeof file.pots === 'object' && file.pots !== null;
}

export class WateringStore {
  readonly #db: Low<WateringFile>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(db: Low<WateringFile>) {
    this.#db = db;
  }

  static async open(dataDir: string, log: FastifyBaseLogger): Promise<WateringStore> {
    await mkdir(dataDir, { recursive: true });
    const db = await openJsonFile(`${dataDir}/watering.json`, isWateringFile, () => ({ version: 1 as const, pots: {} }), log);
    return new WateringStore(db);
  }

  pot(potId: string): PotWatering {
    let pot = this.#db.data.pots[potId];
    if (!pot) {
      pot = { commands: [], rule: null, ruleState: null, flowMlPerS: null };
      this.#db.data.pots[potId] = pot;
    }
    return pot;
  }

  potIds(): string[] {
    return Object.keys(this.#db.data.pots);
  }

  addCommand(record: CommandRecord): void {
    const commands = this.pot(record.potId).commands;
    commands.push(record);
    if (commands.length > MAX_COMMANDS) commands.splice(0, commands.length - MAX_COMMANDS);
  }

  findCommand(potId: string, id: string): CommandRecord | null {
    return this.#db.data.pots[potId]?.commands.find((c) => c.id === id) ?? null;
  }

  /** Writes the file; writes are chained so two never overlap. */
  save(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#db.write());
    return this.#writing;
  }
}
