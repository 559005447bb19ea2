/**
 * Turning what the identity and Graph clients throw into something an admin can
 * act on: the AADSTS code of a failed sign-in with plain advice, and Graph's
 * `{ error: { code, message } }` with its HTTP status.
 */

/** Plain advice for the AADSTS codes a misconfigured app-only sign-in really produces. */
export const AADSTS_ADVICE: Readonly<Record<string, { readonly problem: string; readonly advice: string }>> = {
  '7000215': {
    problem: 'The client secret is wrong.',
    advice: "Copy the secret's Value (not its Secret ID) from Entra admin center → App registrations → your app → Certificates & secrets, or create a new client secret there, and enter it again.",
  },
  '7000222': {
    problem: 'The client secret has expired.',
    advice: 'Create a new client secret in Entra admin center → App registrations → your app → Certificates & secrets → New client secret, and enter its Value here. Note its expiry date.',
  },
  '700016': {
    problem: 'No application with this client ID exists in this tenant.',
    advice: 'Check the Application (client) ID on the app registration\'s Overview page, and that the tenant ID is the tenant where the app is registered (or where it was consented).',
  },
  '90002': {
    problem: 'The tenant was not found.',
    advice: 'Check the Directory (tenant) ID on the app registration\'s Overview page, and the cloud: a US Government or China tenant is not found in the global cloud.',
  },
  '900023': {
    problem: 'The tenant ID is not a valid tenant identifier.',
    advice: 'Use the Directory (tenant) ID (a GUID) or a verified domain such as contoso.onmicrosoft.com.',
  },
  '90033': {
    problem: 'The tenant ID is not valid for this cloud.',
    advice: 'Check the tenant ID and the cloud selected.',
  },
  '700027': {
    problem: 'The certificate is not registered on the application, or its signature was not accepted.',
    advice: 'Upload the certificate (the .cer / public part) in Entra admin center → App registrations → your app → Certificates & secrets → Certificates, and check that ScimDesk has the matching private key.',
  },
  '700024': {
    problem: 'The signed client assertion is not within its valid time range.',
    advice: "Check this computer's clock and time zone: it must be within a few minutes of the real time.",
  },
  '7000112': {
    problem: 'The application is disabled.',
    advice: 'Enable the enterprise application (Properties → Enabled for users to sign-in) or ask your Entra administrator why it was disabled.',
  },
  '7000218': {
    problem: 'No client secret or certificate was sent.',
    advice: 'Enter a client secret or choose a certificate for this connection.',
  },
  '500011': {
    problem: "The sign-in service knows no resource by the name the token was asked for: it issues tokens for Microsoft Graph's own resource only.",
    advice:
      "For a custom cloud whose Graph URL is a proxy or private endpoint in front of Graph, set the token resource to Graph's own (https://graph.microsoft.com, or the national cloud's Graph host such as https://graph.microsoft.us), or leave it empty for that default. Otherwise check the cloud: the Graph URL must belong to the same cloud as the sign-in host (e.g. graph.microsoft.us with login.microsoftonline.us).",
  },
  '53003': {
    problem: 'A Conditional Access policy blocked the sign-in.',
    advice: 'Ask your Entra administrator to exclude this workload identity from the policy, or allow this computer\'s network location.',
  },
  '700023': {
    problem: 'The sign-in host does not match this tenant.',
    advice: 'Check the cloud (authority host) selected for this tenant.',
  },
};

/** A failed token acquisition, explained. */
export interface TokenFailure {
  /** `AADSTS7000215`, or a client-side code such as `endpoints_resolution_error`, `network` or `tls`; null when unknown. */
  readonly code: string | null;
  /** The first line of the error as the client reported it (never contains the secret). */
  readonly message: string;
  readonly problem: string;
  readonly advice: string;
}

