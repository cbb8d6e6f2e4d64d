/**
 * The token endpoint under load: client credentials with a client secret (fixed body) and with
 * an ES256 client assertion (a fresh, single-use assertion per request, signed in advance).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { runLoad } from './load.js';
import type { Server } from './processes.js';
import { BENCH_APP, BENCH_SCOPE } from './provision.js';
import { startTollgate } from './tollgate.js';

export interface GrantResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const ISSUER = 'http://127.0.0.1';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JWT_BEARER = encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');

async function createClient(server: Server, adminToken: string, auth: 'client_secret' | 'private_key_jwt'): Promise<Record<string, string>> {
  const body = { name: `bench-${auth}`, type: 'service', role: 'bench', auth, scopes: [BENCH_SCOPE], maxActiveTokens: 100_000 };
  const res = await fetch(`${server.url}/admin/v1/apps/${BENCH_APP}/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`creating a ${auth} client answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

async function assertions(client: Record<string, string>, count: number): Promise<string> {
  const der = client.client_key!;
  const pem = `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----`;
  const key = await importPKCS8(pem, 'ES256');
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: client.kid! }).setIssuer(client.client_id!).setSubject(client.client_id!)
      .setAudience(ISSUER).setIssuedAt().setExpirationTime('5m').setJti(randomUUID()).sign(key));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-bench-jwt-')), 'assertions.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Grants per second for each client authentication; a sentence instead when the endpoint is missing. */
export async function measureTokenEndpoint(o: { redisUrl: string; prefix: string; upstream: string; adminToken: string; connections: number; seconds: number }): Promise<GrantResult[] | string> {
  let server: Server;
  try {
    server = await startTollgate({ redisUrl: o.redisUrl, prefix: o.prefix, upstream: o.upstream, extra: { issuer: ISSUER, tokenEndpoint: { rateLimit: { perClient: false, perIp: false } } } });
  } catch (err) {
    return `not measured: this build does not accept the token endpoint's settings (${(err as Error).message.split('\n')[0]})`;
  }
  try {
    const probe = await fetch(`${server.url}/oauth/token`, { method: 'POST', headers: FORM, body: 'grant_type=client_credentials' });
    if (probe.status === 404) return 'not measured: POST /oauth/token does not exist in this build yet';
    const url = `${server.url}/oauth/token`;
    const secret = await createClient(server, o.adminToken, 'client_secret');
    const jwtClient = await createClient(server, o.adminToken, 'private_key_jwt');
    const body = `grant_type=client_credentials&client_id=${encodeURIComponent(secret.client_id!)}&client_secret=${encodeURIComponent(secret.client_secret!)}`;
    const check = await fetch(url, { method: 'POST', headers: FORM, body });
    if (check.status !== 200) return `not measured: a client-secret grant answered ${check.status}: ${await check.text()}`;
    const results: GrantResult[] = [];
    const bySecret = await runLoad({ url, connections: o.connections, seconds: o.seconds, method: 'POST', headers: FORM, body });
    results.push({ name: 'client_secret_post', rps: bySecret.rps, p50: bySecret.p50ms, p99: bySecret.p99ms, errors: bySecret.errors });
    const file = await assertions(jwtClient, Math.max(2_000, Math.ceil(bySecret.rps * o.seconds * 1.5)));
    const byAssertion = await runLoad({
      url, connections: o.connections, seconds: o.seconds, method: 'POST', headers: FORM,
      rotate: { file, template: `grant_type=client_credentials&client_assertion_type=${JWT_BEARER}&client_assertion={}` },
    });
    results.push({ name: 'private_key_jwt (ES256 assertion)', rps: byAssertion.rps, p50: byAssertion.p50ms, p99: byAssertion.p99ms, errors: byAssertion.errors });
    return results;
  } finally {
    await server.stop();
  }
}
