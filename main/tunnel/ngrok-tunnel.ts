import { createRequire } from 'node:module';
import { redact, TunnelError, targetUrl, type LocalTarget, type OpenTunnel, type Tunnel, type TunnelSignals } from './tunnel';

export interface NgrokSettings {
  readonly authtoken: string;
  /** A domain reserved in the ngrok dashboard; empty for a URL ngrok picks (it changes on every start). */
  readonly domain: string;
}

/** The part of @ngrok/ngrok's listener this tunnel uses. */
export interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}

/** The part of @ngrok/ngrok's `forward()` configuration this tunnel sets. */
export interface NgrokForwardConfig {
  addr: string;
  authtoken: string;
  domain?: string;
  /** The local endpoint may serve a self-signed certificate: ngrok is its only client here. */
  verify_upstream_tls?: boolean;
  /** Each start is a session of its own, never one left from an earlier start. */
  force_new_session?: boolean;
  /** 'closed' when the session to ngrok is lost, 'connected' when it is back (the SDK reconnects by itself). */
  onStatusChange?: (status: string) => void;
}

/** @ngrok/ngrok as this tunnel calls it (an interface, so tests stand in for ngrok's service). */
export interface NgrokSdk {
  forward(config: NgrokForwardConfig): Promise<NgrokListener>;
}

/** @ngrok/ngrok, loaded on first use: its native part is only needed by admins who choose ngrok. */
export function loadNgrokSdk(): NgrokSdk {
  return createRequire(import.meta.url)('@ngrok/ngrok') as NgrokSdk;
}

/**
 * ngrok errors that trying again cannot fix, by the code the SDK puts on the error
 * (https://ngrok.com/docs/errors/): a malformed, old-style or revoked authtoken, no authtoken,
 * a domain reserved by another account or not reserved at all.
 */
const PERMANENT_CODES: Readonly<Record<string, string>> = {
  ERR_NGROK_105: 'The ngrok authtoken is not a valid authtoken: copy it again from the ngrok dashboard (Your Authtoken)',
  ERR_NGROK_106: 'This is an old ngrok v1 authtoken: copy the current one from the ngrok dashboard (Your Authtoken)',
  ERR_NGROK_107: 'ngrok refused the authtoken (reset or revoked): copy the current one from the ngrok dashboard (Your Authtoken)',
  ERR_NGROK_4018: 'ngrok needs a verified account and its authtoken',
  ERR_NGROK_320: 'This domain is reserved by another ngrok account: use a domain reserved with this authtoken’s account',
  ERR_NGROK_7117: 'This domain is not reserved in ngrok: reserve it in the ngrok dashboard (Domains), or leave the domain empty',
};

/**
 * ngrok through its Node SDK (no ngrok program to install): one listener forwarding to the SCIM
 * endpoint. The SDK keeps its session alive and reconnects by itself; its status callback becomes the
 * runner's down/up signals.
 */
export function createNgrokTunnel(settings: NgrokSettings, sdk: () => NgrokSdk = loadNgrokSdk): Tunnel {
  return {
    provider: 'ngrok',
    async open(target: LocalTarget, signals: TunnelSignals): Promise<OpenTunnel> {
      let ngrok: NgrokSdk;
      try {
        ngrok = sdk();
      } catch (error) {
        throw new TunnelError(`The ngrok SDK (@ngrok/ngrok) cannot load on this machine: ${(error as Error).message}`, true);
      }
      let listener: NgrokListener;
      try {
        listener = await ngrok.forward({
          addr: targetUrl(target),
          authtoken: settings.authtoken,
          ...(settings.domain ? { domain: settings.domain } : {}),
          ...(target.https ? { verify_upstream_tls: false } : {}),
          force_new_session: true,
          onStatusChange: (status) => {
            if (status === 'closed') signals.down('The connection to ngrok was lost; the ngrok SDK is reconnecting');
            else if (status === 'connected') signals.up();
          },
        });
      } catch (error) {
        const code = (error as { errorCode?: unknown }).errorCode;
        const known = typeof code === 'string' ? PERMANENT_CODES[code] : undefined;
        // Some of ngrok's messages quote the authtoken ("Your authtoken: …"): it never goes further than here.
        const message = redact((error as Error).message ?? String(error), settings.authtoken);
        if (known) throw new TunnelError(`${known} (${code})`, true);
        throw new TunnelError(`ngrok could not start: ${message}`, false);
      }
      const url = listener.url();
      if (!url) {
        await listener.close().catch(() => undefined);
        throw new TunnelError('ngrok opened a listener without a URL', false);
      }
      return { publicUrl: url.replace(/\/+$/, ''), close: () => listener.close() };
    },
  };
}
