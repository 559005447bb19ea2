import { useState } from 'react';
import { toAdminCallError, type AdminCallError } from '../api/client';

/**
 * One admin action at a time from a form or a dialog: `busy` while it runs, its failure kept as an
 * AdminCallError for the form to show (a new attempt clears it). `run` resolves to whether the
 * action succeeded; it never throws.
 */
export function useAction(): {
  readonly busy: boolean;
  readonly error: AdminCallError | null;
  setError(error: AdminCallError | null): void;
  run(action: () => Promise<unknown>): Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminCallError | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(toAdminCallError(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
