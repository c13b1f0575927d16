// POCO's MQTT 3.1.1 client for the pot. Espruino's own MQTT module has no last will, always
// starts a clean session and never retries QoS 1, and tinyMQTT caps messages at 127 bytes,
// so the firmware carries this one. It runs over any byte-string socket: Espruino's `net` on
// the device, `node:net` in tests (device/mqtt/node-socket.ts). Espruino 2v29 syntax only.
import type { MqttConnectOptions, MqttConnection, MqttHandlers } from '../core/hardware.js';
import {
  CONNACK, PUBLISH, PUBACK, PINGRESP, PacketReader, decodePublish, encodeConnect,
  encodeDisconnect, encodePingreq, encodePuback, encodePublish, encodeSubscribe, readUint16,
  type Packet,
} from './packets.js';

export interface SocketHandlers {
  onOpen: () => void;
  /** Bytes received, one char per byte. */
  onData: (bytes: string) => void;
  onClose: (reason: string) => void;
}

export interface ClientSocket {
  write(bytes: string): void;
  /** Closes the connection; `onClose` still runs once. */
  close(): void;
}

export type OpenSocket = (host: string, port: number, handlers: SocketHandlers) => ClientSocket;

export interface Timers {
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

export interface ClientTuning {
  /** Time to wait for a PUBACK before sending the PUBLISH again with DUP set, in ms. */
  ackTimeoutMs: number;
  /** First reconnect delay in ms; it doubles after each failed attempt up to `maxBackoffMs`. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** QoS 1 messages kept until acknowledged; a publish beyond this fails at once. */
  maxInflight: number;
}

export const DEFAULT_TUNING: ClientTuning = { ackTimeoutMs: 10000, minBackoffMs: 1000, maxBackoffMs: 60000, maxInflight: 20 };

const CONNACK_REASONS = ['accepted', 'unacceptable protocol version', 'client id rejected', 'server unavailable', 'bad user name or password', 'not authorized'];

interface Inflight {
  packetId: number;
  topic: string;
  payload: string;
  retain: boolean;
  sent: boolean;
  timer: number;
  done: (error: string | null) => void;
}

interface Subscription {
  filter: string;
  qos: number;
}

/**
 * Splits `mqtt://host:port` (port 1883 when absent) by hand: Espruino 2v29's RegExp has no `?`
 * and ends a literal at a `/` inside brackets. Returns null when the URL is not that form.
 */
export function splitBrokerUrl(url: string): { host: string; port: number } | null {
  const scheme = 'mqtt://';
  if (typeof url !== 'string' || url.indexOf(scheme) !== 0) return null;
  let rest = url.slice(scheme.length);
  if (rest.charAt(rest.length - 1) === '/') rest = rest.slice(0, rest.length - 1);
  const colon = rest.indexOf(':');
  const host = colon < 0 ? rest : rest.slice(0, colon);
  if (host === '' || host.indexOf('/') >= 0) return null;
  if (colon < 0) return { host: host, port: 1883 };
  const digits = rest.slice(colon + 1);
  if (digits === '' || digits.length > 5) return null;
  for (let i = 0; i < digits.length; i++) if ('0123456789'.indexOf(digits.charAt(i)) < 0) return null;
  const port = parseInt(digits, 10);
  return port >= 1 && port <= 65535 ? { host: host, port: port } : null;
}

/** Splits `mqtt://host:port`; throws with the URL when it is not that form. */
export function parseBrokerUrl(url: string): { host: string; port: number } {
  const address = splitBrokerUrl(url);
  if (address === null) throw new Error('broker URL "' + url + '" is invalid: write it as mqtt://host:port with a port from 1 to 65535 (TLS is not supported)');
  return address;
}

export class MqttClient implements MqttConnection {
  options: MqttConnectOptions;
  handlers: MqttHandlers;
  openSocket: OpenSocket;
  timers: Timers;
  tuning: ClientTuning;
  host: string;
  port: number;
  socket: ClientSocket | null;
  reader: PacketReader;
  connected: boolean;
  stopped: boolean;
  inflight: Inflight[];
  subscriptions: Subscription[];
  nextPacketId: number;
  attempts: number;
  reconnectTimer: number;
  pingTimer: number;
  pingOutstanding: boolean;
  /** Why the current connection is being closed, when this client closes it. */
  lastError: string;

