/**
 * `npm run bench`: the upstream hit directly, a raw node:http proxy (the Node floor), Express 5 +
 * http-proxy-middleware, tollgate with a hot token, tollgate on the cold path (a token it has never
 * seen on every request) and tollgate with two workers, each in its own process, driven by wrk from
 * another, in interleaved rounds (the order reverses every round); then the token endpoint and the
 * scale figures. Figures are medians of rounds. The report is refused when the upstream alone is not
 * at least 3x the raw proxy: then the load generator or the machine, not the servers, set the pace.
 *
 * Knobs: BENCH_SECONDS (4, per round and config), BENCH_ROUNDS (5), BENCH_WARMUP (10; tollgate's JIT needs
 * several seconds of full load on a 2-core machine before it runs at its steady rate, the raw proxy fewer),
 * BENCH_CONNECTIONS (50), BENCH_COLD_TOKENS (20000 per round), BENCH_WORKERS (2; 1 skips that row),
 * BENCH_SCALE_TOKENS (100000; 0 skips), BENCH_SCALE_LAYOUTS (v2,v3: store.recordLayout of each scale run), BENCH_QUICK=1 (rounds only, nothing written),
 * BENCH_REDIS_URL (default: a private redis-server, so command counts and memory are the gateway's alone).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import type { RecordLayout } from '../src/store/token-hash.js';
import { publishReport, teardown } from './lib/finish.js';
import { Refusal, requireWrk, runLoad, type LoadSpec } from './lib/load.js';
import { cpuSeconds, memory, startScript, type Server } from './lib/processes.js';
import { BENCH_APP, benchPrefix, issueMany, provision } from './lib/provision.js';
import { startRedis, type BenchRedis } from './lib/redis.js';
import { renderReport, TARGETS, type Sample, type Target } from './lib/report.js';
import { measureScale, type ScaleResult } from './lib/scale.js';
import { envNumber, fixed, median } from './lib/stats.js';
import { startTollgate } from './lib/tollgate.js';
import { measureTokenEndpoint } from './lib/token-endpoint.js';

const SECONDS = envNumber('BENCH_SECONDS', 4);
const WARMUP = envNumber('BENCH_WARMUP', 10);
const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const COLD_TOKENS = envNumber('BENCH_COLD_TOKENS', 20_000);
const WORKERS = envNumber('BENCH_WORKERS', 2);
const SCALE_TOKENS = process.env.BENCH_SCALE_TOKENS === '0' ? 0 : envNumber('BENCH_SCALE_TOKENS', 100_000);
const SCALE_LAYOUTS = (process.env.BENCH_SCALE_LAYOUTS ?? 'v2,v3').split(',') as RecordLayout[];
const QUICK = process.env.BENCH_QUICK === '1';
/** The upstream alone must outrun the raw proxy by this much, or the bench is not measuring the proxies. */
const MIN_HEADROOM = 3;
const PATH = '/bench/items?page=1';
const script = (name: string) => fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

async function measure(target: Target, spec: Omit<LoadSpec, 'url'>, redis: BenchRedis): Promise<Sample> {
  const cpu0 = cpuSeconds(target.server.pid);
  const cmds0 = await redis.commands();
  const trips0 = redis.roundTrips();
  const result = await runLoad({ ...spec, url: `${target.server.url}${PATH}` });
  const cpu = cpuSeconds(target.server.pid) - cpu0;
  const trips = redis.roundTrips() - trips0;
  const cmds = (await redis.commands()) - cmds0;
  const requests = Math.max(1, result.requests);
  return { rps: result.rps, p50: result.p50ms, p99: result.p99ms, cpuUs: (cpu / requests) * 1e6, redisPerReq: cmds / requests, tripsPerReq: trips / requests, errors: result.errors, requests: result.requests };
}

/** Every target answers 200 with the upstream's exact body before it is timed; tollgate refuses a request without a token. */
async function sanityCheck(targets: Target[], upstream: Server): Promise<void> {
  const expected = await (await fetch(`${upstream.url}${PATH}`)).text();
  for (const t of targets) {
    const res = await fetch(`${t.server.url}${PATH}`, { headers: t.headers ?? {} });
    const body = await res.text();
    if (res.status !== 200 || body !== expected) throw new Error(`${t.name} answered ${res.status} ${body.slice(0, 200)} to the sanity request`);
    if (t.name.startsWith('tollgate')) {
      const anonymous = await fetch(`${t.server.url}${PATH}`);
      if (anonymous.status !== 401) throw new Error(`${t.name} answered ${anonymous.status} without a token`);
    }
  }
}

/** One file of never-used tokens per round and one for the warm-up (the last), so every cold-path request is a cache miss. */
async function coldTokenFiles(p: Awaited<ReturnType<typeof provision>>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-cold-'));
  const files: string[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const tokens = await issueMany(p.lifecycle, COLD_TOKENS, 'access', BENCH_APP);
    files.push(join(dir, `round${round}.txt`));
    writeFileSync(files[round]!, `${tokens.join('\n')}\n`);
  }
  return files;
}

