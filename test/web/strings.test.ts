// The dashboard's translations: both languages have the same keys and placeholders, and every
// key the scripts ask for exists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRoute } from '../../web/src/router.js';

const ROOT = process.cwd();

function strings(language: string): Record<string, string> {
  return JSON.parse(readFileSync(join(ROOT, 'web', 'i18n', `${language}.json`), 'utf8')) as Record<string, string>;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []);
}

// ---

const translations = suite('dashboard translations');

translations('French and English have the same keys', () => {
  assert.equal(Object.keys(strings('en')).sort(), Object.keys(strings('fr')).sort());
});

translations('placeholders match in both languages', () => {
  const en = strings('en');
  for (const [key, text] of Object.entries(strings('fr'))) {
    assert.equal(placeholders(en[key] ?? ''), placeholders(text), key);
  }
});

translations('no string is empty', () => {
  for (const language of ['fr', 'en']) {
    for (const [key, text] of Object.entries(strings(language))) assert.ok(text.trim().length > 0, `${language}: ${key}`);
  }
});

translations('every key the scripts use exists', () => {
  const fr = strings('fr');
  const used = new Set<string>();
  for (const file of sourceFiles(join(ROOT, 'web', 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bt\('([\w.]+)'/g)) used.add(match[1]!);
    // plural('key', n) falls back to key.other, so that form must exist.
    for (const match of text.matchAll(/\bplural\('([\w.]+)'/g)) used.add(`${match[1]!}.other`);
  }
  // Keys built from a value: pot status, sensor faults, clock source, language.
  for (const status of ['online', 'offline', 'unknown']) used.add(`status.${status}`);
  for (const fault of ['moisture_nan', 'moisture_rail', 'light_nan', 'light_rail']) used.add(`fault.${fault}`);
  for (const clock of ['device', 'hub']) used.add(`clock.${clock}`);
  for (const language of ['fr', 'en']) used.add(`language.${language}`);

  assert.ok(used.size > 40, `found only ${used.size} keys: the t('…') pattern no longer matches the sources`);
  for (const key of used) assert.ok(key in fr, `missing key "${key}" in web/i18n/fr.json`);
});

translations('no string writes a plural as (s)', () => {
  for (const language of ['fr', 'en']) {
    for (const [key, text] of Object.entries(strings(language))) assert.not.match(text, /\w\(s\)/, `${language}: ${key}`);
  }
});

translations('plural forms have a one and an other form', () => {
  for (const language of ['fr', 'en']) {
    const keys = Object.keys(strings(language));
    for (const key of keys.filter((k) => k.endsWith('.one'))) assert.ok(keys.includes(key.replace(/\.one$/, '.other')), `${language}: ${key}`);
  }
});

translations('static page text uses known keys', () => {
  const html = readFileSync(join(ROOT, 'web', 'public', 'index.html'), 'utf8');
  const fr = strings('fr');
  for (const match of html.matchAll(/data-i18n(?:-label)?="([\w.]+)"/g)) assert.ok(match[1]! in fr, match[1]);
});

translations.run();

// ---

const routes = suite('hash routes');

routes('maps the three pages', () => {
  assert.equal(parseRoute(''), { name: 'pots' });
  assert.equal(parseRoute('#/'), { name: 'pots' });
  assert.equal(parseRoute('#/profil'), { name: 'profile' });
  assert.equal(parseRoute('#/pot/a4cf12b3c4d5'), { name: 'pot', id: 'a4cf12b3c4d5' });
});

routes('decodes a MAC written with colons', () => {
  assert.equal(parseRoute('#/pot/A4%3ACF%3A12%3AB3%3AC4%3AD5'), { name: 'pot', id: 'A4:CF:12:B3:C4:D5' });
});

routes('reports anything else as not found', () => {
  for (const hash of ['#/pots', '#/pot/', '#/pot/a/b', '#/profil/x', '#/pot/%E0%A4%A']) {
    assert.is(parseRoute(hash).name, 'notFound', hash);
  }
});

routes.run();
