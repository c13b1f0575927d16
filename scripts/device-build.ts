// npm run device:build: bundles the firmware into device/dist/poco.js, and the check for
// Espruino's Linux build into device/dist/linux-check.js, through the Espruino gate.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFirmware, packageVersion } from '../device/build/build.js';
import { formatProblem } from '../device/build/gate.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIRMWARE_FILE = resolve(REPO_ROOT, 'device/dist/poco.js');
export const LINUX_CHECK_FILE = resolve(REPO_ROOT, 'device/dist/linux-check.js');

async function buildOne(entry: string, outFile: string, name: string): Promise<boolean> {
  const result = await buildFirmware({
    entry: resolve(REPO_ROOT, entry),
    outFile,
    root: REPO_ROOT,
    firmwareVersion: packageVersion(REPO_ROOT),
  });
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    console.error(`Construction refusée : ${result.problems.length} problème(s) pour Espruino / Build rejected: ${result.problems.length} problem(s) for Espruino`);
    return false;
  }
  console.log(`${name} : ${result.bytes} octets / bytes, gate Espruino OK`);
  return true;
}

export async function buildDefault(): Promise<boolean> {
  if (!(await buildOne('device/espruino/main.ts', FIRMWARE_FILE, 'device/dist/poco.js'))) return false;
  return buildOne('device/espruino/linux-check.ts', LINUX_CHECK_FILE, 'device/dist/linux-check.js');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildDefault().then((ok) => { process.exitCode = ok ? 0 : 1; }, (error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
