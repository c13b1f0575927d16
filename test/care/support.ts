// Shared pieces of the plant-care tests: a local SMTP server and HTTP receivers on loopback
// that record what the hub sends, and a publisher that plays a pot with device timestamps.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import type { MqttClient } from 'mqtt';
import { SMTPServer } from 'smtp-server';
import { parseTrace, type TraceRow } from '../../device/host/trace.js';

export interface Mail {
  from: string;
  to: string[];
  subject: string;
  body: string;
}

export interface MailServer {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=`), as mail clients do. */
export function decodeMimeWords(text: string): string {
  return text
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, data: string) => {
      if (encoding.toLowerCase() === 'b') return Buffer.from(data, 'base64').toString('utf8');
      const bytes = data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

/** Decodes a quoted-printable body. */
function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Starts an SMTP server on 127.0.0.1 that accepts any message without TLS or login and keeps it. */
export async function startMailServer(): Promise<MailServer> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.search(/\r?\n\r?\n/);
        const head = raw.slice(0, split);
        const body = raw.slice(split).trim();
        const subjectLine = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(head)?.[1] ?? '';
        const quoted = /Content-Transfer-Encoding: quoted-printable/i.test(head);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeMimeWords(subjectLine.replace(/\r?\n[ \t]/g, ' ')),
          body: quoted ? decodeQuotedPrintable(body) : body,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status codes answered to the next requests, in order; 200 once they run out. */
  failNext: number[];
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 that keeps every POST it accepts (a webhook or ntfy stand-in). */
export async function startReceiver(path = '/poco'): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], failNext: [], close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = receiver.failNext.shift() ?? 200;
      if (status === 200) receiver.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  receiver.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return receiver;
}

export const TRACE_FILE = 'scripts/traces/plantwatch-pi5.csv';

/** Rows of the shipped trace with its calibration comment (dry 20 000, wet 9 100). */
export function loadShippedTrace(): { rows: TraceRow[]; calibration: { dry: number; wet: number } } {
  const trace = parseTrace(readFileSync(TRACE_FILE, 'utf8'));
  if (!trace.calibration) throw new Error(`${TRACE_FILE} has no calibration comment`);
  return { rows: trace.rows, calibration: trace.calibration };
}

export interface DeviceReading {
  /** Measurement time, Unix ms; published as the device's `ts` in seconds. */
  at: number;
  moisture_raw: number | null;
  light_raw?: number | null;
  light?: number | null;
  battery_mv?: number;
  faults?: string[];
}

/** Publishes readings as a pot with a set clock would, QoS 1, in order, one batch in flight at a time. */
export async function publishReadings(client: MqttClient, potId: string, readings: DeviceReading[], firstSeq = 1, batch = 200): Promise<void> {
  for (let start = 0; start < readings.length; start += batch) {
    await Promise.all(readings.slice(start, start + batch).map((r, i) => {
      const payload: Record<string, unknown> = {
        v: 1, seq: firstSeq + start + i, ts: Math.round(r.at / 1000), fw: 'test-0.1',
        moisture_raw: r.moisture_raw, light_raw: r.light_raw === undefined ? 100 : r.light_raw, light: r.light === undefined ? 80 : r.light,
      };
      if (r.battery_mv !== undefined) payload['battery_mv'] = r.battery_mv;
      if (r.faults !== undefined) payload['faults'] = r.faults;
      return client.publishAsync(`poco/${potId}/telemetry`, JSON.stringify(payload), { qos: 1 });
    }));
  }
}

export async function sendJson(url: string, method: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Builds a real PNG of one pixel in the given colour. */
export function onePixelPng(red: number, green: number, blue: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, red, green, blue]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
