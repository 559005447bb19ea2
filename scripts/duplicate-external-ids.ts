import type { DirectoryInfoStore } from '../main/scim/directory';

/**
 * Runs `write` with the directory accepting a second record with one externalId, then restores
 * the policy: how tests and the demo make the duplicates that data from before the policy holds
 * (Compare & Fix lists them). The store reads the policy inside every write, so this works from a
 * second connection beside a running service too.
 */
export async function withDuplicateExternalIdsAccepted<T>(store: DirectoryInfoStore, write: () => Promise<T>): Promise<T> {
  const directory = await store.getDirectory();
  if (!directory) throw new Error('the directory is created when the service starts: start it first');
  await store.saveDirectory({ ...directory, duplicateExternalIds: 'allow' }, new Date());
  try {
    return await write();
  } finally {
    await store.saveDirectory(directory, new Date());
  }
}
