/**
 * What a token-endpoint measurement needs: one tollgate build serving from its own dist/, a
 * client-secret client and an ES256 private_key_jwt client written into its store, and
 * single-use assertions signed ahead of each load segment (each grant burns its jti).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { RedisClientStore } from '../../src/store/redis-client-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { generateSecret, hashSecret } from '../../src/tokens/format.js';
import { startProcess, type Server } from '../lib/processes.js';
import { BENCH_APP, BENCH_SCOPE } from '../lib/provision.js';
import { tollgateConfig } from '../lib/tollgate.js';

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JWT_BEARER = encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
/** tollgateConfig's issuer: the audience every assertion names. */
const ISSUER = 'http://127.0.0.1';
/** Counted in Redis like production, never reached: every grant pays for counting, none is refused. */
const UNREACHED_RATE = '1000000/s';

export interface GrantClients {
  /** client_secret_post form body. */
  secretBody: string;
  jwt: { id: string; kid: string; key: CryptoKey };
}

/** The bench app plus one client of each authentication, written under `prefix`. */
export async function provisionGrantClients(redis: Redis, prefix: string): Promise<GrantClients> {
  const store = new RedisStore(redis, prefix);
  const clients = new RedisClientStore(store);
  const now = Date.now();
  await store.createApp({ id: BENCH_APP, name: 'Benchmark', scopes: [BENCH_SCOPE], origins: [], createdAt: now });
  const common = {
    app: BENCH_APP, type: 'service' as const, role: 'bench', scopes: [BENCH_SCOPE], tokenTtl: 3_600_000,
    maxActiveTokens: 1_000_000, assertionMaxLifetime: 600_000, onTokenCap: 'reject' as const, createdBy: 'bench', createdAt: now,
  };
  const secret = generateSecret('clientSecret');
  await clients.createClient({ ...common, id: 'bench-secret', name: 'bench-secret', auth: 'client_secret', secretHash: hashSecret(secret) });
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = 'bench-es256';
  await clients.createClient({ ...common, id: 'bench-jwt', name: 'bench-jwt', auth: 'private_key_jwt', jwks: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  return {
    secretBody: `grant_type=client_credentials&client_id=bench-secret&client_secret=${encodeURIComponent(secret)}`,
    jwt: { id: 'bench-jwt', kid, key: privateKey },
  };
}

/** `count` fresh assertions, each with its own jti. */
export async function signAssertions(jwt: GrantClients['jwt'], count: number): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: jwt.kid }).setIssuer(jwt.id).setSubject(jwt.id)
      .setAudience(ISSUER).setIssuedAt().setExpirationTime('5m').setJti(randomUUID()).sign(jwt.key));
  }
  return lines;
}

/** A file of assertions, one a line, for wrk to rotate through. */
export function assertionFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-grant-jwt-')), 'assertions.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export const ASSERTION_TEMPLATE = `grant_type=client_credentials&client_assertion_type=${JWT_BEARER}&client_assertion={}`;

/** tollgate from the checkout at `root` (its dist/ built), rate limits counted but never reached. */
export function startBuild(root: string, o: { redisUrl: string; prefix: string; upstream: string; nodeArgs?: string[] }): Promise<Server> {
  const config = tollgateConfig({
    redisUrl: o.redisUrl, prefix: o.prefix, upstream: o.upstream,
    extra: { tokenEndpoint: { rateLimit: { perClient: UNREACHED_RATE, perIp: UNREACHED_RATE } } },
  });
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-grant-config-')), 'tollgate.yaml');
  writeFileSync(file, stringify(config));
  return startProcess(`tollgate ${root}`, process.execPath, [...(o.nodeArgs ?? []), join(root, 'dist/cli/index.js'), 'serve', '--config', file], {}, (line) => {
    if (!line.includes('tollgate listening')) return null;
    return (JSON.parse(line) as { urls: { main: string } }).urls.main;
  });
}

/** One grant of each kind must answer 200 before anything is timed. */
export async function checkGrants(server: Server, clients: GrantClients): Promise<void> {
  const url = `${server.url}/oauth/token`;
  const [assertion] = await signAssertions(clients.jwt, 1);
  for (const body of [clients.secretBody, ASSERTION_TEMPLATE.replace('{}', assertion!)]) {
    const res = await fetch(url, { method: 'POST', headers: FORM, body });
    if (res.status !== 200) throw new Error(`${server.name}: a grant answered ${res.status}: ${await res.text()}`);
  }
}