/** Explains an error thrown by ClientSecretCredential / ClientCertificateCredential.getToken. */
export function explainTokenError(error: unknown): TokenFailure {
  const text = errorText(error);
  const message = firstLines(text);
  const aadsts = /AADSTS(\d+)/.exec(text);
  if (aadsts) {
    const code = aadsts[1]!;
    const known = AADSTS_ADVICE[code];
    return {
      code: `AADSTS${code}`,
      message,
      problem: known?.problem ?? 'Microsoft Entra ID refused the sign-in.',
      advice: known?.advice ?? `Look up AADSTS${code} in Microsoft's Entra authentication error codes list; the message above says what was wrong.`,
    };
  }
  if (/endpoints_resolution_error|openid-configuration|Endpoints cannot be resolved/i.test(text)) {
    return {
      code: 'endpoints_resolution_error',
      message,
      // MSAL reports an unknown tenant this way: the sign-in host's AADSTS90002 answer to the
      // OIDC metadata request is not passed on.
      problem: 'The sign-in host does not know this tenant, or is not a Microsoft Entra sign-in service.',
      advice: 'Check the tenant ID (Directory (tenant) ID on the app registration\'s Overview page), then the cloud: a US Government or China tenant is not found in the global cloud, and a custom authority host must be the https origin of the sign-in service, e.g. https://login.example.net.',
    };
  }
  if (/self[- ]signed|unable to (get|verify)|certificate|UNABLE_TO_VERIFY|CERT_/i.test(text) && !/client assertion/i.test(text)) {
    return {
      code: 'tls',
      message,
      problem: 'The sign-in host presented a certificate this computer does not trust.',
      advice: 'If a proxy inspects HTTPS traffic, install its root certificate for Node (NODE_EXTRA_CA_CERTS) or ask for an exception for the sign-in and Graph hosts.',
    };
  }
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network|fetch failed|socket hang up/i.test(text)) {
    return {
      code: 'network',
      message,
      problem: 'The sign-in host could not be reached.',
      advice: 'Check the network connection, the proxy settings and the cloud selected (the host name must resolve from this computer).',
    };
  }
  return { code: null, message, problem: 'The token could not be acquired.', advice: 'Check the tenant ID, client ID, credential and cloud.' };
}

/** A Graph request that failed, with Graph's own error code. */
export class GraphRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'GraphRequestError';
  }

  get isPermissionDenied(): boolean {
    return this.status === 403 || this.code === 'Authorization_RequestDenied';
  }
}

/** Normalises what `client.api(...).get()` throws (a GraphError) into a GraphRequestError; AbortErrors pass through. */
export function toGraphRequestError(error: unknown): Error {
  if (isAbortError(error)) return error as Error;
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown; requestId?: unknown; body?: unknown; name?: unknown };
  if (e && typeof e === 'object' && typeof e.statusCode === 'number') {
    const code = typeof e.code === 'string' && e.code ? e.code : 'unknown';
    const message = typeof e.message === 'string' && e.message ? e.message : String(e.body ?? 'Graph request failed');
    return new GraphRequestError(e.statusCode, code, message, typeof e.requestId === 'string' ? e.requestId : null);
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function isAbortError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === 'AbortError' || e.code === 'AbortError' || e.code === 'ABORT_ERR';
}

/** The AbortError ScimDesk rejects with when a Graph operation is cancelled. */
export function abortError(message = 'The Graph operation was cancelled.'): Error {
  return new DOMException(message, 'AbortError');
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const parts = [error.message];
    const response = (error as { errorResponse?: { errorDescription?: string } }).errorResponse;
    if (response?.errorDescription) parts.push(response.errorDescription);
    if (error.cause) parts.push(errorText(error.cause));
    return parts.join('\n');
  }
  return String(error);
}

/**
 * The useful part of an MSAL message: the "AADSTSnnnnn: description" sentence when
 * there is one (MSAL wraps it between timestamps and trace ids), else the first line;
 * at most 400 characters.
 */
function firstLines(text: string): string {
  const aadsts = /AADSTS\d+:[^\r\n]*/.exec(text);
  const line = aadsts ? aadsts[0] : (text.split(/\r?\n/)[0] ?? text);
  const trimmed = line.replace(/\s+-\s+(Correlation ID|Trace ID|Timestamp):.*$/, '').replace(/\s+/g, ' ').trim();
  return trimmed.length > 400 ? `${trimmed.slice(0, 397)}...` : trimmed;
}
