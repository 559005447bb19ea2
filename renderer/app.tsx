// Fluent UI React v9 is Microsoft's own design system: ScimDesk looks at home beside the Entra
// admin center and Windows, where its administrators spend their day, and its components come
// with accessibility (labels, focus trapping in dialogs, screen-reader announcements) and
// keyboard support built in.
import {
  Badge,
  FluentProvider,
  NavDrawer,
  NavDrawerBody,
  NavDrawerHeader,
  NavItem,
  Text,
  Toaster,
  makeStyles,
  tokens,
  webLightTheme,
} from '@fluentui/react-components';
import {
  ArrowSyncCheckmarkRegular,
  BinRecycleRegular,
  BuildingRegular,
  DocumentBulletListRegular,
  FlowchartRegular,
  HomeRegular,
  PeopleRegular,
  PeopleTeamRegular,
  SendRegular,
  SettingsRegular,
} from '@fluentui/react-icons';
import { useEffect, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { TOASTER_ID } from './components/notify';
import type { ViewName } from './state/nav-slice';
import { useAppStore } from './state/store';
import { CompareView } from './views/compare-view';
import { DeliveryView } from './views/delivery-view';
import { DirectoryView } from './views/directory-view';
import { GroupsView } from './views/groups-view';
import { MappingView } from './views/mapping-view';
import { OverviewView } from './views/overview-view';
import { RecoveryView } from './views/recovery-view';
import { SessionGate } from './views/session-gate';
import { SettingsView } from './views/settings-view';
import { SyncLogView } from './views/sync-log-view';
import { UsersView } from './views/users-view';

const useStyles = makeStyles({
  shell: { display: 'flex', minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2 },
  // The page scrolls as a whole; the navigation column stays in view.
  navColumn: { flexShrink: 0, backgroundColor: tokens.colorNeutralBackground4 },
  nav: { position: 'sticky', top: 0, height: '100vh' },
  brand: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, padding: `${tokens.spacingVerticalS} 0` },
  brandName: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  version: { color: tokens.colorNeutralForeground3 },
  main: { flexGrow: 1, minWidth: 0 },
});

const NAV: ReadonlyArray<{ view: ViewName; label: string; icon: ReactElement }> = [
  { view: 'overview', label: 'Overview', icon: <HomeRegular fontSize={20} /> },
  { view: 'directory', label: 'Authentication', icon: <BuildingRegular fontSize={20} /> },
  { view: 'users', label: 'Users', icon: <PeopleRegular fontSize={20} /> },
  { view: 'groups', label: 'Groups', icon: <PeopleTeamRegular fontSize={20} /> },
  { view: 'sync-log', label: 'Sync log', icon: <DocumentBulletListRegular fontSize={20} /> },
  { view: 'mappings', label: 'Mappings', icon: <FlowchartRegular fontSize={20} /> },
  { view: 'compare', label: 'Compare & Fix', icon: <ArrowSyncCheckmarkRegular fontSize={20} /> },
  { view: 'delivery', label: 'Delivery', icon: <SendRegular fontSize={20} /> },
  { view: 'recovery', label: 'Recycle bin & snapshots', icon: <BinRecycleRegular fontSize={20} /> },
  { view: 'settings', label: 'Settings', icon: <SettingsRegular fontSize={20} /> },
];

const SCREENS: Record<ViewName, () => ReactElement> = {
  overview: OverviewView,
  directory: DirectoryView,
  users: UsersView,
  groups: GroupsView,
  'sync-log': SyncLogView,
  mappings: MappingView,
  compare: CompareView,
  delivery: DeliveryView,
  recovery: RecoveryView,
  settings: SettingsView,
};

function Shell() {
  const styles = useStyles();
  const { view, navigate, version } = useAppStore(useShallow((s) => ({ view: s.view, navigate: s.navigate, version: s.session.version })));
  const Screen = SCREENS[view];
  const label = NAV.find((item) => item.view === view)?.label ?? 'Overview';

  useEffect(() => {
    document.title = `${label} — ScimDesk`;
  }, [label]);

  return (
    <div className={styles.shell}>
      <div className={styles.navColumn}>
        <NavDrawer
          open
          type="inline"
          className={styles.nav}
          aria-label="ScimDesk"
          selectedValue={view}
          onNavItemSelect={(_, data) => navigate(data.value as ViewName)}
        >
          <NavDrawerHeader>
            <div className={styles.brand}>
              <Text size={500} weight="semibold" className={styles.brandName}>
                ScimDesk
                <Badge appearance="tint" color="brand" size="small">
                  SCIM for Entra
                </Badge>
              </Text>
              {version && (
                <Text size={200} className={styles.version}>
                  Version {version}
                </Text>
              )}
            </div>
          </NavDrawerHeader>
          <NavDrawerBody>
            {NAV.map((item) => (
              <NavItem key={item.view} value={item.view} icon={item.icon} href={`#/${item.view}`}>
                {item.label}
              </NavItem>
            ))}
          </NavDrawerBody>
        </NavDrawer>
      </div>
      <main className={styles.main} aria-label={label}>
        <Screen key={view} />
      </main>
    </div>
  );
}

/** The admin UI: the session gate, then the navigation and the current screen. */
export function App() {
  return (
    <FluentProvider theme={webLightTheme}>
      <SessionGate>
        <Shell />
      </SessionGate>
      <Toaster toasterId={TOASTER_ID} position="bottom-end" />
    </FluentProvider>
  );
}
