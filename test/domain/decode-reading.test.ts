import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { moisturePercent } from '../../domain/calibration.js';
import { decodeReading } from '../../domain/decode-reading.js';
import { MAX_PAYLOAD_BYTES } from '../../domain/reading.js';

const encode = (text: string) => new TextEncoder().encode(text);
const good = { v: 1, seq: 5, moisture_raw: 2100, light_raw: 300, fw: '0.1.0' };

const decode = suite('reading decode');

decode('accepts a complete reading', () => {
  const result = decodeReading(encode(JSON.stringify(good)));
  assert.ok(result.ok);
  if (result.ok) assert.is(result.reading.moisture_raw, 2100);
});

decode('rejects non-finite numbers naming the field', () => {
  for (const [text, field] of [
    ['{"v":1,"seq":1,"fw":"1","moisture_raw": NaN}', 'moisture_raw'],
    ['{"v":1,"seq":1,"fw":"1","moisture_raw": nan}', 'moisture_raw'],
    ['{"v":1,"seq":1,"fw":"1","light_raw": Infinity}', 'light_raw'],
  ] as const) {
    const result = decodeReading(encode(text));
    assert.not.ok(result.ok, text);
    if (!result.ok) {
      assert.is(result.reason, 'non_finite');
      assert.match(result.error, `"${field}"`);
    }
  }
});

decode('rejects strings in number fields', () => {
  for (const value of ['None', '42', 'wet']) {
    const result = decodeReading(encode(JSON.stringify({ ...good, moisture_raw: value })));
    assert.not.ok(result.ok, value);
    if (!result.ok) {
      assert.is(result.reason, 'invalid');
      assert.match(result.error, 'moisture_raw');
      assert.match(result.error, `"${value}"`);
    }
  }
});

decode('accepts null as no reading', () => {
  assert.ok(decodeReading(encode(JSON.stringify({ ...good, moisture_raw: null }))).ok);
});

decode('accepts a missing moisture field', () => {
  const { moisture_raw: _dropped, ...partial } = good;
  assert.ok(decodeReading(encode(JSON.stringify(partial))).ok);
});

decode('rejects a reading without any measurement', () => {
  const result = decodeReading(encode(JSON.stringify({ v: 1, seq: 1, fw: '1', moisture_raw: null })));
  assert.not.ok(result.ok);
  if (!result.ok) assert.is(result.reason, 'no_measurement');
});

decode('rejects bytes that are not UTF-8', () => {
  const payload = new Uint8Array([0x8d, 0x03, ...encode(JSON.stringify(good))]);
  const result = decodeReading(payload);
  assert.not.ok(result.ok);
  if (!result.ok) assert.is(result.reason, 'not_utf8');
});

decode('rejects oversized payloads with their size', () => {
  const result = decodeReading(new Uint8Array(1024 * 1024));
  assert.not.ok(result.ok);
  if (!result.ok) {
    assert.is(result.reason, 'too_large');
    assert.match(result.error, String(1024 * 1024));
  }
  assert.ok(decodeReading(encode(JSON.stringify({ ...good, fw: 'x'.repeat(32) }))).ok);
  assert.ok(MAX_PAYLOAD_BYTES >= 256);
});

decode.run();

// ---

const calibration = suite('calibration clamp');
const cal = { dry: 3280, wet: 1475 };

calibration('maps the wet point to 100 %', () => {
  assert.equal(moisturePercent(1475, cal), { percent: 100, clamped: false });
});

calibration('clamps wetter than the wet point', () => {
  assert.equal(moisturePercent(1400, cal), { percent: 100, clamped: true });
});

calibration('clamps drier than the dry point', () => {
  assert.equal(moisturePercent(3400, cal), { percent: 0, clamped: true });
});

calibration('rounds a mid value to 0.1 %', () => {
  assert.equal(moisturePercent(2377.5, cal), { percent: 50, clamped: false });
});

calibration.run();
