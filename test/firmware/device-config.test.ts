import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDeviceSettings } from '../../device/espruino/device-settings.js';
import { claimCode, formatClaimCode } from '../../domain/pot-claim.js';
import { nodeSha256 } from '../../device/host/claim.js';
import { startStandInConsole, type StandInConsole } from './helpers/espruino-console.js';
import { runScript } from './device-flash.test.js';

const WIFI_PASSWORD = 'pa"ss\\word\'é';
const MQTT_PASSWORD = 'mq"tt\\secret';

const config = suite<{ stand: StandInConsole }>('device:config', {} as { stand: StandInConsole });

config.before(async (context) => {
  context.stand = await startStandInConsole();
});

config.after(async (context) => {
  await context.stand.close();
});

config('writes settings and reads them back', async (context) => {
  const run = await runScript('scripts/device-config.ts', [
    '--port', context.stand.url, '--wifi-ssid', 'Serre "Nord" \\ 2', '--wifi-password', WIFI_PASSWORD,
    '--broker', 'mqtt://192.0.2.10:1883', '--mqtt-user', 'pot', '--mqtt-password', MQTT_PASSWORD,
    '--interval', '300', '--dry', '3200', '--wet', '1500', '--moisture-pin', 'D34', '--light-pin', 'D35', '--battery',
    '--prefix', 'serre/nord', '--ntp', 'fr.pool.ntp.org',
  ]);
  assert.is(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, 'Settings written and read back');

  // The board keeps the UTF-8 bytes it received, one char per byte, as Espruino does.
  const bytes = context.stand.storage.get('poco.json') ?? '';
  const parsed = parseDeviceSettings(Buffer.from(bytes, 'latin1').toString('utf8'));
  assert.ok(parsed.ok, parsed.error);
  assert.is(parsed.settings?.wifi.ssid, 'Serre "Nord" \\ 2');
  assert.is(parsed.settings?.wifi.password, WIFI_PASSWORD);
  assert.is(parsed.settings?.mqtt.password, MQTT_PASSWORD);
  assert.equal(parsed.settings?.calibration, { dry: 3200, wet: 1500 });
  assert.is(parsed.settings?.interval_s, 300);
  assert.ok(parsed.settings?.battery);
  assert.is(parsed.settings?.mqtt.prefix, 'serre/nord');
  assert.is(parsed.settings?.ntp, 'fr.pool.ntp.org');
});

config('rejects a prefix with a wildcard', async (context) => {
  const run = await runScript('scripts/device-config.ts', [
    '--port', context.stand.url, '--wifi-ssid', 'home', '--wifi-password', 'x', '--broker', 'mqtt://192.0.2.10', '--prefix', 'poco/#',
  ]);
  assert.is(run.code, 1);
  assert.match(run.stderr, 'mqtt.prefix');
  assert.match(run.stderr, '"poco/#"');
});

config('never prints a password', async (context) => {
  const run = await runScript('scripts/device-config.ts', [
    '--port', context.stand.url, '--wifi-ssid', 'home', '--wifi-password', 'hunter2-wifi',
    '--broker', 'mqtt://192.0.2.10', '--mqtt-user', 'pot', '--mqtt-password', 'hunter2-mqtt',
  ]);
  assert.is(run.code, 0, run.stderr);
  const shown = run.stdout + run.stderr;
  assert.not.match(shown, 'hunter2');
  assert.match(shown, '"password": "*****"');
});

config('rejects an ADC2 pin', async (context) => {
  const run = await runScript('scripts/device-config.ts', [
    '--port', context.stand.url, '--wifi-ssid', 'home', '--wifi-password', 'x', '--broker', 'mqtt://192.0.2.10', '--moisture-pin', 'D4',
  ]);
  assert.is(run.code, 1);
  assert.match(run.stderr, 'Invalid setting');
  assert.match(run.stderr, '"D4"');
});

config('writes the pump pin and limits', async (context) => {
  const run = await runScript('scripts/device-config.ts', [
    '--port', context.stand.url, '--wifi-ssid', 'home', '--wifi-password', 'x', '--broker', 'mqtt://192.0.2.10:1883',
    '--pump-pin', 'D26', '--pump-active-low', '--pump-max-s', '20', '--pump-min-interval-s', '900', '--pump-flow-ml-s', '1.5',
  ]);
  assert.is(run.code, 0, run.stdout + run.stderr);
  const parsed = parseDeviceSettings(context.stand.storage.get('poco.json') ?? null);
  assert.ok(parsed.ok, parsed.error);
  assert.equal(parsed.settings?.pump, { pin: 'D26', activeLow: true, maxRunS: 20, minIntervalS: 900, flowMlPerS: 1.5 });
});

