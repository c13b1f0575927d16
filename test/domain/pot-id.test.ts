import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePotId, formatMac, isPotId } from '../../domain/pot-id.js';
import { parseTopic } from '../../domain/topics.js';

const forms = suite('pot id from MAC forms');

forms('maps colon, dash and bare forms to one id', () => {
  for (const text of ['aa:bb:cc:dd:ee:f0', 'AA-BB-CC-DD-EE-F0', 'aabbccddeef0', 'AABBCCDDEEF0', ' Aa:bB:cc:DD:ee:F0 ']) {
    const result = parsePotId(text);
    assert.ok(result.ok, `${text}: ${result.error}`);
    assert.is(result.id, 'aabbccddeef0');
  }
});

forms('rejects mixed separators and wrong lengths', () => {
  for (const text of ['aa:bb-cc:dd:ee:f0', 'aa:bb:cc:dd:ee', 'aabbccddeef', 'aabbccddeef00', 'gg:bb:cc:dd:ee:f0', '', 'aa.bb.cc.dd.ee.f0']) {
    const result = parsePotId(text);
    assert.not.ok(result.ok, text);
    assert.match(result.error ?? '', /invalid MAC/);
  }
});

forms('rejects multicast and all-zero MACs', () => {
  assert.match(parsePotId('01:00:5e:00:00:01').error ?? '', /multicast/);
  assert.match(parsePotId('ff:ff:ff:ff:ff:ff').error ?? '', /multicast/);
  assert.match(parsePotId('00:00:00:00:00:00').error ?? '', /all-zero/);
});

forms('rejects non-strings', () => {
  assert.not.ok(parsePotId(42).ok);
  assert.not.ok(parsePotId(null).ok);
});

forms('gives a reason code per rejection', () => {
  const cases: Array<[unknown, string]> = [
    [42, 'mac_not_text'],
    ['pas-une-mac', 'mac_format'],
    ['ff:ff:ff:ff:ff:ff', 'mac_multicast'],
    ['000000000000', 'mac_all_zero'],
  ];
  for (const [text, reason] of cases) assert.is(parsePotId(text).reason, reason, String(text));
  assert.is(parsePotId('a4:cf:12:b3:c4:d5').reason, undefined);
});

forms('formats and recognises canonical ids', () => {
  assert.is(formatMac('aabbccddeef0'), 'AA:BB:CC:DD:EE:F0');
  assert.ok(isPotId('aabbccddeef0'));
  assert.not.ok(isPotId('AABBCCDDEEF0'));
  assert.not.ok(isPotId('010203040506'));
});

forms('names a multicast MAC in a topic as such', () => {
  assert.match(parseTopic('poco', 'poco/bb0000000000/telemetry').error ?? '', /multicast/);
  assert.match(parseTopic('poco', 'poco/AABBCCDDEEF0/telemetry').error ?? '', /12 lowercase hex digits/);
  assert.ok(parseTopic('poco', 'poco/aabbccddeef0/telemetry').ok);
});

forms.run();
