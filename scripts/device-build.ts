// npm run device:build: bundles the firmware into device/dist/poco.js and runs the Espruino gate.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFirmware, packageVersion } from '../device/build/build.js';
import { formatProblem } from '../device/build/gate.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIRMWARE_FILE = resolve(REPO_ROOT, 'device/dist/poco.js');

export async function buildDefault(): Promise<boolean> {
  const result = await buildFirmware({
    entry: resolve(REPO_ROOT, 'device/espruino/main.ts'),
    outFile: FIRMWARE_FILE,
    root: REPO_ROOT,
    firmwareVersion: packageVersion(REPO_ROOT),
  });
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    console.error(`Construction refusée : ${result.problems.length} problème(s) pour Espruino / Build rejected: ${result.problems.length} problem(s) for Espruino`);
    return false;
  }
  console.log(`device/dist/poco.js : ${result.bytes} octets / bytes, gate Espruino OK`);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildDefault().then((ok) => { process.exitCode = ok ? 0 : 1; }, (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
