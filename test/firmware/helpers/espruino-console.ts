// A stand-in for an Espruino board's REPL on a loopback TCP port, for the flash and config
// scripts: it echoes input, evaluates each complete statement in a node:vm context that has
// `process.env`, `print`, `reset`, `load`, `E.setBootCode`, an in-memory Storage and the Wi-Fi
// MAC, and prints results and the `>` prompt the way Espruino does.
import { createServer, type Server, type Socket } from 'node:net';
import vm from 'node:vm';

export interface StandInConsole {
  port: number;
  url: string;
  /** Storage files by name, as the board would keep them in flash. */
  storage: Map<string, string>;
  /** Every statement evaluated, in order. */
  statements: string[];
  board: string;
  /** What `require("Wifi").getIP().mac` answers, as the ESP32 reports its station MAC. */
  mac: string;
  close(): Promise<void>;
}

function storageModule(storage: Map<string, string>) {
  return {
    write(name: string, data: string, offset?: number, size?: number): boolean {
      const text = String(data);
      if (offset === undefined) {
        storage.set(name, text);
        return true;
      }
      const current = offset === 0 ? ' '.repeat(size ?? text.length) : storage.get(name) ?? '';
      storage.set(name, current.slice(0, offset) + text + current.slice(offset + text.length));
      return true;
    },
    read(name: string): string | undefined { return storage.get(name); },
    readJSON(name: string, noExceptions?: boolean): unknown {
      const text = storage.get(name);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text);
      } catch (error) {
        if (noExceptions) return undefined;
        throw error;
      }
    },
    writeJSON(name: string, value: unknown): boolean {
      storage.set(name, JSON.stringify(value));
      return true;
    },
    erase(name: string): void { storage.delete(name); },
  };
}

function session(socket: Socket, stand: StandInConsole): void {
  let pending = '';
  const write = (text: string) => socket.write(Buffer.from(text, 'latin1'));
  const context = vm.createContext({
    process: { env: { BOARD: stand.board, VERSION: '2v29', MODULES: 'Storage,Wifi,net,ESP32' } },
    print: (...values: unknown[]) => write(values.map(String).join(' ') + '\r\n'),
    reset: () => write('\r\n |_| espruino.com\r\n 2v29 (c) 2025 G.Williams\r\n'),
    load: () => write('Loading ' + (stand.storage.get('.bootcde')?.length ?? 0) + ' bytes from flash...\r\n'),
    E: { setBootCode: (code: string) => { stand.storage.set('.bootcde', code); } },
    require: (name: string) => {
      if (name === 'Storage') return storageModule(stand.storage);
      if (name === 'Wifi') return { getIP: () => ({ ip: '0.0.0.0', mac: stand.mac }) };
      throw new Error('Module ' + name + ' not found');
    },
  });
  context['console'] = { log: context['print'] };

  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    for (;;) {
      const end = pending.indexOf('\n');
      if (end < 0) break;
      const line = pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      // A line that starts with DLE (0x10) is not echoed, as on Espruino.
      const quiet = line.startsWith('\x10');
      const statement = quiet ? line.slice(1) : line;
      if (!quiet) write(statement + '\r\n');
      if (statement.trim() === '') { write('>'); continue; }
      stand.statements.push(statement);
      try {
        const result = vm.runInContext(statement, context, { timeout: 1000 });
        if (!quiet && result !== undefined) write('=' + JSON.stringify(result) + '\r\n');
      } catch (error) {
        write('Uncaught ' + (error as Error).message + '\r\n');
      }
      write('>');
    }
  });
  socket.on('error', () => socket.destroy());
}

export async function startStandInConsole(board = 'ESP32'): Promise<StandInConsole> {
  const sockets: Socket[] = [];
  const stand: StandInConsole = {
    port: 0,
    url: '',
    storage: new Map(),
    statements: [],
    board,
    mac: '24:0a:c4:12:34:56',
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    session(socket, stand);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  stand.port = typeof address === 'object' && address ? address.port : 0;
  stand.url = `tcp://127.0.0.1:${stand.port}`;
  return stand;
}
