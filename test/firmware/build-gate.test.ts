import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildFirmware } from '../../device/build/build.js';
import { checkEspruinoSubset, formatProblem } from '../../device/build/gate.js';
import { buildDefault, FIRMWARE_FILE } from '../../scripts/device-build.js';

/** Each snippet's forbidden construct sits on line 2 of the file. */
const FORBIDDEN_JS: [string, string][] = [
  ['destructuring', 'var o = {a: 1};\nvar { a } = o;'],
  ['destructuring', 'var list = [1];\nvar [first] = list;'],
  ['default-parameter', '// header\nfunction f(a = 1) { return a; }'],
  ['rest-parameter', '// header\nfunction f(a, ...rest) { return rest; }'],
  ['spread', 'var list = [1];\nvar copy = [...list];'],
  ['spread', 'var o = {a: 1};\nvar copy = { ...o };'],
  ['computed-key', 'var key = "k";\nvar o = { [key]: 1 };'],
  ['async-function', '// header\nasync function load() { return 1; }'],
  ['generator', '// header\nfunction* count() { yield 1; }'],
  ['optional-chaining', 'var o = null;\nvar b = o?.a;'],
  ['exponent-operator', 'var base = 2;\nvar cube = base ** 3;'],
  ['missing-builtin', '// header\nvar seen = new Map();'],
  ['missing-builtin', '// header\nvar unique = new Set([1]);'],
  ['missing-builtin', '// header\nvar tag = Symbol("tag");'],
  ['missing-builtin', '// header\nvar list = Array.from("abc");'],
  ['missing-builtin', '// header\nvar frozen = Object.freeze({});'],
  ['missing-builtin', '// header\nvar whole = Number.isInteger(3);'],
  ['missing-builtin', '// header\nvar bad = Number.isNaN(3);'],
  ['missing-builtin', '// header\nvar cut = Math.trunc(3.5);'],
  ['missing-builtin', '// header\nvar when = Date.UTC(2024, 0, 1);'],
  ['json-replacer', 'var o = {};\nvar text = JSON.stringify(o, function (k, v) { return v; });'],
  ['json-reviver', 'var text = "{}";\nvar o = JSON.parse(text, function (k, v) { return v; });'],
  ['extends-error', '// header\nclass ConfigError extends Error {}'],
  ['class-field', '// header\nclass Pot { count = 0; }'],
  ['loop-binding-closure', 'var fns = [];\nfor (let i = 0; i < 3; i++) fns.push(function () { return i; });'],
  ['function-before-declaration', '// header\nstart();\nfunction start() {}'],
  ['regex-feature', '// header\nvar pair = /^[0-9a-f]{2}$/;'],
  ['regex-feature', '// header\nvar optional = /^D\\d\\d?$/;'],
  ['regex-feature', '// header\nvar again = /(a)\\1/;'],
  ['regex-feature', '// header\nvar levels = /^a(\\/b)*$/;'],
  ['regex-feature', '// header\nvar port = /^x(?::1)$/;'],
  ['regex-feature', '// header\nvar host = /^[^:/]+$/;'],
];

const gate = suite('gate on snippets');

gate('rejects each forbidden construct with file:line', () => {
  for (const [rule, code] of FORBIDDEN_JS) {
    const problems = checkEspruinoSubset(code, 'snippet.js');
    const match = problems.find((problem) => problem.rule === rule);
    assert.ok(match, `${rule} not reported for: ${code}`);
    assert.is(formatProblem(match!).split(' ')[0]!.replace(/:\d+$/, ''), 'snippet.js:2', code);
  }
});

gate('accepts the subset Espruino runs', () => {
  const code = [
    'class Pot { constructor(id) { this.id = id; } name() { return `pot ${this.id}`; } }',
    'const ids = [1, 2];',
    'for (const id of ids) new Pot(id);',
    'const double = (x) => x * 2;',
    'var Map = function () {};',
    'var m = new Map();',
    'var text = JSON.stringify({ a: 1 }, null, 2);',
    'var o = { Map: 1, from: 2 }; o.Map = Array.isArray([]);',
    'var level = /^[A-Za-z0-9_-]+$/; var url = /^m:\\/\\/([^:\\/]+)$/; var either = /^(on|off)$/;',
    'function later() { return helper(); }',
    'function helper() { return Math.pow(2, 3); }',
    'for (let i = 0; i < 2; i++) double(i);',
    'Promise.resolve(1).then(function (v) { return v; });',
  ].join('\n');
  assert.equal(checkEspruinoSubset(code, 'ok.js').map(formatProblem), []);
});

