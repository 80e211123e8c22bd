import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where team-owned (bring-your-own-key) providers may connect: public unicast addresses only,
 * unless the operator allows a range (TOLLGATE_BYOK_ALLOWED_CIDRS). A team admin chooses such a
 * provider's baseUrl, and the data plane sends requests there from inside the deployment's
 * network: without this, `http://169.254.169.254`, `http://127.0.0.1:4000` (the control plane)
 * or any private service would be one createProvider away (SSRF).
 *
 * The check runs on every new connection, on the addresses the connection will actually use:
 * after DNS resolution (a name that resolves to a private address is refused) and again at each
 * reconnect (a name that first resolves publicly and later privately, DNS rebinding, is refused
 * then). Platform providers are not guarded: the platform admin configures them.
 */
const BLOCKED_V4 = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const;
const BLOCKED_V6 = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID...)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds any IPv4
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const;

const blocked = new BlockList();
for (const [network, prefix] of BLOCKED_V4) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of BLOCKED_V6) blocked.addSubnet(network, prefix, 'ipv6');

/** The operator's exceptions: CIDRs (`10.1.0.0/16`, `fd00::/8`) or single addresses. */
export function parseAllowedRanges(cidrs: readonly string[]): { list: BlockList; problems: string[] } {
  const list = new BlockList();
  const problems: string[] = [];
  for (const raw of cidrs.map((c) => c.trim()).filter(Boolean)) {
    const [address, prefixText] = raw.split('/');
    const family = isIP(address);
    const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      problems.push(`${JSON.stringify(raw)} is not an IPv4 or IPv6 address or CIDR range`);
      continue;
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return { list, problems };
}

export class ForbiddenAddressError extends Error {
  readonly code = 'TOLLGATE_ADDRESS_FORBIDDEN';
  constructor(hostname: string, address: string) {
    super(`${hostname} resolves to ${address}, which team-owned providers may not reach (only public addresses are allowed)`);
    this.name = 'ForbiddenAddressError';
  }
}

/** Whether a team-owned provider may connect to this IP address. */
export function isAllowedAddress(address: string, allowed: BlockList): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (allowed.check(address, type)) return true;
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, or in hex) is the IPv4 address: judge it as one.
  // (Node's BlockList does not tie the two forms together: an IPv6 rule over ::ffff:0:0/96 would
  // match every IPv4 address.)
  const mapped = family === 6 ? mappedIpv4(address) : null;
  if (mapped) return isAllowedAddress(mapped, allowed);
  return !blocked.check(address, type);
}

function mappedIpv4(address: string): string | null {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * A `lookup` for net.connect / tls.connect that resolves as usual and then fails unless every
 * address it hands back is allowed (all of them: a connection may fall back to any).
 */
export function guardedLookup(allowed: BlockList): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const refused = addresses.find((entry) => !isAllowedAddress(entry.address, allowed));
      if (refused) return callback(new ForbiddenAddressError(hostname, refused.address));
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  }) as LookupFunction;
}

/** Checks a literal IP host (net.connect does not call `lookup` for those); names pass to the lookup. */
export function literalAddressProblem(hostname: string, allowed: BlockList): ForbiddenAddressError | null {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 0) return null;
  return isAllowedAddress(bare, allowed) ? null : new ForbiddenAddressError(hostname, bare);
}
