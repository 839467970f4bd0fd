/**
 * CIDR parsing and range tests, shared by the constructs (input validation) and the policies
 * (NetworkPolicy review). Strict: dotted-quad IPv4 only (no `10.1` or hex forms that some parsers take).
 */
import * as ipaddr from 'ipaddr.js';

/** A parsed CIDR. */
export interface Cidr {
  readonly text: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
}

/** Private, loopback, link-local and shared ranges: never "the internet". */
const _INTERNAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128'];

/** Why `text` is not a CIDR, or `undefined` when it is one. */
export function cidrProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'is not a string';
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return 'is not address/prefix';
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(m[1]);
  if (!v4 && !(m[1].includes(':') && ipaddr.IPv6.isValid(m[1]))) return `has no valid IP address ("${m[1]}")`;
  const max = v4 ? 32 : 128;
  if (Number(m[2]) > max) return `has prefix /${m[2]}, above /${max}`;
  return undefined;
}

/** Parses a CIDR; throws naming the problem. */
export function parseCidr(text: string): Cidr {
  const problem = cidrProblem(text);
  if (problem) throw new Error(`"${text}" ${problem}`);
  const [address, prefix] = ipaddr.parseCIDR(text);
  return { text, family: address.kind(), address, prefix };
}

/** Whether `inner` lies within `outer` (same family, longer or equal prefix, inside the range). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.prefix >= outer.prefix && inner.address.match([outer.address, outer.prefix] as any);
}

/** Whether a range reaches beyond private and link-local space, i.e. into the internet. */
export function reachesInternet(c: Cidr): boolean {
  return !_INTERNAL.some((r) => cidrContains(parseCidr(r), c));
}

/** Whether a range is the whole address space or close to it (IPv4 shorter than /8, IPv6 shorter than /16). */
export function isBroad(c: Cidr): boolean {
  return c.prefix < (c.family === 'ipv4' ? 8 : 16);
}

/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates), plus
 * multicast and the reserved 240/4: ranges that are never "the internet". Private networks, the
 * shared CGNAT range 100.64.0.0/10 (often the pod or node range) and link-local 169.254.0.0/16
 * (cloud instance metadata) among them.
 * https://www.iana.org/assignments/iana-ipv4-special-registry, .../iana-ipv6-special-registry
 */
export const SPECIAL_PURPOSE_RANGES: readonly string[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.31.196.0/24', '192.52.193.0/24', '192.88.99.0/24', '192.168.0.0/16', '192.175.48.0/24',
  '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4', '255.255.255.255/32',
  '::/128', '::1/128', '::ffff:0:0/96', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32',
  '2002::/16', '3fff::/20', '5f00::/16', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];

/**
 * The ranges of `excluded` strictly inside `cidr` that `except` does not cover already: what an
 * egress rule to `cidr` must also except so that "the internet" stays the internet.
 */
export function missingExcepts(cidr: string, except: readonly string[], excluded: readonly string[]): string[] {
  const outer = parseCidr(cidr);
  const have = except.map(parseCidr);
  return excluded.map(parseCidr)
    .filter((r) => cidrContains(outer, r) && r.prefix > outer.prefix && !have.some((h) => cidrContains(h, r)))
    .map((r) => r.text);
}
