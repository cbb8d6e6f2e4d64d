/**
 * An app's token index and name claims in Redis, kept in structures small enough to stay listpack
 * encoded (about 35 bytes an entry instead of 80-130 for a large zset or hash). Keys (prefix `p`),
 * all in the app's hash slot:
 *   p app:{id}:tokens     zset   legacy index (the release before this one): id scored by createdAt
 *   p app:{id}:names      hash   legacy name claims: name → id
 *   p app:{id}:ix         string the head bucket number (absent: 0)
 *   p app:{id}:ix:<n>     zset   index bucket n, filled in order up to BUCKET_SIZE ids
 *   p app:{id}:ixs        zset   the numbers of the buckets holding ids (so emptied buckets cost nothing to list)
 *   p app:{id}:nm         hash   name meta: l (highest level in use), c (names held in levels)
 *   p app:{id}:nm:<l>:<b> hash   name → "<id> <claimedAt, base 36>" for names whose CRC-32 is b modulo 2^l
 *   p app:{id}:closed     string set while the app is deleted
 * Layout v3 writes buckets and levels; older layouts write the legacy structures. Both are always read.
 */
import { crc32 } from 'node:zlib';
import { ConflictError, NotFoundError } from '../errors.js';
import type { TokenRecord } from '../types.js';
import { CLAIM, INDEX, RELEASE } from './app-index-scripts.js';
import type { RedisClient } from './redis-connection.js';
import { CLOSE } from './redis-scripts.js';
import { PENDING_MS } from './token-store.js';

/** Ids per index bucket: under Redis' default zset-max-listpack-entries (128). */
export const BUCKET_SIZE = 100;
/** Names per bucket on average at the level new names go to: hash-max-listpack-entries (128) is far in the tail. */
const NAMES_PER_BUCKET = 64;
/** Retries when another writer moved the head or added a level between our read and our script. */
const MAX_ATTEMPTS = 32;

/** A script's answer (app-index-scripts.ts): a status and its number or holder id. */
type Answer = ['ok' | 'head' | 'levels' | 'closed' | 'held', (number | string)?, (number | string)?];

/** The level new names go to when `held` names are held in levels. */
function levelFor(held: number): number {
  let level = 0;
  while (NAMES_PER_BUCKET * 2 ** level < held + 1) level++;
  return level;
}

