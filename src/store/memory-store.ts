/** The embedded store: single process, nothing kept on restart. Same contract as Redis. */
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { systemClock, type AppRecord, type Clock, type Page, type TokenRecord } from '../types.js';
import { decodeCursor, encodeCursor, TOMBSTONE_MS, type ListOptions, type TokenStore } from './token-store.js';

export class MemoryStore implements TokenStore {
  readonly driver = 'memory' as const;
  private readonly apps = new Map<string, AppRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  /** Apps being deleted: their tokens are refused until the app is created again. */
  private readonly closedApps = new Set<string>();
  /** Ids revoked before their record was written (issuance in flight) → revokedAt. */
  private readonly revokedAhead = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async ready(): Promise<boolean> {
    return true;
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}

  async createApp(app: AppRecord): Promise<void> {
    if (this.apps.has(app.id)) throw new ConflictError(`app "${app.id}"`);
    this.closedApps.delete(app.id);
    this.apps.set(app.id, structuredClone(app));
  }

  async getApp(id: string): Promise<AppRecord | null> {
    const app = this.apps.get(id);
    return app ? structuredClone(app) : null;
  }

  async listApps(): Promise<AppRecord[]> {
    return [...this.apps.values()].sort((a, b) => a.id.localeCompare(b.id)).map((a) => structuredClone(a));
  }

  async updateApp(app: AppRecord): Promise<boolean> {
    if (!this.apps.has(app.id)) return false;
    this.apps.set(app.id, structuredClone(app));
    return true;
  }

  async deleteApp(id: string): Promise<boolean> {
    return this.apps.delete(id);
  }

  async closeApp(id: string): Promise<string[]> {
    this.closedApps.add(id);
    return [...this.tokens.values()].filter((t) => t.app === id).map((t) => t.id);
  }

  async putToken(record: TokenRecord): Promise<void> {
    if (this.closedApps.has(record.app)) throw new NotFoundError(`app "${record.app}"`);
    if (record.kind !== 'access') {
      for (const t of this.tokens.values()) {
        if (t.app === record.app && t.name === record.name && t.kind !== 'access' && this.isLive(t)) {
          throw new ConflictError(`token named "${record.name}" in app "${record.app}"`);
        }
      }
    }
    const stored = structuredClone(record);
    const revokedAt = this.revokedAhead.get(record.id);
    if (revokedAt !== undefined) stored.revokedAt = revokedAt;
    this.revokedAhead.delete(record.id);
    this.tokens.set(record.id, stored);
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const record = this.tokens.get(id);
    if (!record) return null;
    if (this.isGone(record)) {
      this.tokens.delete(id);
      return null;
    }
    return structuredClone(record);
  }

  async listTokens(app: string, { cursor, limit }: ListOptions): Promise<Page<TokenRecord>> {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (cursor !== undefined && !after) throw new ValidationError(['cursor: not a cursor from a previous page']);
    const live = [...this.tokens.values()]
      .filter((t) => t.app === app && t.revokedAt === undefined && !this.isGone(t))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .filter((t) => !after || t.createdAt > after.createdAt || (t.createdAt === after.createdAt && t.id > after.id));
    const items = live.slice(0, limit).map((t) => structuredClone(t));
    const last = items[items.length - 1];
    return live.length > limit && last ? { items, next: encodeCursor(last.createdAt, last.id) } : { items };
  }

  async revokeToken(id: string, at: number): Promise<TokenRecord | null> {
    const record = this.tokens.get(id);
    if (!record) {
      this.revokeAhead(id, at);
      return null;
    }
    if (record.revokedAt !== undefined || this.isGone(record)) return null;
    const before = structuredClone(record);
    record.revokedAt = at;
    return before;
  }

  async touchToken(id: string, now: number): Promise<boolean> {
    const record = this.tokens.get(id);
    if (!record || record.revokedAt !== undefined) return false;
    if (record.expiresAt !== null && record.expiresAt <= now) return false;
    record.lastUsedAt = now;
    if (record.sliding && record.expiresAt !== null) {
      const slid = Math.min(now + record.ttl, record.expiresCap ?? Number.MAX_SAFE_INTEGER);
      record.expiresAt = Math.max(record.expiresAt, slid);
    }
    return true;
  }

  private revokeAhead(id: string, at: number): void {
    if (this.revokedAhead.size >= 10_000) {
      const now = this.clock();
      for (const [k, t] of this.revokedAhead) if (t + TOMBSTONE_MS <= now) this.revokedAhead.delete(k);
    }
    this.revokedAhead.set(id, at);
  }

  private isLive(record: TokenRecord): boolean {
    return record.revokedAt === undefined && (record.expiresAt === null || record.expiresAt > this.clock());
  }

  /** Tombstones and expired records are dropped after TOMBSTONE_MS, as Redis key expiry does. */
  private isGone(record: TokenRecord): boolean {
    const now = this.clock();
    if (record.revokedAt !== undefined && record.revokedAt + TOMBSTONE_MS <= now) return true;
    return record.expiresAt !== null && record.expiresAt + TOMBSTONE_MS <= now;
  }
}
