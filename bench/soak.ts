/**
 * `npm run soak` (not in CI): tollgate with a hot token under steady load for SOAK_SECONDS (600),
 * sampling its RSS after every SOAK_STEP_SECONDS (30) of load. Growth is measured from the end of
 * the first minute (after warm-up and JIT) to the end; the target is under 5%.
 * Writes bench/results/soak.md.
 */
import { fileURLToPath } from 'node:url';
import { publishReport, teardown } from './lib/finish.js';
import { runLoad } from './lib/load.js';
import { memory, startScript } from './lib/processes.js';
import { benchPrefix, provision } from './lib/provision.js';
import { startRedis } from './lib/redis.js';
import { envNumber, fixed, table } from './lib/stats.js';
import { startTollgate } from './lib/tollgate.js';

const TOTAL = envNumber('SOAK_SECONDS', 600);
const STEP = envNumber('SOAK_STEP_SECONDS', 30);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const BASELINE_AFTER = Math.min(60, TOTAL / 2);

async function main(): Promise<void> {
  const redis = await startRedis();
  const prefix = benchPrefix();
  const upstream = await startScript('upstream', fileURLToPath(new URL('./servers/upstream.ts', import.meta.url)), {});
  try {
    const p = await provision(redis.client, prefix);
    const tollgate = await startTollgate({ redisUrl: redis.url, prefix, upstream: upstream.url });
    const rows: string[][] = [];
    let baseline = NaN;
    let elapsed = 0;
    let requests = 0;
    let errors = 0;
    while (elapsed < TOTAL) {
      const result = await runLoad({ url: `${tollgate.url}/bench/items`, connections: CONNECTIONS, seconds: STEP, headers: { authorization: `Bearer ${p.hotToken}` } });
      elapsed += STEP;
      requests += result.requests;
      errors += result.errors;
      const { rssMiB } = memory(tollgate.pid);
      if (elapsed >= BASELINE_AFTER && Number.isNaN(baseline)) baseline = rssMiB;
      rows.push([String(elapsed), fixed(result.rps), fixed(rssMiB, 1)]);
      process.stderr.write(`${elapsed}s: ${fixed(result.rps)} req/s, RSS ${fixed(rssMiB, 1)} MiB\n`);
    }
    const final = memory(tollgate.pid);
    const growth = ((final.rssMiB - baseline) / baseline) * 100;
    await tollgate.stop();
    const report = [
      '# tollgate soak — latest run',
      '',
      `${new Date().toISOString().slice(0, 16)}Z · Node ${process.version} · ${TOTAL}s of steady hot-token load at ${CONNECTIONS} connections · ${requests} requests, ${errors} errors`,
      '',
      `RSS after ${BASELINE_AFTER}s: ${fixed(baseline, 1)} MiB; at the end: ${fixed(final.rssMiB, 1)} MiB; growth **${fixed(growth, 1)}%** (target < 5%); peak ${fixed(final.peakMiB, 1)} MiB.`,
      '',
      table(['seconds', 'req/s', 'RSS MiB'], rows),
      '',
    ].join('\n');
    publishReport('soak.md', report);
  } finally {
    await teardown([upstream], redis, prefix);
  }
}

await main();
