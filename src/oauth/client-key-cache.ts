/**
 * Imported client public keys for private_key_jwt, so an assertion costs one signature check
 * and not a key import as well. Entries are per client and kid and carry the key's fingerprint:
 * a rotated key under the same kid is imported afresh, and a deleted client is forgotten.
 */
import { importJWK } from 'jose';
import type { ClientKey } from '../store/client-store.js';

type PublicKey = Awaited<ReturnType<typeof importJWK>>;

export interface ClientKeyCache {
  /** The imported key for this client's JWK, imported once per fingerprint. */
  key(clientId: string, jwk: ClientKey): Promise<PublicKey>;
  /** Drops every key of a client (deleted, or no longer a private_key_jwt client). */
  forget(clientId: string): void;
  readonly size: number;
}

interface Entry {
  fingerprint: string;
  key: Promise<PublicKey>;
}

const DEFAULT_CLIENTS = 1_000;
/** More kids than any client registers at once: past it, keys of rotated-out kids are dropped. */
const MAX_KIDS = 16;

/** Every public member that decides what the key verifies. */
function fingerprintOf(jwk: ClientKey): string {
  return `${jwk.kty}|${jwk.crv ?? ''}|${jwk.x ?? ''}|${jwk.y ?? ''}|${jwk.n ?? ''}|${jwk.e ?? ''}|${jwk.alg}`;
}

export function createClientKeyCache(maxClients = DEFAULT_CLIENTS): ClientKeyCache {
  // Insertion order is recency: a client is re-inserted on use, its first key is the oldest.
  const clients = new Map<string, Map<string, Entry>>();

  return {
    key(clientId, jwk) {
      const fingerprint = fingerprintOf(jwk);
      let keys = clients.get(clientId);
      if (keys) clients.delete(clientId);
      else keys = new Map();
      clients.set(clientId, keys);
      const hit = keys.get(jwk.kid);
      if (hit && hit.fingerprint === fingerprint) return hit.key;
      if (!hit && keys.size >= MAX_KIDS) keys.clear();
      const key = importJWK(jwk, jwk.alg);
      const entry: Entry = { fingerprint, key };
      keys.set(jwk.kid, entry);
      // A key that fails to import is not remembered: the next attempt reports the same error.
      key.catch(() => {
        if (keys.get(jwk.kid) === entry) keys.delete(jwk.kid);
      });
      for (const oldest of clients.keys()) {
        if (clients.size <= maxClients) break;
        clients.delete(oldest);
      }
      return key;
    },

    forget(clientId) {
      clients.delete(clientId);
    },

    get size() {
      let n = 0;
      for (const keys of clients.values()) n += keys.size;
      return n;
    },
  };
}
