/** The bench's markdown report: medians of interleaved rounds, ratios within each round, and issue 16's targets. */
import { cpus } from 'node:os';
import type { LoadSpec } from './load.js';
import type { Server } from './processes.js';
import type { ScaleResult } from './scale.js';
import { fixed, median, table } from './stats.js';
import type { GrantResult } from './token-endpoint.js';

export const TARGETS = {
  direct: 'upstream (direct)',
  raw: 'raw node:http proxy',
  express: 'Express 5 + http-proxy-middleware',
  hot: 'tollgate (hot token)',
  cold: 'tollgate (cold path: a cache miss per request)',
} as const;

export interface Target {
  name: string;
  server: Server;
  headers?: Record<string, string>;
  /** A fresh token file per round (the cold path). */
  rotate?: (round: number) => NonNullable<LoadSpec['rotate']>;
}

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  cpuUs: number;
  redisPerReq: number;
  tripsPerReq: number;
  errors: number;
  requests: number;
}

export interface ReportInput {
  setup: { wrk: string; connections: number; rounds: number; seconds: number; warmup: number; redis: string; headroom: number; coldTokens: number; load: number[] };
  targets: Target[];
  samples: Map<string, Sample[]>;
  latency: Map<string, Sample[]>;
  memory: { peakMiB: number; rssMiB: number };
  grants: GrantResult[] | string;
  scale: ScaleResult[];
}

