// Firmware entry point, bundled into device/dist/poco.js by `npm run device:build`. Boot reads
// the settings from Storage, powers the sensors, joins Wi-Fi with backoff and starts the core.
// On battery the pot takes one reading per wake-up, then deep-sleeps; on mains it stays online.
import { startPot, potOptions, type Pot } from '../core/pot.js';
import { DEVICE_SETTINGS_FILE, parseDeviceSettings, type DeviceSettings } from './device-settings.js';
import { espruinoHardware } from './hardware.js';
import { espruinoRoot, pinByName } from './root.js';
import type { EspruinoRoot } from '../types/espruino.js';

declare const POCO_FIRMWARE_VERSION: string;

const WATCHDOG_S = 30;
const WIFI_FIRST_BACKOFF_MS = 2000;
const WIFI_MAX_BACKOFF_MS = 120000;
/** ESP32.deepSleep takes at most about 35 minutes per call on Espruino 2v29. */
const MAX_SLEEP_S = 35 * 60;
/** A battery pot that cannot publish within this time sleeps anyway, to save the battery. */
const AWAKE_LIMIT_MS = 60000;

function sleepFor(root: EspruinoRoot, settings: DeviceSettings, seconds: number): void {
  const sleepS = seconds > MAX_SLEEP_S ? MAX_SLEEP_S : seconds;
  console.log('deep sleep for ' + sleepS + ' s');
  root.digitalWrite(pinByName(root, settings.pins.sensorPower), 0);
  root.ESP32.deepSleep(sleepS * 1000000);
}

function runPot(root: EspruinoRoot, settings: DeviceSettings): Pot {
  const hardware = espruinoHardware(root, settings);
  let pot: Pot | null = null;
  const options = potOptions({
    brokerUrl: settings.mqtt.url,
    username: settings.mqtt.username,
    password: settings.mqtt.password,
    fw: 'poco-' + POCO_FIRMWARE_VERSION,
    intervalS: settings.interval_s,
    calibration: settings.calibration,
    manual: settings.battery,
    onEvent: function (event) {
      if (!settings.battery || pot === null) return;
      if (event.type === 'connected') pot.readNow();
      if (event.type === 'published' && pot.stats().pending === 0) sleepFor(root, settings, pot.settings().interval_s);
    },
  });
  pot = startPot(hardware, options);
  if (settings.battery) {
    root.setTimeout(function () { sleepFor(root, settings, settings.interval_s); }, AWAKE_LIMIT_MS);
  }
  return pot;
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

function boot(): void {
  const root = espruinoRoot();
  root.E.enableWatchdog(WATCHDOG_S, true);
  const parsed = parseDeviceSettings(root.require('Storage').read(DEVICE_SETTINGS_FILE) || null);
  if (!parsed.ok || !parsed.settings) {
    console.log('POCO cannot start: ' + parsed.error);
    return;
  }
  const settings = parsed.settings;
  const power = pinByName(root, settings.pins.sensorPower);
  root.pinMode(power, 'output');
  root.digitalWrite(power, 1);

  let started = false;
  root.require('Wifi').on('disconnected', function () {
    console.log('Wi-Fi lost; joining again');
    joinWifi(root, settings, 0, function () {});
  });
  joinWifi(root, settings, 0, function () {
    if (started) return;
    started = true;
    runPot(root, settings);
  });
}

boot();
