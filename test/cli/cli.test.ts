import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));

describe('tollgate config check', () => {
  it('accepts the shipped example with exit 0', async () => {
    const result = await runCli(['config', 'check', 'config/tollgate.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid (4 routes');
  });

  it('lists every problem with its path and exits 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'listen: { port: nope }\nroutes:\n  - name: a\n    match: { path: /a/* }\n    upstream: http://x\n    scopes: reporting\n');
    const result = await runCli(['config', 'check', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('listen.port:');
    expect(result.stderr).toContain('routes[0].scopes: expected array');
    const json = await runCli(['config', 'check', file, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).problems.length).toBeGreaterThanOrEqual(2);
  });

  it('exits 2 for a missing file', async () => {
    const result = await runCli(['config', 'check', join(dir, 'missing.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ENOENT');
  });
});

describe('tollgate serve, admin bootstrap, app and token commands against Redis', () => {
  const prefix = uniquePrefix('cli');
  let upstream: TestUpstream;
  let serve: ServeProcess;
  let url: string;
  let env: Record<string, string>;
  let configFile: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    configFile = join(dir, 'tollgate.yaml');
    writeFileSync(configFile, [
      'listen: { host: 127.0.0.1, port: 0, metricsPort: 0 }',
      `store: { url: "${REDIS_URL}", keyPrefix: "${prefix}" }`,
      'routes:',
      '  - name: reports',
      '    match: { path: /reports/* }',
      `    upstream: ${upstream.url}`,
      '    app: cli-app',
      '    scopes: [reporting]',
    ].join('\n'));
    serve = startServe(['--config', configFile]);
    const m = await serve.waitFor(/"main":"(http:\/\/[^"]+)"/);
    url = m[1]!;
    const boot = await runCli(['admin', 'bootstrap', '--config', configFile, '--json']);
    expect(boot.code).toBe(0);
    env = { TOLLGATE_ADMIN_TOKEN: JSON.parse(boot.stdout).token, TOLLGATE_URL: url };
  });

  afterAll(async () => {
    expect(await serve.stop()).toBe(0);
    await upstream.close();
    await cleanupPrefix(prefix);
  });

  it('bootstrap prints the token once in human form too', async () => {
    const result = await runCli(['admin', 'bootstrap', '--config', configFile, '--name', 'second-admin']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\n\s+tg_a_[A-Za-z0-9_-]{49}\n/);
  });

  it('creates an app and a token, the token opens the route, list hides it, revoke closes it', async () => {
    const app = await runCli(['app', 'create', 'cli-app', '--name', 'CLI app', '--scopes', 'reporting,user.mgmt', '--json'], env);
    expect(app.code).toBe(0);
    const created = await runCli(['token', 'create', '--app', 'cli-app', '--name', 'ci', '--scopes', 'reporting', '--json'], env);
    expect(created.code).toBe(0);
    const token = JSON.parse(created.stdout);
    expect(token.token).toMatch(/^tg_a_/);
    expect((await fetch(`${url}/reports/x`, { headers: { authorization: `Bearer ${token.token}` } })).status).toBe(200);

    const listed = await runCli(['token', 'list', '--app', 'cli-app'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(token.id);
    expect(listed.stdout).not.toContain(token.token);

    const revoked = await runCli(['token', 'revoke', token.id, '--app', 'cli-app'], env);
    expect(revoked.code).toBe(0);
    expect((await fetch(`${url}/reports/x`, { headers: { authorization: `Bearer ${token.token}` } })).status).toBe(401);
  });

  it('reports API errors with exit 1 and a clear message', async () => {
    const result = await runCli(['token', 'create', '--app', 'cli-app', '--name', 'greedy', '--scopes', 'nope'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"nope" is not a scope of app "cli-app"');
  });

  it('exits 2 without an admin token and 3 when the gateway is unreachable', async () => {
    const noToken = await runCli(['app', 'list'], { TOLLGATE_ADMIN_TOKEN: '', TOLLGATE_URL: url });
    expect(noToken.code).toBe(2);
    const down = await runCli(['app', 'list', '--url', 'http://127.0.0.1:1'], env);
    expect(down.code).toBe(3);
  });

  it('refuses bootstrap on the memory store with a pointer to what to do', async () => {
    const file = join(dir, 'memory.yaml');
    writeFileSync(file, 'store: { driver: memory }\n');
    const result = await runCli(['admin', 'bootstrap', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('serve --demo');
  });
});

describe('tollgate serve --demo (the README\'s first command)', () => {
  it('prints a working token and curl line, and exits 0 on SIGTERM', async () => {
    const demo = startServe(['--demo'], { PORT: '0', METRICS_PORT: '0' });
    try {
      const m = await demo.waitFor(/curl -i -H "Authorization: Bearer (tg_a_\S+)" (http:\/\/\S+)/);
      const res = await fetch(m[2]!, { headers: { authorization: `Bearer ${m[1]}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { identity: Record<string, string> }).identity['x-auth-app']).toBe('demo');
      expect((await fetch(m[2]!)).status).toBe(401);
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  });
});
