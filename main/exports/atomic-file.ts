import { randomBytes } from 'node:crypto';
import { copyFile, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Export files written so that an importer never reads half of one: each is written under a temporary
 * name in the same folder (`users-….csv.tmp-<random>`), flushed to disk, then renamed over its final
 * name, which on one volume replaces it in one step. A failure removes the temporary file and leaves
 * every final name as it was.
 */

/** Text is gathered up to this size before one write: few system calls, and memory stays bounded whatever the row count. */
const WRITE_CHUNK_BYTES = 1 << 20;
/** Windows refuses to rename over a file another process has open (an importer reading it): try again a few times. */
const RENAME_TRIES = 5;
const RENAME_WAIT_MS = 200;

/** Where a producer writes its text; each write may wait for the disk. */
export interface TextSink {
  write(text: string): Promise<void>;
}

class BufferedSink implements TextSink {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= WRITE_CHUNK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const bytes = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    for (let offset = 0; offset < bytes.length; ) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  }
}

function temporaryName(name: string): string {
  return `${name}.tmp-${randomBytes(6).toString('hex')}`;
}

/** Is this one of the temporary names this module gives `name`-prefixed files (a crash's leftover)? */
export function isTemporaryOf(file: string, prefix: string): boolean {
  return file.startsWith(prefix) && /\.tmp-[0-9a-f]{12}$/.test(file);
}

async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= RENAME_TRIES || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
      await new Promise((resolve) => setTimeout(resolve, RENAME_WAIT_MS * attempt));
    }
  }
}

/** The rename itself made durable: the folder's entry flushed (POSIX; Windows cannot open a folder, and NTFS journals the rename). */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Not supported here: the file's own data is already on disk.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes `folder/name` atomically from what `produce` writes to the sink; returns what `produce` returns
 * (the row count). Never leaves a partial file under `name`.
 */
export async function writeAtomically<T>(folder: string, name: string, produce: (sink: TextSink) => Promise<T>): Promise<T> {
  const temporary = join(folder, temporaryName(name));
  const handle = await open(temporary, 'wx');
  let closed = false;
  let done = false;
  try {
    const sink = new BufferedSink(handle);
    const result = await produce(sink);
    await sink.flush();
    await handle.sync();
    await handle.close();
    closed = true;
    await renameOver(temporary, join(folder, name));
    done = true;
    await syncFolder(folder);
    return result;
  } finally {
    if (!closed) await handle.close().catch(() => undefined);
    if (!done) await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/** Replaces `folder/name` with a copy of `folder/source`, atomically as above. */
export async function copyAtomically(folder: string, source: string, name: string): Promise<void> {
  const temporary = join(folder, temporaryName(name));
  let done = false;
  try {
    await copyFile(join(folder, source), temporary);
    const handle = await open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameOver(temporary, join(folder, name));
    done = true;
  } finally {
    if (!done) await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/** Removes a crash's leftover temporary files of names starting with `prefix`. */
export async function removeLeftovers(folder: string, prefix: string): Promise<void> {
  for (const file of await readdir(folder)) {
    if (isTemporaryOf(file, prefix)) await rm(join(folder, file), { force: true });
  }
}