  constructor(options: MqttConnectOptions, handlers: MqttHandlers, openSocket: OpenSocket, timers: Timers, tuning: ClientTuning) {
    const address = parseBrokerUrl(options.url);
    this.options = options;
    this.handlers = handlers;
    this.openSocket = openSocket;
    this.timers = timers;
    this.tuning = tuning;
    this.host = address.host;
    this.port = address.port;
    this.socket = null;
    this.reader = new PacketReader();
    this.connected = false;
    this.stopped = false;
    this.inflight = [];
    this.subscriptions = [];
    this.nextPacketId = 1;
    this.attempts = 0;
    this.reconnectTimer = -1;
    this.pingTimer = -1;
    this.pingOutstanding = false;
    this.lastError = '';
    this.open();
  }

  isConnected(): boolean {
    return this.connected;
  }

  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean, done: (error: string | null) => void): void {
    if (qos === 0) {
      if (!this.connected || !this.socket) return done('not connected to ' + this.options.url + ': QoS 0 message dropped');
      this.socket.write(encodePublish({ topic: topic, payload: payload, qos: 0, retain: retain, dup: false, packetId: 0 }));
      return done(null);
    }
    if (this.inflight.length >= this.tuning.maxInflight) {
      return done(this.tuning.maxInflight + ' QoS 1 messages already wait for PUBACK: message dropped');
    }
    const message: Inflight = { packetId: this.allocatePacketId(), topic: topic, payload: payload, retain: retain, sent: false, timer: -1, done: done };
    this.inflight.push(message);
    if (this.connected) this.sendInflight(message);
  }

  subscribe(topic: string, qos: 0 | 1): void {
    this.subscriptions.push({ filter: topic, qos: qos });
    if (this.connected && this.socket) this.socket.write(encodeSubscribe(this.allocatePacketId(), topic, qos));
  }

  /** Sends DISCONNECT so the broker drops the last will, then stops reconnecting. */
  end(): void {
    this.stopped = true;
    this.timers.clearTimeout(this.reconnectTimer);
    if (this.socket) {
      if (this.connected) this.socket.write(encodeDisconnect());
      this.socket.close();
    } else {
      this.failInflight('client ended before the broker acknowledged the message');
    }
  }

  open(): void {
    const client = this;
    this.reader.reset();
    this.socket = this.openSocket(this.host, this.port, {
      onOpen: function () { client.sendConnect(); },
      onData: function (bytes) { client.receive(bytes); },
      onClose: function (reason) { client.closed(reason); },
    });
  }

  sendConnect(): void {
    const options = this.options;
    if (!this.socket) return;
    this.socket.write(encodeConnect({
      clientId: options.clientId,
      keepaliveS: options.keepaliveS,
      clean: options.clean,
      username: options.username,
      password: options.password,
      will: { topic: options.will.topic, payload: options.will.payload, qos: options.will.qos, retain: options.will.retain },
    }));
  }

  receive(bytes: string): void {
    let packets: Packet[];
    try {
      packets = this.reader.push(bytes);
    } catch (error) {
      if (this.socket) this.socket.close();
      return;
    }
    for (const packet of packets) this.handlePacket(packet);
  }

  handlePacket(packet: Packet): void {
    if (packet.type === CONNACK) this.handleConnack(packet);
    else if (packet.type === PUBLISH) this.handlePublish(packet);
    else if (packet.type === PUBACK) this.handlePuback(readUint16(packet.body, 0));
    else if (packet.type === PINGRESP) this.pingOutstanding = false;
    // NOTE: a SUBACK that rejects a filter (0x80) is ignored: the hub's config then never arrives.
  }

