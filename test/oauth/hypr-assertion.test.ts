/**
 * HYPR's JWTCreator assertions on the HYPR exchange path (compat.hypr): HYPR's iss/aud strings, a
 * random kid treated as a hint, JWTCreator's 1 h default lifetime — while /oauth/token keeps RFC 7523.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { HYPR_EXCHANGE_PATH, jwtCreatorAssertion, postLikeHyprCurl } from '../helpers/hypr.js';
import { createClient, JWT_BEARER, postForm } from '../helpers/oauth.js';

const ISSUER = 'https://gw.example.test';
const HOUR = 3600;
let gw: TestGateway;
type Generated = { client_id: string; kid: string; client_key: string };
let plain: Generated;
let other: Generated;

beforeAll(async () => {
  gw = await startTestGateway({
    issuer: ISSUER,
    compat: { hypr: true, hyprAssertion: { issuers: ['https://hypr.com', 'https://hypr.example.test'] } },
    tokenEndpoint: { rateLimit: { perIp: false, perClient: false } },
  });
  expect((await gw.admin('POST', '/apps', { id: 'HYPRDefaultApplication', name: 'HYPR RP', scopes: ['reporting'] })).status).toBe(201);
  // Default settings: what a HYPR user gets from the Control Center's "create token" screen.
  plain = await createClient(gw, 'HYPRDefaultApplication', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 100 });
  other = await createClient(gw, 'HYPRDefaultApplication', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 100 });
});

afterAll(() => gw.close());

const now = () => Math.floor(Date.now() / 1000);

/** A client allowed `hours` of assertion lifetime, written through the client store (the admin API refuses over 24 h). */
async function clientWithLifetime(hours: number): Promise<Generated> {
  const created = await createClient(gw, 'HYPRDefaultApplication', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 100 });
  const clients = gw.gateway.clients;
  const record = (await clients.getClient(created.client_id))!;
  expect(await clients.updateClient({ ...record, assertionMaxLifetime: hours * HOUR * 1000 })).toBe(true);
  return created;
}

function expectAssertionRefused(res: { status: number; body: any }) {
  expect(res.status, JSON.stringify(res.body)).toBe(401);
  expect(res.body).toMatchObject({ error: 'invalid_client', code: '1201047' });
}

describe('HYPR exchange path with compat.hypr', () => {
  it('takes JWTCreator\'s default assertion (HYPR iss/aud, random kid, 1 h) posted as HYPR\'s cURL posts it', async () => {
    const res = await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, plain.client_key));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'reporting' });
    expect(res.head).toMatch(/\r\ncache-control: no-store/i);
  });

  it('keeps the issuer the gateway\'s own URL, so discovery still works for standard clients', async () => {
    const meta = (await (await fetch(`${gw.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    expect(meta.issuer).toBe(ISSUER);
  });

  it('takes the standard claims there too, and any configured HYPR issuer string', async () => {
    const standard = jwtCreatorAssertion(plain.client_id, plain.client_key, { iss: plain.client_id, aud: ISSUER, kid: plain.kid });
    expect((await postLikeHyprCurl(gw.url, standard)).status).toBe(200);
    expect((await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, plain.client_key, { iss: 'https://hypr.example.test' }))).status).toBe(200);
  });

  it('refuses a replayed assertion for its whole lifetime', async () => {
    const assertion = jwtCreatorAssertion(plain.client_id, plain.client_key);
    expect((await postLikeHyprCurl(gw.url, assertion)).status).toBe(200);
    expectAssertionRefused(await postLikeHyprCurl(gw.url, assertion));
  });

  it('still needs a kid (1201047), other iss/aud strings, and a key of this client', async () => {
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, plain.client_key, { kid: null })));
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, plain.client_key, { iss: 'https://evil.example' })));
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, plain.client_key, { aud: 'https://evil.example' })));
    // Another client's key, even under that client's own kid, never verifies this client's assertion.
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, other.client_key)));
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, other.client_key, { kid: other.kid })));
  });

  it('allows a default client 1 h but not JWTCreator\'s 6 h example; a client set to 6 h or more gets it, never over 24 h', async () => {
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(plain.client_id, plain.client_key, { exp: now() + 6 * HOUR })));
    const six = await createClient(gw, 'HYPRDefaultApplication', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 100, assertionMaxLifetime: '6h' });
    expect((await postLikeHyprCurl(gw.url, jwtCreatorAssertion(six.client_id, six.client_key, { exp: now() + 6 * HOUR }))).status).toBe(200);
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(six.client_id, six.client_key, { exp: now() + 7 * HOUR })));
    const day = await clientWithLifetime(48);
    expect((await postLikeHyprCurl(gw.url, jwtCreatorAssertion(day.client_id, day.client_key, { exp: now() + 24 * HOUR }))).status).toBe(200);
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(day.client_id, day.client_key, { exp: now() + 25 * HOUR })));
  });

  it('gives a client set to 5 min exactly 5 min on both paths, and refuses setting more than 24 h', async () => {
    const five = await createClient(gw, 'HYPRDefaultApplication', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 100, assertionMaxLifetime: '5m' });
    expectAssertionRefused(await postLikeHyprCurl(gw.url, jwtCreatorAssertion(five.client_id, five.client_key)));
    expect((await postLikeHyprCurl(gw.url, jwtCreatorAssertion(five.client_id, five.client_key, { exp: now() + 300 }))).status).toBe(200);
    const strict = (exp: number) => postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER,
      client_assertion: jwtCreatorAssertion(five.client_id, five.client_key, { iss: five.client_id, aud: ISSUER, kid: five.kid, exp }) });
    expectAssertionRefused(await strict(now() + 400));
    expect((await strict(now() + 300)).status).toBe(200);
    const tooLong = await gw.admin('POST', '/apps/HYPRDefaultApplication/clients', { name: 'c', type: 'service', role: 'robot', auth: 'private_key_jwt', assertionMaxLifetime: '25h' });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body.issues)).toMatch(/assertionMaxLifetime/);
  });

  it('leaves /oauth/token strict: HYPR\'s strings, a random kid and an hour-long assertion are refused there', async () => {
    const post = (assertion: string) => postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expectAssertionRefused(await post(jwtCreatorAssertion(plain.client_id, plain.client_key)));
    expectAssertionRefused(await post(jwtCreatorAssertion(plain.client_id, plain.client_key, { iss: plain.client_id, aud: ISSUER })));
    expectAssertionRefused(await post(jwtCreatorAssertion(plain.client_id, plain.client_key, { iss: plain.client_id, aud: ISSUER, kid: plain.kid })));
    const short = jwtCreatorAssertion(plain.client_id, plain.client_key, { iss: plain.client_id, aud: ISSUER, kid: plain.kid, exp: now() + 300 });
    expect((await post(short)).status).toBe(200);
  });

  it('answers only when compat.hypr is on', async () => {
    const off = await startTestGateway({ issuer: ISSUER }, 'memory');
    try {
      const res = await postForm(off.url, HYPR_EXCHANGE_PATH, { grant_type: 'authorization_code', client_assertion_type: JWT_BEARER, client_assertion: 'x.y.z' });
      expect(res.status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
