// CSV as RFC 4180 writes it: comma-separated cells, CRLF line ends, cells quoted when they contain
// a comma, a double quote or a line break, with inner quotes doubled. The reader takes text in
// chunks of any size, so a large upload is parsed as it arrives, and it reports each problem
// with its line and column.

export const CRLF = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;

/** Spreadsheets read a cell that starts with = + - @, a tab or a CR as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Quotes a cell when RFC 4180 requires it. */
export function quoteCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

/** Formats one record: quoted cells joined by commas, ending in CRLF. */
export function formatCsvLine(cells: readonly string[]): string {
  return cells.map(quoteCell).join(',') + CRLF;
}

/**
 * Prefixes a text cell with an apostrophe when a spreadsheet would run it as a formula. A cell
 * that already starts with an apostrophe gets one more, so `unguardFormula` restores any text.
 */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) || text.startsWith("'") ? "'" + text : text;
}

/** Removes the apostrophe `guardFormula` added. Text that does not start with one is returned unchanged. */
export function unguardFormula(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

export interface CsvRecord {
  /** Line on which the record starts, from 1. */
  line: number;
  cells: string[];
}

export interface CsvSyntaxError {
  /** Line of the problem, from 1. */
  line: number;
  /** Cell position in the record, from 1. */
  column: number;
  message: string;
}

export type CsvItem = { ok: true; record: CsvRecord } | { ok: false; error: CsvSyntaxError };

type State = 'cellStart' | 'unquoted' | 'quoted' | 'afterQuote' | 'skipRecord';

/** Maximum record length in characters, so a missing closing quote cannot swallow a whole upload. */
export const MAX_RECORD_CHARS = 64 * 1024;

/**
 * Splits CSV text into records. Blank lines are skipped. After a syntax error the rest of that
 * line is skipped and reading goes on with the next line.
 */
export class CsvReader {
  #state: State = 'cellStart';
  #cells: string[] = [];
  #cell = '';
  #recordChars = 0;
  #line = 1;
  #recordLine = 1;
  #afterCR = false;
  #items: CsvItem[] = [];

  /** Reads a chunk and returns the records and errors completed in it. */
  push(chunk: string): CsvItem[] {
    for (const char of chunk) this.#read(char);
    return this.#take();
  }

  /** Ends the input and returns what the last chunk left open. */
  end(): CsvItem[] {
    if (this.#state === 'quoted') {
      this.#fail('unterminated quoted cell: add the closing double quote');
    } else if (this.#state !== 'skipRecord') {
      this.#endRecord();
    }
    this.#state = 'cellStart';
    return this.#take();
  }

  #take(): CsvItem[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }

  #read(char: string): void {
    const afterCR = this.#afterCR;
    this.#afterCR = char === '\r';
    // The LF of a CRLF whose CR already ended the record.
    if (afterCR && char === '\n' && this.#state !== 'quoted') return;

    const lineBreak = char === '\r' || char === '\n';
    if (this.#state === 'quoted') {
      if (char === '"') this.#state = 'afterQuote';
      else this.#append(char);
      if (lineBreak && !(afterCR && char === '\n')) this.#line += 1;
      return;
    }
    if (lineBreak) {
      if (this.#state !== 'skipRecord') this.#endRecord();
      this.#line += 1;
      this.#startRecord();
      return;
    }
    if (this.#state === 'skipRecord') return;

    if (char === ',') this.#endCell();
    else if (this.#state === 'cellStart' && char === '"') this.#state = 'quoted';
    else if (this.#state === 'afterQuote' && char === '"') {
      this.#append('"');
      this.#state = 'quoted';
    } else if (this.#state === 'afterQuote') this.#fail('unexpected ' + JSON.stringify(char) + ' after a closing double quote: put a comma after the quoted cell');
    else if (char === '"') this.#fail('unexpected double quote in an unquoted cell: quote the whole cell and double the inner quotes');
    else {
      this.#append(char);
      this.#state = 'unquoted';
    }
  }

  #append(char: string): void {
    this.#recordChars += char.length;
    if (this.#recordChars > MAX_RECORD_CHARS) this.#fail('record longer than ' + MAX_RECORD_CHARS + ' characters: check for a missing closing double quote');
    else this.#cell += char;
  }

  #endCell(): void {
    this.#cells.push(this.#cell);
    this.#cell = '';
    this.#state = 'cellStart';
  }

  #endRecord(): void {
    this.#endCell();
    const blank = this.#cells.length === 1 && this.#cells[0] === '';
    if (!blank) this.#items.push({ ok: true, record: { line: this.#recordLine, cells: this.#cells } });
    this.#cells = [];
  }

  #startRecord(): void {
    this.#state = 'cellStart';
    this.#cells = [];
    this.#cell = '';
    this.#recordChars = 0;
    this.#recordLine = this.#line;
  }

  #fail(message: string): void {
    this.#items.push({ ok: false, error: { line: this.#line, column: this.#cells.length + 1, message } });
    this.#state = 'skipRecord';
    this.#cells = [];
    this.#cell = '';
  }
}