  handleConnack(packet: Packet): void {
    const code = packet.body.charCodeAt(1);
    if (code !== 0) {
      const reason = CONNACK_REASONS[code] || 'code ' + code;
      this.lastError = 'broker refused the connection: ' + reason;
      if (this.socket) this.socket.close();
      return;
    }
    this.connected = true;
    this.attempts = 0;
    this.pingOutstanding = false;
    this.schedulePing();

    // Subscribing again is harmless when the broker kept the session, and needed when it did not.
    for (const subscription of this.subscriptions) {
      if (this.socket) this.socket.write(encodeSubscribe(this.allocatePacketId(), subscription.filter, subscription.qos));
    }
    // MQTT 3.1.1 requires the client to resend unacknowledged QoS 1 messages after reconnecting.
    for (const message of this.inflight) this.sendInflight(message);
    this.handlers.onConnect();
  }

  handlePublish(packet: Packet): void {
    const message = decodePublish(packet);
    if (message.qos > 0 && this.socket) this.socket.write(encodePuback(message.packetId));
    this.handlers.onMessage(message.topic, message.payload);
  }

  handlePuback(packetId: number): void {
    for (let i = 0; i < this.inflight.length; i++) {
      const message = this.inflight[i] as Inflight;
      if (message.packetId !== packetId) continue;
      this.timers.clearTimeout(message.timer);
      this.inflight.splice(i, 1);
      message.done(null);
      return;
    }
  }

  /** Sends a QoS 1 message, with DUP set when it went out before, and arms its retry. */
  sendInflight(message: Inflight): void {
    const client = this;
    if (!this.socket) return;
    this.socket.write(encodePublish({ topic: message.topic, payload: message.payload, qos: 1, retain: message.retain, dup: message.sent, packetId: message.packetId }));
    message.sent = true;
    this.timers.clearTimeout(message.timer);
    message.timer = this.timers.setTimeout(function () {
      if (client.connected) client.sendInflight(message);
    }, this.tuning.ackTimeoutMs);
  }

  /** Sends PINGREQ every keep-alive period; a missing PINGRESP by the next one drops the link. */
  schedulePing(): void {
    const client = this;
    if (this.options.keepaliveS <= 0) return;
    this.timers.clearTimeout(this.pingTimer);
    this.pingTimer = this.timers.setTimeout(function () {
      if (!client.connected || !client.socket) return;
      if (client.pingOutstanding) {
        client.lastError = 'no PINGRESP within ' + client.options.keepaliveS + ' s';
        client.socket.close();
        return;
      }
      client.pingOutstanding = true;
      client.socket.write(encodePingreq());
      client.schedulePing();
    }, this.options.keepaliveS * 1000);
  }

  closed(reason: string): void {
    this.connected = false;
    this.socket = null;
    this.timers.clearTimeout(this.pingTimer);
    for (const message of this.inflight) this.timers.clearTimeout(message.timer);
    const closeReason = this.lastError || reason;
    this.lastError = '';
    if (this.stopped) {
      this.handlers.onClose(closeReason);
      this.failInflight('client ended before the broker acknowledged the message');
      return;
    }

    const client = this;
    const delay = this.nextBackoffMs();
    this.handlers.onClose(closeReason + '; reconnecting in ' + delay + ' ms');
    this.reconnectTimer = this.timers.setTimeout(function () {
      if (!client.stopped) client.open();
    }, delay);
  }

  /** Doubles the delay per failed attempt, with jitter so pots that lost one broker spread out. */
  nextBackoffMs(): number {
    let delay = this.tuning.minBackoffMs * Math.pow(2, this.attempts);
    if (delay > this.tuning.maxBackoffMs) delay = this.tuning.maxBackoffMs;
    this.attempts++;
    return Math.round(delay * (0.75 + Math.random() * 0.5));
  }

  failInflight(error: string): void {
    const pending = this.inflight;
    this.inflight = [];
    for (const message of pending) message.done(error);
  }

  allocatePacketId(): number {
    const id = this.nextPacketId;
    this.nextPacketId = id >= 65535 ? 1 : id + 1;
    return id;
  }
}
