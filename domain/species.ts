// Plant species and their care ranges: the shipped base (domain/data/species.json) plus the
// species a user adds or overrides. Pure: callers parse the JSON and pass the value in.

/** Inclusive ideal range. */
export interface Range {
  min: number;
  max: number;
}

export interface Species {
  /** Lowercase words joined by dashes, such as `snake-plant`. */
  id: string;
  name_fr: string;
  name_en: string;
  latin: string;
  /** Ideal soil moisture, percent of the pot's calibration (0 = dry point, 100 = wet point). */
  moisture: Range;
  /** Ideal day-mean illuminance in lux: the day's lux-hours divided by 12 h (see plant-state.ts). */
  light: Range;
  hint_fr: string;
  hint_en: string;
  /** Pages the values come from, or "POCO estimate from general care guidance". */
  source: string;
}

export type SpeciesResult = { ok: true; species: Species[] } | { ok: false; errors: string[] };

export const SPECIES_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_ID_LENGTH = 40;
export const MAX_TEXT_LENGTH = 200;
export const MAX_SOURCE_LENGTH = 600;
/** Highest lux a reading may carry (protocol v1), so no light range goes beyond it. */
export const MAX_LUX = 200000;

const TEXT_FIELDS = ['name_fr', 'name_en', 'latin', 'hint_fr', 'hint_en'] as const;

function rangeSchema(maximum: number): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['min', 'max'],
    properties: {
      min: { type: 'number', minimum: 0, maximum: maximum },
      max: { type: 'number', minimum: 0, maximum: maximum },
    },
  };
}

function textSchema(maxLength: number): object {
  return { type: 'string', minLength: 1, maxLength: maxLength };
}

/**
 * JSON Schema (draft-07) of the species file, for Ajv on the hub and in tests. It cannot express
 * min < max or unique ids, so parseSpeciesList checks those as well.
 */
export const speciesFileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://poco.invalid/schemas/species.json',
  title: 'POCO species base',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'light_measure', 'moisture_measure', 'species'],
  properties: {
    version: { const: 1 },
    light_measure: { const: 'day_mean_lux' },
    moisture_measure: { const: 'calibration_percent' },
    species: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name_fr', 'name_en', 'latin', 'moisture', 'light', 'hint_fr', 'hint_en', 'source'],
        properties: {
          id: { type: 'string', pattern: SPECIES_ID.source, maxLength: MAX_ID_LENGTH },
          name_fr: textSchema(MAX_TEXT_LENGTH),
          name_en: textSchema(MAX_TEXT_LENGTH),
          latin: textSchema(MAX_TEXT_LENGTH),
          moisture: rangeSchema(100),
          light: rangeSchema(MAX_LUX),
          hint_fr: textSchema(MAX_TEXT_LENGTH),
          hint_en: textSchema(MAX_TEXT_LENGTH),
          source: textSchema(MAX_SOURCE_LENGTH),
        },
      },
    },
  },
} as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRange(value: unknown, field: string, maximum: number, unit: string): string[] {
  if (!isRecord(value)) return [field + ' must be an object {min, max}'];

  const min = value['min'];
  const max = value['max'];
  for (const [name, x] of [['min', min], ['max', max]] as const) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > maximum) {
      return [field + '.' + name + ' must be a number from 0 to ' + maximum + ' ' + unit + ', got ' + JSON.stringify(x)];
    }
  }
  if ((min as number) >= (max as number)) {
    return [field + ' min (' + String(min) + ') must be below max (' + String(max) + ')'];
  }
  return [];
}

/** Lists what is wrong with one species entry. An empty list means the entry is valid. */
export function checkSpecies(value: unknown): string[] {
  if (!isRecord(value)) return ['entry must be an object'];

  const errors: string[] = [];
  const id = value['id'];
  if (typeof id !== 'string' || !SPECIES_ID.test(id) || id.length > MAX_ID_LENGTH) {
    errors.push('id ' + JSON.stringify(id) + ' is invalid: use up to ' + MAX_ID_LENGTH + ' lowercase letters and digits joined by dashes, such as "snake-plant"');
  }
  for (const field of TEXT_FIELDS) {
    const text = value[field];
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_LENGTH) {
      errors.push(field + ' must be a non-empty text of at most ' + MAX_TEXT_LENGTH + ' characters');
    }
  }
  const source = value['source'];
  if (typeof source !== 'string' || source.trim() === '' || source.length > MAX_SOURCE_LENGTH) {
    errors.push('source must name where the values come from, or say "POCO estimate from general care guidance"');
  }
  errors.push(...checkRange(value['moisture'], 'moisture', 100, 'percent'));
  errors.push(...checkRange(value['light'], 'light', MAX_LUX, 'lux'));

  const known = ['id', 'source', 'moisture', 'light', ...TEXT_FIELDS] as string[];
  for (const key of Object.keys(value)) {
    if (known.indexOf(key) < 0) errors.push('unknown field "' + key + '"');
  }
  return errors;
}

function copySpecies(entry: Species): Species {
  return {
    id: entry.id,
    name_fr: entry.name_fr,
    name_en: entry.name_en,
    latin: entry.latin,
    moisture: { min: entry.moisture.min, max: entry.moisture.max },
    light: { min: entry.light.min, max: entry.light.max },
    hint_fr: entry.hint_fr,
    hint_en: entry.hint_en,
    source: entry.source,
  };
}

/**
 * Validates a list of species entries (the `species` array of the file, or a user's list) and
 * reports every problem at once, each prefixed with the entry's position and id.
 */
export function parseSpeciesList(value: unknown): SpeciesResult {
  if (!Array.isArray(value)) return { ok: false, errors: ['species must be an array of entries'] };

  const errors: string[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const id = isRecord(entry) && typeof entry['id'] === 'string' ? entry['id'] : '?';
    const where = 'species[' + index + '] "' + id + '": ';
    for (const problem of checkSpecies(entry)) errors.push(where + problem);
    if (seen.has(id)) errors.push(where + 'duplicate id: each species needs its own id');
    seen.add(id);
  });
  if (errors.length > 0) return { ok: false, errors: errors };
  return { ok: true, species: (value as Species[]).map(copySpecies) };
}

/** Validates a whole species file: its header, then its entries. */
export function parseSpeciesFile(value: unknown): SpeciesResult {
  if (!isRecord(value)) return { ok: false, errors: ['species file must be a JSON object'] };
  if (value['version'] !== 1) return { ok: false, errors: ['species file "version" must be 1, got ' + JSON.stringify(value['version'])] };
  if (value['light_measure'] !== 'day_mean_lux' || value['moisture_measure'] !== 'calibration_percent') {
    return { ok: false, errors: ['species file must state light_measure "day_mean_lux" and moisture_measure "calibration_percent"'] };
  }
  return parseSpeciesList(value['species']);
}

/**
 * Merges a user's species into the base: a user entry with a base id replaces that entry, and
 * other user entries are appended. Neither input is changed.
 */
export function mergeSpecies(base: Species[], user: Species[]): Species[] {
  const merged = base.map(copySpecies);
  for (const entry of user) {
    const index = merged.findIndex((existing) => existing.id === entry.id);
    if (index >= 0) merged[index] = copySpecies(entry);
    else merged.push(copySpecies(entry));
  }
  return merged;
}

export function findSpecies(list: Species[], id: string): Species | null {
  return list.find((entry) => entry.id === id) ?? null;
}
