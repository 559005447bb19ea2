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
  }
  export default function build(options: PinoRollOptions): Promise<DestinationStream & { end(): void; once(event: 'close', listener: () => void): void }>;
}
