/**
 * Clients' `jwks_uri` keys: fetched over https only, never from anything but global unicast
 * addresses (private-address.ts, checked on the resolved address at connect time), no redirects, a
 * size cap and a timeout; cached, and refetched on a `kid` miss at most once per cooldown.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import type { JWK } from 'jose';
import type { ClientKey } from '../store/client-store.js';
import type { Clock } from '../types.js';
import { toClientKey } from './client-keys.js';
import { isPrivateAddress } from './private-address.js';

export interface JwksOptions {
  timeout: number;
  maxBytes: number;
  cacheTtl: number;
  allowPrivateAddresses: boolean;
  ca?: string;
  clock: Clock;
  /** Minimum time between two fetches of one URI (kid misses), ms. */
  cooldown?: number;
}

export interface JwksCache {
  /** The key with this kid from the URI's set, or null; rejects when the set cannot be fetched. */
  key(uri: string, kid: string): Promise<ClientKey | null>;
  /** Every key of the URI's set, under the same cache and cooldown, for a `kid` that is only a hint. */
  keys(uri: string): Promise<ClientKey[]>;
}

const MAX_URIS = 10_000;

/** A dns lookup that refuses special-purpose addresses, so the check holds at connect time. */
function safeLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

export function createJwksCache(options: JwksOptions): JwksCache {
  const cooldown = options.cooldown ?? 60_000;
  const entries = new Map<string, { keys: ClientKey[]; fetchedAt: number }>();
  const lastAttempt = new Map<string, number>();
  const inFlight = new Map<string, Promise<ClientKey[]>>();

  function fetchKeys(uri: string): Promise<ClientKey[]> {
    const running = inFlight.get(uri);
    if (running) return running;
    lastAttempt.set(uri, options.clock());
    const promise = download(uri, options)
      .then((keys) => {
        if (entries.size >= MAX_URIS) entries.clear();
        entries.set(uri, { keys, fetchedAt: options.clock() });
        return keys;
      })
      .finally(() => inFlight.delete(uri));
    inFlight.set(uri, promise);
    return promise;
  }

  const mayFetch = (uri: string) => inFlight.has(uri) || options.clock() - (lastAttempt.get(uri) ?? -Infinity) >= cooldown;

  return {
    async key(uri, kid) {
      const entry = entries.get(uri);
      if (!entry) {
        if (!mayFetch(uri)) throw new Error('jwks_uri fetch failed recently; waiting for the cooldown');
        return find(await fetchKeys(uri), kid);
      }
      const hit = find(entry.keys, kid);
      if ((hit && options.clock() - entry.fetchedAt < options.cacheTtl) || !mayFetch(uri)) return hit;
      try {
        return find(await fetchKeys(uri), kid);
      } catch (err) {
        // A known key keeps working while its set cannot be refreshed.
        if (hit) return hit;
        throw err;
      }
    },

    async keys(uri) {
      const entry = entries.get(uri);
      if (entry && (options.clock() - entry.fetchedAt < options.cacheTtl || !mayFetch(uri))) return entry.keys;
      if (!entry && !mayFetch(uri)) throw new Error('jwks_uri fetch failed recently; waiting for the cooldown');
      try {
        return await fetchKeys(uri);
      } catch (err) {
        if (entry) return entry.keys;
        throw err;
      }
    },
  };
}

function download(uri: string, options: JwksOptions): Promise<ClientKey[]> {
  const url = new URL(uri);
  if (url.protocol !== 'https:') return Promise.reject(new Error('jwks_uri must be https'));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateAddresses && isIP(host) !== 0 && isPrivateAddress(host)) return Promise.reject(new Error('jwks_uri points at a private address'));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, lookup: safeLookup(options.allowPrivateAddresses), timeout: options.timeout, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`jwks_uri answered ${res.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) req.destroy(new Error('jwks_uri document too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        try {
          resolve(parseJwks(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    // The socket timeout covers idle gaps; the overall deadline covers a slow drip.
    const deadline = setTimeout(() => req.destroy(new Error('jwks_uri timed out')), options.timeout);
    req.on('timeout', () => req.destroy(new Error('jwks_uri timed out')));
    req.on('error', reject);
    req.on('close', () => clearTimeout(deadline));
    req.end();
  });
}

const find = (keys: ClientKey[], kid: string): ClientKey | null => keys.find((k) => k.kid === kid) ?? null;

function parseJwks(text: string): ClientKey[] {
  const doc = JSON.parse(text) as { keys?: unknown };
  if (!doc || !Array.isArray(doc.keys)) throw new Error('jwks_uri document has no keys array');
  return doc.keys.map((k) => toClientKey(k as JWK)).filter((k): k is ClientKey => typeof k !== 'string');
}
