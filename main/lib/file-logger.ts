import pino, { type Logger } from 'pino';
import buildRollingStream from 'pino-roll';

/**
 * JSON log files in `dir`, rolled daily or at 10 MB, the last 14 kept, so a
 * busy provisioning cycle cannot fill the disk. Secrets never reach it: the
 * callers log identifiers and outcomes, never tokens or request headers.
 */
export async function createFileLogger(dir: string): Promise<{ logger: Logger; close: () => Promise<void> }> {
  const stream = await buildRollingStream({
    file: `${dir}/scimdesk`,
    extension: '.log',
    frequency: 'daily',
    size: '10m',
    mkdir: true,
    limit: { count: 14 },
  });
  const logger = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return {
    logger,
    // The rolling stream holds a timer and a file open: without ending it, a stopped core keeps Node alive.
    close: () =>
      new Promise<void>((resolve) => {
        logger.flush();
        stream.once('close', () => resolve());
        stream.end();
        setTimeout(resolve, 1000).unref();
      }),
  };
}
