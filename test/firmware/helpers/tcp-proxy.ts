// A loopback TCP proxy between an MQTT client and a broker, to observe and disturb the link:
// it records what the client sends, can drop chosen packets from the broker and can deliver
// the broker's bytes one at a time.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ProxyOptions {
  /** Packet types (4-bit MQTT type) to drop from broker to client, each entry once. */
  dropFromBroker: number[];
  /** Writes the broker's bytes to the client one byte per write. */
  splitToClient: boolean;
}

export interface MqttProxy {
  port: number;
  url: string;
  options: ProxyOptions;
  /** First byte of every packet the client sent, in order, across connections. */
  clientHeaders: number[];
  /** Ends every proxied connection abruptly, as a lost Wi-Fi link would. */
  cutAll(): void;
  close(): Promise<void>;
}

/** Splits whole MQTT packets off the front of `buffer`; returns them and the rest. */
function takePackets(buffer: Buffer): { packets: Buffer[]; rest: Buffer } {
  const packets: Buffer[] = [];
  let offset = 0;
  for (;;) {
    let length = 0;
    let multiplier = 1;
    let index = offset + 1;
    let complete = false;
    while (index < buffer.length && index < offset + 5) {
      const digit = buffer[index] as number;
      length += (digit & 127) * multiplier;
      multiplier *= 128;
      index++;
      if ((digit & 128) === 0) { complete = true; break; }
    }
    if (!complete || buffer.length < index + length) break;
    packets.push(buffer.subarray(offset, index + length));
    offset = index + length;
  }
  return { packets, rest: buffer.subarray(offset) };
}

export async function startProxy(brokerPort: number): Promise<MqttProxy> {
  const pairs: Socket[] = [];
  const options: ProxyOptions = { dropFromBroker: [], splitToClient: false };
  const clientHeaders: number[] = [];

  const server: Server = createServer((client) => {
    const broker = connect(brokerPort, '127.0.0.1');
    pairs.push(client, broker);
    let fromClient: Buffer = Buffer.alloc(0);
    let fromBroker: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      const split = takePackets(Buffer.concat([fromClient, chunk]));
      fromClient = split.rest;
      for (const packet of split.packets) clientHeaders.push(packet[0] as number);
      broker.write(chunk);
    });
    broker.on('data', (chunk: Buffer) => {
      const split = takePackets(Buffer.concat([fromBroker, chunk]));
      fromBroker = split.rest;
      for (const packet of split.packets) {
        const dropAt = options.dropFromBroker.indexOf((packet[0] as number) >> 4);
        if (dropAt >= 0) {
          options.dropFromBroker.splice(dropAt, 1);
          continue;
        }
        if (!options.splitToClient) client.write(packet);
        else for (const byte of packet) client.write(Buffer.from([byte]));
      }
    });
    client.on('close', () => broker.destroy());
    broker.on('close', () => client.destroy());
    client.on('error', () => broker.destroy());
    broker.on('error', () => client.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    options,
    clientHeaders,
    cutAll() {
      for (const socket of pairs.splice(0)) socket.destroy();
    },
    close() {
      for (const socket of pairs.splice(0)) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
