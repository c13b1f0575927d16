// Runs every uvu test file in its own Node process, two at a time, with a time limit per file,
// and prints one closing line "N passed, N failed". A file that hangs (an open socket, say) is
// stopped and counted as failed instead of blocking the run.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  code: number | null;
  timedOut: boolean;
  output: string;
}

const root = process.cwd();
const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--'));
const concurrency = Number(process.env.POCO_TEST_JOBS ?? 2);
const fileTimeoutMs = Number(process.env.POCO_TEST_FILE_TIMEOUT_MS ?? 240_000);

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

// Strips colour codes from uvu's report before reading its totals.
function plain(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function runFile(file: string): Promise<FileResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, fileTimeoutMs);

    child.on('close', (code) => {
      clearTimeout(timer);
      const text = plain(output);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? 0);
      let failed = total - passed;
      if ((code !== 0 || timedOut) && failed === 0) failed = 1;
      resolve({ file: relative(root, file), passed, failed, code, timedOut, output: text });
    });
  });
}

async function main(): Promise<void> {
  let files = findTests(join(root, 'test'));
  if (filter) files = files.filter((f) => new RegExp(filter).test(relative(root, f)));
  if (files.length === 0) {
    console.error(`no test files match ${filter ?? 'test/**/*.test.ts'}`);
    process.exit(1);
  }

  const results: FileResult[] = [];
  const queue = [...files];
  const started = Date.now();
  async function worker(): Promise<void> {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const result = await runFile(file);
      results.push(result);
      const status = result.failed === 0 ? 'ok  ' : 'FAIL';
      const note = result.timedOut ? ` (stopped after ${fileTimeoutMs} ms)` : '';
      console.log(`${status} ${result.file}: ${result.passed} passed, ${result.failed} failed${note}`);
      if (result.failed > 0) console.log(result.output.replace(/^/gm, '    '));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));

  mkdirSync(join(root, 'test-output'), { recursive: true });
  writeFileSync(join(root, 'test-output', 'results.json'), JSON.stringify(results.map(({ output, ...r }) => r), null, 2));
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`\n${results.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
