// An in-process broker (aedes) for a hub that finds nothing listening at its local broker URL,
// so a classroom can run the hub alone. Aedes 1.2 speaks MQTT 3.1.1 only, not MQTT 5.
import { connect, createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

export type ProbeResult = 'open' | 'refused' | 'failed';

/** Tries a TCP connection to host:port. */
export function probe(host: string, port: number, timeoutMs = 2000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done('failed'));
    socket.once('connect', () => done('open'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'failed'));
  });
}

export interface EmbeddedBroker {
  close(): Promise<void>;
}

export async function startEmbeddedBroker(host: string, port: number): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
