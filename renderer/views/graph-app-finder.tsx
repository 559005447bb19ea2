import { Button, Field, SearchBox, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { SearchRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { MethodOutput } from '../../shared/admin/contract';
import { ErrorBar } from '../components/load-states';
import { useAction } from '../components/use-action';
import { useAppStore } from '../state/store';

const useStyles = makeStyles({
  muted: { color: tokens.colorNeutralForeground2 },
  mono: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  finder: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end' },
  finderBox: { flex: '1 1 0', minWidth: 0 },
  results: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  result: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  resultText: { display: 'flex', flexDirection: 'column' },
});

/** Finds the enterprise application by name through Graph and picks its Application ID for the connection form. */
export function AppFinder({ connected, chosen, onPick }: { readonly connected: boolean; readonly chosen: string; readonly onPick: (appId: string) => void }) {
  const styles = useStyles();
  const findApps = useAppStore((s) => s.findApps);
  const [query, setQuery] = useState('');
  const { busy, error, run } = useAction();
  const [found, setFound] = useState<MethodOutput<'graph.findApps'>['items'] | null>(null);

  const search = async () => {
    if (query.trim() === '') return;
    if (!(await run(async () => setFound(await findApps(query.trim()))))) setFound(null);
  };

  return (
    <>
      <div className={styles.finder} role="search" aria-label="Find the enterprise application">
        <Field label="Find the enterprise application" className={styles.finderBox}>
          <SearchBox
            value={query}
            disabled={!connected}
            onChange={(_, d) => setQuery(d.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                void search();
              }
            }}
            placeholder="ScimDesk"
          />
        </Field>
        <Button icon={busy ? <Spinner size="tiny" /> : <SearchRegular />} disabled={!connected || busy || query.trim() === ''} onClick={() => void search()}>
          Find
        </Button>
      </div>
      <Text size={200} className={styles.muted}>
        {connected
          ? 'Part of its name as Entra shows it under Enterprise applications, or its Application ID.'
          : 'Save the connection first: the search runs in your tenant with it.'}
      </Text>
      {error && (
        <>
          <ErrorBar error={error} title="Could not search the enterprise applications" onRetry={() => void search()} />
          <Text size={200} className={styles.muted}>
            Searching needs the Application.Read.All permission (see Test connection). Without it, paste the Application ID from Enterprise applications →
            the application → Overview.
          </Text>
        </>
      )}
      {found && found.length === 0 && (
        <Text className={styles.muted} role="status">
          No enterprise application matches “{query.trim()}”. Names match from their start; try fewer letters, or paste the Application ID.
        </Text>
      )}
      {found && found.length > 0 && (
        <ul className={styles.results} aria-label="Enterprise applications found">
          {found.map((app) => (
            <li key={app.id} className={styles.result}>
              <Button
                size="small"
                appearance={chosen === app.appId ? 'primary' : 'secondary'}
                aria-pressed={chosen === app.appId}
                aria-label={`Use ${app.displayName} (${app.appId})`}
                onClick={() => onPick(app.appId)}
              >
                {chosen === app.appId ? 'Chosen' : 'Use'}
              </Button>
              <span className={styles.resultText}>
                <Text weight="semibold">{app.displayName}</Text>
                <Text size={200} className={styles.mono}>
                  Application ID {app.appId}
                </Text>
              </span>
            </li>
          ))}
        </ul>
      )}
      {found && found.length > 0 && (
        <Text size={200} className={styles.muted}>
          Use fills in the Application ID; Save connection keeps it.
        </Text>
      )}
    </>
  );
}
