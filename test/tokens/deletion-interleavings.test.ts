/**
 * Deletion wins every interleaving (issue 12.3), step by step: the admin's own deletion code runs
 * at each point between the steps of an issuance (client authenticated, slot taken, record not yet
 * written), on Redis and on the memory store. Afterwards the token either was never issued or
 * is refused by the store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeApp } from '../../src/admin/apps-router.js';
import { clientCleanup } from '../../src/admin/api-keys-router.js';
import { revokeHolderTokens } from '../../src/admin/clients-router.js';
import { parseConfig } from '../../src/config/load.js';
import { createAccessTokenIssuer, type AccessTokenRequest } from '../../src/oauth/issue-access-token.js';
import { createMetrics } from '../../src/ops/metrics.js';
import type { ClientRecord, ClientStore } from '../../src/store/client-store.js';
import { createBackend, type StoreBackend } from '../../src/store/backend.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { createTokenLifecycle, type TokenLifecycle } from '../../src/tokens/lifecycle.js';
import { systemClock } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const metrics = createMetrics();

describe.each(['redis', 'memory'] as const)('deletion against issuance, interleaved (%s store)', (driver) => {
  let prefix: string;
  let backend: StoreBackend;
  let store: TokenStore;
  let clients: ClientStore;
  let lifecycle: TokenLifecycle;
  let n = 0;

  beforeEach(async () => {
    prefix = uniquePrefix('interleave');
    const config = parseConfig(driver === 'redis' ? { store: { url: REDIS_URL, keyPrefix: prefix } } : { store: { driver: 'memory' } });
    backend = createBackend(config, systemClock);
    ({ tokens: store, clients } = backend);
    await store.ready(5_000);
    lifecycle = createTokenLifecycle(store, config, systemClock);
  });
  afterEach(async () => {
    await backend.close();
    if (driver === 'redis') await cleanupPrefix(prefix);
  });

  async function setup(): Promise<{ app: string; client: ClientRecord }> {
    const app = `app-${++n}`;
    await store.createApp({ id: app, name: app, scopes: ['read'], origins: [], createdAt: Date.now() });
    const client: ClientRecord = {
      id: `cl_${app}`, app, name: 'c', type: 'service', role: 'r', auth: 'client_secret', secretHash: 'x', scopes: ['read'],
      tokenTtl: 3_600_000, maxActiveTokens: 100, assertionMaxLifetime: 600_000, onTokenCap: 'reject', createdBy: 'admin', createdAt: Date.now(),
    };
    await clients.createClient(client);
    return { app, client };
  }

  const request = (app: string, holder: string): AccessTokenRequest => ({
    holder, name: 'c', app, subject: 'robot', scopes: ['read'], ttl: 3_600_000, maxActive: 100, evictOldest: false, grant: 'client_credentials',
  });

  const deleteClient = async (id: string) => {
    await clients.deleteClient(id);
    await revokeHolderTokens(clients, lifecycle, id);
  };
  const deleteApp = (id: string) => removeApp({ store, lifecycle, onAppDelete: [clientCleanup(clients)] }, id);

  /** The issuer of the token endpoint, with `between` run right after the slot is taken. */
  function issuerWith(between: () => Promise<unknown>) {
    const gated: ClientStore = Object.create(clients);
    gated.admitToken = async (...args) => {
      const admission = await clients.admitToken(...args);
      await between();
      return admission;
    };
    return createAccessTokenIssuer({ lifecycle, clients: gated, metrics, clock: systemClock });
  }

  /** The lifecycle with `between` run right before the record is written. */
  function lifecycleWith(between: () => Promise<unknown>) {
    const gated: TokenStore = Object.create(store);
    gated.putToken = async (record) => {
      await between();
      return store.putToken(record);
    };
    return createTokenLifecycle(gated, parseConfig({}), systemClock);
  }

  /** Runs an issuance; true when it produced a token that still works. */
  async function works(issue: () => Promise<{ token: string }>): Promise<boolean> {
    let token: string;
    try {
      ({ token } = await issue());
    } catch {
      return false;
    }
    return (await lifecycle.inspect(token)).ok;
  }

  it('client deleted after the slot is taken, before the record is written', async () => {
    const { app, client } = await setup();
    expect(await works(() => issuerWith(() => deleteClient(client.id))(request(app, client.id)))).toBe(false);
  });

  it('client deleted after it authenticated, before the slot is taken', async () => {
    const { app, client } = await setup();
    await deleteClient(client.id);
    expect(await works(() => createAccessTokenIssuer({ lifecycle, clients, metrics, clock: systemClock })(request(app, client.id)))).toBe(false);
  });

  it('app deleted after its client took a slot, before the record is written', async () => {
    const { app, client } = await setup();
    expect(await works(() => issuerWith(() => deleteApp(app))(request(app, client.id)))).toBe(false);
  });

  it('app deleted after its client authenticated, before the slot is taken', async () => {
    const { app, client } = await setup();
    await deleteApp(app);
    expect(await works(() => createAccessTokenIssuer({ lifecycle, clients, metrics, clock: systemClock })(request(app, client.id)))).toBe(false);
  });

  it('app deleted after an admin loaded it, before its token record is written', async () => {
    const { app } = await setup();
    const issue = lifecycleWith(() => deleteApp(app)).issue;
    expect(await works(() => issue({ app, kind: 'api', name: 'admin-made', scopes: ['read'], createdBy: 'admin' }))).toBe(false);
  });

  it('a token issued before the deletion is revoked by it', async () => {
    const { app, client } = await setup();
    const issued = await createAccessTokenIssuer({ lifecycle, clients, metrics, clock: systemClock })(request(app, client.id));
    const admin = await lifecycle.issue({ app, kind: 'api', name: 'before', scopes: ['read'], createdBy: 'admin' });
    await deleteApp(app);
    expect((await lifecycle.inspect(issued.token)).ok).toBe(false);
    expect((await lifecycle.inspect(admin.token)).ok).toBe(false);
  });

  it('an app created again under a deleted id issues working tokens', async () => {
    const { app } = await setup();
    await deleteApp(app);
    await store.createApp({ id: app, name: 'again', scopes: ['read'], origins: [], createdAt: Date.now() });
    const { token } = await lifecycle.issue({ app, kind: 'api', name: 'fresh', scopes: ['read'], createdBy: 'admin' });
    expect((await lifecycle.inspect(token)).ok).toBe(true);
  });
});