gate('reports a syntax error with its line', () => {
  const problems = checkEspruinoSubset('var a = 1;\nvar = 2;', 'broken.js');
  assert.is(problems[0]?.rule, 'syntax');
  assert.is(problems[0]?.line, 2);
});

gate.run();

// ---

const pipeline = suite<{ dir: string }>('build pipeline', { dir: '' });

pipeline.before((context) => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-gate-'));
});

pipeline.after((context) => {
  rmSync(context.dir, { recursive: true, force: true });
});

async function buildSnippet(dir: string, name: string, source: string) {
  const entry = join(dir, name + '.ts');
  writeFileSync(entry, source);
  return buildFirmware({ entry, outFile: join(dir, 'out', name + '.js'), root: dir, firmwareVersion: '0.0.0-test' });
}

pipeline('fails on TypeScript source lines', async (context) => {
  const cases: [string, string, number][] = [
    ['destructuring', 'const settings: { a: number } = { a: 1 };\n\nconst { a } = settings;\nconsole.log(a);\n', 3],
    ['default-parameter', 'interface Options { n: number }\nexport function read(options: Options, samples: number = 8): number {\n  return options.n * samples;\n}\nconsole.log(read({ n: 1 }));\n', 2],
    ['spread', 'const list: number[] = [1];\nconsole.log(\n  [...list],\n);\n', 3],
    ['computed-key', 'const key: string = "k";\nconst value = 1;\nconsole.log({ [key]: value });\n', 3],
    ['async-function', 'type T = number;\nasync function load(): Promise<T> {\n  return 1;\n}\nload();\n', 2],
    ['missing-builtin', 'const ids: string[] = [];\n\n\nconst unique = new Set<string>(ids);\nconsole.log(unique);\n', 4],
  ];
  for (const [rule, source, line] of cases) {
    const result = await buildSnippet(context.dir, rule, source);
    assert.not.ok(result.ok, rule);
    const match = result.problems.find((problem) => problem.rule === rule);
    assert.ok(match, `${rule}: ${result.problems.map(formatProblem).join('; ')}`);
    assert.is(`${match!.file}:${match!.line}`, `${rule}.ts:${line}`, rule);
  }
});

pipeline('writes nothing when the gate fails', async (context) => {
  const result = await buildSnippet(context.dir, 'rejected', 'const [x] = [1];\nconsole.log(x);\n');
  assert.not.ok(result.ok);
  assert.throws(() => readFileSync(join(context.dir, 'out', 'rejected.js')));
});

pipeline('remove an older build when one fails', async (context) => {
  assert.ok((await buildSnippet(context.dir, 'swap', 'console.log(1);\n')).ok);
  assert.equal(readdirSync(join(context.dir, 'out')).filter((name) => name.startsWith('swap')).sort(), ['swap.js', 'swap.js.map']);
  assert.not.ok((await buildSnippet(context.dir, 'swap', 'const [x] = [1];\nconsole.log(x);\n')).ok);
  assert.throws(() => readFileSync(join(context.dir, 'out', 'swap.js')));
});

pipeline('lowers optional chaining, ?? and **', async (context) => {
  const source = 'class Pot { count = 0; }\nconst o: { a?: { b: number } } | null = null;\nconsole.log(o?.a?.b ?? 2 ** 3, new Pot().count);\n';
  const result = await buildSnippet(context.dir, 'lowered', source);
  assert.ok(result.ok, result.problems.map(formatProblem).join('; '));
  const code = readFileSync(join(context.dir, 'out', 'lowered.js'), 'utf8');
  assert.not.match(code, /\?\./);
  assert.not.match(code, /\*\*/);
  assert.match(code, /Math\.pow/);
  assert.equal(checkEspruinoSubset(code, 'lowered.js'), []);
});

pipeline('reports an unresolved import', async (context) => {
  const result = await buildSnippet(context.dir, 'missing', "import { x } from './nowhere.js';\nconsole.log(x);\n");
  assert.not.ok(result.ok);
  assert.is(result.problems[0]?.rule, 'esbuild');
  assert.is(`${result.problems[0]?.file}:${result.problems[0]?.line}`, 'missing.ts:1');
});

pipeline.run();

// ---

const firmware = suite('device:build output');

firmware('bundles main.ts and passes the gate', async () => {
  assert.ok(await buildDefault());
  const code = readFileSync(FIRMWARE_FILE, 'utf8');
  assert.equal(checkEspruinoSubset(code, relative(process.cwd(), FIRMWARE_FILE)).map(formatProblem), []);
  assert.match(code, /poco\.json/);
  assert.match(code, /"poco-\d+\.\d+\.\d+"/);
  assert.not.match(code, /\bimport\b|\bexport\b/);
});

firmware.run();
