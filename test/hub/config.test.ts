import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, defaultClientId, loadConfig, redactUrl } from '../../hub/config.js';
import { removeDir, tempDataDir } from '../support/hub.js';

const config = suite<{ dir: string }>('hub config');

config.before((context) => {
  context.dir = tempDataDir();
});

config.after((context) => {
  removeDir(context.dir);
});

config('applies the documented defaults', ({ dir }) => {
  const loaded = loadConfig({}, dir);
  assert.is(loaded.host, '127.0.0.1');
  assert.is(loaded.port, 5000);
  assert.is(loaded.mqttUrl, 'mqtt://127.0.0.1:1883');
  assert.is(loaded.mqttPrefix, 'poco');
  assert.is(loaded.embeddedBroker, 'auto');
  assert.is(loaded.dataDir, join(dir, 'data'));
  assert.is(loaded.flushMs, 1000);
  assert.is(loaded.flushMaxReadings, 2000);
  assert.is(loaded.logLevel, 'info');
  assert.is(loaded.mqttUsername, null);
  assert.match(loaded.mqttClientId, /^poco-hub-[0-9a-f]{8}$/);
});

config('derives distinct client ids per data folder', () => {
  assert.is.not(defaultClientId('/srv/a'), defaultClientId('/srv/b'));
  assert.is(defaultClientId('/srv/a'), defaultClientId('/srv/a'));
});

config('reports every problem at once', ({ dir }) => {
  try {
    loadConfig({ POCO_PORT: 'abc', POCO_FLUSH_MS: '-5', POCO_EMBEDDED_BROKER: 'yes', POCO_MQTT_URL: 'http://x' }, dir);
    assert.unreachable('loadConfig accepted bad values');
  } catch (err) {
    assert.instance(err, ConfigError);
    const problems = (err as ConfigError).problems;
    assert.is(problems.length, 4, problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('POCO_PORT="abc": expected a TCP port')));
    assert.ok(problems.some((p) => p.startsWith('POCO_FLUSH_MS="-5"')));
    assert.ok(problems.some((p) => p.startsWith('POCO_EMBEDDED_BROKER="yes"')));
    assert.ok(problems.some((p) => p.startsWith('POCO_MQTT_URL="http://x"')));
  }
});

config('reads a JSON file that the environment overrides', ({ dir }) => {
  const file = join(dir, 'hub.json');
  writeFileSync(file, JSON.stringify({ POCO_PORT: 5050, POCO_MQTT_PREFIX: 'school', POCO_LOG_LEVEL: 'debug' }));
  const loaded = loadConfig({ POCO_CONFIG: file, POCO_LOG_LEVEL: 'warn' }, dir);
  assert.is(loaded.port, 5050);
  assert.is(loaded.mqttPrefix, 'school');
  assert.is(loaded.logLevel, 'warn');
});

config('names the file for its bad values', ({ dir }) => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ POCO_PORT: 70000, POCO_COLOUR: 'green' }));
  try {
    loadConfig({ POCO_CONFIG: file }, dir);
    assert.unreachable('loadConfig accepted bad values');
  } catch (err) {
    const problems = (err as ConfigError).problems;
    assert.ok(problems.some((p) => p.startsWith(`POCO_PORT in ${file}=70000`)), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith(`POCO_COLOUR in ${file}: unknown setting`)), problems.join('\n'));
  }
});

config('hides credentials in logged URLs', () => {
  assert.is(redactUrl('mqtt://hub:secret@127.0.0.1:1883'), 'mqtt://127.0.0.1:1883');
});

config.run();
