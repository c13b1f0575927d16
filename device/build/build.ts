// Builds the firmware: esbuild bundles device/espruino/main.ts into one script and lowers what
// it can (`?.`, `??`, `**`, class fields, optional catch bindings), then the gate rejects
// anything else Espruino 2v29 cannot run, with the source file and line. docs/device.md
// explains why esbuild alone, without Babel.
import { build, type Message } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { checkEspruinoSubset, type GateProblem } from './gate.js';
import { SourceMap, type SourceMapJson } from './source-map.js';

export interface BuildOptions {
  entry: string;
  outFile: string;
  /** Folder that problem file names are relative to (the repository root). */
  root: string;
  firmwareVersion: string;
}

export interface BuildResult {
  ok: boolean;
  problems: GateProblem[];
  bytes: number;
}

/**
 * Syntax esbuild would turn into generators or helpers that Espruino lacks (Symbol, WeakMap).
 * Declaring it supported keeps it in place, so the gate reports it at the developer's line.
 */
const KEEP_FOR_GATE = {
  'async-await': true,
  'async-generator': true,
  'object-rest-spread': true,
  'class-private-field': true,
  'class-private-method': true,
  'class-private-accessor': true,
  'class-private-static-field': true,
  'class-private-static-method': true,
  'class-private-static-accessor': true,
  'class-static-blocks': true,
};

function fromEsbuild(message: Message, root: string, rule: string): GateProblem {
  const location = message.location;
  return {
    file: location ? relative(root, resolve(location.file)) : '?',
    line: location ? location.line : 0,
    column: location ? location.column : 0,
    rule,
    message: message.text,
  };
}

export async function buildFirmware(options: BuildOptions): Promise<BuildResult> {
  const outFile = resolve(options.outFile);
  const result = await build({
    entryPoints: [options.entry],
    outfile: outFile,
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2015',
    supported: KEEP_FOR_GATE,
    sourcemap: 'external',
    legalComments: 'none',
    // Espruino keeps each function's source text in RAM, so whitespace costs memory; names stay.
    minifyWhitespace: true,
    logLevel: 'silent',
    define: { POCO_FIRMWARE_VERSION: JSON.stringify(options.firmwareVersion) },
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
  }).catch((error: { errors?: Message[] }) => {
    if (!error.errors) throw error;
    return { errors: error.errors, outputFiles: [] };
  });
  if (result.errors.length > 0) {
    // A failed build leaves no firmware behind, so an older one cannot be flashed by mistake.
    rmSync(outFile, { force: true });
    return { ok: false, problems: result.errors.map((message) => fromEsbuild(message, options.root, 'esbuild')), bytes: 0 };
  }

  const code = result.outputFiles?.find((file) => file.path === outFile)?.text ?? '';
  const mapText = result.outputFiles?.find((file) => file.path === outFile + '.map')?.text ?? '{"sources":[],"mappings":""}';
  const mapJson = JSON.parse(mapText) as SourceMapJson;
  mapJson.sources = mapJson.sources.map((source) => relative(options.root, resolve(dirname(outFile), source)));
  const problems = checkEspruinoSubset(code, relative(options.root, outFile), new SourceMap(mapJson));
  if (problems.length > 0) {
    rmSync(outFile, { force: true });
    return { ok: false, problems, bytes: 0 };
  }

  // Written aside and renamed, so a flash that reads the file meanwhile (another build running
  // at the same time, in tests) gets a whole file, old or new.
  mkdirSync(dirname(outFile), { recursive: true });
  for (const [file, text] of [[outFile, code], [outFile + '.map', mapText]] as const) {
    writeFileSync(`${file}.${process.pid}.tmp`, text);
    renameSync(`${file}.${process.pid}.tmp`, file);
  }
  return { ok: true, problems: [], bytes: Buffer.byteLength(code) };
}

/** Reads the version from package.json, the firmware's `fw` field. */
export function packageVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
