/**
 * Who the client is, decided once for every listener: the peer, or — when the peer is a trusted proxy —
 * the address found by walking `X-Forwarded-For` from the right past trusted hops (proxy-addr, the same
 * rule Express's `trust proxy` applies). Rate limits key IPv6 clients by their /56, as one subscriber
 * usually holds a whole prefix.
 */
import type { IncomingMessage } from 'node:http';
import { ipKeyGenerator } from 'express-rate-limit';
import proxyAddr from 'proxy-addr';

export interface ClientAddressing {
  /** True when `address` is a configured trusted proxy (`listen.trustedProxies`). */
  trust(address: string | undefined): boolean;
  /** The client's address as this request shows it. */
  address(req: IncomingMessage): string;
  /** Express's `trust proxy` setting with the same rule, for the Express apps. */
  expressTrust: ((address: string, hop: number) => boolean) | false;
}

/** Throws on an entry that is not an IP address or CIDR (the config schema checks first). */
export function createClientAddressing(trustedProxies: readonly string[]): ClientAddressing {
  if (trustedProxies.length === 0) {
    return { trust: () => false, address: (req) => req.socket.remoteAddress ?? 'unknown', expressTrust: false };
  }
  const trusted = proxyAddr.compile([...trustedProxies]);
  const trustAddress = (address: string | undefined): boolean => address !== undefined && trusted(address, 0);
  return {
    trust: trustAddress,
    address(req) {
      const peer = req.socket.remoteAddress;
      if (!trustAddress(peer)) return peer ?? 'unknown';
      return proxyAddr(req as Parameters<typeof proxyAddr>[0], trusted);
    },
    expressTrust: trusted,
  };
}

/** The key one client's requests are counted under: the address, or its /56 for IPv6. */
export function clientKey(address: string): string {
  return ipKeyGenerator(address, 56);
}

/** True when `entry` is an IP address or a CIDR range proxy-addr accepts. */
export function isAddressOrRange(entry: string): boolean {
  try {
    proxyAddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}
