// The hub's Server-Sent Events stream. EventSource retries by itself after a dropped connection,
// but gives up for good when the hub responds with an error status. Then a new one is opened
// here, with a growing delay.
import type { PotEvent, ReadingEvent } from './types.js';

export type LiveState = 'connecting' | 'open' | 'lost';

/** Data of an `alert` event: the hub's alert record, of which the badges read `key` and `kind`. */
export interface AlertEvent {
  potId: string;
  phase: 'raised' | 'cleared';
  alert: { key: string; kind: string; since: number; at: number; detail: string };
}

export interface LiveHandlers {
  onReading(event: ReadingEvent): void;
  onPot(event: PotEvent): void;
  /** An alert raised or cleared, so the badges change without waiting for their poll. */
  onAlert(event: AlertEvent): void;
  /** Runs on every (re)connection, since events sent while the stream was down are lost. */
  onOpen(): void;
  onStateChange(state: LiveState): void;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

function parseData<T>(event: Event, name: string): T | null {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch (err) {
    console.warn(`ignored a "${name}" event whose data is not JSON`, err);
    return null;
  }
}

export function connectLive(url: string, handlers: LiveHandlers): { close(): void } {
  let source: EventSource | null = null;
  let retryTimer: number | undefined;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;

  function open(): void {
    handlers.onStateChange('connecting');
    const current = new EventSource(url);
    source = current;

    current.addEventListener('open', () => {
      retryMs = FIRST_RETRY_MS;
      handlers.onStateChange('open');
      handlers.onOpen();
    });
    current.addEventListener('error', () => {
      handlers.onStateChange('lost');
      if (current.readyState !== EventSource.CLOSED || closed) return;
      current.close();
      retryTimer = window.setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    });
    current.addEventListener('reading', (event) => {
      const data = parseData<ReadingEvent>(event, 'reading');
      if (data && typeof data.potId === 'string' && data.reading) handlers.onReading(data);
    });
    current.addEventListener('pot', (event) => {
      const data = parseData<PotEvent>(event, 'pot');
      if (data && data.pot && typeof data.pot.id === 'string') handlers.onPot(data);
    });
    current.addEventListener('alert', (event) => {
      const data = parseData<AlertEvent>(event, 'alert');
      if (data && typeof data.potId === 'string' && data.alert && typeof data.alert.key === 'string') handlers.onAlert(data);
    });
  }

  open();
  return {
    close() {
      closed = true;
      window.clearTimeout(retryTimer);
      source?.close();
    },
  };
}
