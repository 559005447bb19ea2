import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { DocumentBulletListRegular, PersonSyncRegular, WrenchRegular } from '@fluentui/react-icons';
import { useShallow } from 'zustand/react/shallow';
import { TableHead } from '../components/data-table';
import { plural } from '../components/format';
import { useTableStyles } from '../components/table-styles';
import type { ReportRow } from '../state/compare-slice';
import { useAppStore } from '../state/store';
import { CATEGORY_COLORS, CATEGORY_LABELS, CONFIDENCE_COLORS, MATCHED_BY, bestCandidate, matchedOnText, rowObjectId } from './compare-words';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  heading: { margin: `${tokens.spacingVerticalM} 0 0` },
  reason: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  drift: { backgroundColor: tokens.colorPaletteYellowBackground2, ':hover': { backgroundColor: tokens.colorPaletteYellowBackground2 } },
  driftMark: { color: tokens.colorPaletteDarkOrangeForeground1, fontWeight: tokens.fontWeightSemibold },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  empty: { color: tokens.colorNeutralForeground3, fontStyle: 'italic' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  badges: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap', alignItems: 'center' },
  candidates: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  candidate: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  best: { border: `1px solid ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXXS, margin: 0 },
  fact: { margin: 0, overflowWrap: 'anywhere' },
  taken: { color: tokens.colorPaletteRedForeground1 },
});

type Scalar = string | boolean | null;

interface SideBySideLine {
  readonly label: string;
  /** The drift attribute that flags this line, when it differs. */
  readonly drift: ReportRow['drift'][number]['attribute'] | null;
  readonly local: Scalar | undefined;
  readonly entra: Scalar | undefined;
  readonly mono?: boolean;
  /** What null means on this line ("empty" unless said). */
  readonly nullText?: string;
}

/** The Entra side shown: the linked object, or else the best candidate. */
type EntraSide = { readonly [K in keyof NonNullable<ReportRow['entra']>]?: NonNullable<ReportRow['entra']>[K] | undefined };

function entraSide(row: ReportRow): { readonly side: EntraSide | null; readonly candidate: boolean } {
  if (row.entra) return { side: row.entra, candidate: false };
  const best = bestCandidate(row);
  if (!best) return { side: null, candidate: false };
  return {
    side: {
      objectId: best.objectId,
      userPrincipalName: best.userPrincipalName,
      displayName: best.displayName,
      mail: best.mail,
      mailNickname: best.mailNickname,
      accountEnabled: best.accountEnabled,
      employeeId: best.employeeId,
      inScope: best.inScope,
    },
    candidate: true,
  };
}

function lines(row: ReportRow, e: EntraSide | null): SideBySideLine[] {
  const l = row.local;
  if (row.kind === 'Group') {
    return [
      { label: 'Display name', drift: 'displayName', local: l?.displayName, entra: e?.displayName },
      { label: 'externalId / objectId', drift: 'externalId', local: l?.externalId, entra: e?.objectId, mono: true },
      { label: 'Mail', drift: null, local: undefined, entra: e?.mail },
      { label: 'Mail nickname', drift: null, local: undefined, entra: e?.mailNickname },
      { label: "In the application's scope", drift: null, local: undefined, entra: e?.inScope, nullText: 'Unknown (no scope)' },
    ];
  }
  return [
    { label: 'User name / UPN', drift: 'userName', local: l?.userName, entra: e?.userPrincipalName },
    { label: 'Display name', drift: 'displayName', local: l?.displayName, entra: e?.displayName },
    { label: 'Email / mail', drift: 'mail', local: l?.mail, entra: e?.mail },
    { label: 'Active / account enabled', drift: 'active', local: l?.active, entra: e?.accountEnabled },
    { label: 'Employee number / ID', drift: 'employeeId', local: l?.employeeNumber, entra: e?.employeeId },
    { label: 'externalId / objectId', drift: 'externalId', local: l?.externalId, entra: e?.objectId, mono: true },
    { label: 'Mail nickname', drift: null, local: undefined, entra: e?.mailNickname },
    { label: "In the application's scope", drift: null, local: undefined, entra: e?.inScope, nullText: 'Unknown (no scope)' },
  ];
}

function Value({
  value,
  mono,
  nullText = 'empty',
}: {
  readonly value: Scalar | undefined;
  readonly mono?: boolean | undefined;
  readonly nullText?: string | undefined;
}) {
  const styles = useStyles();
  if (value === undefined) return <Text className={styles.empty}>n/a</Text>;
  if (value === null || value === '') return <Text className={styles.empty}>{nullText}</Text>;
  if (typeof value === 'boolean') return <Text>{value ? 'Yes' : 'No'}</Text>;
  return <Text className={mono ? styles.mono : undefined}>{value}</Text>;
}

/** Whether two sides disagree (strings ignoring case and spaces at the ends, as Entra's matching does). */
function differs(local: Scalar | undefined, entra: Scalar | undefined): boolean {
  if (local === undefined || entra === undefined) return false;
  const norm = (value: Scalar) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
  const a = norm(local);
  const b = norm(entra);
  if ((a === null || a === '') && (b === null || b === '')) return false;
  return a !== b;
}

function SideBySide({ row }: { readonly row: ReportRow }) {
  const styles = useStyles();
  const table = useTableStyles();
  const driftBy = new Map(row.drift.map((d) => [d.attribute, d]));
  const { side, candidate } = entraSide(row);
  const bothSides = row.local !== null && side !== null;
  return (
    <Table aria-label="ScimDesk and Entra side by side" size="small" className={table.auto}>
      <TableHead headers={['Attribute', 'ScimDesk', candidate ? 'Entra: best candidate (not linked)' : 'Entra']} />
      <TableBody>
        {lines(row, side).map((line) => {
          const drift = line.drift !== null ? driftBy.get(line.drift) : undefined;
          const different = drift !== undefined || (bothSides && differs(line.local, line.entra));
          return (
            <TableRow key={line.label} className={different ? styles.drift : undefined} aria-label={different ? `${line.label}: differs` : line.label}>
              <TableCell>
                <Text weight={different ? 'semibold' : 'regular'}>{line.label}</Text>
                {different && (
                  <Text block size={200} className={styles.driftMark}>
                    {drift ? drift.note.charAt(0).toUpperCase() + drift.note.slice(1) : 'Differs'}
                  </Text>
                )}
              </TableCell>
              <TableCell className={table.wrap}>
                {row.local ? <Value value={line.local} mono={line.mono} /> : <Text className={styles.empty}>no record</Text>}
              </TableCell>
              <TableCell className={table.wrap}>
                {side ? <Value value={line.entra} mono={line.mono} nullText={line.nullText} /> : <Text className={styles.empty}>no Entra object</Text>}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function Candidates({ row }: { readonly row: ReportRow }) {
  const styles = useStyles();
  const best = bestCandidate(row);
  if (row.candidates.length === 0) {
    return (
      <Text className={styles.muted}>
        No Entra {row.kind === 'User' ? 'user' : 'group'} matches this record by {MATCHED_BY[row.kind]}
        {row.kind === 'User' ? ' or name' : ''}.
      </Text>
    );
  }
  return (
    <ul className={styles.candidates} aria-label="Candidates">
      {row.candidates.map((candidate) => (
        <li key={candidate.objectId} className={mergeClasses(styles.candidate, candidate === best ? styles.best : undefined)}>
          <div className={styles.badges}>
            <Text weight="semibold">{candidate.userPrincipalName ?? candidate.displayName ?? candidate.objectId}</Text>
            {candidate.userPrincipalName && candidate.displayName && <Text size={200}>({candidate.displayName})</Text>}
            <Badge appearance="tint" color={CONFIDENCE_COLORS[candidate.confidence]}>
              {candidate.confidence} confidence
            </Badge>
            {candidate === best && (
              <Badge appearance="filled" color="brand">
                Best
              </Badge>
            )}
          </div>
          <dl className={styles.facts}>
            <dt className={styles.muted}>Object ID</dt>
            <dd className={mergeClasses(styles.fact, styles.mono)}>{candidate.objectId}</dd>
            <dt className={styles.muted}>Matched on</dt>
            <dd className={styles.fact}>{matchedOnText(candidate.matchedOn)}</dd>
            <dt className={styles.muted}>In scope</dt>
            <dd className={styles.fact}>
              {candidate.inScope === null ? 'Unknown (no application scope)' : candidate.inScope ? 'Yes' : 'No: not assigned to the application'}
            </dd>
            <dt className={styles.muted}>Already linked to</dt>
            <dd className={styles.fact}>
              {candidate.linkedTo ? (
                <span className={styles.taken}>
                  ScimDesk record <span className={styles.mono}>{candidate.linkedTo}</span>: a link to it would be refused
                </span>
              ) : (
                'No other record'
              )}
            </dd>
            <dt className={styles.muted}>Reason</dt>
            <dd className={styles.fact}>{candidate.reason}</dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}

/** One report row: the reason, ScimDesk and Entra side by side with differences highlighted, every candidate, and what to do next. */
export function CompareRowDetail({ row }: { readonly row: ReportRow }) {
  const styles = useStyles();
  const { previewFix, selectReportRow, showUserInEntra, canUseEntra } = useAppStore(
    useShallow((s) => ({
      previewFix: s.previewFix,
      selectReportRow: s.selectReportRow,
      showUserInEntra: s.showUserInEntra,
      canUseEntra: Boolean(s.graph.data?.connection?.appId),
    })),
  );
  const objectId = rowObjectId(row);
  const best = bestCandidate(row);
  const isUser = row.kind === 'User';
  // What fix.preview could act on: a record with a candidate, a mismatch to unlink, an externalId differing only in case.
  const fixable =
    row.localId !== null &&
    (row.category === 'mismatch' || row.category === 'unlinked' || row.category === 'duplicate' || row.drift.some((d) => d.attribute === 'externalId'));
  const goTo = (section: string) => {
    selectReportRow(null);
    // After the drawer closed and gave focus back.
    setTimeout(() => document.getElementById(section)?.scrollIntoView({ behavior: 'smooth', block: 'start' }), 50);
  };

  return (
    <>
      <div className={styles.badges}>
        <Badge appearance="tint" color={CATEGORY_COLORS[row.category]}>
          {CATEGORY_LABELS[row.category]}
        </Badge>
        {row.drift.length > 0 && (
          <Badge appearance="outline" color="warning">
            {plural(row.drift.length, 'difference')}
          </Badge>
        )}
        <Text size={200} className={styles.muted}>
          {row.localId ? `ScimDesk id ${row.localId}` : 'Not in ScimDesk'}
        </Text>
      </div>
      <MessageBar
        intent={row.category === 'linked' ? 'success' : row.category === 'mismatch' || row.category === 'duplicate' ? 'error' : 'warning'}
        layout="multiline"
      >
        <MessageBarBody>
          <MessageBarTitle>Why</MessageBarTitle>
          {row.reason}
        </MessageBarBody>
      </MessageBar>

      <Text as="h3" weight="semibold" className={styles.heading}>
        ScimDesk and Entra side by side
      </Text>
      {!row.entra && best && (
        <Text size={200} className={styles.muted}>
          No Entra object is linked: the Entra column shows the best candidate, {best.userPrincipalName ?? best.displayName} (details below).
        </Text>
      )}
      <SideBySide row={row} />

      {(row.candidates.length > 0 || row.category === 'unlinked' || row.category === 'mismatch' || row.category === 'duplicate' || !row.entra) && (
        <>
          <Text as="h3" weight="semibold" className={styles.heading}>
            Candidates ({row.candidates.length})
          </Text>
          <Candidates row={row} />
        </>
      )}

      <Text as="h3" weight="semibold" className={styles.heading}>
        Next steps
      </Text>
      <div className={styles.buttons}>
        {fixable && (
          <Button
            icon={<WrenchRegular />}
            onClick={() => {
              void previewFix([{ localId: row.localId as string, name: row.name }]);
              goTo('section-fix-identifiers');
            }}
          >
            Preview a fix for this record
          </Button>
        )}
        {isUser && objectId && canUseEntra && (
          <>
            <Button
              icon={<PersonSyncRegular />}
              onClick={() => {
                showUserInEntra('onDemand', { objectId, localId: row.localId, name: row.name });
                goTo('section-entra-provisioning');
              }}
            >
              Provision this user on demand
            </Button>
            <Button
              icon={<DocumentBulletListRegular />}
              onClick={() => {
                showUserInEntra('logs', { objectId, localId: row.localId, name: row.name });
                goTo('section-entra-provisioning');
              }}
            >
              Show provisioning logs
            </Button>
          </>
        )}
      </div>
      {isUser && canUseEntra && objectId && objectId === best?.objectId && objectId !== row.objectId && (
        <Text size={200} className={styles.muted}>
          Provisioning on demand and the logs use the best candidate's objectId ({objectId}): the object externalId names is not this user, or there is
          none.
        </Text>
      )}
    </>
  );
}
