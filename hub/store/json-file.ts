// Opens a lowdb JSON file. A file that fails to parse or has the wrong shape is moved aside to
// `<name>.corrupt-<timestamp>` and replaced by the default data, so one bad file never stops the hub.
import { rename } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { DataFile, JSONFile } from 'lowdb/node';
import type { FastifyBaseLogger } from 'fastify';
import { recordSetAside } from './set-aside.js';

export type ShapeCheck<T> = (value: unknown) => value is T;

/** Moves a damaged file aside and returns its new path. */
export async function moveAside(file: string, now: number = Date.now()): Promise<string> {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  await rename(file, target);
  return target;
}

/**
 * Opens `file` with lowdb. `compact` writes JSON without indentation: history and rollup files
 * are rewritten at every flush and read for every chart, and indentation makes them larger.
 */
export async function openJsonFile<T>(
  file: string,
  isValid: ShapeCheck<T>,
  makeDefault: () => T,
  log: FastifyBaseLogger,
  compact = false,
): Promise<Low<T>> {
  const adapter = compact ? new DataFile<T>(file, { parse: JSON.parse, stringify: (data) => JSON.stringify(data) }) : new JSONFile<T>(file);
  return openWithAdapter(file, adapter, isValid, makeDefault, log);
}

/** Opens `file` through `adapter`, with the same handling of a damaged file as openJsonFile. */
export async function openWithAdapter<T>(
  file: string,
  adapter: Adapter<T>,
  isValid: ShapeCheck<T>,
  makeDefault: () => T,
  log: FastifyBaseLogger,
): Promise<Low<T>> {
  let data: T | null = null;
  let problem: string | null = null;

  try {
    const value = await adapter.read();
    if (value !== null && !isValid(value)) problem = 'unexpected shape';
    else data = value;
  } catch (err) {
    // Only a parse failure means a damaged file; a read error (permissions, I/O) must stop the caller.
    if (!(err instanceof SyntaxError)) throw err;
    problem = 'invalid JSON: ' + err.message;
  }

  if (problem !== null) {
    const movedTo = await moveAside(file);
    recordSetAside(file, movedTo);
    log.error({ file, movedTo, problem }, 'data file is damaged; moved it aside and started it empty');
  }
  return new Low<T>(adapter, data ?? makeDefault());
}
