import { Badge, Link, Table, TableBody, TableCell, TableRow, Text, makeStyles, tokens } from '@fluentui/react-components';
import { PeopleRegular } from '@fluentui/react-icons';
import { useShallow } from 'zustand/react/shallow';
import type { MethodOutput } from '../../shared/admin/contract';
import { URN } from '../../shared/scim/urns';
import { TableHead } from '../components/data-table';
import { DetailDrawer } from '../components/detail-drawer';
import { formatDateTimeShort } from '../components/format';
import { EmptyState } from '../components/load-states';
import { ObjectIdValue } from '../components/object-id';
import { Page, RefreshButton } from '../components/page';
import { RecordDetail, attributesTab, auditTab, historyTab } from '../components/record-detail';
import { ResourceTable, type ResourceColumn } from '../components/resource-table';
import { useLoadOnShow } from '../components/use-load-on-show';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  inline: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

const MANAGER_PATH = `${URN.enterpriseUser}:manager`;

const COLUMNS: ReadonlyArray<ResourceColumn> = [
  { id: 'name', label: 'User name', sortKey: 'name', render: (row) => <Text weight="semibold">{row.name}</Text> },
  { id: 'displayName', label: 'Display name', sortKey: 'displayName', render: (row) => row.displayName ?? '—' },
  { id: 'externalId', label: 'Object ID in Entra', sortKey: 'externalId', nowrap: true, render: (row) => <ObjectIdValue value={row.externalId} /> },
  {
    id: 'active',
    label: 'Status',
    nowrap: true,
    render: (row) =>
      row.active === false ? (
        <Badge appearance="tint" color="subtle">
          Inactive
        </Badge>
      ) : (
        <Badge appearance="tint" color="success">
          Active
        </Badge>
      ),
  },
  { id: 'email', label: 'Email', render: (row) => row.email ?? '—' },
  { id: 'lastModified', label: 'Last modified', sortKey: 'lastModified', nowrap: true, render: (row) => formatDateTimeShort(row.lastModified) },
];

type Manager = NonNullable<MethodOutput<'users.get'>['manager']>;

/** The manager by name, a link that opens that user; an id that names no user here says so. */
function ManagerValue({ manager, onOpen }: { readonly manager: Manager; readonly onOpen: (id: string) => void }) {
  const styles = useStyles();
  if (!manager.found) {
    return (
      <span className={styles.inline}>
        <Text font="monospace" size={200}>
          {manager.id}
        </Text>
        <Badge appearance="tint" color="warning" title="No user here has this id: Entra sent a manager that has not been provisioned to ScimDesk (or was deleted)">
          not in ScimDesk
        </Badge>
      </span>
    );
  }
  const name = manager.displayName ?? manager.userName ?? manager.id;
  return (
    <span className={styles.inline}>
      <Link onClick={() => onOpen(manager.id)} data-testid="manager-link">
        {name}
      </Link>
      {manager.userName && manager.userName !== name && (
        <Text size={200} className={styles.muted}>
          {manager.userName}
        </Text>
      )}
    </span>
  );
}

type Membership = MethodOutput<'users.get'>['groups'][number];

/** The groups a user is in, each a link that opens the group. */
function GroupMemberships({ groups }: { readonly groups: ReadonlyArray<Membership> }) {
  const { navigate, selectUser, selectGroup } = useAppStore(useShallow((s) => ({ navigate: s.navigate, selectUser: s.selectUser, selectGroup: s.selectGroup })));
  if (groups.length === 0) {
    return <EmptyState title="Not a member of any group">Entra adds members to groups after it has created both the group and the user.</EmptyState>;
  }
  return (
    <Table size="small" aria-label="Group memberships">
      <TableHead headers={['Group', 'Membership']} />
      <TableBody>
        {groups.map((group) => (
          <TableRow key={group.id}>
            <TableCell>
              <Link
                onClick={() => {
                  void selectUser(null);
                  navigate('groups');
                  void selectGroup(group.id);
                }}
              >
                {group.displayName}
              </Link>
            </TableCell>
            <TableCell>{group.type === 'direct' ? 'Direct' : 'Through a nested group'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function UserDetail() {
  const { users, loadUserDetail, setUserExternalId, selectUser, showSyncLog } = useAppStore(
    useShallow((s) => ({
      users: s.users,
      selectUser: s.selectUser,
      loadUserDetail: s.loadUserDetail,
      setUserExternalId: s.setUserExternalId,
      showSyncLog: s.showSyncLog,
    })),
  );
  return (
    <RecordDetail
      kind="user"
      id={users.selectedId}
      detail={users.detail}
      onReload={() => void loadUserDetail()}
      onSaveExternalId={setUserExternalId}
      tabs={(data, id) => [
        attributesTab(data.resource, (line) =>
          line.path === MANAGER_PATH && data.manager ? <ManagerValue manager={data.manager} onOpen={(managerId) => void selectUser(managerId)} /> : undefined,
        ),
        {
          value: 'groups',
          label: `Groups (${data.groups.length})`,
          panelLabel: 'Groups',
          panel: <GroupMemberships groups={data.groups} />,
        },
        historyTab(data.history, () => {
          void selectUser(null);
          showSyncLog({ range: 'all', text: id });
        }),
        auditTab(data.audit),
      ]}
    />
  );
}

/** Provisioned users, one server page at a time, with a detail pane. */
export function UsersView() {
  const { users, loadUsers, setUsersQuery, selectUser } = useAppStore(
    useShallow((s) => ({ users: s.users, loadUsers: s.loadUsers, setUsersQuery: s.setUsersQuery, selectUser: s.selectUser })),
  );
  const detailName = (() => {
    const resource = users.detail.data?.resource;
    const row = users.page.data?.items.find((item) => item.id === users.selectedId);
    return (typeof resource?.['userName'] === 'string' ? resource['userName'] : row?.name) ?? 'User';
  })();
  const displayName = users.detail.data?.resource['displayName'];

  useLoadOnShow(loadUsers);

  return (
    <Page
      title="Users"
      description="The users Entra has provisioned. Open one to see every attribute, its groups, its sync history, and to correct its Object ID in Entra."
      actions={<RefreshButton onClick={() => void loadUsers()} loading={users.page.status === 'loading'} />}
    >
      <ResourceTable
        noun="users"
        columns={COLUMNS}
        query={users.query}
        page={users.page}
        selectedId={users.selectedId}
        searchHint="Any part of a user name, display name or email (3 characters or more; 1–2 match from the start), or an Object ID or ScimDesk id in full."
        empty={
          users.query.search ? (
            <EmptyState icon={<PeopleRegular />} title={`No users match “${users.query.search}”`}>
              {[...users.query.search.trim()].length < 3
                ? 'One or two characters match the start of a user name, display name or email: type a third to search anywhere in them.'
                : 'No user name, display name or email contains this text, and no Object ID or ScimDesk id is exactly it.'}
            </EmptyState>
          ) : (
            <EmptyState icon={<PeopleRegular />} title="No users provisioned yet">
              Entra creates users here when provisioning starts. The Overview's “Set up Entra” checklist shows which step is next.
            </EmptyState>
          )
        }
        onQuery={(patch) => void setUsersQuery(patch)}
        onReload={() => void loadUsers()}
        onOpen={(row) => void selectUser(row.id)}
      />
      <DetailDrawer
        open={users.selectedId !== null}
        title={detailName}
        subtitle={typeof displayName === 'string' && displayName !== detailName ? displayName : undefined}
        onClose={() => void selectUser(null)}
      >
        {users.selectedId !== null && <UserDetail key={users.selectedId} />}
      </DetailDrawer>
    </Page>
  );
}
