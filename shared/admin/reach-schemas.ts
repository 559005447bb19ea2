import { z } from 'zod';

/**
 * Reachability (Settings → Reachability): the tunnel that gives Entra a public HTTPS Tenant URL, its
 * state, and the check from outside. Secrets go in and never come back: a view says whether one is
 * saved and its last four characters.
 */

const isoTime = z.string();

export const ReachProvider = z.enum(['none', 'ngrok', 'cloudflare', 'azureRelay']);
export type ReachProvider = z.infer<typeof ReachProvider>;

/** A secret typed into a form; empty keeps the one saved. */
const secretInput = (label: string) => z.string().trim().max(4096, `The ${label} is at most 4096 characters`);

/** `https://scim.contoso.com/` pasted where a host name is asked for becomes `scim.contoso.com`. */
const bareHost = (value: unknown) => (typeof value === 'string' ? value.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '') : value);

const hostName = (example: string) =>
  z.preprocess(
    bareHost,
    z
      .string()
      .toLowerCase()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/, `A host name such as ${example} (no path)`),
  );

export const ReachConfigureInput = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('none') }).strict(),
  z
    .object({
      provider: z.literal('ngrok'),
      authtoken: secretInput('authtoken'),
      /** A domain reserved in the ngrok dashboard; empty for a random one (which changes on every start). */
      domain: z.union([z.literal(''), hostName('scimdesk.ngrok.app')]).default(''),
    })
    .strict(),
  z
    .object({
      provider: z.literal('cloudflare'),
      token: secretInput('tunnel token'),
      /** The public hostname routed to the tunnel in the Cloudflare dashboard. */
      hostname: hostName('scim.contoso.com'),
    })
    .strict(),
  z
    .object({
      provider: z.literal('azureRelay'),
      namespace: z.preprocess(
        bareHost,
        z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9](\.[A-Za-z0-9.-]+)?$/, 'The Relay namespace: contoso-scim, or contoso-scim.servicebus.windows.net'),
      ),
      connectionName: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$/, 'The hybrid connection name: letters, digits, ".", "_" or "-"'),
      keyName: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/, 'The shared access policy name, such as RootManageSharedAccessKey or a Listen policy'),
      key: secretInput('key'),
    })
    .strict(),
]);
export type ReachConfigureInput = z.input<typeof ReachConfigureInput>;

/** Whether a secret is saved, and its last four characters. */
export const SecretState = z.object({ set: z.boolean(), hint: z.string().nullable() });

export const TunnelStatus = z.enum(['stopped', 'starting', 'online', 'reconnecting', 'failed']);

export const TunnelStateView = z.object({
  provider: z.enum(['ngrok', 'cloudflare', 'azureRelay']).nullable(),
  status: TunnelStatus,
  /** The public base URL (without /scim/v2); kept while reconnecting. */
  publicUrl: z.string().nullable(),
  reason: z.string().nullable(),
  /** Something to fix that does not stop the tunnel (a Cloudflare route to another port). */
  warning: z.string().nullable(),
  since: isoTime,
  attempts: z.number().int(),
  nextAttemptAt: isoTime.nullable(),
});
export type TunnelStateView = z.infer<typeof TunnelStateView>;

export const CheckStepView = z.object({
  id: z.enum(['dns', 'tcp', 'tlsChain', 'tlsExpiry', 'tlsName', 'auth', 'answer']),
  title: z.string(),
  status: z.enum(['pass', 'warn', 'fail', 'skipped']),
  summary: z.string(),
  fix: z.string().nullable(),
});
export type CheckStepView = z.infer<typeof CheckStepView>;

/** `internet`: as Entra's cloud calls; `network`: as Microsoft's on-premises provisioning agent calls, from inside the network. */
export const CheckFrom = z.enum(['internet', 'network']);

export const OutsideCheckView = z.object({
  url: z.string(),
  request: z.string(),
  at: isoTime,
  durationMs: z.number(),
  from: CheckFrom,
  /** `checkKey`: ScimDesk's own check key; `token`: the Secret Token the admin gave. */
  credential: z.enum(['token', 'checkKey']),
  passed: z.boolean(),
  steps: z.array(CheckStepView),
  certificate: z.object({ subject: z.string(), issuer: z.string(), validTo: isoTime, daysLeft: z.number().int() }).nullable(),
});
export type OutsideCheckView = z.infer<typeof OutsideCheckView>;

export const ReachabilityView = z.object({
  provider: ReachProvider,
  ngrok: z.object({ domain: z.string(), authtoken: SecretState }),
  cloudflare: z.object({
    hostname: z.string(),
    token: SecretState,
    /** The tunnel's id, read from the saved token (the CNAME target is <id>.cfargotunnel.com). */
    tunnelId: z.string().nullable(),
    /** Where `cloudflared` was found on PATH; null when it was not. */
    cloudflaredPath: z.string().nullable(),
  }),
  azureRelay: z.object({ namespace: z.string(), connectionName: z.string(), keyName: z.string(), key: SecretState, publicUrl: z.string().nullable() }),
  tunnel: TunnelStateView,
  /** The Tenant URL Entra is given now (it follows the tunnel while one runs). */
  tenantUrl: z.string().nullable(),
  /** Where a tunnel delivers requests: the endpoint's own listener (the Cloudflare dashboard's service URL). */
  localUrl: z.string().nullable(),
  /** The last check from outside, whichever URL it checked. */
  lastCheck: OutsideCheckView.nullable(),
  /** Where the secrets are kept, in words. */
  secretStore: z.string(),
});
export type ReachabilityView = z.infer<typeof ReachabilityView>;

export const ReachCheckInput = z
  .object({
    /** A Tenant URL or public base URL; the current Tenant URL when absent. */
    url: z
      .string()
      .trim()
      .refine((url) => /^https?:\/\/[^\s/]+(\/[^\s]*)?$/i.test(url), 'A URL such as https://scim.contoso.com/scim/v2')
      .optional(),
    /** The Secret Token to probe with (as Entra has it); ScimDesk's own check key when absent. */
    token: z.string().trim().min(1, 'Paste the Secret Token, or leave it out').max(4096).optional(),
    from: CheckFrom.default('internet'),
  })
  .strict();

/** A host name or IP address a test certificate is issued for. */
const certificateName = z
  .string()
  .trim()
  .regex(/^([A-Za-z0-9*]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9.]+$|^[0-9a-fA-F:]+$/, 'A host name or IP address');

export const TestCertificateInput = z
  .object({
    /** The names it is issued for; the endpoint's own names when absent. */
    names: z.array(certificateName).min(1, 'At least one name').max(20).optional(),
    days: z.number().int('Whole days').min(1, 'At least 1 day').max(825, 'At most 825 days').default(90),
  })
  .strict();
