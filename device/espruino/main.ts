// Firmware entry point, bundled into device/dist/poco.js by `npm run device:build`. Boot reads
// the settings from Storage, powers the sensors, joins Wi-Fi with backoff, starts NTP and runs
// the core: on battery one wake cycle that ends in deep sleep (core/cycle.ts), on mains a pot
// that stays connected (core/pot.ts).
import { DEFAULT_CYCLE_TIMINGS, runCycle } from '../core/cycle.js';
import { startPot, potOptions, type PotOptions } from '../core/pot.js';
import { loadState } from '../core/settings.js';
import { claimCodeLine, deviceClaim } from '../core/claim.js';
import { potIdFromMac } from '../core/mac.js';
import type { Sha256 } from '../../domain/pot-claim.js';
import type { PumpOptions } from '../core/pump-settings.js';
import { pumpPinLevel } from '../../domain/pump-guard.js';
import { DEFAULT_NTP_SERVER, DEVICE_SETTINGS_FILE, parseDeviceSettings, settingsPrefix, type DeviceSettings } from './device-settings.js';
import { espruinoHardware } from './hardware.js';
import { espruinoRoot, pinByName } from './root.js';
import type { EspruinoRoot } from '../types/espruino.js';

declare const POCO_FIRMWARE_VERSION: string;

const WATCHDOG_S = 30;
const WIFI_FIRST_BACKOFF_MS = 2000;
const WIFI_MAX_BACKOFF_MS = 120000;
/** A battery pot that cannot join Wi-Fi within this time sleeps for one interval, to save the battery. */
const WIFI_LIMIT_MS = 30000;

/** SHA-256 from Espruino's crypto library, as domain/pot-claim.ts expects it. */
function espruinoSha256(root: EspruinoRoot): Sha256 {
  return function (message: Uint8Array): Uint8Array { return new Uint8Array(root.require('crypto').SHA256(message)); };
}

// The code goes to the serial console only, for the person at the pot, never to the broker.
function showClaimCode(root: EspruinoRoot, settings: DeviceSettings): void {
  const id = potIdFromMac(root.require('Wifi').getIP().mac);
  if (id === null) return;
  const claim = deviceClaim(espruinoHardware(root, settings), id, settingsPrefix(settings), espruinoSha256(root));
  if (claim === null) console.log('No claim code: run npm run device:config so the pot can be claimed');
  else console.log(claimCodeLine(claim.code));
}

function coreOptions(root: EspruinoRoot, settings: DeviceSettings): PotOptions {
  return potOptions({
    brokerUrl: settings.mqtt.url,
    username: settings.mqtt.username,
    password: settings.mqtt.password,
    prefix: settingsPrefix(settings),
    fw: 'poco-' + POCO_FIRMWARE_VERSION,
    intervalS: settings.interval_s,
    calibration: settings.calibration,
    pump: pumpOptions(settings),
    claimSha256: espruinoSha256(root),
  });
}

function pumpOptions(settings: DeviceSettings): PumpOptions | null {
  const pump = settings.pump;
  if (pump === undefined) return null;
  return { activeLow: pump.activeLow, maxRunS: pump.maxRunS, minIntervalS: pump.minIntervalS, flowMlPerS: pump.flowMlPerS };
}

/** Drives the pump pin to "off" before anything else runs, so a reset mid-run stops the water. */
function pumpOffAtBoot(root: EspruinoRoot, settings: DeviceSettings): void {
  if (settings.pump === undefined) return;
  const pin = pinByName(root, settings.pump.pin);
  root.pinMode(pin, 'output');
  root.digitalWrite(pin, pumpPinLevel(false, settings.pump.activeLow));
}

function joinWifi(root: EspruinoRoot, settings: DeviceSettings, attempt: number, joined: () => void): void {
  const wifi = root.require('Wifi');
  wifi.connect(settings.wifi.ssid, { password: settings.wifi.password }, function (error) {
    if (error === null || error === undefined) {
      console.log('Wi-Fi joined: ' + settings.wifi.ssid + ' as ' + wifi.getIP().ip);
      joined();
      return;
    }
    let delay = WIFI_FIRST_BACKOFF_MS * Math.pow(2, attempt);
    if (delay > WIFI_MAX_BACKOFF_MS) delay = WIFI_MAX_BACKOFF_MS;
    console.log('Wi-Fi "' + settings.wifi.ssid + '" failed: ' + error + '; retrying in ' + delay + ' ms');
    root.setTimeout(function () { joinWifi(root, settings, attempt + 1, joined); }, delay);
  });
}

// The ESP32 keeps its clock through deep sleep, so NTP matters mostly after a power-on. Espruino's
// ESP32 build takes a POSIX TZ string as the second argument, not a number; UTC0 keeps Date in UTC.
function startNtp(root: EspruinoRoot, settings: DeviceSettings): void {
  const server = settings.ntp !== undefined ? settings.ntp : DEFAULT_NTP_SERVER;
  try {
    root.require('Wifi').setSNTP(server, 'UTC0');
  } catch (error) {
    console.log('NTP not started (' + server + '): ' + error + '; readings go without ts until the clock is set');
  }
}

function runBattery(root: EspruinoRoot, settings: DeviceSettings, wokeAtMs: number): void {
  const hardware = espruinoHardware(root, settings);
  // Sleep chaining needs no network: a wake-up that only owes sleep goes back at once.
  if (hardware.wokeFromDeepSleep() && loadState(hardware).sleep_left_ms > 0) {
    runCycle(hardware, coreOptions(root, settings), DEFAULT_CYCLE_TIMINGS, wokeAtMs);
    return;
  }
  let started = false;
  const giveUp = root.setTimeout(function () {
    if (started) return;
    started = true;
    console.log('Wi-Fi not joined within ' + WIFI_LIMIT_MS + ' ms: the cycle runs without it and buffers the reading');
    runCycle(hardware, coreOptions(root, settings), DEFAULT_CYCLE_TIMINGS, wokeAtMs);
  }, WIFI_LIMIT_MS);
  joinWifi(root, settings, 0, function () {
    if (started) return;
    started = true;
    root.clearTimeout(giveUp);
    startNtp(root, settings);
    runCycle(hardware, coreOptions(root, settings), DEFAULT_CYCLE_TIMINGS, wokeAtMs);
  });
}

function runMains(root: EspruinoRoot, settings: DeviceSettings): void {
  let started = false;
  root.require('Wifi').on('disconnected', function () {
    console.log('Wi-Fi lost; joining again');
    joinWifi(root, settings, 0, function () {});
  });
  joinWifi(root, settings, 0, function () {
    if (started) return;
    started = true;
    startNtp(root, settings);
    startPot(espruinoHardware(root, settings), coreOptions(root, settings));
  });
}

function boot(): void {
  const root = espruinoRoot();
  const wokeAtMs = Date.now();
  root.E.enableWatchdog(WATCHDOG_S, true);
  const parsed = parseDeviceSettings(root.require('Storage').read(DEVICE_SETTINGS_FILE) || null);
  if (!parsed.ok || !parsed.settings) {
    console.log('POCO cannot start: ' + parsed.error);
    return;
  }
  const settings = parsed.settings;
  pumpOffAtBoot(root, settings);
  const power = pinByName(root, settings.pins.sensorPower);
  root.pinMode(power, 'output');
  root.digitalWrite(power, 1);
  // A battery pot wakes every interval: the code is shown at power-on and reset only.
  if (!espruinoHardware(root, settings).wokeFromDeepSleep()) showClaimCode(root, settings);
  if (settings.battery) runBattery(root, settings, wokeAtMs);
  else runMains(root, settings);
}

boot();
