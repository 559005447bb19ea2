import {
  Button,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular, PeopleTeamRegular } from '@fluentui/react-icons';
import { useShallow } from 'zustand/react/shallow';
import type { MethodOutput } from '../../shared/admin/contract';
import { TableHead } from '../components/data-table';
import { DetailDrawer } from '../components/detail-drawer';
import { formatDateTimeShort, formatNumber, plural } from '../components/format';
import { EmptyState, ErrorBar, Loading } from '../components/load-states';
import { ObjectIdValue } from '../components/object-id';
import { Page, RefreshButton } from '../components/page';
import { RecordDetail, attributesTab, auditTab, historyTab } from '../components/record-detail';
import { ResourceTable, type ResourceColumn } from '../components/resource-table';
import { useTableStyles } from '../components/table-styles';
import { useLoadOnShow } from '../components/use-load-on-show';
import { MEMBERS_PAGE_SIZE } from '../state/groups-slice';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  pager: { display: 'flex', alignItems: 'center', justifyContent: 'flex-end', gap: tokens.spacingHorizontalM },
  id: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  muted: { color: tokens.colorNeutralForeground2 },
  pending: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalM },
});

const COLUMNS: ReadonlyArray<ResourceColumn> = [
  { id: 'name', label: 'Display name', sortKey: 'name', render: (row) => <Text weight="semibold">{row.name}</Text> },
  { id: 'externalId', label: 'Object ID in Entra', sortKey: 'externalId', nowrap: true, render: (row) => <ObjectIdValue value={row.externalId} /> },
  { id: 'members', label: 'Members', nowrap: true, render: (row) => formatNumber(row.memberCount ?? 0) },
  { id: 'lastModified', label: 'Last modified', sortKey: 'lastModified', nowrap: true, render: (row) => formatDateTimeShort(row.lastModified) },
];

type PendingMembers = MethodOutput<'groups.members'>['pending'];

/**
 * Members a client added before any user or group had their id. Entra's provisioning (and
 * Microsoft's SCIM test collection) may add a member before creating it; ScimDesk keeps it
 * waiting instead of failing the request, and makes it a member when it arrives.
 */
