import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small file system the test made and owns, mounted at `path`. */
export interface SmallFilesystem {
  readonly path: string;
  /** Writes a filler file until the disk is full (ENOSPC); returns its path. */
  fill(): string;
  readOnly(): void;
  readWrite(): void;
  unmount(): void;
}

/**
 * Why a small file system cannot be mounted here, or undefined when it can: the disk tests need
 * root (or CAP_SYS_ADMIN) to mount a size-limited tmpfs, and Linux. Tried once, for real.
 */
export function smallFilesystemUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `mounting a size-limited tmpfs needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a size-limited tmpfs needs root';
  try {
    const probe = mountSmallFilesystem(1);
    probe.unmount();
    return undefined;
  } catch (error) {
    return `mount -t tmpfs was refused here: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Mounts a tmpfs of `megabytes` on a fresh folder. */
export function mountSmallFilesystem(megabytes: number): SmallFilesystem {
  const path = mkdtempSync(join(tmpdir(), 'scimdesk-smallfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0700`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw error;
  }
  return {
    path,
    fill() {
      const filler = join(path, `filler-${Date.now()}`);
      const fd = openSync(filler, 'w');
      try {
        for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size, 0x5a);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      return filler;
    },
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', path], { stdio: 'pipe' }),
    readWrite: () => execFileSync('mount', ['-o', 'remount,rw', path], { stdio: 'pipe' }),
    unmount() {
      execFileSync('umount', ['-l', path], { stdio: 'pipe' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
