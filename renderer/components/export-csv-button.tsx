import { Button, Spinner, type ToastIntent } from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { toAdminCallError } from '../api/client';
import { downloadText } from './download-file';
import { localDateStamp } from './format';
import { useNotify } from './notify';

interface ExportCsvButtonProps<R extends { readonly csv: string }> {
  /** Reads the CSV from the admin API (throws AdminCallError). */
  readonly read: () => Promise<R>;
  /** The saved file's name before its date: `scimdesk-sync-log` → scimdesk-sync-log-2025-06-01.csv. */
  readonly fileName: string;
  /** What the toast says once the file is saved. */
  readonly done: (result: R) => string | readonly [string, ToastIntent];
}

/** "Export CSV": reads the export, saves it as a dated file, and says how many rows it holds (or why it failed) in a toast. */
export function ExportCsvButton<R extends { readonly csv: string }>({ read, fileName, done }: ExportCsvButtonProps<R>) {
  const notify = useNotify();
  const [exporting, setExporting] = useState(false);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const result = await read();
      downloadText(result.csv, `${fileName}-${localDateStamp()}.csv`);
      const message = done(result);
      if (typeof message === 'string') notify(message);
      else notify(...message);
    } catch (error) {
      notify(`Export failed: ${toAdminCallError(error).message}`, 'error');
    } finally {
      setExporting(false);
    }
  };

  return (
    <Button icon={exporting ? <Spinner size="tiny" /> : <ArrowDownloadRegular />} onClick={() => void exportCsv()} disabled={exporting}>
      Export CSV
    </Button>
  );
}
