/**
 * The shared store. Key layout (prefix `p`), each entity in its own hash slot:
 *   p t:{tok_…}            hash   one token record (token-hash.ts; expires a tombstone period after expiry/revocation)
 *   p app:{id}             string one app (JSON)
 *   p app:{id}:tokens      zset   the app's token ids scored by createdAt (an index; records win)
 *   p app:{id}:names       hash   token name → id, for unique names among live tokens
 *   p app:{id}:closed      string set while the app is deleted: no token of it is indexed or written live
 *   p apps                 set    app ids (an index; records win)
 * Indexes are written before records and cleaned lazily, so a half-done write never hides a
 * record; a record is the single source of truth for a token's state.
 */
import { ConflictError, GatewayError, NotFoundError, StoreUnavailableError, ValidationError } from '../errors.js';
import type { AppRecord, Page, TokenRecord } from '../types.js';
import type { RedisClient } from './redis-connection.js';
import { CLAIM_NAME, CLOSE, INDEX_TOKEN, PAGE, PUT, RELEASE_NAME, REVOKE, TOUCH } from './redis-scripts.js';
import { encodeRecord, fromHash, type RecordLayout } from './token-hash.js';
import { decodeCursor, encodeCursor, PENDING_MS, TOMBSTONE_MS, type ListOptions, type TokenStore } from './token-store.js';

export interface StoreHooks {
  /** Called with the operation name whenever the store fails to answer. */
  onError?: (op: string, err: unknown) => void;
  /** store.timeout: a token read not answered by then fails, however long it waited to be sent. */
  readDeadlineMs?: number;
  /** store.recordLayout: which layout new records are written in (both are read). */
  layout?: RecordLayout;
}

export class RedisStore implements TokenStore {
  readonly driver = 'redis' as const;

  constructor(
    readonly client: RedisClient,
    readonly prefix: string,
    private readonly hooks: StoreHooks = {},
  ) {}

  tokenKey(id: string): string {
    return `${this.prefix}t:{${id}}`;
  }
  appKey(id: string): string {
    return `${this.prefix}app:{${id}}`;
  }
  private appTokensKey(id: string): string {
    return `${this.prefix}app:{${id}}:tokens`;
  }
  private appNamesKey(id: string): string {
    return `${this.prefix}app:{${id}}:names`;
  }
  private appClosedKey(id: string): string {
    return `${this.prefix}app:{${id}}:closed`;
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
      await this.client.del(this.appClosedKey(app.id));
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
      await this.client.del(this.appTokensKey(id), this.appNamesKey(id));
      await this.client.srem(this.appsKey, id);
      return removed === 1;
    });
  }

  closeApp(id: string): Promise<string[]> {
    return this.guard('closeApp', async () => (await CLOSE.run(this.client, [this.appTokensKey(id), this.appClosedKey(id)], [TOMBSTONE_MS])) as string[]);
  }

  putToken(record: TokenRecord): Promise<void> {
    const fields = Object.entries(encodeRecord(record, this.hooks.layout ?? 'v1')).flat();
    return this.guard('putToken', async () => {
      await this.indexToken(record);
      const expireAt = record.expiresAt === null ? '' : record.expiresAt + TOMBSTONE_MS;
      await PUT.run(this.client, [this.tokenKey(record.id)], [expireAt, ...fields]);
    });
  }

  /**
   * Index first, record second: an index entry without a record is harmless, the reverse is not,
   * and an app's deletion (closeApp) sees every indexed id, written or not.
   */
  private async indexToken(record: TokenRecord): Promise<void> {
    const index = this.appTokensKey(record.app);
    const closed = this.appClosedKey(record.app);
    if (record.kind === 'access') {
      if ((await INDEX_TOKEN.run(this.client, [index, closed], [record.id, record.createdAt])) === 0) throw new NotFoundError(`app "${record.app}"`);
      return;
    }
    const keys = [this.appNamesKey(record.app), index, closed];
    const holder = (await CLAIM_NAME.run(this.client, keys, [record.name, record.id, '', record.createdAt])) as string | 0 | null;
    if (holder === 0) throw new NotFoundError(`app "${record.app}"`);
    if (holder === null) return;
    const current = await this.client.hmget(this.tokenKey(holder), 'rv', 'ex', 'c');
    const live = current[2] !== null && current[0] === null && (current[1] === null || Number(current[1]) > Date.now());
    if (live) throw new ConflictError(`token named "${record.name}" in app "${record.app}"`);
    const again = await CLAIM_NAME.run(this.client, keys, [record.name, record.id, holder, record.createdAt]);
    if (again === 0) throw new NotFoundError(`app "${record.app}"`);
    if (again !== null) throw new ConflictError(`token named "${record.name}" in app "${record.app}"`);
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
    const after = cursor === undefined ? null : decodeCursor(cursor);
    if (cursor !== undefined && !after) return Promise.reject(new ValidationError(['cursor: not a cursor from a previous page']));
    return this.guard('listTokens', async () => {
      const index = this.appTokensKey(app);
      const flat = (await PAGE.run(this.client, [index], [after ? after.createdAt : '', after ? after.id : '', limit + 1])) as string[];
      const entries: { id: string; createdAt: number }[] = [];
      for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i]!, createdAt: Number(flat[i + 1]) });
      const page = entries.slice(0, limit);
      const hashes = await Promise.all(page.map((e) => this.client.hgetall(this.tokenKey(e.id))));
      const items: TokenRecord[] = [];
      const dangling: string[] = [];
      // An entry without a record may be an issuance still in flight; only old ones are dangling.
      const settled = Date.now() - PENDING_MS;
      page.forEach((entry, i) => {
        const record = fromHash(entry.id, hashes[i]!);
        if (record && record.revokedAt === undefined) items.push(record);
        else if (record || entry.createdAt < settled) dangling.push(entry.id);
      });
      if (dangling.length > 0) await this.client.zrem(index, ...dangling);
      const last = page[page.length - 1];
      return entries.length > limit && last ? { items, next: encodeCursor(last.createdAt, last.id) } : { items };
    });
  }

  revokeToken(id: string, at: number): Promise<TokenRecord | null> {
    return this.guard('revokeToken', async () => {
      const flat = (await REVOKE.run(this.client, [this.tokenKey(id)], [at, TOMBSTONE_MS])) as string[] | null;
      if (!flat) return null;
      const fields: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
      const record = fromHash(id, fields);
      if (record) await RELEASE_NAME.run(this.client, [this.appNamesKey(record.app), this.appTokensKey(record.app)], [record.name, id]);
      return record;
    });
  }

  touchToken(id: string, now: number): Promise<boolean> {
    return this.guard('touchToken', async () => (await TOUCH.run(this.client, [this.tokenKey(id)], [now, TOMBSTONE_MS])) === 1);
  }
}
