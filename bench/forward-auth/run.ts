/**
 * Forward-auth against the proxy path (issue 14): decisions/s of tollgate's decision endpoint (asked as nginx
 * auth_request asks it: X-Original-URI/-Method and the bearer token, no body) against requests/s through
 * tollgate proxying to the upstream, and, with Debian's nginx, nginx auth_request in front of tollgate (the
 * repository's examples/forward-auth/nginx.conf) against tollgate proxying. Every server is its own process
 * driven by wrk; rounds interleave and reverse order; figures are medians. CPU per request is read from /proc
 * for the tollgate process (and nginx's master + worker), so it holds on a noisy machine where req/s swing.
 *
 *   npm run build && npx tsx bench/forward-auth/run.ts      (needs wrk, redis-server; nginx for its rows)
 * Knobs: BENCH_SECONDS (4), BENCH_ROUNDS (5), BENCH_WARMUP (2), BENCH_CONNECTIONS (50).
 * Writes bench/forward-auth/results.md.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { teardown } from '../lib/finish.js';
import { requireWrk, runLoad } from '../lib/load.js';
import { cpuSeconds, startScript } from '../lib/processes.js';
import { benchPrefix, provision } from '../lib/provision.js';
import { startRedis } from '../lib/redis.js';
import { envNumber, fixed, median, spread, table } from '../lib/stats.js';
import { startTollgate } from '../lib/tollgate.js';
import { locate, TOOLS } from '../../test/helpers/debian-tool.js';
import { startNginx } from '../../test/helpers/nginx.js';

const SECONDS = envNumber('BENCH_SECONDS', 4);
const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const WARMUP = envNumber('BENCH_WARMUP', 2);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const PATH = '/bench/items?page=1';
const VERIFY = '/auth/verify';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** Processes whose CPU is charged to this target: tollgate first, then the ingress if any. */
  pids: number[];
}
interface Sample {
  rps: number;
  p50: number;
  /** CPU µs per request, per process in `pids`. */
  cpuUs: number[];
  errors: number;
}

async function measure(t: Target, seconds: number): Promise<Sample> {
  const before = t.pids.map(cpuSeconds);
  const r = await runLoad({ url: t.url, connections: CONNECTIONS, seconds, headers: t.headers });
  const requests = Math.max(1, r.requests);
  return { rps: r.rps, p50: r.p50ms, cpuUs: t.pids.map((pid, i) => ((cpuSeconds(pid) - before[i]!) / requests) * 1e6), errors: r.errors };
}

/** Every target answers 200 before it is timed, and the decision endpoint refuses a request without a token. */
async function sanityCheck(targets: Target[], decision: Target): Promise<void> {
  for (const t of targets) {
    const res = await fetch(t.url, { headers: t.headers });
    if (res.status !== 200) throw new Error(`${t.name} answered ${res.status} to the sanity request`);
  }
  const { authorization: _, ...anonymous } = decision.headers;
  const refused = await fetch(decision.url, { headers: anonymous });
  if (refused.status !== 401) throw new Error(`the decision endpoint answered ${refused.status} without a token`);
}

function report(targets: Target[], samples: Map<string, Sample[]>, proxyName: string, wrk: string): string {
  const med = (name: string, pick: (s: Sample) => number) => median(samples.get(name)!.map(pick));
  // Rounds run back to back, so a ratio within one round shares that round's noise; its median is the figure.
  const ratio = (name: string, pick: (s: Sample) => number) => median(samples.get(name)!.map((s, round) => pick(s) / pick(samples.get(proxyName)![round]!)));
  const rows = targets.map((t) => [
    t.name,
    fixed(med(t.name, (s) => s.rps)),
    `±${fixed(spread(samples.get(t.name)!.map((s) => s.rps)))}%`,
    `${fixed(ratio(t.name, (s) => s.rps), 2)}x`,
    fixed(med(t.name, (s) => s.cpuUs[0]!), 1),
    `${fixed(ratio(t.name, (s) => s.cpuUs[0]!), 2)}x`,
    t.pids.length > 1 ? fixed(med(t.name, (s) => s.cpuUs[1]!), 1) : '—',
    fixed(med(t.name, (s) => s.p50), 2),
    String(samples.get(t.name)!.reduce((n, s) => n + s.errors, 0)),
  ]);
  return [
    '# Forward-auth against the proxy path',
    '',
    `${new Date().toISOString()} · ${wrk}, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS}s (order reversed every round), ${WARMUP}s warm-up · one tollgate process (hot token, Redis store) · medians`,
    '',
    table(['target', 'req/s', 'spread', 'req/s vs proxy', 'tollgate CPU µs/req', 'CPU vs proxy', 'nginx CPU µs/req', 'p50 ms', 'errors'], rows),
    '',
    `"vs proxy": the median of per-round ratios against "${proxyName}". The decision endpoint answers an empty 200 with the identity headers; the proxy path`,
    'also forwards to the upstream and streams its answer back. Through nginx, tollgate only decides and nginx forwards.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const wrk = requireWrk();
  const redis = await startRedis();
  const prefix = benchPrefix();
  const servers: { stop(): Promise<unknown> }[] = [];
  try {
    const upstream = await startScript('upstream', fileURLToPath(new URL('../servers/upstream.ts', import.meta.url)), {});
    servers.push(upstream);
    const p = await provision(redis.client, prefix);
    const extra = { forwardAuth: { ingress: 'nginx', path: VERIFY }, listen: { host: '127.0.0.1', port: 0, metricsPort: 0, trustedProxies: ['127.0.0.1'] } };
    const tollgate = await startTollgate({ redisUrl: redis.url, prefix, upstream: upstream.url, extra });
    servers.push(tollgate);
    const hot = { authorization: `Bearer ${p.hotToken}` };
    const proxy: Target = { name: 'tollgate proxying', url: `${tollgate.url}${PATH}`, headers: hot, pids: [tollgate.pid] };
    const decision: Target = { name: 'decision endpoint (/auth/verify)', url: `${tollgate.url}${VERIFY}`, headers: { ...hot, 'x-original-uri': PATH, 'x-original-method': 'GET' }, pids: [tollgate.pid] };
    const targets = [proxy, decision];
    if (locate(TOOLS.nginx)) {
      const nginx = await startNginx({ tollgate: Number(new URL(tollgate.url).port), app: Number(new URL(upstream.url).port) });
      servers.push(nginx);
      targets.push({ name: 'nginx auth_request → tollgate, nginx forwarding', url: `${nginx.url}${PATH}`, headers: hot, pids: [tollgate.pid, nginx.pid] });
    } else {
      log('nginx not installed (apt-get install -y nginx-light): its row is left out');
    }
    await sanityCheck(targets, decision);
    for (const t of targets) await runLoad({ url: t.url, connections: CONNECTIONS, seconds: WARMUP, headers: t.headers });
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const s = await measure(t, SECONDS);
        samples.get(t.name)!.push(s);
        log(`round ${round + 1} ${t.name}: ${fixed(s.rps)} req/s, ${s.cpuUs.map((c) => fixed(c, 1)).join(' + ')} µs CPU/req, p50 ${fixed(s.p50, 2)} ms, ${s.errors} errors`);
      }
    }
    const text = report(targets, samples, proxy.name, wrk);
    writeFileSync(fileURLToPath(new URL('./results.md', import.meta.url)), text);
    process.stdout.write(text);
  } finally {
    await teardown(servers, redis, prefix);
  }
}

await main();
