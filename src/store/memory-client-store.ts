/** The embedded client store: single process, nothing kept on restart. Same contract as Redis. */
import { ConflictError } from '../errors.js';
import { systemClock, type Clock } from '../types.js';
import type { Admission, ApiKeyRecord, ClientRecord, ClientStore } from './client-store.js';
import { TOMBSTONE_MS } from './token-store.js';

const byCreation = <T extends { createdAt: number; id: string }>(a: T, b: T) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);

export class MemoryClientStore implements ClientStore {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly jtis = new Map<string, number>();
  /** holder → token id → expiresAt */
  private readonly active = new Map<string, Map<string, number>>();
  /** Holders being deleted → until when admissions are refused. */
  private readonly closed = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async createClient(client: ClientRecord): Promise<void> {
    if (this.clients.has(client.id)) throw new ConflictError(`client "${client.id}"`);
    this.clients.set(client.id, structuredClone(client));
  }

  async getClient(id: string): Promise<ClientRecord | null> {
    const client = this.clients.get(id);
    return client ? structuredClone(client) : null;
  }

  async listClients(app: string): Promise<ClientRecord[]> {
    return [...this.clients.values()].filter((c) => c.app === app).sort(byCreation).map((c) => structuredClone(c));
  }

  async updateClient(client: ClientRecord): Promise<boolean> {
    if (!this.clients.has(client.id)) return false;
    this.clients.set(client.id, structuredClone(client));
    return true;
  }

  async deleteClient(id: string): Promise<ClientRecord | null> {
    const client = this.clients.get(id);
    this.clients.delete(id);
    return client ?? null;
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    if (this.keys.has(key.id)) throw new ConflictError(`API key "${key.id}"`);
    this.keys.set(key.id, structuredClone(key));
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | null> {
    const key = this.keys.get(id);
    return key ? structuredClone(key) : null;
  }

  async listApiKeys(app: string): Promise<ApiKeyRecord[]> {
    return [...this.keys.values()].filter((k) => k.app === app).sort(byCreation).map((k) => structuredClone(k));
  }

  async deleteApiKey(id: string): Promise<ApiKeyRecord | null> {
    const key = this.keys.get(id);
    this.keys.delete(id);
    return key ?? null;
  }

  async claimJti(clientId: string, jtiHash: string, until: number): Promise<boolean> {
    const now = this.clock();
    if (this.jtis.size > 10_000) for (const [k, exp] of this.jtis) if (exp <= now) this.jtis.delete(k);
    const key = `${clientId}\u0000${jtiHash}`;
    const held = this.jtis.get(key);
    if (held !== undefined && held > now) return false;
    this.jtis.set(key, until);
    return true;
  }

  async admitToken(holder: string, tokenId: string, expiresAt: number, max: number, now: number, evictOldest: boolean): Promise<Admission> {
    if ((this.closed.get(holder) ?? 0) > this.clock()) return { admitted: false, closed: true };
    const set = this.live(holder, now);
    const evicted: string[] = [];
    if (set.size >= max) {
      if (!evictOldest) return { admitted: false, closed: false };
      const oldest = [...set].sort((a, b) => a[1] - b[1]).slice(0, set.size - max + 1);
      for (const [id] of oldest) {
        set.delete(id);
        evicted.push(id);
      }
    }
    set.set(tokenId, expiresAt);
    this.active.set(holder, set);
    return { admitted: true, evicted };
  }

  async releaseToken(holder: string, tokenId: string): Promise<void> {
    this.active.get(holder)?.delete(tokenId);
  }

  async activeTokens(holder: string, now: number): Promise<string[]> {
    return [...this.live(holder, now).keys()];
  }

  async closeHolder(holder: string): Promise<string[]> {
    const now = this.clock();
    if (this.closed.size >= 10_000) for (const [h, until] of this.closed) if (until <= now) this.closed.delete(h);
    this.closed.set(holder, now + TOMBSTONE_MS);
    return [...(this.active.get(holder)?.keys() ?? [])];
  }

  async forgetHolder(holder: string): Promise<void> {
    this.active.delete(holder);
  }

  private live(holder: string, now: number): Map<string, number> {
    const set = this.active.get(holder) ?? new Map<string, number>();
    for (const [id, exp] of set) if (exp <= now) set.delete(id);
    return set;
  }
}
