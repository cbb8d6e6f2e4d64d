/**
 * Deletion wins every race (issue 12.3): tokens granted while their client, API key or app is
 * being deleted never work afterwards, on Redis and on the memory store. Each round fires token
 * requests in parallel with the deletion; every grant that answered 200 is then checked against
 * the store (no cache). The survivor counts are printed for the record.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type StoreChoice, type TestGateway } from '../helpers/gateway.js';
import { basic, createClient, postForm } from '../helpers/oauth.js';

const ROUNDS = 20;
const GRANTS = 30;

interface Tally {
  granted: number;
  survived: number;
}

const figures: Record<string, Tally> = {};
afterAll(() => {
  process.stdout.write(`deletion-race figures: ${JSON.stringify(figures)}\n`);
});

/**
 * Starts the grants one every `spacingMs`, with `remove` started `offsetMs` after the first, so
 * across rounds the deletion lands at every point of an issuance; resolves to the tokens granted.
 */
async function race(grants: (() => Promise<string | null>)[], remove: () => Promise<void>, offsetMs: number): Promise<string[]> {
  const spacingMs = 1;
  const pending = grants.map((grant, i) => sleep(i * spacingMs).then(grant));
  const deletion = sleep(offsetMs).then(remove);
  const [tokens] = await Promise.all([Promise.all(pending), deletion]);
  return tokens.filter((t): t is string => t !== null);
}

/** Deletes until the admin API says it is done: a deletion cut short by a slow store is retried, as an operator would. */
async function removed(gw: TestGateway, path: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const res = await gw.admin('DELETE', path);
    if (res.status === 204) return;
    expect(res.status).toBe(503);
  }
  throw new Error(`DELETE ${path} never finished`);
}

async function survivors(gw: TestGateway, tokens: string[]): Promise<number> {
  const results = await Promise.all(tokens.map((token) => gw.gateway.lifecycle.inspect(token)));
  return results.filter((r) => r.ok).length;
}

const stores: [StoreChoice, 'v2' | 'v3'][] = [['redis', 'v2'], ['redis', 'v3'], ['memory', 'v2']];

describe.each(stores)('deletion racing issuance (%s store, record layout %s)', (store, recordLayout) => {
  let gw: TestGateway;
  const tally = (name: string): Tally => (figures[`${store}-${recordLayout}:${name}`] ??= { granted: 0, survived: 0 });

  beforeAll(async () => {
    gw = await startTestGateway({ tokenEndpoint: { rateLimit: { perIp: false, perClient: false } }, store: { recordLayout } }, store);
  });
  afterAll(async () => gw.close());

  const clientGrant = (client: { client_id: string; client_secret: string }) => async () => {
    const res = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret) });
    return res.status === 200 ? (res.body.access_token as string) : null;
  };

  const keyGrant = (key: string) => async () => {
    const res = await fetch(`${gw.url}/oauth/key`, { method: 'POST', headers: { 'x-api-secret-key': key } });
    return res.status === 200 ? ((await res.json()) as { access_token: string }).access_token : null;
  };

  const adminGrant = (app: string, name: string) => async () => {
    const res = await gw.admin('POST', `/apps/${app}/tokens`, { name, scopes: ['read'] });
    return res.status === 201 ? (res.body.token as string) : null;
  };

  it('a client deleted while it is granted tokens leaves none of them working', async () => {
    await gw.admin('POST', '/apps', { id: 'clients', name: 'c', scopes: ['read'] });
    const t = tally('client');
    for (let round = 0; round < ROUNDS; round++) {
      const client = await createClient(gw, 'clients', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 1000 });
      const grant = clientGrant(client);
      const tokens = await race(Array.from({ length: GRANTS }, () => grant), () => removed(gw, `/apps/clients/clients/${client.client_id}`), round);
      t.granted += tokens.length;
      t.survived += await survivors(gw, tokens);
    }
    expect(t.granted).toBeGreaterThan(0);
    expect(t.survived).toBe(0);
  });

  it('an API key deleted while it is exchanged leaves none of its tokens working', async () => {
    await gw.admin('POST', '/apps', { id: 'keys', name: 'k', scopes: ['read'] });
    const t = tally('apiKey');
    for (let round = 0; round < ROUNDS; round++) {
      const created = await gw.admin('POST', '/apps/keys/api-keys', { name: `k${round}` });
      const grant = keyGrant(created.body.key as string);
      const tokens = await race(Array.from({ length: GRANTS }, () => grant), () => removed(gw, `/apps/keys/api-keys/${created.body.id}`), round);
      t.granted += tokens.length;
      t.survived += await survivors(gw, tokens);
    }
    expect(t.granted).toBeGreaterThan(0);
    expect(t.survived).toBe(0);
  });

  it('an app deleted while its clients, keys and admins are granted tokens leaves none of them working', async () => {
    const t = tally('app');
    for (let round = 0; round < ROUNDS; round++) {
      const app = `doomed-${round}`;
      await gw.admin('POST', '/apps', { id: app, name: app, scopes: ['read'] });
      const client = await createClient(gw, app, { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 1000 });
      const key = (await gw.admin('POST', `/apps/${app}/api-keys`, { name: 'k' })).body.key as string;
      const grants = Array.from({ length: GRANTS }, (_, i) => (i % 3 === 0 ? clientGrant(client) : i % 3 === 1 ? keyGrant(key) : adminGrant(app, `t${i}`)));
      const tokens = await race(grants, () => removed(gw, `/apps/${app}`), round);
      t.granted += tokens.length;
      t.survived += await survivors(gw, tokens);
    }
    expect(t.granted).toBeGreaterThan(0);
    expect(t.survived).toBe(0);
  });
});
