// POCO's own typings for the parts of Espruino 2v29 (ESP32 build) the firmware uses.
// @types/espruino lacks timers, require, Storage, Wifi, net and the ESP32 object; these are
// written from the Espruino reference for those modules. Only types: nothing here runs.

/** A pin object such as D34; Espruino exposes each one as a global of that name. */
export interface Pin {
  getInfo?(): unknown;
}

export interface StorageModule {
  /** File contents, or undefined when the file does not exist. */
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
  readJSON(name: string, noExceptions: boolean): unknown;
  writeJSON(name: string, value: unknown): boolean;
  erase(name: string): void;
}

export interface WifiIp {
  ip: string;
  mac: string;
}

export interface WifiModule {
  connect(ssid: string, options: { password?: string }, callback: (error: string | null) => void): void;
  getIP(): WifiIp;
  getDetails(): { rssi?: number; status?: string };
  on(event: 'disconnected', handler: (details: unknown) => void): void;
  /** On the ESP32 build the zone is a POSIX TZ string such as 'UTC0'; a number throws. */
  setSNTP(server: string, zone: string): void;
}

export interface NetSocket {
  on(event: 'data', handler: (data: string) => void): void;
  on(event: 'close' | 'end', handler: () => void): void;
  on(event: 'error', handler: (error: { message?: string }) => void): void;
  write(data: string): boolean;
  end(): void;
}

export interface NetModule {
  connect(options: { host: string; port: number }, onConnect: () => void): NetSocket;
}

export interface Esp32Object {
  /** Sets an ADC pin's attenuation: 0 for about 1.1 V full scale up to 3 for about 3.3 V. */
  setAtten(pin: Pin, attenuation: number): void;
  /** Sleeps for `us` microseconds, then reboots and runs the saved code. */
  deepSleep(us: number): void;
  getWakeupCause(): number;
}

export interface EspruinoE {
  /** Resets the chip when not kicked for `timeoutS` seconds; `isAuto` kicks from the idle loop. */
  enableWatchdog(timeoutS: number, isAuto: boolean): void;
  kickWatchdog(): void;
}

/** The interpreter's root scope: built-in functions, modules and the pin globals. */
export interface EspruinoRoot {
  analogRead(pin: Pin): number;
  digitalWrite(pin: Pin, value: boolean | number): void;
  pinMode(pin: Pin, mode: 'input' | 'output' | 'analog'): void;
  require(name: 'Storage'): StorageModule;
  require(name: 'Wifi'): WifiModule;
  require(name: 'net'): NetModule;
  /** Espruino's crypto library (CRYPTO and SHA256 in the ESP32 board file); SHA256 returns 32 bytes. */
  require(name: 'crypto'): { SHA256(message: Uint8Array): ArrayBuffer };
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  setInterval(fn: () => void, ms: number): number;
  E: EspruinoE;
  ESP32: Esp32Object;
  [pinName: string]: unknown;
}
