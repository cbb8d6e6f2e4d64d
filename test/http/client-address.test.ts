/** Who the client is (issue 11.6): proxy-addr's walk from the right past trusted hops, one key per IPv6 /56. */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { clientKey, createClientAddressing } from '../../src/http/client-address.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

function fakeRequest(peer: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
}

describe('createClientAddressing', () => {
  const addressing = createClientAddressing(['127.0.0.1', '10.0.0.0/8']);

  it('believes X-Forwarded-For only from a trusted peer, walking it from the right past trusted hops', () => {
    expect(addressing.address(fakeRequest('127.0.0.1', '203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7');
    expect(addressing.address(fakeRequest('127.0.0.1', '198.51.100.1, 203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7');
    expect(addressing.address(fakeRequest('192.0.2.9', '203.0.113.7'))).toBe('192.0.2.9');
    expect(addressing.address(fakeRequest('127.0.0.1'))).toBe('127.0.0.1');
  });

  it('trusts nobody when no proxies are configured', () => {
    const none = createClientAddressing([]);
    expect(none.address(fakeRequest('127.0.0.1', '203.0.113.7'))).toBe('127.0.0.1');
    expect(none.trust('127.0.0.1')).toBe(false);
  });

  it('keys IPv6 clients by their /56 and IPv4 clients by their address', () => {
    expect(clientKey('2001:db8:1:2a00::1')).toBe(clientKey('2001:db8:1:2aff:ffff::9'));
    expect(clientKey('2001:db8:1:2a00::1')).not.toBe(clientKey('2001:db8:1:2b00::1'));
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('listen.trustedProxies in the config', () => {
  it('refuses entries that are not IPs or CIDRs, naming the path', () => {
    expect(() => parseConfig({ listen: { trustedProxies: ['10.0.0.0/33', 'not-an-ip'] } }, 'test.yaml')).toThrow(/listen\.trustedProxies\[0\].*\n.*listen\.trustedProxies\[1\]/);
    expect(() => parseConfig({ listen: { trustedProxies: ['10.0.0.0/8', '::1', 'fd00::/8', 'loopback'] } }, 'test.yaml')).not.toThrow();
  });
});

describe('per-IP limits behind two trusted hops', () => {
  let upstream: TestUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startTestGateway({
      listen: { trustedProxies: ['127.0.0.1', '10.0.0.0/8'] },
      routes: [{ name: 'pub', match: { path: '/pub/*' }, upstream: upstream.url, auth: 'none', rateLimit: { perIp: '1/m' } }],
    });
  });

  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  const hit = (xff: string) => fetch(`${gw.url}/pub/x`, { headers: { 'x-forwarded-for': xff } }).then((r) => r.status);

  it('gives every client behind the proxies its own bucket, and one bucket per IPv6 /56', async () => {
    expect(await hit('203.0.113.7, 10.0.0.2')).toBe(200);
    expect(await hit('203.0.113.7, 10.0.0.3')).toBe(429);
    expect(await hit('198.51.100.4, 10.0.0.2')).toBe(200);
    expect(await hit('2001:db8:0:100::1, 10.0.0.2')).toBe(200);
    expect(await hit('2001:db8:0:1ff::2, 10.0.0.2')).toBe(429);
  });
});
