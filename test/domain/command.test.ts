import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFirmware } from '../../device/build/build.js';
import { formatProblem } from '../../device/build/gate.js';
import { ackText, buildAck, MAX_ACK_ERROR_LENGTH, MAX_COMMAND_BYTES, parseCommand } from '../../domain/command.js';
import { decodeAck, decodeCommand } from '../../domain/decode-command.js';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const ISSUED = 1_760_000_000;
const water = { v: 1, id: 'cmd-1', kind: 'water', duration_s: 20, issued: ISSUED, expires: ISSUED + 3600 };

/** Payloads both parsers must reject, with a word the error must contain. */
const BAD_COMMANDS: [string, unknown, string][] = [
  ['no amount', { ...water, duration_s: undefined }, 'duration_s'],
  ['both amounts', { ...water, volume_ml: 50 }, 'duration_s'],
  ['amount on reboot', { ...water, kind: 'reboot' }, 'duration_s'],
  ['unknown kind', { ...water, kind: 'dance' }, 'kind'],
  ['unknown field', { ...water, pin: 4 }, 'pin'],
  ['version 2', { ...water, v: 2 }, '"v"'],
  ['long run', { ...water, duration_s: 601 }, 'duration_s'],
  ['fractional run', { ...water, duration_s: 2.5 }, 'duration_s'],
  ['zero volume', { ...water, duration_s: undefined, volume_ml: 0 }, 'volume_ml'],
  ['string duration', { ...water, duration_s: '20' }, 'duration_s'],
  ['bad id', { ...water, id: 'a b' }, 'id'],
  ['long id', { ...water, id: 'x'.repeat(33) }, 'id'],
  ['expires before issued', { ...water, expires: ISSUED - 1 }, 'expires'],
  ['expires in a month', { ...water, expires: ISSUED + 30 * 86400 }, 'expires'],
  ['issued in 1970', { ...water, issued: 1000, expires: 2000 }, 'issued'],
];

const device = suite('command parse on the device');

device('accepts a water command by duration', () => {
  const result = parseCommand(JSON.stringify(water));
  assert.ok(result.ok, result.error);
  assert.equal(result.command, water);
});

device('accepts volume, sample_now and reboot', () => {
  const byVolume = { ...water, duration_s: undefined, volume_ml: 120 };
  assert.is(parseCommand(JSON.stringify(byVolume)).command?.volume_ml, 120);
  for (const kind of ['sample_now', 'reboot']) {
    const result = parseCommand(JSON.stringify({ v: 1, id: 'k', kind, issued: ISSUED, expires: ISSUED + 60 }));
    assert.ok(result.ok, `${kind}: ${result.error}`);
    assert.is(result.command?.kind, kind);
  }
});

device('rejects bad commands naming the field', () => {
  for (const [name, value, word] of BAD_COMMANDS) {
    const result = parseCommand(JSON.stringify(value));
    assert.not.ok(result.ok, name);
    assert.ok(result.error?.includes(word), `${name}: ${result.error}`);
  }
});

device('keeps the id of a rejected command', () => {
  assert.is(parseCommand(JSON.stringify({ ...water, kind: 'dance' })).id, 'cmd-1');
  assert.is(parseCommand(JSON.stringify({ ...water, id: 7 })).id, undefined);
});

device('rejects text that is not an object', () => {
  for (const text of ['', 'water', '[1]', 'null', '"cmd"']) {
    const result = parseCommand(text);
    assert.not.ok(result.ok, text);
    assert.type(result.error, 'string');
  }
});

device('rejects a payload over the size limit', () => {
  const result = parseCommand(JSON.stringify({ ...water, pad: 'x'.repeat(MAX_COMMAND_BYTES) }));
  assert.not.ok(result.ok);
  assert.match(result.error ?? '', String(MAX_COMMAND_BYTES));
});

device('builds acks the hub schema accepts', () => {
  const acks = [
    buildAck('cmd-1', 'done', { ran_s: 19.96, moisture_before: 22.5, moisture_after: 41 }),
    buildAck('cmd-2', 'refused', { ran_s: 0, error: 'x'.repeat(400) }),
    buildAck('cmd-3', 'duplicate', null),
    buildAck('cmd-4', 'failed', { ran_s: 3, moisture_before: null, error: 'restarted' }),
  ];
  assert.is(acks[0]?.ran_s, 20);
  assert.is(acks[1]?.error?.length, MAX_ACK_ERROR_LENGTH);
  for (const ack of acks) {
    const decoded = decodeAck(encode(ackText(ack)));
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
  }
});

device.run();

// ---

const hub = suite('command decode on the hub');

hub('accepts what the device accepts', () => {
  const decoded = decodeCommand(encode(water));
  assert.ok(decoded.ok);
  if (decoded.ok) assert.equal(decoded.value, water);
});

hub('rejects the same bad commands', () => {
  for (const [name, value, word] of BAD_COMMANDS) {
    const decoded = decodeCommand(encode(value));
    assert.not.ok(decoded.ok, name);
    if (!decoded.ok) {
      assert.is(decoded.reason, 'invalid', name);
      assert.ok(decoded.error.includes(word), `${name}: ${decoded.error}`);
    }
  }
});

hub('rejects size, UTF-8 and JSON faults', () => {
  const cases: [Uint8Array, string][] = [
    [encode({ ...water, pad: 'x'.repeat(600) }), 'too_large'],
    [new Uint8Array([0x7b, 0xff, 0x7d]), 'not_utf8'],
    [encode('{"v":1,'), 'not_json'],
  ];
  for (const [payload, reason] of cases) {
    const decoded = decodeCommand(payload);
    assert.not.ok(decoded.ok, reason);
    if (!decoded.ok) assert.is(decoded.reason, reason);
  }
});

hub('rejects bad acks naming the field', () => {
  const cases: [unknown, string][] = [
    [{ v: 1, id: 'c', result: 'ok' }, 'result'],
    [{ v: 1, id: 'c', result: 'done', ran_s: -1 }, 'ran_s'],
    [{ v: 1, id: 'c', result: 'done', moisture_after: 140 }, 'moisture_after'],
    [{ v: 1, result: 'done' }, 'id'],
    [{ v: 1, id: 'c', result: 'done', extra: true }, 'extra'],
  ];
  for (const [value, word] of cases) {
    const decoded = decodeAck(encode(value));
    assert.not.ok(decoded.ok, word);
    if (!decoded.ok) assert.ok(decoded.error.includes(word), `${word}: ${decoded.error}`);
  }
});

hub.run();

// ---

const gate = suite<{ dir: string }>('command on Espruino', { dir: '' });

gate.before((context) => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-command-gate-'));
});

gate.after((context) => {
  rmSync(context.dir, { recursive: true, force: true });
});

gate('command.ts passes the build gate', async (context) => {
  const entry = join(context.dir, 'entry.ts');
  writeFileSync(entry, `import * as command from '${resolve('domain/command.js')}';\nconsole.log(command);\n`);
  const result = await buildFirmware({ entry, outFile: join(context.dir, 'out.js'), root: process.cwd(), firmwareVersion: '0.0.0-test' });
  assert.ok(result.ok, result.problems.map(formatProblem).join('\n'));
  assert.ok(result.bytes > 1000, String(result.bytes));
});

gate.run();
