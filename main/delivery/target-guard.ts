import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Whether an IP address is this machine's: loopback, unspecified (any), or one of its interfaces' addresses. */
export function isLocalAddress(address: string, interfaces: ReadonlyArray<string> = localInterfaceAddresses()): boolean {
  const plain = address.toLowerCase().replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (plain === '::1' || plain === '::' || plain === '0.0.0.0' || /^127\./.test(plain) || plain === 'localhost') return true;
  return interfaces.includes(plain);
}

export function localInterfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((entry) => entry.address.toLowerCase());
}

/** The port a URL reaches (its default when it names none). */
export function portOf(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * Why a webhook may not go to `url` at one of `addresses` (what its host resolved to), or undefined.
 * Private and loopback receivers are the point of on-premises delivery, so they are allowed; what is
 * refused is ScimDesk's own admin API and SCIM endpoint (`ownPorts`) on this machine: a subscription
 * must never be a way to call them. Checked when a subscription is made and again on every delivery,
 * with the address the connection then uses (a name that later resolves elsewhere changes nothing).
 */
export function ownApiRefusal(url: URL, addresses: ReadonlyArray<string>, ownPorts: ReadonlyArray<number>, interfaces?: ReadonlyArray<string>): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Only http and https URLs receive webhooks (got ${url.protocol})`;
  const port = portOf(url);
  if (!ownPorts.includes(port)) return undefined;
  const local = addresses.find((address) => isLocalAddress(address, interfaces));
  if (local === undefined) return undefined;
  return `${url.host} is ScimDesk's own admin API or SCIM endpoint (${local}, port ${port}): a subscription can never target it`;
}

/** The host's addresses without a DNS query when it is a literal address or `localhost`; undefined when it must be resolved. */
export function literalAddresses(url: URL): string[] | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return [host];
  if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost')) return ['127.0.0.1', '::1'];
  return undefined;
}
