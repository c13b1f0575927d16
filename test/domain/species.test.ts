import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv } from 'ajv';
import data from '../../domain/data/species.json' with { type: 'json' };
import {
  speciesFileSchema,
  parseSpeciesFile,
  parseSpeciesList,
  mergeSpecies,
  findSpecies,
  type Species,
} from '../../domain/species.js';

const ESTIMATE = 'POCO estimate from general care guidance';

const file = suite('species base file');

file('matches the JSON Schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(speciesFileSchema);
  const valid = validate(data);
  assert.ok(valid, JSON.stringify(validate.errors, null, 1));
});

file('has at least 40 species', () => {
  assert.ok(data.species.length >= 40, `only ${data.species.length} species`);
});

file('has min below max in every range', () => {
  for (const entry of data.species) {
    assert.ok(entry.moisture.min < entry.moisture.max, `${entry.id} moisture`);
    assert.ok(entry.light.min < entry.light.max, `${entry.id} light`);
  }
});

file('has unique ids', () => {
  const ids = data.species.map((entry) => entry.id);
  assert.is(new Set(ids).size, ids.length);
});

file('has French names and hints', () => {
  for (const entry of data.species) {
    assert.ok(entry.name_fr.trim().length > 0, entry.id);
    assert.ok(entry.hint_fr.trim().length > 0, entry.id);
  }
});

file('names a URL or the estimate in each source', () => {
  for (const entry of data.species) {
    const cites = /https?:\/\/\S+/.test(entry.source);
    assert.ok(cites || entry.source === ESTIMATE, `${entry.id}: ${entry.source}`);
    assert.ok(entry.source.includes(ESTIMATE), `${entry.id}: numbers must be marked as estimates`);
  }
});

file('parses with the domain validator', () => {
  const result = parseSpeciesFile(data);
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  if (result.ok) assert.is(result.species.length, data.species.length);
});

file.run();

// ---

function sample(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'test-plant',
    name_fr: 'Plante test',
    name_en: 'Test plant',
    latin: 'Planta testis',
    moisture: { min: 30, max: 70 },
    light: { min: 500, max: 10000 },
    hint_fr: 'Arroser.',
    hint_en: 'Water it.',
    source: ESTIMATE,
    ...overrides,
  };
}

const validation = suite('species validation');

validation('accepts a complete entry', () => {
  assert.ok(parseSpeciesList([sample()]).ok);
});

validation('rejects min not below max', () => {
  const result = parseSpeciesList([sample({ moisture: { min: 60, max: 60 } })]);
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.errors.join('\n'), /moisture min \(60\) must be below max \(60\)/);
});

validation('rejects moisture above 100 percent', () => {
  const result = parseSpeciesList([sample({ moisture: { min: 30, max: 120 } })]);
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.errors.join('\n'), /moisture\.max must be a number from 0 to 100 percent, got 120/);
});

validation('rejects a duplicate id', () => {
  const result = parseSpeciesList([sample(), sample()]);
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.errors.join('\n'), /species\[1\] "test-plant": duplicate id/);
});

validation('rejects a missing French name', () => {
  const result = parseSpeciesList([sample({ name_fr: '  ' })]);
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.errors.join('\n'), /name_fr must be a non-empty text/);
});

validation('rejects a bad id and unknown field', () => {
  const result = parseSpeciesList([sample({ id: 'Snake Plant', colour: 'green' })]);
  assert.not.ok(result.ok);
  if (!result.ok) {
    assert.match(result.errors.join('\n'), /id "Snake Plant" is invalid/);
    assert.match(result.errors.join('\n'), /unknown field "colour"/);
  }
});

validation('schema and validator agree on bad entries', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(speciesFileSchema);
  const header = { version: 1, light_measure: 'day_mean_lux', moisture_measure: 'calibration_percent' };
  const bad = [sample({ id: 'Bad Id' }), sample({ light: { min: -1, max: 10 } }), sample({ hint_en: '' }), sample({ extra: 1 })];
  for (const entry of bad) {
    assert.not.ok(validate({ ...header, species: [entry] }), JSON.stringify(entry));
    assert.not.ok(parseSpeciesList([entry]).ok, JSON.stringify(entry));
  }
});

validation('rejects a file with another version', () => {
  const result = parseSpeciesFile({ ...data, version: 2 });
  assert.not.ok(result.ok);
  if (!result.ok) assert.match(result.errors[0] ?? '', /"version" must be 1, got 2/);
});

validation.run();

// ---

const merge = suite('species merge');

merge('user entry replaces the base entry', () => {
  const base = parseSpeciesFile(data);
  assert.ok(base.ok);
  if (!base.ok) return;
  const mine = { ...(findSpecies(base.species, 'basil') as Species), moisture: { min: 50, max: 90 } };
  const merged = mergeSpecies(base.species, [mine]);
  assert.is(merged.length, base.species.length);
  assert.equal(findSpecies(merged, 'basil')?.moisture, { min: 50, max: 90 });
  assert.equal(findSpecies(base.species, 'basil')?.moisture, { min: 45, max: 85 });
});

merge('new user entry is appended', () => {
  const base = parseSpeciesFile(data);
  if (!base.ok) throw new Error(base.errors.join('; '));
  const merged = mergeSpecies(base.species, [sample({ id: 'grandmas-cactus' }) as unknown as Species]);
  assert.is(merged.length, base.species.length + 1);
  assert.is(merged[merged.length - 1]?.id, 'grandmas-cactus');
  assert.is(findSpecies(merged, 'no-such-plant'), null);
});

merge.run();
