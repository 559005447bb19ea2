import type { MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { initialListQuery, nextListQuery, toListInput, type ListQuery } from './list-query';
import { createLatest, idle, loadInto, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

interface UsersState {
  readonly query: ListQuery;
  readonly page: Loadable<MethodOutput<'users.list'>>;
  /** The user whose detail pane is open. */
  readonly selectedId: string | null;
  readonly detail: Loadable<MethodOutput<'users.get'>>;
}

export interface UsersSlice {
  readonly users: UsersState;
  loadUsers(): Promise<void>;
  setUsersQuery(patch: Partial<ListQuery>): Promise<void>;
  /** Opens (id) or closes (null) the detail pane. */
  selectUser(id: string | null): Promise<void>;
  loadUserDetail(): Promise<void>;
  /** Sets the user's "Object ID in Entra"; throws AdminCallError (field issues, conflict). */
  setUserExternalId(id: string, externalId: string | null, reason: string): Promise<MethodOutput<'users.setExternalId'>>;
}

const initialUsers: UsersState = { query: initialListQuery, page: idle(), selectedId: null, detail: idle() };

const latestPage = createLatest();
const latestDetail = createLatest();

export const createUsersSlice: SliceCreator<UsersSlice> = (set, get) => {
  const update = (patch: Partial<UsersState>) => set((state) => ({ users: { ...state.users, ...patch } }));
  return {
    users: initialUsers,
    async loadUsers() {
      await loadInto(() => get().users.page, (page) => update({ page }), () => call('users.list', toListInput(get().users.query)), latestPage);
    },
    async setUsersQuery(patch) {
      update({ query: nextListQuery(get().users.query, patch) });
      await get().loadUsers();
    },
    async selectUser(id) {
      update({ selectedId: id, detail: idle() });
      if (id !== null) await get().loadUserDetail();
    },
    async loadUserDetail() {
      const id = get().users.selectedId;
      if (id === null) return;
      await loadInto(() => get().users.detail, (detail) => update({ detail }), () => call('users.get', { id }), latestDetail);
    },
    async setUserExternalId(id, externalId, reason) {
      const result = await call('users.setExternalId', { id, externalId, reason });
      await Promise.all([get().users.selectedId === id ? get().loadUserDetail() : undefined, get().loadUsers()]);
      return result;
    },
  };
};
