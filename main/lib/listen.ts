import type { Server } from 'node:net';

/** Starts listening; resolves once bound, rejects with the bind error (EADDRINUSE, EACCES, …). */
export function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes a server and its open connections (keep-alive sockets and event streams stay open otherwise). */
export async function closeServer(server: { close(callback: () => void): unknown; closeAllConnections(): void }): Promise<void> {
  const closing = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closing;
}

export type ListenProblem = 'inUse' | 'noAddress' | 'forbidden';

/** Says in plain words why binding host:port failed, or undefined for an error that is not a bind failure. */
export function describeListenError(error: unknown, host: string, port: number): { problem: ListenProblem; message: string } | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return { problem: 'inUse', message: `Port ${port} on ${host} is already in use` };
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return { problem: 'noAddress', message: `This machine has no address ${host}` };
    case 'EACCES':
      return { problem: 'forbidden', message: `Not allowed to listen on port ${port} (ports below 1024 need administrator rights)` };
    default:
      return undefined;
  }
}
