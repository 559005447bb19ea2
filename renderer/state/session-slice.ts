import { connect, toAdminCallError, type AdminCallError } from '../api/client';
import type { SliceCreator } from './slice-creator';

/** Whether the renderer may talk to the admin API, and what to show when it may not. */
interface SessionState {
  /** checking → ready; signedOut: no admin session (HTTP); unreachable: the server does not answer. */
  readonly status: 'checking' | 'ready' | 'signedOut' | 'unreachable' | 'error';
  readonly version: string | null;
  readonly error: AdminCallError | null;
  /** The session was there and ended (expired, revoked, ScimDesk restarted), as opposed to never having been opened. */
  readonly ended: boolean;
}

export interface SessionSlice {
  readonly session: SessionState;
  checkSession(): Promise<void>;
  /** A call answered `unauthorized`: the session expired or was revoked. */
  sessionEnded(): void;
}

const initialSession: SessionState = { status: 'checking', version: null, error: null, ended: false };

export const createSessionSlice: SliceCreator<SessionSlice> = (set) => ({
  session: initialSession,
  async checkSession() {
    set((state) => ({ session: { ...state.session, status: 'checking', error: null } }));
    try {
      const info = await connect();
      set({ session: { status: 'ready', version: info.version, error: null, ended: false } });
    } catch (error) {
      const failure = toAdminCallError(error);
      const status = failure.code === 'unauthorized' ? 'signedOut' : failure.code === 'unavailable' ? 'unreachable' : 'error';
      set((state) => ({ session: { ...state.session, status, error: failure } }));
    }
  },
  sessionEnded() {
    set((state) => ({ session: { ...state.session, status: 'signedOut', error: null, ended: state.session.status === 'ready' || state.session.ended } }));
  },
});
