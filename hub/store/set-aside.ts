// Damaged data files that the hub copied or moved aside since its process started, so
// /api/health can list them after the log lines that reported them have scrolled away.

export interface SetAsideFile {
  /** Path of the damaged data file. */
  file: string;
  /** Path of the copy that keeps the damaged content. */
  copy: string;
  /** Unix ms. */
  at: number;
}

const setAside: SetAsideFile[] = [];
/** A bound, so a data folder that keeps producing damaged files cannot grow this list for ever. */
const MAX_KEPT = 100;

export function recordSetAside(file: string, copy: string, at: number = Date.now()): void {
  setAside.push({ file, copy, at });
  if (setAside.length > MAX_KEPT) setAside.shift();
}

/** Files set aside inside `dataDir`; one process can run several hubs on different folders. */
export function setAsideUnder(dataDir: string): SetAsideFile[] {
  const prefix = dataDir.endsWith('/') ? dataDir : dataDir + '/';
  return setAside.filter((entry) => entry.file.startsWith(prefix));
}
