import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  PUBLISH, PacketReader, decodePublish, encodePublish, encodeRemainingLength, utf8Decode, utf8Encode,
} from '../../device/mqtt/packets.js';

const varint = suite('remaining length varint');

varint('encodes the MQTT boundary values', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]], [127, [0x7f]], [128, [0x80, 0x01]], [16383, [0xff, 0x7f]], [16384, [0x80, 0x80, 0x01]],
    [2097151, [0xff, 0xff, 0x7f]], [2097152, [0x80, 0x80, 0x80, 0x01]], [268435455, [0xff, 0xff, 0xff, 0x7f]],
  ];
  for (const [length, bytes] of cases) {
    const encoded = encodeRemainingLength(length);
    assert.equal([...encoded].map((c) => c.charCodeAt(0)), bytes, String(length));
  }
});

varint('rejects lengths beyond four bytes', () => {
  assert.throws(() => encodeRemainingLength(268435456), /outside 0\.\.268435455/);
  assert.throws(() => encodeRemainingLength(-1), /outside/);
});

varint('reader rejects a fifth length byte', () => {
  const reader = new PacketReader();
  assert.throws(() => reader.push('\x30\xff\xff\xff\xff\x01'), /more than 4 bytes/);
});

varint('reader decodes a 200-byte packet', () => {
  const payload = 'x'.repeat(200);
  const bytes = encodePublish({ topic: 't', payload, qos: 0, retain: false, dup: false, packetId: 0 });
  const packets = new PacketReader().push(bytes);
  assert.is(packets.length, 1);
  assert.is(decodePublish(packets[0]!).payload, payload);
});

// ---

const stream = suite('packet reader stream');

stream('reassembles packets fed one byte at a time', () => {
  const bytes = encodePublish({ topic: 'poco/a/config', payload: '{"v":1}', qos: 1, retain: true, dup: false, packetId: 7 });
  const reader = new PacketReader();
  const packets = [];
  for (const char of bytes) packets.push(...reader.push(char));
  assert.is(packets.length, 1);
  const message = decodePublish(packets[0]!);
  assert.is(message.topic, 'poco/a/config');
  assert.is(message.payload, '{"v":1}');
  assert.is(message.packetId, 7);
  assert.ok(message.retain);
});

stream('splits several packets in one chunk', () => {
  const one = encodePublish({ topic: 'a', payload: '1', qos: 0, retain: false, dup: false, packetId: 0 });
  const two = encodePublish({ topic: 'b', payload: '2', qos: 1, retain: false, dup: true, packetId: 9 });
  const reader = new PacketReader();
  const packets = reader.push(one + two + two.slice(0, 3));
  assert.is(packets.length, 2);
  assert.is(packets[0]!.type, PUBLISH);
  assert.ok(decodePublish(packets[1]!).dup);
  assert.is(reader.push(two.slice(3)).length, 1);
});

// ---

const text = suite('utf-8 byte strings');

text('round-trips accents and astral characters', () => {
  for (const sample of ['plante', 'Pot de plante connecté', 'évier « sec »', '🌱 terre']) {
    assert.is(utf8Decode(utf8Encode(sample)), sample);
    assert.is(utf8Encode(sample), Buffer.from(sample, 'utf8').toString('latin1'));
  }
});

text('replaces malformed bytes', () => {
  assert.is(utf8Decode('\x8d\x03ok'), '\ufffd\x03ok');
});

varint.run();
stream.run();
text.run();
