/**
 * Which addresses a server-side fetch (a client's `jwks_uri`) may reach: ordinary unicast only,
 * classified by ipaddr.js's special-purpose ranges (RFC 6890 and successors). An IPv4-mapped
 * address is judged by the IPv4 address it carries.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type IPv6 = ipaddr.IPv6;
type Ranges = Record<string, [IPv6, number] | [IPv6, number][]>;

/** ipaddr.js's IPv6 ranges, plus the IPv4-compatible block ::/96 (RFC 4291 2.5.5.1) it leaves as unicast. */
const V6_RANGES: Ranges = {
  ...(ipaddr.IPv6.prototype as unknown as { SpecialRanges: Ranges }).SpecialRanges,
  ipv4Compatible: [ipaddr.IPv6.parse('::'), 96],
};

/** True for anything but a global unicast address, and for anything Node does not take for an address. */
export function isPrivateAddress(address: string): boolean {
  // ipaddr.js also reads legacy forms (`1.2.3`, `0x7f.1`); Node's own parser decides what is an address.
  if (isIP(address) === 0) return true;
  const parsed = ipaddr.parse(isIP(address) === 6 ? dottedTailAsHex(address) : address);
  if (parsed.kind() === 'ipv4') return parsed.range() !== 'unicast';
  const v6 = parsed as IPv6;
  const range = ipaddr.subnetMatch(v6, V6_RANGES, 'unicast');
  if (range === 'ipv4Mapped') return v6.toIPv4Address().range() !== 'unicast';
  return range !== 'unicast';
}

/** ipaddr.js reads any `::a.b.c.d` as IPv4-mapped; spelled in hex, `::7f00:1` keeps its own (compatible) range. */
function dottedTailAsHex(address: string): string {
  return address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) => {
    const hex = (hi: string, lo: string) => ((Number(hi) << 8) | Number(lo)).toString(16);
    return `${hex(a, b)}:${hex(c, d)}`;
  });
}
