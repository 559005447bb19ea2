import { createAzureRelayTunnel, type AzureRelaySettings } from './azure-relay-tunnel';
import { createCloudflareTunnel, findOnPath, type CloudflareSettings } from './cloudflare-tunnel';
import { createNgrokTunnel, type NgrokSettings } from './ngrok-tunnel';
import type { Tunnel } from './tunnel';

/** How each provider's tunnel is made: the real SDKs and program by default, fakes at their boundary in tests. */
export interface TunnelProviders {
  ngrok(settings: NgrokSettings): Tunnel;
  cloudflare(settings: CloudflareSettings): Tunnel;
  azureRelay(settings: AzureRelaySettings): Tunnel;
  /** Where `cloudflared` is on PATH, or undefined. */
  locateCloudflared(): string | undefined;
}

export const defaultTunnelProviders: TunnelProviders = {
  ngrok: (settings) => createNgrokTunnel(settings),
  cloudflare: (settings) => createCloudflareTunnel(settings),
  azureRelay: (settings) => createAzureRelayTunnel(settings),
  locateCloudflared: () => findOnPath('cloudflared'),
};
