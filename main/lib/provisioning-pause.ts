import type { SettingsStore } from '../store/directory-store';

/** A pause in force: since when, and who paused it (the audit trail's actor). */
export interface PauseState {
  readonly since: string;
  readonly by: string;
}

/** The settings key of the pause in force; null (or absent) while provisioning runs. */
const PAUSE_SETTING = 'provisioning.paused';

/**
 * What a SCIM client is told to wait while paused, in seconds: one Entra cycle. Entra's incremental
 * cycles run about every 40 minutes (Microsoft's SaaS provisioning tutorials: "subsequent cycles, which
 * occur approximately every 40 minutes") and no Microsoft document says its provisioning service reads
 * Retry-After; it retries a failed operation in a later cycle ("How provisioning works", Errors and
 * retries). The header is for the other clients, and is what RFC 9110 §15.6.4 suggests with a 503.
 */
export const PAUSE_RETRY_AFTER_SECONDS = 2_400;

/**
 * Provisioning paused by the administrator (from the tray or the admin UI): while paused the SCIM
 * endpoint answers every authenticated request with 503 and Retry-After, and writes nothing.
 *
 * The pause is kept in the settings table, so it survives a restart of the app or of the machine: an
 * admin pauses to protect the system behind ScimDesk (maintenance, a bad mapping being fixed), and a
 * reboot in the middle of that maintenance must not let Entra's next cycle through unnoticed. The
 * tray and the Overview say it is paused from the first moment after a start, and say how long a
 * pause is safe, so a forgotten pause is seen before Entra's quarantine rules act on it.
 *
 * The state is read on every SCIM request, so it is held in memory; only this process changes it.
 */
export class ProvisioningPause {
  private readonly listeners = new Set<(state: PauseState | undefined) => void>();

  private constructor(
    private readonly settings: SettingsStore,
    private current: PauseState | undefined,
  ) {}

  /** Reads the saved pause, if any. */
  static async load(settings: SettingsStore): Promise<ProvisioningPause> {
    const saved = await settings.getSetting<PauseState | null>(PAUSE_SETTING);
    const valid = saved && typeof saved.since === 'string' && typeof saved.by === 'string' ? { since: saved.since, by: saved.by } : undefined;
    return new ProvisioningPause(settings, valid);
  }

  /** The pause in force, or undefined while provisioning runs. */
  state(): PauseState | undefined {
    return this.current;
  }

  /** Pauses provisioning; a second pause keeps the first one's time and author. */
  async pause(by: string, now: Date): Promise<PauseState> {
    if (this.current) return this.current;
    const state: PauseState = { since: now.toISOString(), by };
    await this.settings.setSetting(PAUSE_SETTING, state);
    this.current = state;
    this.notify();
    return state;
  }

  /** Resumes provisioning; returns the pause that ended (undefined when none was in force). */
  async resume(): Promise<PauseState | undefined> {
    const ended = this.current;
    if (!ended) return undefined;
    await this.settings.setSetting(PAUSE_SETTING, null);
    this.current = undefined;
    this.notify();
    return ended;
  }

  /** Called after every change (the tray follows it). Returns the unsubscribe function. */
  subscribe(listener: (state: PauseState | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) {
      try {
        listener(this.current);
      } catch {
        // A broken listener (a destroyed tray) must not undo the change or stop the others.
      }
    }
  }
}
