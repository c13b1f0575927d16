// Pot photos on disk, data/photos/<id>/<file>: each upload gets a new file, written beside its
// final name and renamed into place, so a reader never sees half a photo. Older files stay,
// because the care timeline still shows them.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGE_EXTENSIONS, imageTypeOfFile, type ImageType } from '../../domain/image-type.js';

/** Largest photo accepted, bytes (2 MiB). */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** Stored photo names: creation time in base 36, a random part and the extension. */
const FILE_NAME = /^[0-9a-z]{1,12}-[0-9a-f]{8}\.(jpg|png|webp)$/;

export function isPhotoFile(file: string): boolean {
  return FILE_NAME.test(file);
}

/** Writes a photo of a pot atomically and returns its file name. */
export async function savePhoto(photosDir: string, potId: string, bytes: Buffer, type: ImageType, now: number): Promise<string> {
  const dir = join(photosDir, potId);
  await mkdir(dir, { recursive: true });
  const file = `${now.toString(36)}-${randomBytes(4).toString('hex')}.${IMAGE_EXTENSIONS[type]}`;
  const partial = join(dir, `.${file}.partial`);
  try {
    await writeFile(partial, bytes, { flush: true });
    await rename(partial, join(dir, file));
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return file;
}

/** Reads a stored photo; null when the name is not a photo name or the file does not exist. */
export async function readPhoto(photosDir: string, potId: string, file: string): Promise<{ bytes: Buffer; type: ImageType } | null> {
  const type = imageTypeOfFile(file);
  if (!isPhotoFile(file) || type === null) return null;
  try {
    return { bytes: await readFile(join(photosDir, potId, file)), type };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