function PendingMembersPanel({ pending, total }: { readonly pending: PendingMembers; readonly total: number }) {
  const styles = useStyles();
  const table = useTableStyles();
  return (
    <section className={styles.pending} aria-labelledby="pending-members-title">
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle id="pending-members-title">
            Waiting for {plural(total, 'member')}
          </MessageBarTitle>
          Entra added {total === 1 ? 'a member' : 'members'} that no user or group here has yet. ScimDesk keeps {total === 1 ? 'it' : 'them'} pending,
          out of the member list Entra and filters see, and adds {total === 1 ? 'it' : 'each'} the moment a user or group with that id, or with that Object
          ID as its externalId, is created. If one waits for long, look for its create in the sync log.
        </MessageBarBody>
      </MessageBar>
      <Table size="small" aria-label="Pending members" className={table.auto}>
        <TableHead headers={['Member id as sent', 'Type', 'Display name as sent', 'Waiting since']} />
        <TableBody>
          {pending.map((member) => (
            <TableRow key={member.id}>
              <TableCell className={styles.id}>{member.id}</TableCell>
              <TableCell>{member.type ?? 'Not given'}</TableCell>
              <TableCell>{member.display ?? '—'}</TableCell>
              <TableCell className={table.nowrap}>{formatDateTimeShort(member.since)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {total > pending.length && (
        <Text size={200} className={styles.muted}>
          The {formatNumber(pending.length)} waiting longest are shown.
        </Text>
      )}
    </section>
  );
}

function Members() {
  const styles = useStyles();
  const table = useTableStyles();
  const { members, loadGroupMembers, navigate, selectUser, selectGroup } = useAppStore(
    useShallow((s) => ({
      members: s.groups.members,
      loadGroupMembers: s.loadGroupMembers,
      navigate: s.navigate,
      selectUser: s.selectUser,
      selectGroup: s.selectGroup,
    })),
  );
  const data = members.data;
  if (members.error && !data) return <ErrorBar error={members.error} title="Could not load the members" onRetry={() => void loadGroupMembers(1)} />;
  if (!data) return <Loading label="Loading members…" />;
  const pending = data.pendingTotal > 0 ? <PendingMembersPanel pending={data.pending} total={data.pendingTotal} /> : null;
  if (data.total === 0) {
    return (
      <>
        <EmptyState title="No members">Entra creates groups empty and adds members afterwards, several per request.</EmptyState>
        {pending}
      </>
    );
  }
  const last = data.startIndex + data.items.length - 1;
  const open = (type: 'User' | 'Group', id: string) => {
    void selectGroup(null);
    if (type === 'User') {
      navigate('users');
      void selectUser(id);
    } else {
      navigate('groups');
      void selectGroup(id);
    }
  };
  return (
    <>
      {members.error && <ErrorBar error={members.error} title="Could not load that page" onRetry={() => void loadGroupMembers(data.startIndex)} />}
      <Table size="small" aria-label="Members" className={table.auto}>
        <TableHead headers={['Member', 'User name', 'Type', 'ScimDesk id']} />
        <TableBody>
          {data.items.map((member) => (
            <TableRow key={member.id}>
              <TableCell>
                <Link onClick={() => open(member.type, member.id)}>{member.display ?? member.id}</Link>
              </TableCell>
              <TableCell>{member.userName ?? '—'}</TableCell>
              <TableCell>{member.type}</TableCell>
              <TableCell className={styles.id}>{member.id}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <nav className={styles.pager} aria-label="Pages of members">
        {members.status === 'loading' && <Spinner size="tiny" aria-label="Loading members" />}
        <Text>
          {formatNumber(data.startIndex)}–{formatNumber(last)} of {formatNumber(data.total)}
        </Text>
        <Button
          icon={<ChevronLeftRegular />}
          disabled={data.startIndex <= 1 || members.status === 'loading'}
          onClick={() => void loadGroupMembers(Math.max(1, data.startIndex - MEMBERS_PAGE_SIZE))}
        >
          Previous members
        </Button>
        <Button
          icon={<ChevronRightRegular />}
          iconPosition="after"
          disabled={last >= data.total || members.status === 'loading'}
          onClick={() => void loadGroupMembers(data.startIndex + MEMBERS_PAGE_SIZE)}
        >
          Next members
        </Button>
      </nav>
      {pending}
    </>
  );
}

function GroupDetail() {
  const { groups, loadGroupDetail, setGroupExternalId, selectGroup, showSyncLog } = useAppStore(
    useShallow((s) => ({
      groups: s.groups,
      loadGroupDetail: s.loadGroupDetail,
      setGroupExternalId: s.setGroupExternalId,
      selectGroup: s.selectGroup,
      showSyncLog: s.showSyncLog,
    })),
  );
  const memberTotal = groups.members.data?.total;
  const pendingTotal = groups.members.data?.pendingTotal ?? 0;
  return (
    <RecordDetail
      kind="group"
      id={groups.selectedId}
      detail={groups.detail}
      onReload={() => void loadGroupDetail()}
      onSaveExternalId={setGroupExternalId}
      tabs={(data, id) => [
        {
          value: 'members',
          label: `Members${memberTotal !== undefined ? ` (${formatNumber(memberTotal)}${pendingTotal > 0 ? `, ${formatNumber(pendingTotal)} pending` : ''})` : ''}`,
          panelLabel: 'Members',
          panel: <Members />,
        },
        attributesTab(data.resource),
        historyTab(data.history, () => {
          void selectGroup(null);
          showSyncLog({ range: 'all', text: id });
        }),
        auditTab(data.audit),
      ]}
    />
  );
}

/** Provisioned groups, one server page at a time; members are paged too. */
export function GroupsView() {
  const { groups, loadGroups, setGroupsQuery, selectGroup } = useAppStore(
    useShallow((s) => ({ groups: s.groups, loadGroups: s.loadGroups, setGroupsQuery: s.setGroupsQuery, selectGroup: s.selectGroup })),
  );
  const resource = groups.detail.data?.resource;
  const row = groups.page.data?.items.find((item) => item.id === groups.selectedId);
  const title = (typeof resource?.['displayName'] === 'string' ? resource['displayName'] : row?.name) ?? 'Group';

  useLoadOnShow(loadGroups);

  return (
    <Page
      title="Groups"
      description="The groups Entra has provisioned, with their members. Open one to see its members, attributes and sync history."
      actions={<RefreshButton onClick={() => void loadGroups()} loading={groups.page.status === 'loading'} />}
    >
      <ResourceTable
        noun="groups"
        columns={COLUMNS}
        query={groups.query}
        page={groups.page}
        selectedId={groups.selectedId}
        searchHint="Any part of a display name (3 characters or more; 1–2 match from the start), or an Object ID or ScimDesk id in full."
        empty={
          groups.query.search ? (
            <EmptyState icon={<PeopleTeamRegular />} title={`No groups match “${groups.query.search}”`}>
              Display names match anywhere from three characters (one or two from their start), Object IDs only in full.
            </EmptyState>
          ) : (
            <EmptyState icon={<PeopleTeamRegular />} title="No groups provisioned yet">
              Entra creates groups here when provisioning starts, if the application's scope includes groups and group provisioning is enabled in its
              mappings.
            </EmptyState>
          )
        }
        onQuery={(patch) => void setGroupsQuery(patch)}
        onReload={() => void loadGroups()}
        onOpen={(item) => void selectGroup(item.id)}
      />
      <DetailDrawer open={groups.selectedId !== null} title={title} onClose={() => void selectGroup(null)}>
        {groups.selectedId !== null && <GroupDetail key={groups.selectedId} />}
      </DetailDrawer>
    </Page>
  );
}
