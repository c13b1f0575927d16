// MQTT 3.1.1 packet encoding and a stream decoder, over "byte strings": one char per byte
// (0..255), which is how Espruino's net module delivers socket data. Written in the subset
// Espruino 2v29 runs (no destructuring, spread, default parameters or Uint8Array tricks).

export const CONNECT = 1;
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const SUBSCRIBE = 8;
export const SUBACK = 9;
export const PINGREQ = 12;
export const PINGRESP = 13;
export const DISCONNECT = 14;

/** Largest remaining length MQTT allows: four varint bytes. */
export const MAX_REMAINING_LENGTH = 268435455;

export interface Packet {
  type: number;
  /** Low four bits of the first byte: DUP, QoS and RETAIN for PUBLISH. */
  flags: number;
  /** Bytes after the fixed header, one char per byte. */
  body: string;
}

export interface WillMessage {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export interface ConnectFields {
  clientId: string;
  keepaliveS: number;
  clean: boolean;
  username?: string;
  password?: string;
  will?: WillMessage;
}

export interface PublishFields {
  topic: string;
  /** Payload as UTF-8 decoded text. */
  payload: string;
  qos: number;
  retain: boolean;
  dup: boolean;
  packetId: number;
}

/** Encodes text as UTF-8 bytes, one char per byte. */
export function utf8Encode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (code < 0x80) out += String.fromCharCode(code);
    else if (code < 0x800) out += String.fromCharCode(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) out += String.fromCharCode(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else out += String.fromCharCode(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return out;
}

/** Decodes UTF-8 bytes (one char per byte); a malformed sequence becomes U+FFFD. */
export function utf8Decode(bytes: string): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const first = bytes.charCodeAt(i);
    let extra = 0;
    let code = first;
    if (first >= 0xf0 && first < 0xf8) { extra = 3; code = first & 7; }
    else if (first >= 0xe0) { extra = 2; code = first & 15; }
    else if (first >= 0xc0) { extra = 1; code = first & 31; }
    else if (first >= 0x80) { extra = -1; }
    let valid = extra >= 0 && i + extra < bytes.length;
    for (let k = 1; valid && k <= extra; k++) {
      const next = bytes.charCodeAt(i + k);
      if ((next & 0xc0) !== 0x80) valid = false;
      else code = (code << 6) | (next & 63);
    }
    if (!valid) {
      out += '\ufffd';
      i += 1;
      continue;
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      out += String.fromCharCode(0xd800 + (code >> 10), 0xdc00 + (code & 1023));
    } else {
      out += String.fromCharCode(code);
    }
    i += extra + 1;
  }
  return out;
}

function uint16(value: number): string {
  return String.fromCharCode((value >> 8) & 255, value & 255);
}

/** Encodes text as a length-prefixed MQTT string of UTF-8 bytes. */
function field(text: string): string {
  const bytes = utf8Encode(text);
  return uint16(bytes.length) + bytes;
}

/** Encodes the remaining length as MQTT's 1 to 4 byte varint. */
export function encodeRemainingLength(length: number): string {
  if (length < 0 || length > MAX_REMAINING_LENGTH || Math.floor(length) !== length) {
    throw new Error('MQTT remaining length ' + length + ' is outside 0..' + MAX_REMAINING_LENGTH);
  }
  let out = '';
  let rest = length;
  do {
    let digit = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) digit = digit | 128;
    out += String.fromCharCode(digit);
  } while (rest > 0);
  return out;
}

function frame(type: number, flags: number, body: string): string {
  return String.fromCharCode((type << 4) | flags) + encodeRemainingLength(body.length) + body;
}

export function encodeConnect(fields: ConnectFields): string {
  let flags = 0;
  if (fields.clean) flags |= 2;
  let payload = field(fields.clientId);
  if (fields.will) {
    flags |= 4 | ((fields.will.qos & 3) << 3);
    if (fields.will.retain) flags |= 32;
    payload += field(fields.will.topic) + field(fields.will.payload);
  }
  if (typeof fields.username === 'string') {
    flags |= 128;
    payload += field(fields.username);
    if (typeof fields.password === 'string') {
      flags |= 64;
      payload += field(fields.password);
    }
  }
  const header = field('MQTT') + String.fromCharCode(4, flags) + uint16(fields.keepaliveS);
  return frame(CONNECT, 0, header + payload);
}

export function encodePublish(fields: PublishFields): string {
  let flags = (fields.qos & 3) << 1;
  if (fields.dup) flags |= 8;
  if (fields.retain) flags |= 1;
  let body = field(fields.topic);
  if (fields.qos > 0) body += uint16(fields.packetId);
  return frame(PUBLISH, flags, body + utf8Encode(fields.payload));
}

export function encodePuback(packetId: number): string {
  return frame(PUBACK, 0, uint16(packetId));
}

/** SUBSCRIBE for one topic filter; MQTT requires flags 0b0010 on this packet. */
export function encodeSubscribe(packetId: number, filter: string, qos: number): string {
  return frame(SUBSCRIBE, 2, uint16(packetId) + field(filter) + String.fromCharCode(qos & 3));
}

export function encodePingreq(): string {
  return frame(PINGREQ, 0, '');
}

export function encodeDisconnect(): string {
  return frame(DISCONNECT, 0, '');
}

export function readUint16(body: string, offset: number): number {
  return (body.charCodeAt(offset) << 8) | body.charCodeAt(offset + 1);
}

/** Parses a PUBLISH body; the payload is decoded from UTF-8. */
export function decodePublish(packet: Packet): PublishFields {
  const topicLength = readUint16(packet.body, 0);
  const topic = utf8Decode(packet.body.substr(2, topicLength));
  const qos = (packet.flags >> 1) & 3;
  let offset = 2 + topicLength;
  let packetId = 0;
  if (qos > 0) {
    packetId = readUint16(packet.body, offset);
    offset += 2;
  }
  return {
    topic: topic,
    payload: utf8Decode(packet.body.substr(offset)),
    qos: qos,
    retain: (packet.flags & 1) === 1,
    dup: (packet.flags & 8) === 8,
    packetId: packetId,
  };
}

/**
 * Splits a byte stream into packets. TCP may cut a packet anywhere or bring several at once,
 * so bytes are kept until a whole packet is there.
 */
export class PacketReader {
  buffer: string;

  constructor() {
    this.buffer = '';
  }

  /** Adds bytes and returns every packet they complete. Throws on a malformed length. */
  push(bytes: string): Packet[] {
    this.buffer += bytes;
    const packets: Packet[] = [];
    for (;;) {
      const packet = this.next();
      if (packet === null) break;
      packets.push(packet);
    }
    return packets;
  }

  reset(): void {
    this.buffer = '';
  }

  next(): Packet | null {
    const buffer = this.buffer;
    if (buffer.length < 2) return null;
    let length = 0;
    let multiplier = 1;
    let index = 1;
    for (;;) {
      if (index >= buffer.length) return null;
      if (index > 4) throw new Error('MQTT remaining length uses more than 4 bytes: the stream is corrupt');
      const digit = buffer.charCodeAt(index);
      length += (digit & 127) * multiplier;
      multiplier *= 128;
      index++;
      if ((digit & 128) === 0) break;
    }
    if (buffer.length < index + length) return null;
    const first = buffer.charCodeAt(0);
    this.buffer = buffer.substr(index + length);
    return { type: first >> 4, flags: first & 15, body: buffer.substr(index, length) };
  }
}
