import type { EndpointSettings, MethodName } from '../../../shared/admin/contract';
import type { CertificateSummary } from '../../lib/certificate';
import type { AuditStore } from '../../store/directory-store';
import type { AdminCallContext, AdminHandlers } from '../dispatch';

/** The handlers of some of the contract's methods: each area implements its own. */
export type Handlers<K extends MethodName> = Pick<AdminHandlers, K>;

/** Where the SCIM endpoint listens now, as the admin screens show it. */
export interface ListeningState {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
}

/** The last check from outside through one public URL. */
export interface PublicUrlCheckRecord {
  readonly at: string;
  readonly passed: boolean;
  readonly from: 'internet' | 'network';
}

/** What the admin layer may do with the SCIM endpoint's listener (the HTTP transport implements it). */
export interface EndpointControl {
  /** Where it listens, with the Tenant URL Entra is given (through a tunnel or public URL when there is one). */
  state(): ListeningState | undefined;
  settings(): Promise<EndpointSettings>;
  reconfigure(settings: EndpointSettings): Promise<unknown>;
  /** The public base URL now: a running tunnel's, else the saved one. */
  publicBaseUrl(): string | undefined;
  /** A running tunnel's public URL (undefined when it stops): the Tenant URL and `meta.location` follow it. */
  setTunnelUrl(url: string | undefined): void;
  publicUrlVerifiedAt(url: string): Promise<string | null>;
  publicUrlCheck(url: string): Promise<PublicUrlCheckRecord | null>;
  /** Records a check from outside through a public URL; a failure replaces an earlier pass. */
  recordPublicUrlCheck(url: string, at: Date, outcome: { readonly passed: boolean; readonly from: 'internet' | 'network' }): Promise<void>;
  certificate(): Promise<CertificateSummary | null>;
  setCertificate(pfx: Buffer, passphrase: string): Promise<CertificateSummary>;
  clearCertificate(): Promise<void>;
}

/** Writes the audit entry of an admin change that is not about one user or group. */
export type Audit = (context: AdminCallContext, action: string, summary: string, values?: { before?: unknown; after?: unknown }) => Promise<void>;

export function createAudit(store: Pick<AuditStore, 'appendAudit'>, now: () => Date): Audit {
  return async (context, action, summary, values = {}) => {
    await store.appendAudit({ time: now().toISOString(), actor: context.actor, action, resourceType: null, resourceId: null, summary, ...values });
  };
}
