// The client's socket and timers on Node, for tests and virtual pots: node:net carries bytes as
// latin1 strings, one char per byte, the form Espruino's net module gives the firmware.
import { connect } from 'node:net';
import type { ClientSocket, OpenSocket, SocketHandlers, Timers } from './client.js';

export interface NodeSockets {
  open: OpenSocket;
  /** Sockets opened so far, newest last; tests destroy one to cut the link without DISCONNECT. */
  opened: import('node:net').Socket[];
}

export function nodeSockets(): NodeSockets {
  const opened: import('node:net').Socket[] = [];
  const open: OpenSocket = (host: string, port: number, handlers: SocketHandlers): ClientSocket => {
    const socket = connect({ host, port });
    opened.push(socket);
    let closeReason = 'connection closed by the broker';
    socket.setNoDelay(true);
    socket.on('connect', () => handlers.onOpen());
    socket.on('data', (chunk: Buffer) => handlers.onData(chunk.toString('latin1')));
    socket.on('error', (error: Error) => { closeReason = error.message; });
    socket.on('close', () => handlers.onClose(closeReason));
    return {
      write(bytes: string) {
        if (!socket.destroyed) socket.write(Buffer.from(bytes, 'latin1'));
      },
      close() {
        closeReason = 'connection closed by the client';
        socket.end();
        socket.destroySoon();
      },
    };
  };
  return { open, opened };
}

/** Node timers behind the numeric ids the Hardware interface uses. */
export function nodeTimers(): Timers & { clearAll(): void } {
  const pending = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  return {
    setTimeout(fn: () => void, ms: number): number {
      const id = nextId++;
      pending.set(id, setTimeout(() => { pending.delete(id); fn(); }, ms));
      return id;
    },
    clearTimeout(id: number): void {
      const timer = pending.get(id);
      if (timer) clearTimeout(timer);
      pending.delete(id);
    },
    clearAll(): void {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
