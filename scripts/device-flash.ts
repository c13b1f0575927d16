// npm run device:flash -- --port /dev/ttyUSB0 [--timeout 60]
// Builds the firmware, checks the board, uploads device/dist/poco.js with the espruino CLI and
// saves it to flash (Storage file .bootcde) so it runs at every boot and after deep sleep.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { buildDefault, FIRMWARE_FILE } from './device-build.js';
import { checkBoard, checkPort, DeviceError, parseOptions, readMarker, runCli } from './device-console.js';

function step(index: number, french: string, english: string): void {
  console.log(`[${index}/4] ${french} / ${english}`);
}

export async function flash(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const port = checkPort(options.get('port') === true ? undefined : (options.get('port') as string | undefined));
  const timeoutS = Number(options.get('timeout') ?? 60);
  if (!isFinite(timeoutS) || timeoutS <= 0) throw new DeviceError(`--timeout invalide : ${String(options.get('timeout'))} / invalid --timeout: give seconds, such as 60`);
  const timeoutMs = timeoutS * 1000;
  const expectedBoard = process.env['BOARD'] || 'ESP32';

  step(1, 'Construction du firmware', 'Building the firmware');
  if (!(await buildDefault())) throw new DeviceError('Construction échouée : corrigez les lignes ci-dessus / Build failed: fix the lines above');
  const code = readFileSync(FIRMWARE_FILE, 'latin1');

  step(2, `Vérification de la carte sur ${port}`, `Checking the board on ${port}`);
  console.log('      ' + (await checkBoard(port, expectedBoard, timeoutMs)));

  step(3, `Envoi de ${code.length} octets et écriture en flash`, `Uploading ${code.length} bytes and saving to flash`);
  const upload = await runCli(['-p', port, '--config', 'SAVE_ON_SEND=1', FIRMWARE_FILE], timeoutMs);
  if (upload.timedOut) throw new DeviceError(`Délai dépassé pendant l'envoi (${timeoutS} s) / Upload timed out after ${timeoutS} s: press the board's reset button and try again`);
  const failure = upload.boardLines.find((line) => /Uncaught|ERROR|Out of Memory/i.test(line));
  if (upload.code !== 0 || !upload.output.includes('Upload Complete') || failure) {
    // The CLI's last lines give the cause (a dropped connection, a board that stopped responding).
    const lastLines = upload.output.trim().split('\n').slice(-5).join('\n');
    throw new DeviceError(`Envoi échoué / Upload failed: ${failure ?? 'the espruino CLI exited with code ' + upload.code}\n${lastLines}`);
  }

  step(4, 'Relecture de la flash', 'Reading the flash back');
  const check = await runCli(['-p', port, '-e', 'print("POCO_BOOT="+JSON.stringify((require("Storage").read(".bootcde")||"").length))'], timeoutMs);
  const stored = readMarker(check, 'POCO_BOOT');
  if (typeof stored !== 'number' || stored < code.length) {
    throw new DeviceError(`La flash contient ${String(stored)} octets au lieu de ${code.length} / Flash contains ${String(stored)} bytes instead of ${code.length}: flash again`);
  }
  console.log(`POCO est en flash (${stored} octets) / POCO is saved to flash (${stored} bytes)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  flash(process.argv.slice(2)).catch((error: Error) => {
    console.error(error instanceof DeviceError ? error.message : `Erreur inattendue / Unexpected error: ${error.message}`);
    process.exitCode = 1;
  });
}
