import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection.
 * A checkpoint copies the WAL into the database and fsyncs; done by the
 * request path (SQLite's default auto-checkpoint) it lands inside whichever
 * request's commit crosses the threshold and shows up as 20–30 ms p99 spikes.
 * PASSIVE checkpoints never block the writer. The main connection keeps an
 * auto-checkpoint threshold (16 MB) as a backstop, which also lets the WAL
 * start over under steady writes (see createSqliteStore).
 */
export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 500, nativeBinding?: string) {
    const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
    // Plain CommonJS source, so the worker runs the same under tsx, node and a bundled Electron build.
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(workerData.modulePath);
      const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
      db.pragma('busy_timeout = 1000');
      const timer = setInterval(() => {
        try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick retries */ }
      }, workerData.intervalMs);
      parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
    `;
    this.worker = new Worker(source, { eval: true, workerData: { file, modulePath, intervalMs, nativeBinding } });
    this.worker.unref();
  }

  /** Stops the worker and closes its connection (before the main connection closes, so that one checkpoints last). */
  async stop(): Promise<void> {
    // Held referenced while stopping, or the event loop could end with the stop still pending.
    this.worker.ref();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    const timeout = setTimeout(() => void this.worker.terminate(), 2000);
    await exited;
    clearTimeout(timeout);
  }
}
