import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvReader, MAX_RECORD_CHARS, formatCsvLine, guardFormula, quoteCell, unguardFormula, type CsvItem } from '../../domain/csv.js';

function readAll(text: string, chunkSize = text.length || 1): CsvItem[] {
  const reader = new CsvReader();
  const items: CsvItem[] = [];
  for (let i = 0; i < text.length; i += chunkSize) items.push(...reader.push(text.slice(i, i + chunkSize)));
  items.push(...reader.end());
  return items;
}

function records(text: string, chunkSize?: number): { line: number; cells: string[] }[] {
  return readAll(text, chunkSize).map((item) => {
    if (!item.ok) throw new Error('unexpected CSV error: ' + JSON.stringify(item.error));
    return item.record;
  });
}

const TRICKY = ['plain', '', 'a,b', 'say "hi"', 'two\r\nlines', 'lf\nonly', '"', ',', 'été 🌱', ' spaced '];

// ---

const writing = suite('csv writing');

writing('quotes only when needed', () => {
  assert.is(quoteCell('poco-0.1.0'), 'poco-0.1.0');
  assert.is(quoteCell('a,b'), '"a,b"');
  assert.is(quoteCell('say "hi"'), '"say ""hi"""');
  assert.is(quoteCell('two\nlines'), '"two\nlines"');
  assert.is(quoteCell(''), '');
});

writing('ends lines with CRLF', () => {
  assert.is(formatCsvLine(['a', 'b,c', '']), 'a,"b,c",\r\n');
});

writing('guards formula starts', () => {
  const cases: [string, string][] = [
    ['=1+1', "'=1+1"], ['+33', "'+33"], ['-1', "'-1"], ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"], ['\rx', "'\rx"], ["'quoted", "''quoted"], ['poco=1', 'poco=1'], ['', ''],
  ];
  for (const [text, guarded] of cases) {
    assert.is(guardFormula(text), guarded, JSON.stringify(text));
    assert.is(unguardFormula(guardFormula(text)), text, 'round trip of ' + JSON.stringify(text));
  }
});

writing.run();

// ---

const reading = suite('csv reading');

reading('reads back written cells', () => {
  const text = formatCsvLine(TRICKY) + formatCsvLine(['x', 'y']);
  assert.equal(records(text).map((r) => r.cells), [TRICKY, ['x', 'y']]);
});

reading('gives equal results for any chunk size', () => {
  const text = formatCsvLine(TRICKY) + formatCsvLine(['x', 'y']) + 'last,row';
  const whole = records(text);
  for (const size of [1, 2, 3, 7, 64]) assert.equal(records(text, size), whole, 'chunks of ' + size);
});

reading('numbers lines across quoted line breaks', () => {
  const text = 'a,b\r\n"one\r\ntwo\r\nthree",c\r\nd,e\r\n';
  assert.equal(records(text).map((r) => r.line), [1, 2, 5]);
  const lf = 'a,b\n"one\ntwo",c\nd,e\n';
  assert.equal(records(lf).map((r) => r.line), [1, 2, 4]);
});

reading('skips blank lines', () => {
  assert.equal(records('a\r\n\r\n\nb\r\n'), [{ line: 1, cells: ['a'] }, { line: 4, cells: ['b'] }]);
});

reading('keeps a last line without newline', () => {
  assert.equal(records('a,b\r\nc,'), [{ line: 1, cells: ['a', 'b'] }, { line: 2, cells: ['c', ''] }]);
});

reading('rejects a quote in an unquoted cell', () => {
  const items = readAll('a,b\r\nx,y"z,w\r\nc,d\r\n');
  assert.is(items.length, 3);
  const error = items[1]!;
  assert.ok(!error.ok);
  assert.is(error.error.line, 2);
  assert.is(error.error.column, 2);
  assert.match(error.error.message, /unexpected double quote/);
  assert.equal(items[2], { ok: true, record: { line: 3, cells: ['c', 'd'] } }, 'the next line is read');
});

reading('rejects text after a closing quote', () => {
  const [item] = readAll('"a"b,c\r\n');
  assert.ok(item);
  assert.ok(!item.ok);
  assert.equal([item.error.line, item.error.column], [1, 1]);
  assert.match(item.error.message, /after a closing double quote/);
});

reading('rejects an unterminated quote', () => {
  const items = readAll('a,b\r\nc,"open\r\nmore');
  const last = items[items.length - 1]!;
  assert.ok(!last.ok);
  assert.equal([last.error.line, last.error.column], [3, 2]);
  assert.match(last.error.message, /unterminated quoted cell/);
});

reading('rejects an overlong record', () => {
  const items = readAll('"' + 'x'.repeat(MAX_RECORD_CHARS + 1) + '"\r\nnext\r\n');
  assert.is(items.length, 2);
  assert.ok(!items[0]!.ok);
  assert.match(items[0]!.ok ? '' : items[0]!.error.message, /longer than 65536 characters/);
  assert.equal(items[1], { ok: true, record: { line: 2, cells: ['next'] } });
});

reading.run();