async function main(): Promise<void> {
  const wrk = requireWrk();
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
    const hot = { authorization: `Bearer ${p.hotToken}` };
    const targets: Target[] = [
      { name: TARGETS.direct, server: upstream },
      { name: TARGETS.raw, server: raw },
      { name: TARGETS.express, server: express },
      { name: TARGETS.hot, server: tollgate, headers: hot },
    ];
    if (WORKERS > 1) {
      const clustered = await startTollgate({ redisUrl: redis.url, prefix, upstream: upstream.url, workers: WORKERS });
      servers.push(clustered);
      targets.push({ name: `${TARGETS.hot}, ${WORKERS} workers`, server: clustered, headers: hot });
    }
    await sanityCheck(targets, upstream);
    log(`${wrk}: cold-path tokens, ${ROUNDS} x ${COLD_TOKENS}`);
    const coldFiles = await coldTokenFiles(p);
    // A process of its own: the cold rounds leave ~100k records in the cache, and the hot-token figure would
    // then measure a gateway carrying them (its old generation and LRU map) instead of one hot token.
    const cold = await startTollgate({ redisUrl: redis.url, prefix, upstream: upstream.url });
    servers.push(cold);
    targets.push({ name: TARGETS.cold, server: cold, rotate: (round) => ({ file: coldFiles[round]!, header: 'Authorization', template: 'Bearer {}' }) });

    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    const latency = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    const spec = (t: Target, round: number, connections: number, seconds: number) => ({ connections, seconds, ...(t.headers ? { headers: t.headers } : {}), ...(t.rotate ? { rotate: t.rotate(round) } : {}) });
    log(`${wrk}: ${ROUNDS} interleaved rounds of ${SECONDS}s per config at ${CONNECTIONS} connections, then ${SECONDS}s at 2 connections; ${WARMUP}s warm-up each`);
    for (const t of targets) await runLoad({ ...spec(t, ROUNDS, CONNECTIONS, WARMUP), url: `${t.server.url}${PATH}` });
    const loadBefore = loadavg()[0]!;
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const s = await measure(t, spec(t, round, CONNECTIONS, SECONDS), redis);
        samples.get(t.name)!.push(s);
        // The cold path's tokens are spent by the run above; its latency at 2 connections would be a hot one.
        const l = t.rotate ? null : await measure(t, spec(t, round, 2, SECONDS), redis);
        if (l) latency.get(t.name)!.push(l);
        log(`round ${round + 1} ${t.name}: ${fixed(s.rps)} req/s, ${fixed(s.cpuUs)} µs CPU/req, p50 ${fixed(s.p50, 2)} ms${l ? `, p50 @2 ${fixed(l.p50, 3)} ms` : ''}, ${fixed(s.redisPerReq, 4)} Redis cmds/req, ${s.errors} errors`);
      }
    }
    const load = [loadBefore, loadavg()[0]!];
    const headroom = median(samples.get(TARGETS.direct)!.map((s) => s.rps)) / median(samples.get(TARGETS.raw)!.map((s) => s.rps));
    if (!(headroom >= MIN_HEADROOM)) {
      throw new Refusal(
        `refusing to report: the upstream alone reached only ${fixed(headroom, 2)}x the raw proxy's req/s (needs >= ${MIN_HEADROOM}x). ` +
          'The load generator or a busy machine, not the proxies, set the pace in this run; nothing was written. Run again on a quiet machine.',
      );
    }
    const tollgateMemory = memory(tollgate.pid);
    if (QUICK) return;

    log('token endpoint');
    const grants = await measureTokenEndpoint({ redisUrl: redis.url, prefix, upstream: upstream.url, adminToken: p.adminToken, connections: CONNECTIONS, seconds: SECONDS });
    const scale: ScaleResult[] = [];
    // What an operator's keys cost: the default key prefix on the bench's own Redis (it is discarded); a shared one keeps the run's prefix.
    const scalePrefix = process.env.BENCH_REDIS_URL ? prefix : parseConfig({}).store.keyPrefix;
    for (const layout of SCALE_TOKENS > 0 ? SCALE_LAYOUTS : []) {
      log(`scale: ${SCALE_TOKENS} api tokens, store.recordLayout ${layout}, key prefix ${scalePrefix}`);
      scale.push(await measureScale({ client: redis.client, prefix: scalePrefix, layout, tokens: SCALE_TOKENS, usedMemory: () => redis.usedMemory() }));
    }
    const setup = { wrk, connections: CONNECTIONS, rounds: ROUNDS, seconds: SECONDS, warmup: WARMUP, redis: process.env.BENCH_REDIS_URL ? 'shared' : 'private', headroom, coldTokens: COLD_TOKENS, load };
    publishReport('latest.md', renderReport({ setup, targets, samples, latency, memory: tollgateMemory, grants, scale }));
  } finally {
    await teardown(servers, redis, prefix);
  }
}

// A refusal (no wrk, too little headroom) is a sentence for the operator, not a stack trace.
await main().catch((err: unknown) => {
  if (!(err instanceof Refusal)) throw err;
  log(err.message);
  process.exitCode = 1;
});
