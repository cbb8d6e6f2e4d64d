/**
 * A real Prometheus (Debian's package) scrapes a real tollgate under a little traffic, then every
 * query of the shipped Grafana dashboard runs through Prometheus's HTTP API and must return data.
 * A panel whose query comes back empty is a bug in the query or a metric tollgate does not export.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/tokens/format.js';
import { locate, requireTools, TOOLS } from '../helpers/debian-tool.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { basic, createClient, postForm } from '../helpers/oauth.js';
import { freePort, startRedisServer, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const HAVE_PROMETHEUS = requireTools('the dashboard test against a real Prometheus', TOOLS.prometheus);
const JOB = 'tollgate';
/** Grafana's variables, as Grafana would fill them in for a 1 s scrape interval and the `tollgate` job. */
const VARIABLES: Record<string, string> = { $__rate_interval: '1m', $job: JOB };

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string; refId: string }[];
}
const dashboard = JSON.parse(readFileSync('deploy/grafana/tollgate-dashboard.json', 'utf8')) as { panels: Panel[] };
const queries = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((t) => ({ name: `${panel.title} [${t.refId}]`, expr: t.expr.replace(/\$__rate_interval|\$job/g, (v) => VARIABLES[v]!) })),
);

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

let redis: RedisServer;
let upstream: TestUpstream;
let gw: TestGateway;
let prometheus: ChildProcess;
let promUrl: string;
let dataDir: string;
let traffic: Promise<void> | undefined;
let stopTraffic = false;

async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: Sample[] } }> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await res.json()) as { status: string; error?: string; data?: { result: Sample[] } };
}

/** The numbers a query returns now; NaN (a quantile of nothing) does not count as data. */
async function values(expr: string): Promise<number[]> {
  const answer = await query(expr);
  if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
  return answer.data!.result.map((s) => Number(s.value[1])).filter((v) => !Number.isNaN(v));
}

async function startPrometheus(target: string): Promise<void> {
  const port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'tg-prometheus-'));
  const config = join(dataDir, 'prometheus.yml');
  writeFileSync(config, `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: ${JOB}\n    static_configs: [{ targets: ['${target}'] }]\n`);
  prometheus = spawn(
    locate(TOOLS.prometheus)!,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dataDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  promUrl = `http://127.0.0.1:${port}`;
  await waitUntil('Prometheus to be ready', () => fetch(`${promUrl}/-/ready`).then((r) => r.ok, () => false), 30_000);
}

/** One round of everything the dashboard shows: allowed, denied, rate-limited, upstream errors, tokens issued and refused, a revocation. */
async function round(good: string, clientSecret: { id: string; secret: string }, capped: { id: string; secret: string }): Promise<void> {
  const shop = (token?: string, path = '/shop/items') => fetch(`${gw.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).then((r) => r.arrayBuffer());
  await Promise.all([shop(good), shop(good), shop(), shop(generateSecret('api')), shop(good, '/shop/fail'), shop(good, '/limited/x'), shop(good, '/limited/x'), shop(good, '/limited/x')]);
  await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(clientSecret.id, clientSecret.secret) });
  await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(capped.id, capped.secret) });
  await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(clientSecret.id, 'wrong') });
  const made = await gw.admin('POST', '/apps/shop/tokens', { name: `short-${Date.now()}`, scopes: ['read'] });
  if (made.status === 201) {
    await shop(made.body.token);
    await gw.admin('DELETE', `/apps/shop/tokens/${made.body.id}`);
  }
}

beforeAll(async () => {
  if (!HAVE_PROMETHEUS) return;
  redis = await startRedisServer();
  upstream = await startUpstream((req, res) => {
    res.writeHead(req.url?.includes('fail') ? 500 : 200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  gw = await startTestGateway({
    store: { url: redis.url, timeout: '500ms' },
    routes: [
      { name: 'limited', match: { path: '/limited/*' }, upstream: upstream.url, app: 'shop', scopes: ['read'], rateLimit: { perToken: '2/m' } },
      { name: 'shop', match: { path: '/shop/*' }, upstream: upstream.url, app: 'shop', scopes: ['read'] },
    ],
  });
  expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'shop', scopes: ['read'] })).status).toBe(201);
  const good = (await gw.admin('POST', '/apps/shop/tokens', { name: 'good', scopes: ['read'] })).body.token as string;
  const open = await createClient(gw, 'shop', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 100_000 });
  const cap = await createClient(gw, 'shop', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 1 });
  await startPrometheus(new URL(gw.metricsUrl).host);
  await waitUntil('the first scrape', async () => (await values(`up{job="${JOB}"} == 1`)).length === 1, 30_000);
  traffic = (async () => {
    while (!stopTraffic) {
      await round(good, { id: open.client_id, secret: open.client_secret }, { id: cap.client_id, secret: cap.client_secret });
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
}, 90_000);

afterAll(async () => {
  stopTraffic = true;
  await traffic?.catch(() => undefined);
  prometheus?.kill('SIGTERM');
  if (prometheus && prometheus.exitCode === null) await new Promise((r) => prometheus.once('exit', r));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await gw?.close();
  await upstream?.close();
  await redis?.dispose();
});

describe('the Grafana dashboard', () => {
  it('has the panels an operator looks at first, each with a query', () => {
    const titles = dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.title);
    for (const topic of [/decisions by route, result and reason/i, /request latency p50 \/ p99/i, /auth latency/i, /upstream latency/i, /store up/i, /store errors/i, /503/, /cache hit ratio/i, /revocation propagation/i, /tokens issued/i, /rate-limited/i, /cpu/i, /memory/i]) {
      expect(titles.some((t) => topic.test(t)), String(topic)).toBe(true);
    }
    expect(dashboard.panels.filter((p) => p.type !== 'row').every((p) => (p.targets ?? []).length > 0)).toBe(true);
  });
});

describe.skipIf(!HAVE_PROMETHEUS)('the Grafana dashboard against a real Prometheus scraping tollgate', { timeout: 120_000 }, () => {
  it('every panel query parses and returns data once traffic and a store outage have been scraped', async () => {
    // Healthy traffic first, long enough for rates over two scrapes and a revocation or two.
    await expect.poll(() => values('sum(tollgate_revocation_propagation_seconds_count)'), { timeout: 30_000, interval: 500 }).toEqual([expect.any(Number)]);
    await expect.poll(async () => (await values('sum(increase(tollgate_tokens_issued_total[1m]))'))[0] ?? 0, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    // Then the store goes away: 503s, store errors and the gauge at 0 while the requests keep coming.
    await redis.stop();
    await expect.poll(() => values(`tollgate_store_up{job="${JOB}"} == 0`), { timeout: 30_000, interval: 500 }).toHaveLength(1);
    const empty: string[] = [];
    for (const q of queries) {
      const answer = await query(q.expr);
      expect(answer.status, `${q.name}: ${answer.error}`).toBe('success');
      try {
        await expect.poll(() => values(q.expr), { timeout: 15_000, interval: 500 }).not.toEqual([]);
      } catch {
        empty.push(`${q.name}: ${q.expr}`);
      }
    }
    expect(empty).toEqual([]);
  });
});
