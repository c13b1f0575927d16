// The dashboard's copy of the hub's pots, kept current by the event stream. Views subscribe to it
// instead of talking to the stream themselves.
import type { Pot, StoredReading } from './types.js';

export type LoadState = 'loading' | 'ready' | 'failed';

type PotListener = (potId: string | null) => void;
type ReadingListener = (potId: string, reading: StoredReading) => void;
type ResyncListener = () => void;

const pots = new Map<string, Pot>();
const potListeners = new Set<PotListener>();
const readingListeners = new Set<ReadingListener>();
const resyncListeners = new Set<ResyncListener>();

let loadState: LoadState = 'loading';
let loadError = '';

function notifyPots(potId: string | null): void {
  for (const listener of potListeners) listener(potId);
}

export function allPots(): Pot[] {
  return [...pots.values()];
}

export function getPot(id: string): Pot | undefined {
  return pots.get(id);
}

export function potsLoadState(): { state: LoadState; error: string } {
  return { state: loadState, error: loadError };
}

/** Replaces every pot with the hub's list; listeners receive null, meaning "everything changed". */
export function replacePots(list: Pot[]): void {
  pots.clear();
  for (const pot of list) pots.set(pot.id, pot);
  loadState = 'ready';
  loadError = '';
  notifyPots(null);
}

export function markLoadFailed(message: string): void {
  if (loadState !== 'ready') loadState = 'failed';
  loadError = message;
  notifyPots(null);
}

export function upsertPot(pot: Pot): void {
  pots.set(pot.id, pot);
  notifyPots(pot.id);
}

/**
 * Applies a live reading to its pot. Returns false when the pot is not known yet, so the caller
 * can fetch it. An older reading (a pot's offline buffer) still reaches the chart but does not
 * replace the latest value.
 */
export function applyReading(potId: string, reading: StoredReading): boolean {
  for (const listener of readingListeners) listener(potId, reading);

  const pot = pots.get(potId);
  if (!pot) return false;
  const newer = pot.latest === null || reading.at >= pot.latest.at;
  const seen = Math.max(pot.lastSeen, reading.rx);
  pots.set(potId, { ...pot, latest: newer ? reading : pot.latest, lastSeen: seen });
  notifyPots(potId);
  return true;
}

export function onPotsChange(listener: PotListener): () => void {
  potListeners.add(listener);
  return () => potListeners.delete(listener);
}

export function onReading(listener: ReadingListener): () => void {
  readingListeners.add(listener);
  return () => readingListeners.delete(listener);
}

/** Runs after the event stream reconnected, when events may have been missed. */
export function onResync(listener: ResyncListener): () => void {
  resyncListeners.add(listener);
  return () => resyncListeners.delete(listener);
}

export function notifyResync(): void {
  for (const listener of resyncListeners) listener();
}
