import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replace `abs` atomically: write a sibling temp file, then rename over the target. Rename replaces a
 * symlink rather than following it, so a link swapped in after the path check cannot redirect the write.
 * `abs` must already have passed `resolveWorkspacePath(..., { forWrite: true })`.
 */
export async function writeFileAtomic(abs: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(abs);
  await mkdir(dir, { recursive: true });
  let mode: number | undefined;
  try {
    const st = await stat(abs);
    if (st.isDirectory()) throw new Error(`Is a directory: ${path.basename(abs)}`);
    mode = st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { flag: 'wx', mode: 0o644 });
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, abs);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
