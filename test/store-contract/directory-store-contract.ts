import { afterEach, beforeEach, describe } from 'node:test';
import type { DirectoryStore } from '../../main/store/directory-store';
import { describeAtomicityContract } from './atomicity-contract';
import type { ContractContext, StoreContractHooks } from './contract-context';
import { describeMembershipContract } from './membership-contract';
import { describeQueryContract } from './query-contract';
import { describeRecordsContract } from './records-contract';
import { describeRecoveryContract } from './recovery-contract';
import { describeResourceContract } from './resources-contract';

export { FAILING_REQUEST_ID, type FailurePoint, type StoreContractHooks } from './contract-context';

/**
 * The DirectoryStore contract: what any store must do to serve ScimDesk, as one suite. CRUD and the
 * refusals every store words alike, If-Match, uniqueness, every filter operator, sorting, paging
 * and the admin search, membership with pending members, atomicity proven by failures injected
 * after a write (through `hooks`), sync log, tokens, identifier fixes and undo, audit, settings and
 * admin sessions. Each test gets a fresh, empty store from `makeStore` and closes it afterwards.
 *
 * A second implementation runs it from its own test file:
 * `runDirectoryStoreContract('PostgreSQL', () => createPostgresStore(url), postgresHooks)`.
 */
export function runDirectoryStoreContract<S extends DirectoryStore>(name: string, makeStore: () => S | Promise<S>, hooks: StoreContractHooks<S>): void {
  describe(`DirectoryStore contract: ${name}`, () => {
    let current: S | undefined;
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const ctx: ContractContext<S> = {
      store: () => {
        if (!current) throw new Error('no store: the contract creates one per test');
        return current;
      },
      hooks,
    };
    describeResourceContract(ctx);
    describeQueryContract(ctx);
    describeMembershipContract(ctx);
    describeAtomicityContract(ctx);
    describeRecordsContract(ctx);
    describeRecoveryContract(ctx);
  });
}
