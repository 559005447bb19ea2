import pino, { type Logger } from 'pino';
import buildRollingStream from 'pino-roll';

/** What the log files are doing: written, or failing since some time with an error (a full disk, a read-only folder). */
export interface LogFileHealth {
  readonly failing: boolean;
  /** The last write or open error, e.g. `ENOSPC`, with when it happened; kept after recovery for the record. */
  readonly lastError: { readonly code: string; readonly message: string; readonly time: string } | null;
  /** Lines dropped because the files could not be written and the buffer was full. */
  readonly dropped: number;
}

export interface FileLogger {
  readonly logger: Logger;
  health(): LogFileHealth;
  close(): Promise<void>;
}

/** What is held in memory while the files cannot be written; beyond it lines are dropped and counted. */
const BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * JSON log files in `dir`, rolled daily or at 10 MB, the last 14 kept, so a
 * busy provisioning cycle cannot fill the disk. Secrets never reach it: the
 * callers log identifiers and outcomes, never tokens or request headers.
 * Files are created owner-only (0600). A failing file (ENOSPC on a full disk, EROFS) never stops the
 * service: the stream's errors are caught and reported through `health()`, up to 4 MB of lines wait
 * in memory (the rest is dropped and counted), and the next line written after space returns
 * flushes them.
 */
export async function createFileLogger(dir: string, now: () => Date = () => new Date()): Promise<FileLogger> {
  const stream = await buildRollingStream({
    file: `${dir}/scimdesk`,
    extension: '.log',
    frequency: 'daily',
    size: '10m',
    mkdir: true,
    limit: { count: 14 },
    mode: 0o600,
    maxLength: BUFFER_LIMIT_BYTES,
  });
  let failing = false;
  let lastError: LogFileHealth['lastError'] = null;
  let dropped = 0;
  // Without a listener an 'error' event is thrown, and the whole process ends over a log line.
  stream.on('error', (error) => {
    failing = true;
    lastError = { code: error.code ?? 'ERROR', message: error.message, time: now().toISOString() };
  });
  stream.on('write', () => {
    failing = false;
  });
  stream.on('drop', () => {
    dropped += 1;
  });
  const logger = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return {
    logger,
    health: () => ({ failing, lastError, dropped }),
    // The rolling stream holds a timer and a file open: without ending it, a stopped core keeps Node alive.
    close: () =>
      new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        setTimeout(resolve, 1000).unref();
        try {
          logger.flush();
          stream.end();
        } catch {
          // A stream that never opened (or was destroyed after an error) has nothing left to flush.
          resolve();
        }
      }),
  };
}
