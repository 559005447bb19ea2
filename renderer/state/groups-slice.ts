import type { MethodOutput } from '../../shared/admin/contract';
import { call } from '../api/client';
import { initialListQuery, nextListQuery, toListInput, type ListQuery } from './list-query';
import { createLatest, idle, loadInto, type Loadable } from './loadable';
import type { SliceCreator } from './slice-creator';

export const MEMBERS_PAGE_SIZE = 50;

interface GroupsState {
  readonly query: ListQuery;
  readonly page: Loadable<MethodOutput<'groups.list'>>;
  readonly selectedId: string | null;
  readonly detail: Loadable<MethodOutput<'groups.get'>>;
  /** One page of the open group's members (a group may have 100,000). */
  readonly members: Loadable<MethodOutput<'groups.members'>>;
}

export interface GroupsSlice {
  readonly groups: GroupsState;
  loadGroups(): Promise<void>;
  setGroupsQuery(patch: Partial<ListQuery>): Promise<void>;
  selectGroup(id: string | null): Promise<void>;
  loadGroupDetail(): Promise<void>;
  loadGroupMembers(startIndex: number): Promise<void>;
  setGroupExternalId(id: string, externalId: string | null, reason: string): Promise<MethodOutput<'groups.setExternalId'>>;
}

const initialGroups: GroupsState = { query: initialListQuery, page: idle(), selectedId: null, detail: idle(), members: idle() };

const latestPage = createLatest();
const latestDetail = createLatest();
const latestMembers = createLatest();

export const createGroupsSlice: SliceCreator<GroupsSlice> = (set, get) => {
  const update = (patch: Partial<GroupsState>) => set((state) => ({ groups: { ...state.groups, ...patch } }));
  return {
    groups: initialGroups,
    async loadGroups() {
      await loadInto(() => get().groups.page, (page) => update({ page }), () => call('groups.list', toListInput(get().groups.query)), latestPage);
    },
    async setGroupsQuery(patch) {
      update({ query: nextListQuery(get().groups.query, patch) });
      await get().loadGroups();
    },
    async selectGroup(id) {
      update({ selectedId: id, detail: idle(), members: idle() });
      if (id !== null) await Promise.all([get().loadGroupDetail(), get().loadGroupMembers(1)]);
    },
    async loadGroupDetail() {
      const id = get().groups.selectedId;
      if (id === null) return;
      await loadInto(() => get().groups.detail, (detail) => update({ detail }), () => call('groups.get', { id }), latestDetail);
    },
    async loadGroupMembers(startIndex) {
      const id = get().groups.selectedId;
      if (id === null) return;
      const read = () => call('groups.members', { id, startIndex, count: MEMBERS_PAGE_SIZE });
      await loadInto(() => get().groups.members, (members) => update({ members }), read, latestMembers);
    },
    async setGroupExternalId(id, externalId, reason) {
      const result = await call('groups.setExternalId', { id, externalId, reason });
      await Promise.all([get().groups.selectedId === id ? get().loadGroupDetail() : undefined, get().loadGroups()]);
      return result;
    },
  };
};
