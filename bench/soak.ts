/**
 * `npm run soak` (not in CI): tollgate with a hot token under steady wrk load for SOAK_SECONDS (600).
 * After every SOAK_STEP_SECONDS (30) of load the soak forces a full GC inside tollgate (started with
 * `--expose-gc` and a probe, here only) and records heap used after it, RSS, and V8's space sizes.
 * A leak shows as heap used after GC that keeps rising; heap sizing shows as RSS that rises while heap
 * used after GC stays flat. Growth is measured from the end of the first minute (warm-up, JIT) to the
 * end; the targets are heap used after GC flat within 5% and RSS under 5%. Writes bench/results/soak.md.
 * Knobs: SOAK_SECONDS, SOAK_STEP_SECONDS, BENCH_CONNECTIONS (50), SOAK_NODE_FLAGS (extra flags for tollgate's node).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishReport, teardown } from './lib/finish.js';
import { requireWrk, runLoad } from './lib/load.js';
import { memory, startScript } from './lib/processes.js';
import { benchPrefix, provision } from './lib/provision.js';
import { startRedis } from './lib/redis.js';
import { envNumber, fixed, table } from './lib/stats.js';
import { startTollgate } from './lib/tollgate.js';

const TOTAL = envNumber('SOAK_SECONDS', 600);
const STEP = envNumber('SOAK_STEP_SECONDS', 30);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const NODE_FLAGS = (process.env.SOAK_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const BASELINE_AFTER = Math.min(60, TOTAL / 2);
const MiB = 1024 * 1024;

interface Probe {
  rss: number;
  rssBeforeGc: number;
  heapUsedBeforeGc: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  spaces: Record<string, number>;
}

/** Signals the probe inside tollgate and waits for its next line. */
async function probe(pid: number, file: string, seen: number): Promise<Probe> {
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
    if (lines.length > seen) return JSON.parse(lines[seen]!) as Probe;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the heap probe in tollgate did not answer');
}

const growth = (from: number, to: number) => ((to - from) / from) * 100;

async function main(): Promise<void> {
  const wrk = requireWrk();
  const redis = await startRedis();
  const prefix = benchPrefix();
  const upstream = await startScript('upstream', fileURLToPath(new URL('./servers/upstream.ts', import.meta.url)), {});
  try {
    const p = await provision(redis.client, prefix);
    const probeFile = join(mkdtempSync(join(tmpdir(), 'tollgate-soak-')), 'heap.jsonl');
    const nodeArgs = ['--expose-gc', '--import', fileURLToPath(new URL('./lib/heap-probe.mjs', import.meta.url)), ...NODE_FLAGS];
    const tollgate = await startTollgate({ redisUrl: redis.url, prefix, upstream: upstream.url, nodeArgs, env: { HEAP_PROBE_FILE: probeFile } });
    const rows: string[][] = [];
    const samples: { elapsed: number; probe: Probe }[] = [];
    let elapsed = 0;
    let requests = 0;
    let errors = 0;
    while (elapsed < TOTAL) {
      const result = await runLoad({ url: `${tollgate.url}/bench/items`, connections: CONNECTIONS, seconds: STEP, headers: { authorization: `Bearer ${p.hotToken}` } });
      elapsed += STEP;
      requests += result.requests;
      errors += result.errors;
      const m = await probe(tollgate.pid, probeFile, samples.length);
      samples.push({ elapsed, probe: m });
      const row = [String(elapsed), fixed(result.rps), fixed(m.heapUsedBeforeGc / MiB, 1), fixed(m.heapUsed / MiB, 1), fixed(m.rssBeforeGc / MiB, 1), fixed(m.rss / MiB, 1), fixed((m.spaces.new_space ?? 0) / MiB, 1), fixed((m.spaces.old_space ?? 0) / MiB, 1), fixed(m.external / MiB, 1)];
      rows.push(row);
      process.stderr.write(`${row.join('  ')}\n`);
    }
    const peak = memory(tollgate.pid).peakMiB;
    await tollgate.stop();
    const base = samples.find((s) => s.elapsed >= BASELINE_AFTER)!.probe;
    const last = samples.at(-1)!.probe;
    const after = samples.filter((s) => s.elapsed >= BASELINE_AFTER).map((s) => s.probe);
    const heapDrift = Math.max(...after.map((s) => Math.abs(growth(base.heapUsed, s.heapUsed))));
    const report = [
      '# tollgate soak — latest run',
      '',
      `${new Date().toISOString().slice(0, 16)}Z · Node ${process.version} · ${TOTAL}s of steady hot-token load (${wrk}, ${CONNECTIONS} connections) · ${requests} requests, ${errors} errors · tollgate's node flags: \`${nodeArgs.slice(0, 1).concat(NODE_FLAGS).join(' ')}\` plus the heap probe`,
      '',
      `Heap used after a forced full GC: ${fixed(base.heapUsed / MiB, 1)} MiB after ${BASELINE_AFTER}s, ${fixed(last.heapUsed / MiB, 1)} MiB at the end: **${fixed(growth(base.heapUsed, last.heapUsed), 1)}%**, largest deviation from the baseline **${fixed(heapDrift, 1)}%** (target: flat within 5%).`,
      `RSS (after GC): ${fixed(base.rss / MiB, 1)} MiB after ${BASELINE_AFTER}s, ${fixed(last.rss / MiB, 1)} MiB at the end: **${fixed(growth(base.rss, last.rss), 1)}%** (target < 5%); peak RSS ${fixed(peak, 1)} MiB.`,
      '',
      table(['seconds', 'req/s', 'heap used MiB', 'heap used after GC', 'RSS MiB', 'RSS after GC', 'V8 new space', 'V8 old space', 'external'], rows),
      '',
    ].join('\n');
    publishReport('soak.md', report);
  } finally {
    await teardown([upstream], redis, prefix);
  }
}

await main();
