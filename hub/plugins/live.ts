// Live updates as `app.live`: Server-Sent Events streams that receive every new reading and
// pot change. The route that opens a stream is hub/routes/events.ts.
import type { ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';
import type { Pot } from '../store/registry.js';

/** Comment line sent to every stream, so proxies and browsers keep idle connections open. */
export const HEARTBEAT_MS = 15 * 1000;

// TODO: a pot that goes silent turns offline with no `pot` event; clients recompute from lastSeen.
export interface LiveEvents {
  reading: { potId: PotId; reading: StoredReading };
  pot: { pot: Pot };
}

/**
 * Decides whether a stream may receive an event about a pot. It runs at each event, so a share
 * removed while the stream is open takes effect at once.
 */
export type PotFilter = (potId: string) => boolean;

const EVERY_POT: PotFilter = () => true;

/** Pot id an event is about, so each stream receives only its user's pots. */
function potOf(data: LiveEvents[keyof LiveEvents]): string {
  return 'pot' in data ? data.pot.id : data.potId;
}

export class Live {
  readonly #clients = new Map<ServerResponse, PotFilter>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs: number) {
    this.#heartbeat = setInterval(() => this.#broadcast(': heartbeat\n\n'), heartbeatMs);
    this.#heartbeat.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Starts an event stream on a raw response the route has taken over. */
  attach(response: ServerResponse, canSee: PotFilter = EVERY_POT): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    // Tells the browser how long to wait before reconnecting after a drop.
    response.write('retry: 3000\n\n');
    this.#clients.set(response, canSee);
    response.on('close', () => this.#clients.delete(response));
  }

  send<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): void {
    if (this.#clients.size === 0) return;
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    const potId = potOf(data);
    for (const [client, canSee] of this.#clients) if (canSee(potId)) client.write(text);
  }

  #broadcast(text: string): void {
    for (const client of this.#clients.keys()) client.write(text);
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const client of this.#clients.keys()) client.end();
    this.#clients.clear();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    live: Live;
  }
}

export default fp(
  async (app) => {
    const live = new Live(HEARTBEAT_MS);
    app.decorate('live', live);
    // preClose: open streams would otherwise keep the HTTP server from closing.
    app.addHook('preClose', async () => live.close());
  },
  { name: 'poco-live' },
);
