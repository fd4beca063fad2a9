import fs from 'node:fs';

/** Flushes a finished file's bytes to the disk (before it is renamed into place, or counted as written). */
export async function datasync(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
