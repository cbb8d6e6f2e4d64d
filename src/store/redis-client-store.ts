/**
 * The client store on the token store's Redis connection. Key layout (prefix `p`):
 *   p cl:{id}               string  one client (JSON)
 *   p cl:{id}:active        zset    the holder's access token ids scored by expiresAt
 *   p cl:{id}:closed        string  set once the holder is deleted: no further admissions
 *   p cl:{id}:jti:<hash>    string  a claimed assertion id, expiring after the assertion
 *   p key:{id}              string  one API key (JSON); its tokens are in p cl:{id}:active
 *   p app:{app}:clients     set     the app's client ids (an index; records win)
 *   p app:{app}:keys        set     the app's API key ids (an index; records win)
 * Every multi-key operation stays inside one holder's hash tag, so Redis Cluster accepts it.
 */
import { ConflictError } from '../errors.js';
import type { Admission, ApiKeyRecord, ClientRecord, ClientStore } from './client-store.js';
import { CLOSE, LuaScript } from './redis-scripts.js';
import type { RedisStore } from './redis-store.js';
import { TOMBSTONE_MS } from './token-store.js';

/**
 * KEYS[1] the holder's active zset, KEYS[2] its closed marker. ARGV: tokenId, expiresAt, max,
 * now, evictOldest (1/0). Returns {1, evicted...} when admitted, {0} when the holder is at its
 * cap, {2} when it is closed (being deleted).
 */
const ADMIT = new LuaScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return {2} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
local max = tonumber(ARGV[3])
local count = redis.call('ZCARD', KEYS[1])
local out = {1}
if count >= max then
  if ARGV[5] ~= '1' then return {0} end
  local oldest = redis.call('ZRANGE', KEYS[1], 0, count - max)
  for i = 1, #oldest do
    redis.call('ZREM', KEYS[1], oldest[i])
    table.insert(out, oldest[i])
  end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], top[2])
return out
`);

export class RedisClientStore implements ClientStore {
  constructor(private readonly base: RedisStore) {}

  private get client() {
    return this.base.client;
  }
  private clientKey(id: string): string {
    return `${this.base.prefix}cl:{${id}}`;
  }
  private activeKey(holder: string): string {
    return `${this.base.prefix}cl:{${holder}}:active`;
  }
  private closedKey(holder: string): string {
    return `${this.base.prefix}cl:{${holder}}:closed`;
  }
  private jtiKey(clientId: string, jtiHash: string): string {
    return `${this.base.prefix}cl:{${clientId}}:jti:${jtiHash}`;
  }
  private apiKeyKey(id: string): string {
    return `${this.base.prefix}key:{${id}}`;
  }
  private appClientsKey(app: string): string {
    return `${this.base.prefix}app:{${app}}:clients`;
  }
  private appKeysKey(app: string): string {
    return `${this.base.prefix}app:{${app}}:keys`;
  }

  createClient(client: ClientRecord): Promise<void> {
    return this.base.guard('createClient', async () => {
      await this.client.sadd(this.appClientsKey(client.app), client.id);
      const set = await this.client.set(this.clientKey(client.id), JSON.stringify(client), 'NX');
      if (set === null) throw new ConflictError(`client "${client.id}"`);
    });
  }

  getClient(id: string): Promise<ClientRecord | null> {
    return this.base.guard('getClient', async () => parse<ClientRecord>(await this.client.get(this.clientKey(id))));
  }

  listClients(app: string): Promise<ClientRecord[]> {
    return this.base.guard('listClients', () => this.listIndexed<ClientRecord>(this.appClientsKey(app), (id) => this.clientKey(id)));
  }

  updateClient(client: ClientRecord): Promise<boolean> {
    return this.base.guard('updateClient', async () => (await this.client.set(this.clientKey(client.id), JSON.stringify(client), 'XX')) !== null);
  }

  deleteClient(id: string): Promise<ClientRecord | null> {
    return this.base.guard('deleteClient', async () => {
      const client = parse<ClientRecord>(await this.client.getdel(this.clientKey(id)));
      if (client) await this.client.srem(this.appClientsKey(client.app), id);
      return client;
    });
  }

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return this.base.guard('createApiKey', async () => {
      await this.client.sadd(this.appKeysKey(key.app), key.id);
      const set = await this.client.set(this.apiKeyKey(key.id), JSON.stringify(key), 'NX');
      if (set === null) throw new ConflictError(`API key "${key.id}"`);
    });
  }

  getApiKey(id: string): Promise<ApiKeyRecord | null> {
    return this.base.guard('getApiKey', async () => parse<ApiKeyRecord>(await this.client.get(this.apiKeyKey(id))));
  }

  listApiKeys(app: string): Promise<ApiKeyRecord[]> {
    return this.base.guard('listApiKeys', () => this.listIndexed<ApiKeyRecord>(this.appKeysKey(app), (id) => this.apiKeyKey(id)));
  }

  deleteApiKey(id: string): Promise<ApiKeyRecord | null> {
    return this.base.guard('deleteApiKey', async () => {
      const key = parse<ApiKeyRecord>(await this.client.getdel(this.apiKeyKey(id)));
      if (key) await this.client.srem(this.appKeysKey(key.app), id);
      return key;
    });
  }

  claimJti(clientId: string, jtiHash: string, until: number): Promise<boolean> {
    return this.base.guard('claimJti', async () => (await this.client.set(this.jtiKey(clientId, jtiHash), '1', 'PXAT', until, 'NX')) !== null);
  }

  admitToken(holder: string, tokenId: string, expiresAt: number, max: number, now: number, evictOldest: boolean): Promise<Admission> {
    return this.base.guard('admitToken', async () => {
      const keys = [this.activeKey(holder), this.closedKey(holder)];
      const reply = (await ADMIT.run(this.client, keys, [tokenId, expiresAt, max, now, evictOldest ? 1 : 0])) as (number | string)[];
      return reply[0] === 1 ? { admitted: true, evicted: reply.slice(1).map(String) } : { admitted: false, closed: reply[0] === 2 };
    });
  }

  releaseToken(holder: string, tokenId: string): Promise<void> {
    return this.base.guard('releaseToken', async () => {
      await this.client.zrem(this.activeKey(holder), tokenId);
    });
  }

  activeTokens(holder: string, now: number): Promise<string[]> {
    return this.base.guard('activeTokens', () => this.client.zrangebyscore(this.activeKey(holder), `(${now}`, '+inf'));
  }

  closeHolder(holder: string): Promise<string[]> {
    return this.base.guard('closeHolder', async () => (await CLOSE.run(this.client, [this.activeKey(holder), this.closedKey(holder)], [TOMBSTONE_MS])) as string[]);
  }

  forgetHolder(holder: string): Promise<void> {
    return this.base.guard('forgetHolder', async () => {
      await this.client.del(this.activeKey(holder));
    });
  }

  /** Records named by an index set, oldest first; index entries without a record are dropped. */
  private async listIndexed<T extends { id: string; createdAt: number }>(index: string, keyOf: (id: string) => string): Promise<T[]> {
    const ids = await this.client.smembers(index);
    const values = await Promise.all(ids.map((id) => this.client.get(keyOf(id))));
    const dangling = ids.filter((_, i) => values[i] === null);
    if (dangling.length > 0) await this.client.srem(index, ...dangling);
    return values
      .map((json) => parse<T>(json))
      .filter((r): r is NonNullable<typeof r> => r !== null)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }
}

function parse<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}
