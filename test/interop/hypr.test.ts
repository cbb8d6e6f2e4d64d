/**
 * HYPR's documented flow, unchanged: a client created with default settings, an assertion made the
 * way JWTCreator makes it (in TypeScript, and by a vanilla-Java signer run with `java File.java`),
 * posted byte for byte as HYPR's cURL command posts it, then the token at the edge until an admin
 * revokes it. No client option: nothing in HYPR's flow can be configured.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { javaMajor, locate, requireTools, TOOLS } from '../helpers/debian-tool.js';
import { jwtCreatorAssertion, postLikeHyprCurl } from '../helpers/hypr.js';
import { postForm } from '../helpers/oauth.js';
import { SCOPE, useInteropGateway } from './interop-gateway.js';

const SIGNER = resolve(import.meta.dirname, 'java/HyprJwtCreator.java');
/** `java File.java` compiles before it runs: seconds on a loaded machine. */
const JAVA_TIMEOUT = 60_000;
const ig = useInteropGateway({ compat: { hypr: true } });

/** Exchanges the assertion as HYPR's cURL does, uses the token at the edge, revokes it as an admin. */
async function fullFlow(assertion: string): Promise<void> {
  const res = await postLikeHyprCurl(ig.issuer, assertion);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: SCOPE });
  const token = res.body.access_token as string;
  expect(await ig.edgeStatus(token)).toBe(200);
  expect(ig.upstream.requests.at(-1)!.headers['x-auth-client-id']).toBe(ig.keyClient.id);
  const admin = { authorization: `Bearer ${ig.gw.adminToken}` };
  expect((await postForm(ig.issuer, '/oauth/revoke', { token }, admin)).status).toBe(200);
  expect(await ig.edgeStatus(token)).toBe(401);
  // Replaying the same assertion gets nothing: its jti is spent for as long as it lives.
  expect((await postLikeHyprCurl(ig.issuer, assertion)).body).toMatchObject({ error: 'invalid_client', code: '1201047' });
}

describe('HYPR: JWTCreator and cURL as documented', () => {
  it('JWTCreator\'s assertion (reproduced in TypeScript) posted as HYPR\'s cURL posts it', async () => {
    await fullFlow(jwtCreatorAssertion(ig.keyClient.id, ig.keyClient.keyBase64));
  });
});

describe.skipIf(!requireTools('the vanilla-Java HYPR signer', TOOLS.java))('HYPR: a vanilla-Java signer (java File.java)', () => {
  // Asynchronous: the gateway under test runs in this process and must keep its event loop.
  async function javaSign(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(locate(TOOLS.java)!, [SIGNER, '-sub', ig.keyClient.id, '-keybase64', ig.keyClient.keyBase64, ...args], { timeout: JAVA_TIMEOUT });
    return stdout.trim();
  }

  it('runs on Java 17 or later', () => {
    expect(javaMajor()).toBeGreaterThanOrEqual(17);
  });

  it('signs with JDK classes only; the gateway takes its assertion and the token works until revoked', async () => {
    await fullFlow(await javaSign());
  }, JAVA_TIMEOUT);

  it('its 6-hour example (-exp) is refused for a client with default settings', async () => {
    const res = await postLikeHyprCurl(ig.issuer, await javaSign('-exp', String(Math.floor(Date.now() / 1000) + 6 * 3600)));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_client', code: '1201047' });
  }, JAVA_TIMEOUT);
});
