import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/oauth/private-address.js';

describe('jwks_uri address filter', () => {
  it('refuses every special-purpose IPv4 range', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '198.18.0.1', '192.0.2.1', '240.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
  });

  it('refuses loopback, unspecified, ULA, link-local, site-local, multicast and documentation IPv6', () => {
    for (const a of ['::1', '::', 'fc00::1', 'fd12::1', 'fe80::1', 'fec0::1', 'feff::1', 'ff02::1', '2001:db8::1', '100::1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
  });

  it('refuses every IPv6 form that carries an IPv4 address, unless it is the mapped form of a public one', () => {
    // ::/96 (IPv4-compatible), NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48), 6to4, Teredo, SIIT.
    for (const a of ['::127.0.0.1', '::7f00:1', '::10.0.0.1', '::8.8.8.8', '64:ff9b::7f00:1', '64:ff9b::8.8.8.8', '64:ff9b:1::a00:1', '2002:7f00:1::1', '2002:808:808::1', '2001::1', '::ffff:0:7f00:1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254']) expect(isPrivateAddress(a), a).toBe(true);
    expect(isPrivateAddress('::ffff:8.8.8.8')).toBe(false);
  });

  it('lets global unicast through and refuses what is not an address', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e']) expect(isPrivateAddress(a), a).toBe(false);
    for (const a of ['', 'localhost', '1.2.3', '::g']) expect(isPrivateAddress(a), a).toBe(true);
  });
});
