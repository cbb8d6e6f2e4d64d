/**
 * `npm run bench`: the upstream hit directly, a raw node:http proxy (the Node floor), Express 5 +
 * http-proxy-middleware (the stack floor) and tollgate with a hot token, each in its own process,
 * driven by the same load from another process, interleaved over rounds; then the cold path, the
 * token endpoint and the scale figures. Prints the tables and writes bench/results/latest.md.
 *
 * Knobs: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_ROUNDS (3), BENCH_CONNECTIONS (50),
 * BENCH_COLD_TOKENS (30000), BENCH_SCALE_TOKENS (100000; 0 skips), BENCH_QUICK=1 (throughput rounds
 * only, nothing written), BENCH_REDIS_URL (default: a private redis-server, so command counts and
 * memory are the gateway's alone).
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runColdPath, type ColdResult } from './lib/cold-path.js';
import { publishReport, teardown } from './lib/finish.js';
import { generator, runLoad, type LoadSpec } from './lib/load.js';
import { cpuSeconds, memory, startScript, type Server } from './lib/processes.js';
import { benchPrefix, provision } from './lib/provision.js';
import { startRedis, type BenchRedis } from './lib/redis.js';
import { measureScale, type ScaleResult } from './lib/scale.js';
import { envNumber, fixed, median, spread, table } from './lib/stats.js';
import { startTollgate } from './lib/tollgate.js';
import { measureTokenEndpoint, type GrantResult } from './lib/token-endpoint.js';

const SECONDS = envNumber('BENCH_SECONDS', 10);
const WARMUP = envNumber('BENCH_WARMUP', 2);
const ROUNDS = envNumber('BENCH_ROUNDS', 3);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const COLD_TOKENS = envNumber('BENCH_COLD_TOKENS', 30_000);
const SCALE_TOKENS = process.env.BENCH_SCALE_TOKENS === '0' ? 0 : envNumber('BENCH_SCALE_TOKENS', 100_000);
const QUICK = process.env.BENCH_QUICK === '1';
const PATH = '/bench/items?page=1';
const script = (name: string) => fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url));

interface Target {
  name: string;
  server: Server;
  headers: Record<string, string>;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  cpuUs: number;
  redisPerReq: number;
  tripsPerReq: number;
  errors: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function measure(target: Target, connections: number, seconds: number, redis: BenchRedis): Promise<Sample> {
  const spec: LoadSpec = { url: `${target.server.url}${PATH}`, connections, seconds, headers: target.headers };
  const cpu0 = cpuSeconds(target.server.pid);
  const cmds0 = await redis.commands();
  const trips0 = redis.roundTrips();
  const result = await runLoad(spec);
  const cpu = cpuSeconds(target.server.pid) - cpu0;
  const trips = redis.roundTrips() - trips0;
  const cmds = (await redis.commands()) - cmds0;
  const requests = Math.max(1, result.requests);
  return { rps: result.rps, p50: result.p50ms, p99: result.p99ms, cpuUs: (cpu / requests) * 1e6, redisPerReq: cmds / requests, tripsPerReq: trips / requests, errors: result.errors };
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const prefix = benchPrefix();
  const servers: Server[] = [];
  try {
    const upstream = await startScript('upstream', script('upstream'), {});
    servers.push(upstream);
    const raw = await startScript('raw-proxy', script('raw-proxy'), { UPSTREAM: upstream.url });
    const express = await startScript('express-proxy', script('express-proxy'), { UPSTREAM: upstream.url });
    servers.push(raw, express);
    const p = await provision(redis.client, prefix);
    const tollgate = await startTollgate({ redisUrl: redis.url, prefix, upstream: upstream.url });
    servers.push(tollgate);

    const targets: Target[] = [
      { name: 'upstream (direct)', server: upstream, headers: {} },
      { name: 'raw node:http proxy', server: raw, headers: {} },
      { name: 'Express 5 + http-proxy-middleware', server: express, headers: {} },
      { name: 'tollgate (hot token)', server: tollgate, headers: { authorization: `Bearer ${p.hotToken}` } },
    ];
    for (const t of targets) {
      const res = await fetch(`${t.server.url}${PATH}`, { headers: t.headers });
      if (res.status !== 200) throw new Error(`${t.name} answered ${res.status} to the sanity request`);
    }

    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    const latency = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    log(`load generator: ${generator}; ${ROUNDS} rounds of ${SECONDS}s at ${CONNECTIONS} connections (+${WARMUP}s warm-up), interleaved`);
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const target of order) {
        await runLoad({ url: `${target.server.url}${PATH}`, connections: CONNECTIONS, seconds: WARMUP, headers: target.headers });
        const s = await measure(target, CONNECTIONS, SECONDS, redis);
        samples.get(target.name)!.push(s);
        log(`round ${round + 1} ${target.name}: ${fixed(s.rps)} req/s, p50 ${fixed(s.p50, 2)} ms, p99 ${fixed(s.p99, 2)} ms, ${fixed(s.cpuUs)} µs CPU/req, ${fixed(s.tripsPerReq, 4)} Redis round trips/req`);
        const l = await measure(target, 2, Math.max(2, SECONDS / 2), redis);
        latency.get(target.name)!.push(l);
        log(`round ${round + 1} ${target.name} @2 connections: p50 ${fixed(l.p50, 3)} ms, ${fixed(l.cpuUs)} µs CPU/req`);
      }
    }
    const tollgateMemory = memory(tollgate.pid);
    if (QUICK) return;

    log('cold path: first use of distinct tokens');
    const cold = await runColdPath({ lifecycle: p.lifecycle, url: `${tollgate.url}${PATH}`, tokens: COLD_TOKENS, connections: CONNECTIONS, seconds: Math.min(SECONDS, 5), redis });
    log('token endpoint');
    const grants = await measureTokenEndpoint({ redisUrl: redis.url, prefix, upstream: upstream.url, adminToken: p.adminToken, connections: CONNECTIONS, seconds: Math.min(SECONDS, 5) });
    let scale: ScaleResult | null = null;
    if (SCALE_TOKENS > 0) {
      log(`scale: ${SCALE_TOKENS} api tokens`);
      scale = await measureScale({ client: redis.client, lifecycle: p.lifecycle, store: p.store, tokens: SCALE_TOKENS, usedMemory: () => redis.usedMemory() });
    }

    const report = render(targets, samples, latency, tollgateMemory, cold, grants, scale, redis.url.includes('6379') ? 'shared' : 'private');
    publishReport('latest.md', report);
  } finally {
    await teardown(servers, redis, prefix);
  }
}

function render(targets: Target[], samples: Map<string, Sample[]>, latency: Map<string, Sample[]>, mem: { peakMiB: number; rssMiB: number }, cold: ColdResult, grants: GrantResult[] | string, scale: ScaleResult | null, redisKind: string): string {
  const m = (name: string, key: keyof Sample, from = samples) => median(from.get(name)!.map((s) => s[key]));
  const raw = 'raw node:http proxy';
  const express = 'Express 5 + http-proxy-middleware';
  const rows = targets.map((t) => [
    t.name,
    fixed(m(t.name, 'rps')),
    `±${fixed(spread(samples.get(t.name)!.map((s) => s.rps)))}%`,
    fixed(m(t.name, 'p50'), 2),
    fixed(m(t.name, 'p99'), 2),
    fixed(m(t.name, 'cpuUs')),
    t.name === 'upstream (direct)' ? '—' : `${fixed(m(t.name, 'rps') / m(raw, 'rps'), 2)}x`,
    t.name.startsWith('tollgate') ? fixed(m(t.name, 'tripsPerReq'), 4) : '—',
    t.name.startsWith('tollgate') ? fixed(m(t.name, 'redisPerReq'), 4) : '—',
    fixed(m(t.name, 'p50', latency), 3),
    String(samples.get(t.name)!.reduce((sum, s) => sum + s.errors, 0)),
  ]);
  const tg = 'tollgate (hot token)';
  const lines = [
    '# tollgate benchmark — latest run',
    '',
    `${new Date().toISOString().slice(0, 16)}Z · Node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}) · load: ${generator}, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS}s (+${WARMUP}s warm-up), interleaved · Redis: ${redisKind} redis-server on loopback`,
    '',
    'Every server runs in its own process; the load generator is another. Medians of rounds; ±spread is half the range of req/s across rounds.',
    'CPU µs/req is the server process only (utime+stime from /proc). p50 @2 is the median latency at 2 connections. Redis round trips are commands clients sent (MONITOR; a script call counts once); commands incl. in-script are INFO commandstats deltas, which also count what a Lua script runs.',
    '',
    table(['server', 'req/s', 'spread', 'p50 ms', 'p99 ms', 'CPU µs/req', 'vs raw proxy', 'Redis round trips/req', 'Redis cmds/req incl. in-script', 'p50 ms @2', 'errors'], rows),
    '',
    '## Ratios (the figures to quote)',
    '',
    `- tollgate / raw node:http proxy, req/s: **${fixed(m(tg, 'rps') / m(raw, 'rps'), 2)}x** (target ≥ 0.90x)`,
    `- tollgate / raw proxy, CPU per request: **${fixed(m(tg, 'cpuUs') / m(raw, 'cpuUs'), 2)}x** (target ≤ 1.15x)`,
    `- tollgate / Express + http-proxy-middleware, req/s: **${fixed(m(tg, 'rps') / m(express, 'rps'), 2)}x**`,
    `- p50 at 2 connections, tollgate − raw proxy: **${fixed(m(tg, 'p50', latency) - m(raw, 'p50', latency), 3)} ms** (target ≤ 0.2 ms)`,
    `- Redis commands sent per hot-token request: **${fixed(m(tg, 'tripsPerReq'), 4)}** (target ≤ 0.05; ${fixed(m(tg, 'redisPerReq'), 4)} counting the commands the touch script runs inside Redis)`,
    `- tollgate peak RSS: **${fixed(mem.peakMiB, 1)} MiB** (current ${fixed(mem.rssMiB, 1)} MiB)`,
    '',
    '## Cold path (first use of distinct tokens: a cache miss, one store read and one touch each)',
    '',
    table(['tokens used', 'req/s', 'vs hot', 'p50 ms', 'p99 ms', 'Redis round trips/req', 'Redis cmds/req incl. in-script', 'errors'], [[
      String(cold.requests) + (cold.wrapped ? ' (wrapped: some were second uses)' : ''),
      fixed(cold.rps), `${fixed(cold.rps / m(tg, 'rps'), 2)}x`, fixed(cold.p50, 2), fixed(cold.p99, 2), fixed(cold.tripsPerReq, 2), fixed(cold.redisPerReq, 2), String(cold.errors),
    ]]),
    '',
    '## Token endpoint (POST /oauth/token, client credentials)',
    '',
    typeof grants === 'string'
      ? grants
      : table(['client authentication', 'grants/s', 'vs raw proxy req/s', 'p50 ms', 'p99 ms', 'errors'], grants.map((g) => [g.name, fixed(g.rps), `${fixed(g.rps / m(raw, 'rps'), 2)}x`, fixed(g.p50, 2), fixed(g.p99, 2), String(g.errors)])),
    '',
    '## Scale',
    '',
    scale
      ? table(['figure', 'value'], [
          ['api tokens created', String(scale.tokens)],
          ['Redis memory per api token (INFO used_memory delta / tokens; record + app index + name index)', `${fixed(scale.bytesPerToken)} bytes`],
          ['list: first page of 100', `${fixed(scale.firstPageMs, 2)} ms`],
          ['list: median page of 100 across the whole walk', `${fixed(scale.medianPageMs, 2)} ms`],
          ['list: walk all pages of 500', `${fixed(scale.walkMs)} ms`],
        ])
      : 'skipped (BENCH_SCALE_TOKENS=0)',
    '',
    'Noise: the machine has 2 cores shared by the servers, the load generator and Redis (and, while this ran, other engineers\' test suites), so absolute numbers swing; compare the ratios and CPU per request, which are steadier.',
    '',
  ];
  return lines.join('\n');
}

await main();
