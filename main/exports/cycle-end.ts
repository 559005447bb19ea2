import type { SyncLogStore } from '../store/directory-store';

/**
 * When an Entra provisioning cycle is over. Entra sends a cycle as a burst of requests (every ~40
 * minutes, hours for an initial cycle), each carrying its ADSCIMVersion header; the sync log records
 * them. The cycle is over once that many minutes pass without another: the same gap the mapping's
 * cycle list and the desktop's error watch use, so the three agree on what one cycle is.
 */
export const CYCLE_QUIET_MS = 10 * 60_000;

/** Entra's newest requests looked at: refused ones (a wrong token) are no cycle, and are summed up, so few rows stand between. */
const LOOK_BACK = 50;

export type EntraActivity = Pick<SyncLogStore, 'querySyncLog'>;

/** Entra's newest request the token let in: its position in the sync log and its time (ms). */
export interface EntraRequest {
  readonly seq: number;
  readonly time: number;
}

export async function lastEntraRequest(log: EntraActivity): Promise<EntraRequest | undefined> {
  const rows = await log.querySyncLog({ client: 'entra', limit: LOOK_BACK });
  const row = rows.find((entry) => entry.operation !== 'refused');
  if (!row) return undefined;
  const time = Date.parse(row.lastTime ?? row.time);
  return Number.isNaN(time) ? undefined : { seq: row.seq, time };
}

/** A cycle ended after the request `afterSeq`: Entra sent requests since, then fell silent for CYCLE_QUIET_MS. */
export function cycleEndedAfter(last: EntraRequest | undefined, afterSeq: number, now: Date): boolean {
  return last !== undefined && last.seq > afterSeq && now.getTime() - last.time >= CYCLE_QUIET_MS;
}
