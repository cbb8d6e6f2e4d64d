import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
const cli = (args: string[], json = true) => runCli([...args, '--url', gw.adminUrl, ...(json ? ['--json'] : [])], { TOLLGATE_ADMIN_TOKEN: gw.adminToken });

beforeAll(async () => {
  gw = await startTestGateway({}, 'memory');
  await gw.admin('POST', '/apps', { id: 'app1', name: 'one', scopes: ['read'] });
});

afterAll(async () => gw.close());

describe('tollgate client / key / assertion', () => {
  it('client create, list, rotate and delete', async () => {
    const created = await cli(['client', 'create', '--app', 'app1', '--name', 'robot', '--role', 'ci', '--scopes', 'read', '--token-ttl', '10m', '--max-active-tokens', '3']);
    expect(created.code, created.stderr).toBe(0);
    const c = JSON.parse(created.stdout);
    expect(c).toMatchObject({ tokenTtl: 600, maxActiveTokens: 3, role: 'ci' });
    const listed = await cli(['client', 'list', '--app', 'app1'], false);
    expect(listed.stdout).toContain(c.client_id);
    expect(listed.stdout).not.toContain(c.client_secret);
    const rotated = await cli(['client', 'rotate', c.client_id, '--app', 'app1']);
    expect(JSON.parse(rotated.stdout).client_secret).toMatch(/^tg_s_/);
    expect((await cli(['client', 'delete', c.client_id, '--app', 'app1'])).code).toBe(0);
    const again = await cli(['client', 'delete', c.client_id, '--app', 'app1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/404/);
  });

  it('prints the secret once in human output, with a warning', async () => {
    const created = await cli(['client', 'create', '--app', 'app1', '--name', 'h', '--role', 'ci'], false);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/client_secret: tg_s_/);
    expect(created.stdout).toMatch(/only time/);
  });

  it('rejects a tokenTtl under 60 s with a clear message', async () => {
    const res = await cli(['client', 'create', '--app', 'app1', '--name', 'x', '--role', 'ci', '--token-ttl', '30s']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/tokenTtl: must be at least 60 seconds/);
  });

  it('key create, list and revoke', async () => {
    const k = JSON.parse((await cli(['key', 'create', '--app', 'app1', '--name', 'k'])).stdout);
    expect(k.key).toMatch(/^tg_k_/);
    const listed = JSON.parse((await cli(['key', 'list', '--app', 'app1'])).stdout);
    expect(listed.map((x: any) => x.id)).toContain(k.id);
    expect((await cli(['key', 'revoke', k.id, '--app', 'app1'])).code).toBe(0);
  });

  it('assertion: usage errors exit 2 with a message', async () => {
    expect((await runCli(['assertion', '--sub', 'x', '--key-base64', 'bm90IGEga2V5', '--aud', 'https://a'])).stderr).toMatch(/PKCS#8/);
    const noAud = await runCli(['assertion', '--sub', 'x', '--key-base64', 'bm90IGEga2V5'], { TOLLGATE_ISSUER: '' });
    expect(noAud.code).toBe(2);
    expect(noAud.stderr).toMatch(/audience/);
    expect((await runCli(['assertion', '--key-base64', 'abc'])).code).toBe(2);
  });

  it('assertion: signs with the key type\'s algorithm and the gateway\'s kid', async () => {
    const c = JSON.parse((await cli(['client', 'create', '--app', 'app1', '--name', 'j', '--role', 'ci', '--auth', 'private_key_jwt'])).stdout);
    const out = await runCli(['assertion', '--sub', c.client_id, '--key-base64', c.client_key, '--aud', 'https://issuer.example', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const { assertion, kid, alg } = JSON.parse(out.stdout);
    expect(kid).toBe(c.kid);
    expect(alg).toBe('ES256');
    const [header, payload] = assertion.split('.').slice(0, 2).map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'ES256', kid: c.kid });
    expect(payload).toMatchObject({ iss: c.client_id, sub: c.client_id, aud: 'https://issuer.example' });
    expect(payload.exp - payload.iat).toBe(300);
    expect(payload.jti).toBeTruthy();
    const wrongAlg = await runCli(['assertion', '--sub', c.client_id, '--key-base64', c.client_key, '--aud', 'https://a', '--alg', 'RS256']);
    expect(wrongAlg.code).toBe(2);
  });
});
