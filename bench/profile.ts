/**
 * `npm run bench:profile`: tollgate under hot-token load with `node --cpu-prof`, summarized as
 * where the CPU went (self time by function and by area). Writes bench/results/profile.md.
 * Knobs: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_PROFILE_TARGET=raw (profile the raw
 * node:http proxy instead, for comparison), BENCH_TOLLGATE_CLI (profile another build, e.g. the release before a
 * change) with BENCH_PROFILE_REPORT (the report's file name under bench/results).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishReport, teardown } from './lib/finish.js';
import { requireWrk, runLoad } from './lib/load.js';
import { startScript } from './lib/processes.js';
import { benchPrefix, provision } from './lib/provision.js';
import { startRedis } from './lib/redis.js';
import { envNumber, fixed, table } from './lib/stats.js';
import { startTollgate } from './lib/tollgate.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const SECONDS = envNumber('BENCH_SECONDS', 10);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);

/** Which part of the stack a frame belongs to. */
function area(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'native / V8 (program)';
  if (url.includes('/dist/')) return `tollgate ${url.slice(url.indexOf('/dist/') + 6)}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `dependency ${pkg[1]}`;
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  return url ? 'other' : 'native builtins';
}

/** `requests`: every request served while profiling (warm-up included), to put the busy time per request. */
function summarize(file: string, requests: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const total = profile.samples.length;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    if (node.callFrame.functionName === '(idle)') idle += hits;
    const where = node.callFrame.url ? `${node.callFrame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    byArea.set(area(node), (byArea.get(area(node)) ?? 0) + hits);
  }
  const busy = total - idle;
  // Start-up is in the profile too, so this slightly overstates the steady-state cost; compare builds with it, not servers.
  const busyUsPerRequest = ((profile.endTime - profile.startTime) * (busy / total)) / requests;
  const pct = (hits: number) => `${fixed((hits / busy) * 100, 1)}%`;
  const top = (map: Map<string, number>, n: number) => [...map].filter(([k]) => k !== 'idle' && !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `Samples: ${total}, busy (not idle): ${busy}; busy time per request served: ${fixed(busyUsPerRequest, 0)} µs (start-up included). Percentages are of busy samples (self time).`,
    '',
    '### By area',
    '',
    table(['area', 'self time'], top(byArea, 25).map(([k, v]) => [k, pct(v)])),
    '',
    '### Top functions',
    '',
    table(['function', 'self time'], top(byFunction, 30).map(([k, v]) => [`\`${k}\``, pct(v)])),
  ].join('\n');
}

async function main(): Promise<void> {
  requireWrk();
  const redis = await startRedis();
  const prefix = benchPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cpu-prof-'));
  const upstream = await startScript('upstream', fileURLToPath(new URL('./servers/upstream.ts', import.meta.url)), {});
  try {
    const p = await provision(redis.client, prefix);
    const profiling = ['--cpu-prof', '--cpu-prof-dir', dir];
    const raw = process.env.BENCH_PROFILE_TARGET === 'raw';
    const tollgate = raw
      ? await startScript('raw-proxy', fileURLToPath(new URL('./servers/raw-proxy.ts', import.meta.url)), { UPSTREAM: upstream.url }, profiling)
      : await startTollgate({ redisUrl: redis.url, prefix, upstream: upstream.url, nodeArgs: profiling });
    const spec = { url: `${tollgate.url}/bench/items?page=1`, connections: CONNECTIONS, headers: { authorization: `Bearer ${p.hotToken}` } };
    const warm = await runLoad({ ...spec, seconds: 2 });
    const result = await runLoad({ ...spec, seconds: SECONDS });
    await tollgate.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    const report = [
      raw ? '# Where the raw node:http proxy spends its CPU (for comparison)' : '# Where tollgate spends its CPU (hot token)',
      '',
      `\`node --cpu-prof\`, ${CONNECTIONS} connections, ${SECONDS}s after a 2s warm-up, ${fixed(result.rps)} req/s during the profile (profiling slows it). The profile includes start-up and the warm-up.`,
      '',
      summarize(join(dir, file), warm.requests + result.requests),
      '',
    ].join('\n');
    publishReport(process.env.BENCH_PROFILE_REPORT ?? (raw ? 'profile-raw-proxy.md' : 'profile.md'), report);
  } finally {
    await teardown([upstream], redis, prefix);
  }
}

await main();
