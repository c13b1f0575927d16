// Reads a version 3 source map (as esbuild writes it) to turn a line and column of the bundle
// into the source file and line a developer edits.

export interface OriginalPosition {
  source: string;
  /** 1-based line in the source file. */
  line: number;
  /** 0-based column, as acorn and esbuild count. */
  column: number;
}

interface Segment {
  column: number;
  source: number;
  line: number;
  sourceColumn: number;
}

export interface SourceMapJson {
  sources: string[];
  mappings: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one mapping segment: Base64 VLQ numbers, each a delta from the previous segment. */
function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`invalid character "${char}" in source map mappings`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

export class SourceMap {
  readonly #lines: Segment[][] = [];
  readonly #sources: string[];

  constructor(map: SourceMapJson) {
    this.#sources = map.sources;
    let source = 0;
    let line = 0;
    let sourceColumn = 0;
    for (const lineText of map.mappings.split(';')) {
      const segments: Segment[] = [];
      let column = 0;
      for (const segmentText of lineText.split(',')) {
        if (segmentText === '') continue;
        const values = decodeVlq(segmentText);
        column += values[0] ?? 0;
        if (values.length < 4) continue;
        source += values[1] ?? 0;
        line += values[2] ?? 0;
        sourceColumn += values[3] ?? 0;
        segments.push({ column, source, line, sourceColumn });
      }
      this.#lines.push(segments);
    }
  }

  /** Maps a 1-based generated line and 0-based column; null where the bundle has no mapping. */
  originalPosition(line: number, column: number): OriginalPosition | null {
    const segments = this.#lines[line - 1] ?? [];
    let best: Segment | null = null;
    for (const segment of segments) {
      if (segment.column > column) break;
      best = segment;
    }
    if (best === null) best = segments[0] ?? null;
    if (best === null) return null;
    return { source: this.#sources[best.source] ?? '?', line: best.line + 1, column: best.sourceColumn };
  }
}
