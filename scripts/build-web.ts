// Builds the dashboard into web/dist: the bundled script, the static files, the translations
// and uPlot's stylesheet. Everything is local so the dashboard works on a LAN without internet.
// Usage: npm run build:web [-- --no-minify]
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildWebOptions {
  /** Output folder; web/dist by default. Tests may pass a temporary folder. */
  outDir?: string;
  /** Minifies app.js (on by default); the source map keeps stack traces readable. */
  minify?: boolean;
}

/** Empties the output folder, bundles web/src/main.ts and copies the static files beside it. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<string> {
  const outDir = options.outDir ?? join(ROOT, 'web', 'dist');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  await build({
    entryPoints: [join(ROOT, 'web', 'src', 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    sourcemap: true,
    minify: options.minify ?? true,
    logLevel: 'warning',
  });

  cpSync(join(ROOT, 'web', 'public'), outDir, { recursive: true });
  cpSync(join(ROOT, 'web', 'i18n'), join(outDir, 'i18n'), { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(outDir, 'uPlot.min.css'));
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildWeb({ minify: !process.argv.includes('--no-minify') });
  console.log(`dashboard built in ${outDir}`);
}
