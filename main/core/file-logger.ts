import pino, { type Logger } from 'pino';
import buildRollingStream from 'pino-roll';

/**
 * JSON log files in `dir`, rolled daily or at 10 MB, the last 14 kept, so a
 * busy provisioning cycle cannot fill the disk. Secrets never reach it: the
 * callers log identifiers and outcomes, never tokens or request headers.
 */
export async function createFileLogger(dir: string): Promise<Logger> {
  const stream = await buildRollingStream({
    file: `${dir}/scimdesk`,
    extension: '.log',
    frequency: 'daily',
    size: '10m',
    mkdir: true,
    limit: { count: 14 },
  });
  return pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}
