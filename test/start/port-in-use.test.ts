// A hub whose dashboard port is taken exits with a message that names the address and the
// setting to change, without a stack trace, and leaves its data folder unlocked.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeDir, tempDataDir } from '../support/hub.js';

const port = suite('dashboard port in use');

port('exits naming POCO_PORT', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const takenPort = (blocker.address() as AddressInfo).port;
  const dataDir = tempDataDir();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'hub/server.ts'], {
      env: { ...process.env, POCO_PORT: String(takenPort), POCO_HOST: '127.0.0.1', POCO_DATA_DIR: dataDir, POCO_EMBEDDED_BROKER: 'off', POCO_MQTT_URL: 'mqtt://127.0.0.1:9', POCO_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    assert.is(code, 1);
    assert.match(stderr, `127.0.0.1:${takenPort}`);
    assert.match(stderr, 'already in use');
    assert.match(stderr, 'POCO_PORT');
    assert.not.match(stderr, /\n\s+at /, 'no stack trace');
    assert.not.ok(existsSync(join(dataDir, 'hub.lock')), 'the data folder is unlocked');
  } finally {
    blocker.close();
    removeDir(dataDir);
  }
});

port.run();