export class RedisAppIndex {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly tokenKey: (id: string) => string,
  ) {}

  private key(app: string, suffix: string): string {
    return `${this.prefix}app:{${app}}:${suffix}`;
  }
  closedKey(app: string): string {
    return this.key(app, 'closed');
  }
  legacyKey(app: string): string {
    return this.key(app, 'tokens');
  }
  private headKey(app: string): string {
    return this.key(app, 'ix');
  }
  bucketKey(app: string, n: number): string {
    return this.key(app, `ix:${n}`);
  }
  occupiedKey(app: string): string {
    return this.key(app, 'ixs');
  }
  private nameLevelKeys(app: string, name: string, top: number): string[] {
    const h = crc32(name);
    return Array.from({ length: top + 1 }, (_, level) => this.key(app, `nm:${level}:${h % 2 ** level}`));
  }

  /** The head bucket number. */
  private async head(app: string): Promise<number> {
    return Number((await this.client.get(this.headKey(app))) ?? 0);
  }

  /**
   * Indexes a token (and claims its name unless it is an access token) before its record is written.
   * Returns the bucket it went to, or null for the legacy index (`bucketed` false: older layouts).
   */
  async add(record: TokenRecord, bucketed: boolean): Promise<number | null> {
    const app = record.app;
    const meta = this.key(app, 'nm');
    // An access token claims no name: the token endpoint's grants need not read the name levels.
    const named = record.kind !== 'access';
    const [headNow, levels] = await Promise.all([bucketed ? this.head(app) : 0, named ? this.client.hmget(meta, 'l', 'c') : [null, null]]);
    let n = headNow;
    let top = Number(levels[0] ?? -1);
    let replaceable = '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const keys = [this.closedKey(app), this.legacyKey(app), this.headKey(app), this.bucketKey(app, n), this.occupiedKey(app)];
      const args: (string | number)[] = [record.id, record.createdAt, bucketed ? n : '', BUCKET_SIZE];
      let answer: Answer;
      if (!named) {
        answer = (await INDEX.run(this.client, keys, args)) as Answer;
      } else {
        const level = bucketed ? levelFor(Math.max(0, Number(levels[1] ?? 0))) : null;
        const passed = Math.max(top, level ?? -1);
        keys.push(meta, this.key(app, 'names'), ...this.nameLevelKeys(app, record.name, passed));
        answer = (await CLAIM.run(this.client, keys, [...args, record.name, replaceable, passed, level ?? '', record.createdAt.toString(36)])) as Answer;
      }
      const [status, value, claimedAt] = answer;
      if (status === 'ok') return Number(value) < 0 ? null : Number(value);
      if (status === 'closed') throw new NotFoundError(`app "${app}"`);
      if (status === 'head') n = Number(value);
      else if (status === 'levels') top = Number(value);
      else {
        const holder = String(value);
        if (replaceable !== '' || (await this.holds(holder, claimedAt))) throw new ConflictError(`token named "${record.name}" in app "${app}"`);
        replaceable = holder;
      }
    }
    throw new Error(`app "${app}": the index kept moving for ${MAX_ATTEMPTS} attempts`);
  }

  /**
   * Whether a name's holder still holds it: its token is live, or its record is not written yet and the claim
   * is recent (another replica's issuance in flight, which writes the record right after claiming). A claim
   * without a record past PENDING_MS is an issuance that died half-way, and frees the name.
   */
  private async holds(id: string, claimedAt: number | string | undefined): Promise<boolean> {
    const [revokedAt, expiresAt, createdAt] = await this.client.hmget(this.tokenKey(id), 'rv', 'ex', 'c');
    if (createdAt === null) return revokedAt === null && typeof claimedAt === 'number' && claimedAt > Date.now() - PENDING_MS;
    return revokedAt === null && (expiresAt === null || Number(expiresAt) > Date.now());
  }

  /** Drops a revoked token from the index (its bucket, or the legacy index) and frees its name. */
  async release(record: TokenRecord, bucket: number | null): Promise<void> {
    const app = record.app;
    const meta = this.key(app, 'nm');
    let top = Number((await this.client.hget(meta, 'l')) ?? -1);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const where = bucket === null ? this.legacyKey(app) : this.bucketKey(app, bucket);
      const keys = [meta, this.key(app, 'names'), this.legacyKey(app), where, this.occupiedKey(app), ...this.nameLevelKeys(app, record.name, top)];
      const answer = (await RELEASE.run(this.client, keys, [record.name, record.id, top, bucket ?? ''])) as Answer;
      if (answer[0] !== 'levels') return;
      top = Number(answer[1]);
    }
    throw new Error(`app "${app}": the name levels kept moving for ${MAX_ATTEMPTS} attempts`);
  }

  /** Closes the app to new tokens, then returns every id indexed for it: none can be added after the close. */
  async close(app: string, markerMs: number): Promise<string[]> {
    const legacy = (await CLOSE.run(this.client, [this.legacyKey(app), this.closedKey(app)], [markerMs])) as string[];
    const buckets = await this.bucketKeys(app);
    const ids = [...legacy];
    for (let i = 0; i < buckets.length; i += 64) {
      for (const members of await Promise.all(buckets.slice(i, i + 64).map((key) => this.client.zrange(key, 0, -1)))) ids.push(...members);
    }
    return ids;
  }

  /** Deletes every index and claim of the app. */
  async drop(app: string): Promise<void> {
    const top = Number((await this.client.hget(this.key(app, 'nm'), 'l')) ?? -1);
    const keys = [this.legacyKey(app), this.key(app, 'names'), this.headKey(app), this.occupiedKey(app), this.key(app, 'nm'), ...(await this.bucketKeys(app))];
    for (let level = 0; level <= top; level++) for (let b = 0; b < 2 ** level; b++) keys.push(this.key(app, `nm:${level}:${b}`));
    for (let i = 0; i < keys.length; i += 500) await this.client.del(...keys.slice(i, i + 500));
  }

  /** Numbers of the buckets holding ids, from bucket `from` on, at most `count` of them. */
  async occupied(app: string, from: number, count: number): Promise<number[]> {
    return (await this.client.zrangebyscore(this.occupiedKey(app), from, '+inf', 'LIMIT', 0, count)).map(Number);
  }

  private async bucketKeys(app: string): Promise<string[]> {
    return (await this.client.zrange(this.occupiedKey(app), 0, -1)).map((n) => this.bucketKey(app, Number(n)));
  }
}
