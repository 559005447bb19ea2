// pino-roll ships no types; this declares the one call ScimDesk makes.
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface PinoRollOptions {
    file: string | (() => string);
    extension?: string;
    frequency?: 'daily' | 'hourly' | number;
    size?: string | number;
    mkdir?: boolean;
    limit?: { count: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
    /** Passed to sonic-boom: the mode new log files are created with. */
    mode?: number;
    /** Passed to sonic-boom: bytes buffered while the file cannot be written; more is dropped (a 'drop' event). */
    maxLength?: number;
  }
  /** The sonic-boom stream pino-roll returns: an EventEmitter that emits 'error' (a failed write or open), 'write', 'drop' and 'close'. */
  interface RollingStream extends DestinationStream {
    end(): void;
    once(event: 'close', listener: () => void): void;
    on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): void;
    on(event: 'write', listener: (bytes: number) => void): void;
    on(event: 'drop', listener: (data: string) => void): void;
  }
  export default function build(options: PinoRollOptions): Promise<RollingStream>;
}