config('a pump is active high with default limits unless told', async (context) => {
  const run = await runScript('scripts/device-config.ts', [
    '--port', context.stand.url, '--wifi-ssid', 'home', '--wifi-password', 'x', '--broker', 'mqtt://192.0.2.10', '--pump-pin', 'D27', '--pump-active-high',
  ]);
  assert.is(run.code, 0, run.stdout + run.stderr);
  const parsed = parseDeviceSettings(context.stand.storage.get('poco.json') ?? null);
  assert.equal(parsed.settings?.pump, { pin: 'D27', activeLow: false, maxRunS: 30, minIntervalS: 600, flowMlPerS: 0 });
});

config('rejects a pump on a sensor pin', async (context) => {
  const run = await runScript('scripts/device-config.ts', [
    '--port', context.stand.url, '--wifi-ssid', 'home', '--wifi-password', 'x', '--broker', 'mqtt://192.0.2.10', '--pump-pin', 'D25',
  ]);
  assert.is(run.code, 1);
  assert.match(run.stderr, 'pump.pin');
  assert.match(run.stderr, 'D25');
});

config('rejects pump limits out of range or without a pin', async (context) => {
  const base = ['--port', context.stand.url, '--wifi-ssid', 'home', '--wifi-password', 'x', '--broker', 'mqtt://192.0.2.10'];
  const tooLong = await runScript('scripts/device-config.ts', [...base, '--pump-pin', 'D26', '--pump-max-s', '601']);
  assert.is(tooLong.code, 1);
  assert.match(tooLong.stderr, 'pump.maxRunS');
  const noPin = await runScript('scripts/device-config.ts', [...base, '--pump-max-s', '10']);
  assert.is(noPin.code, 1);
  assert.match(noPin.stderr, '--pump-max-s needs --pump-pin');
  const both = await runScript('scripts/device-config.ts', [...base, '--pump-pin', 'D26', '--pump-active-low', '--pump-active-high']);
  assert.is(both.code, 1);
  assert.match(both.stderr, 'only one');
});

config('rejects a missing serial port', async () => {
  const run = await runScript('scripts/device-config.ts', ['--port', '/dev/ttyPOCO-absent', '--wifi-ssid', 'home', '--broker', 'mqtt://192.0.2.10']);
  assert.is(run.code, 1);
  assert.match(run.stderr, 'Port introuvable');
});

config.run();

const claim = suite<{ stand: StandInConsole }>('device:config claim secret', {} as { stand: StandInConsole });

claim.before(async (context) => {
  context.stand = await startStandInConsole();
  context.stand.mac = 'A4:CF:12:B3:C4:D5';
});

claim.after(async (context) => {
  await context.stand.close();
});

function configureClaim(stand: StandInConsole, extra: string[] = []) {
  return runScript('scripts/device-config.ts', ['--port', stand.url, '--wifi-ssid', 'home', '--wifi-password', 'x', '--broker', 'mqtt://192.0.2.10', ...extra]);
}

claim('stores a secret and prints its code, never the secret', async (context) => {
  const run = await configureClaim(context.stand);
  assert.is(run.code, 0, run.stdout + run.stderr);
  const secret = context.stand.storage.get('claim.secret') ?? '';
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.match(run.stdout, `Code d'ajout / claim code: ${formatClaimCode(claimCode(secret, 'a4cf12b3c4d5', nodeSha256))}`);
  const shown = run.stdout + run.stderr;
  assert.not.match(shown, secret);
  assert.not.match(shown, secret.slice(0, 16));
});

claim('keeps the stored secret unless told to replace it', async (context) => {
  const first = context.stand.storage.get('claim.secret');
  const again = await configureClaim(context.stand);
  assert.is(again.code, 0, again.stdout + again.stderr);
  assert.is(context.stand.storage.get('claim.secret'), first);
  assert.match(again.stdout, 'Claim secret kept');

  const renewed = await configureClaim(context.stand, ['--new-claim-secret']);
  assert.is(renewed.code, 0, renewed.stdout + renewed.stderr);
  const secret = context.stand.storage.get('claim.secret') ?? '';
  assert.is.not(secret, first);
  assert.match(renewed.stdout, formatClaimCode(claimCode(secret, 'a4cf12b3c4d5', nodeSha256)));
  assert.not.match(renewed.stdout + renewed.stderr, secret);
});

claim('refuses a board whose MAC names no pot', async (context) => {
  context.stand.mac = '01:00:5e:00:00:01';
  const run = await configureClaim(context.stand);
  context.stand.mac = 'A4:CF:12:B3:C4:D5';
  assert.is(run.code, 1);
  assert.match(run.stderr, 'Invalid MAC');
});

claim.run();