export function renderReport(o: ReportInput): string {
  const of = (name: string, from = o.samples) => from.get(name) ?? [];
  const m = (name: string, key: keyof Sample, from = o.samples) => median(of(name, from).map((s) => s[key]));
  /** Median of the per-round ratios of req/s to another target's in the same round, with their min–max. */
  const ratio = (name: string, base: string) => {
    const per = of(name).map((s, i) => s.rps / (of(base)[i]?.rps ?? NaN));
    return `${fixed(median(per), 2)}x (${fixed(Math.min(...per), 2)}–${fixed(Math.max(...per), 2)})`;
  };
  const workersRow = o.targets.find((t) => t.name.startsWith(`${TARGETS.hot},`))?.name;
  const rows = o.targets.map((t) => [
    t.name,
    fixed(m(t.name, 'rps')),
    t.name === TARGETS.direct ? '—' : ratio(t.name, TARGETS.raw),
    fixed(m(t.name, 'cpuUs')),
    fixed(m(t.name, 'p50'), 2),
    fixed(m(t.name, 'p99'), 2),
    t.rotate ? '—' : fixed(m(t.name, 'p50', o.latency), 3),
    t.name.startsWith('tollgate') ? `${fixed(m(t.name, 'tripsPerReq'), 4)} / ${fixed(m(t.name, 'redisPerReq'), 4)}` : '—',
    String(of(t.name).reduce((sum, s) => sum + s.errors, 0)),
  ]);
  const cold = of(TARGETS.cold);
  const wrapped = cold.some((s) => s.requests > o.setup.coldTokens);
  const p50Extra = m(TARGETS.hot, 'p50', o.latency) - m(TARGETS.raw, 'p50', o.latency);
  const s = o.setup;
  return [
    '# tollgate benchmark — latest run',
    '',
    `${new Date().toISOString().slice(0, 16)}Z · Node ${process.version} · ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}) · ${s.wrk}, -t1 -c${s.connections}, ${s.rounds} interleaved rounds × ${s.seconds}s per config (order reversed every round, ${s.warmup}s warm-up each) · Redis: ${s.redis} redis-server on loopback`,
    '',
    `Every server runs in its own process; wrk is another. Figures are medians of rounds. "vs raw proxy" and the other req/s ratios are the median of the per-round ratios (both measured in the same round) and, in parentheses, the lowest and highest of them; the CPU ratio is of the medians. CPU µs/req is utime+stime of the server's processes (a clustered tollgate: primary and workers) per request. p50 @2 is the median latency at 2 connections. Redis: commands clients sent (round trips) / commands run including those inside Lua scripts, per request. Headroom check: the upstream alone ran at ${fixed(s.headroom, 1)}x the raw proxy (the bench refuses to report below 3x). Machine load average (1 min) before and after the rounds: ${s.load.map((l) => fixed(l, 1)).join(' → ')} on ${cpus().length} CPUs; far above the CPU count means other work shared the cores and the figures are noise.`,
    '',
    table(['server', 'req/s', 'vs raw proxy', 'CPU µs/req', 'p50 ms', 'p99 ms', 'p50 ms @2', 'Redis sent / run per req', 'errors'], rows),
    '',
    '## Issue 16 targets',
    '',
    `- tollgate hot / raw proxy, req/s: **${ratio(TARGETS.hot, TARGETS.raw)}** (target ≥ 1.0x)`,
    `- tollgate hot / raw proxy, CPU per request: **${fixed(m(TARGETS.hot, 'cpuUs') / m(TARGETS.raw, 'cpuUs'), 2)}x** (target ≤ 1.0x)`,
    `- tollgate hot / Express + http-proxy-middleware, req/s: **${ratio(TARGETS.hot, TARGETS.express)}** (target ≥ 3x)`,
    `- p50 at 2 connections, tollgate hot − raw proxy: **${fixed(p50Extra, 3)} ms** (target ≤ 0.1 ms)`,
    `- Redis commands sent per hot-token request: **${fixed(m(TARGETS.hot, 'tripsPerReq'), 4)}** (target ≤ 0.05; ${fixed(m(TARGETS.hot, 'redisPerReq'), 4)} counting what scripts run inside Redis)`,
    `- cold path / hot, req/s: **${ratio(TARGETS.cold, TARGETS.hot)}** (target ≥ 0.6x)${wrapped ? ' — some rounds outran their token file and reused tokens' : ''}`,
    ...(workersRow ? [`- ${workersRow.split(', ')[1]} / 1 worker, req/s: **${ratio(workersRow, TARGETS.hot)}** (wrk, the upstream and Redis share the same cores, so well under 2x here)`] : []),
    `- tollgate (1 worker) peak RSS: **${fixed(o.memory.peakMiB, 1)} MiB** (current ${fixed(o.memory.rssMiB, 1)} MiB)`,
    '',
    '## Token endpoint (POST /oauth/token, client credentials)',
    '',
    typeof o.grants === 'string'
      ? o.grants
      : table(['client authentication', 'grants/s', 'vs raw proxy req/s (target ≥ 0.3x)', 'p50 ms', 'p99 ms', 'errors'], o.grants.map((g) => [g.name, fixed(g.rps), `${fixed(g.rps / m(TARGETS.raw, 'rps'), 2)}x`, fixed(g.p50, 2), fixed(g.p99, 2), String(g.errors)])),
    '',
    '## Scale',
    '',
    o.scale.length > 0
      ? table(['figure', ...o.scale.map((s) => `store.recordLayout ${s.layout}`)], [
          ['api tokens created', ...o.scale.map((s) => String(s.tokens))],
          ['key prefix (its length is in every key)', ...o.scale.map((s) => `\`${s.prefix}\` (${s.prefix.length} characters)`)],
          ['Redis memory per api token (INFO used_memory delta / tokens; record + app index + name index)', ...o.scale.map((s) => `${fixed(s.bytesPerToken)} bytes`)],
          ['list: first page of 100', ...o.scale.map((s) => `${fixed(s.firstPageMs, 2)} ms`)],
          ['list: median page of 100 across the whole walk', ...o.scale.map((s) => `${fixed(s.medianPageMs, 2)} ms`)],
          ['list: walk all pages of 500', ...o.scale.map((s) => `${fixed(s.walkMs)} ms`)],
        ])
      : 'skipped (BENCH_SCALE_TOKENS=0)',
    '',
    'Noise: the servers, wrk and Redis share the machine\'s cores (and anything else running on it), so absolute numbers swing; the ratios within a round and CPU per request are steadier.',
    '',
  ].join('\n');
}
