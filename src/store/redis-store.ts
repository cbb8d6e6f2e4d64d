/**
 * The shared store. Key layout (prefix `p`), each entity in its own hash slot:
 *   p t:{tok_…}            hash   one token record (token-hash.ts; expires a tombstone period after expiry/revocation)
 *   p app:{id}             string one app (JSON)
 *   p app:{id}:…           the app's token index, name claims and closed marker (redis-app-index.ts)
 *   p apps                 set    app ids (an index; records win)
 * Indexes are written before records and cleaned lazily, so a half-done write never hides a
 * record; a record is the single source of truth for a token's state.
 */
import { ConflictError, GatewayError, StoreUnavailableError, ValidationError } from '../errors.js';
import type { AppRecord, Page, TokenRecord } from '../types.js';
import type { RedisClient } from './redis-connection.js';
import { RedisAppIndex } from './redis-app-index.js';
import { PUT, REVOKE, TOUCH } from './redis-scripts.js';
import { decodeIndexCursor, dropEntries, encodeIndexCursor, readIndex, type IndexEntry } from './redis-token-pages.js';
import { encodeRecord, fromHash, type RecordLayout } from './token-hash.js';
import { PENDING_MS, TOMBSTONE_MS, type ListOptions, type TokenStore } from './token-store.js';

export interface StoreHooks {
  /** Called with the operation name whenever the store fails to answer. */
  onError?: (op: string, err: unknown) => void;
  /** store.timeout: a token read not answered by then fails, however long it waited to be sent. */
  readDeadlineMs?: number;
  /** store.recordLayout: which layout new records (and, from v3, index entries) are written in (all are read). */
  layout?: RecordLayout;
}

export class RedisStore implements TokenStore {
  readonly driver = 'redis' as const;
  private readonly index: RedisAppIndex;
  private readonly layout: RecordLayout;

  constructor(
    readonly client: RedisClient,
    readonly prefix: string,
    private readonly hooks: StoreHooks = {},
  ) {
    this.index = new RedisAppIndex(client, prefix, (id) => this.tokenKey(id));
    this.layout = hooks.layout ?? 'v2';
  }

  tokenKey(id: string): string {
    return `${this.prefix}t:{${id}}`;
  }
  appKey(id: string): string {
    return `${this.prefix}app:{${id}}`;
  }
  private get appsKey(): string {
    return `${this.prefix}apps`;
  }

  /** Runs one store operation; anything but our own client errors becomes a 503. */
  async guard<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      this.hooks.onError?.(op, err);
      throw new StoreUnavailableError(err);
    }
  }

  ready(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.client.on('ready', onReady);
    });
  }

  ping(): Promise<void> {
    return this.guard('ping', async () => {
      await this.client.ping();
    });
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  createApp(app: AppRecord): Promise<void> {
    return this.guard('createApp', async () => {
      await this.client.sadd(this.appsKey, app.id);
      const set = await this.client.set(this.appKey(app.id), JSON.stringify(app), 'NX');
      if (set === null) throw new ConflictError(`app "${app.id}"`);
      // Only once the id is ours: a refused create must not reopen an app whose deletion is running.
      await this.client.del(this.index.closedKey(app.id));
    });
  }

  getApp(id: string): Promise<AppRecord | null> {
    return this.guard('getApp', async () => {
      const json = await this.client.get(this.appKey(id));
      return json === null ? null : (JSON.parse(json) as AppRecord);
    });
  }

  listApps(): Promise<AppRecord[]> {
    return this.guard('listApps', async () => {
      const ids = (await this.client.smembers(this.appsKey)).sort();
      const apps = await Promise.all(ids.map((id) => this.client.get(this.appKey(id))));
      return apps.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as AppRecord);
    });
  }

  updateApp(app: AppRecord): Promise<boolean> {
    return this.guard('updateApp', async () => (await this.client.set(this.appKey(app.id), JSON.stringify(app), 'XX')) !== null);
  }

  deleteApp(id: string): Promise<boolean> {
    return this.guard('deleteApp', async () => {
      const removed = await this.client.del(this.appKey(id));
      await this.index.drop(id);
      await this.client.srem(this.appsKey, id);
      return removed === 1;
    });
  }

  closeApp(id: string): Promise<string[]> {
    return this.guard('closeApp', () => this.index.close(id, TOMBSTONE_MS));
  }

  /**
   * Index first, record second: an index entry without a record is harmless, the reverse is not,
   * and an app's deletion (closeApp) sees every indexed id, written or not.
   */
  putToken(record: TokenRecord): Promise<void> {
    return this.guard('putToken', async () => {
      const bucket = await this.index.add(record, this.layout === 'v3');
      const fields = encodeRecord(record, this.layout);
      if (bucket !== null) fields.x = bucket;
      const expireAt = record.expiresAt === null ? '' : record.expiresAt + TOMBSTONE_MS;
      await PUT.run(this.client, [this.tokenKey(record.id)], [expireAt, ...Object.entries(fields).flat()]);
    });
  }

  getToken(id: string): Promise<TokenRecord | null> {
    return this.guard('getToken', async () => fromHash(id, await this.withinDeadline(this.client.hgetall(this.tokenKey(id)))));
  }

  private withinDeadline<T>(command: Promise<T>): Promise<T> {
    const ms = this.hooks.readDeadlineMs;
    if (ms === undefined) return command;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([command, deadline]).finally(() => clearTimeout(timer));
  }

  listTokens(app: string, { cursor, limit }: ListOptions): Promise<Page<TokenRecord>> {
    const from = cursor === undefined ? null : decodeIndexCursor(cursor);
    if (cursor !== undefined && !from) return Promise.reject(new ValidationError(['cursor: not a cursor from a previous page']));
    return this.guard('listTokens', async () => {
      const entries = await readIndex(this.client, this.index, app, from, limit + 1);
      const page = entries.slice(0, limit);
      const hashes = await Promise.all(page.map((e) => this.client.hgetall(this.tokenKey(e.id))));
      const items: TokenRecord[] = [];
      const dangling: IndexEntry[] = [];
      // An entry without a record may be an issuance still in flight; only old ones are dangling.
      const settled = Date.now() - PENDING_MS;
      page.forEach((entry, i) => {
        const record = fromHash(entry.id, hashes[i]!);
        if (record && record.revokedAt === undefined) items.push(record);
        else if (record || entry.createdAt < settled) dangling.push(entry);
      });
      if (dangling.length > 0) await dropEntries(this.client, this.index, app, dangling);
      const last = page[page.length - 1];
      return entries.length > limit && last ? { items, next: encodeIndexCursor(last) } : { items };
    });
  }

  revokeToken(id: string, at: number): Promise<TokenRecord | null> {
    return this.guard('revokeToken', async () => {
      const flat = (await REVOKE.run(this.client, [this.tokenKey(id)], [at, TOMBSTONE_MS])) as string[] | null;
      if (!flat) return null;
      const fields: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
      const record = fromHash(id, fields);
      if (record) await this.index.release(record, fields.x === undefined ? null : Number(fields.x));
      return record;
    });
  }

  touchToken(id: string, now: number): Promise<boolean> {
    return this.guard('touchToken', async () => (await TOUCH.run(this.client, [this.tokenKey(id)], [now, TOMBSTONE_MS])) === 1);
  }
}
