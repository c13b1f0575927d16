// The one interface between the device core and the world. The firmware implements it over
// Espruino (ADC pins, Wifi, Storage, net); the virtual pots and the tests implement it on Node.
// Espruino-compatible syntax: callbacks instead of promises, no optional chaining or spread.

export type Channel = 'moisture' | 'light';

export interface MqttWill {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

export interface MqttConnectOptions {
  /** Broker URL, `mqtt://host:port`. */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  keepaliveS: number;
  /** False keeps the broker session, so QoS 1 messages for a sleeping pot wait for it. */
  clean: boolean;
  will: MqttWill;
}

export interface MqttHandlers {
  onConnect: () => void;
  onClose: (reason: string) => void;
  onMessage: (topic: string, payload: string) => void;
}

export interface MqttConnection {
  /** Publishes; `done` runs once the broker acknowledged a QoS 1 message (or at once for QoS 0). */
  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean, done: (error: string | null) => void): void;
  subscribe(topic: string, qos: 0 | 1): void;
  isConnected(): boolean;
  /**
   * Sends DISCONNECT and closes, so the broker drops the last will. The handlers' onClose runs
   * once the socket closed: wait for it before cutting the power (deep sleep).
   */
  end(): void;
}

export interface Hardware {
  /** Reads a channel once, in ADC counts (0..adcMax), or NaN when the pin returns nothing. */
  readRaw(channel: Channel): number;
  /** Full-scale ADC count of a channel (4095 for the ESP32's 12-bit ADC). */
  adcMax(channel: Channel): number;
  /**
   * False when a count of 0 on this channel is a real reading, not a wiring fault: a digital lux
   * sensor (BH1750) reads 0 in the dark. When absent, 0 counts as a rail fault on every channel.
   */
  lowRailIsFault?(channel: Channel): boolean;
  /** Illuminance in lux for a light count, when the sensor measures lux (BH1750: count / 1.2). */
  luxFromRaw?(raw: number): number;
  /** The Wi-Fi station MAC in any usual form. */
  mac(): string;
  /** Wall clock, Unix milliseconds; before 2024 it means the clock was never set. */
  now(): number;
  /** Wi-Fi signal in dBm, or null when unknown. */
  rssi(): number | null;
  /** Battery voltage in millivolts, or null on USB power or when not wired. */
  batteryMv(): number | null;
  /** Reads a small named file from flash (Espruino Storage), or null when absent. */
  storageRead(name: string): string | null;
  storageWrite(name: string, text: string): void;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  mqttConnect(options: MqttConnectOptions, handlers: MqttHandlers): MqttConnection;
  log(message: string): void;
  /**
   * Milliseconds from an arbitrary origin, for measuring the awake time. On Espruino it is the
   * wall clock, so an NTP step while awake spoils one measurement; the core discards it.
   */
  millis(): number;
  /** True when this boot is a wake-up from deep sleep, not a power-on or a reset. */
  wokeFromDeepSleep(): boolean;
  /** Maximum deep sleep of one call, in ms. The core chains calls for longer intervals. */
  maxDeepSleepMs(): number;
  /**
   * Switches the pump output on or off, at the board's active level. Absent on a pot without a
   * pump; the core then refuses water commands through the pump guard (maximum run 0 s).
   */
  setPump?(on: boolean): void;
  /** Powers down for `ms`, then boots again from the start; on Espruino it does not return. */
  deepSleep(ms: number): void;
}
