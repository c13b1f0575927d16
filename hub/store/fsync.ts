// Forces written files to the storage device. A write or a rename only reaches the page cache,
// and the kernel writes it out later, so a power cut before then loses it. An fsync of the file
// makes its content durable, and an fsync of its folder makes a rename or a new name durable.
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Fsyncs a file or a folder. One deleted meanwhile is skipped: there is nothing left to keep. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (handle === null) return;
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Fsyncs each file, then each folder that contains one. A file or folder deleted meanwhile
 * (retention, a pot folder removed by hand) is skipped. Other errors are raised.
 */
export async function fsyncFiles(files: Iterable<string>): Promise<void> {
  const folders = new Set<string>();
  for (const file of files) {
    folders.add(dirname(file));
    await fsyncPath(file);
  }
  for (const folder of folders) await fsyncPath(folder);
}
