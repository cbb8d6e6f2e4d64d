/**
 * Where a grant's CPU goes: one tollgate (this checkout's dist/, or TOKEN_BENCH_ROOT's) under wrk
 * load with `node --cpu-prof`, once for client_secret_post and once for ES256 private_key_jwt,
 * each in a fresh process so each profile holds one kind of grant.
 *
 *   npx tsc -p tsconfig.json && npx tsx bench/token-endpoint/profile.ts
 * Knobs: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), TOKEN_BENCH_ROOT (a checkout with dist/ built).
 * Prints markdown; profiles stay in the printed directory.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { teardown } from '../lib/finish.js';
import { requireWrk, runLoad, type LoadSpec } from '../lib/load.js';
import { startScript } from '../lib/processes.js';
import { benchPrefix } from '../lib/provision.js';
import { startRedis } from '../lib/redis.js';
import { envNumber, fixed } from '../lib/stats.js';
import { summarizeProfile } from './cpu-profile.js';
import { ASSERTION_TEMPLATE, assertionFile, checkGrants, FORM, provisionGrantClients, signAssertions, startBuild } from './grant-setup.js';

const SECONDS = envNumber('BENCH_SECONDS', 10);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const ROOT = process.env.TOKEN_BENCH_ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
/** More assertions than the profiled process can use in one segment; warm-up and profile each get their own. */
const ASSERTIONS = 4_000 * SECONDS;

async function main(): Promise<void> {
  requireWrk();
  const redis = await startRedis();
  const prefix = benchPrefix();
  const upstream = await startScript('upstream', fileURLToPath(new URL('../servers/upstream.ts', import.meta.url)), {});
  const out = [`# Token endpoint CPU profile (${ROOT})`, ''];
  try {
    const clients = await provisionGrantClients(redis.client, prefix);
    const kinds: [string, () => Promise<Omit<LoadSpec, 'url' | 'connections' | 'seconds'>>][] = [
      ['client_secret_post', async () => ({ method: 'POST', headers: FORM, body: clients.secretBody })],
      ['private_key_jwt ES256', async () => ({ method: 'POST', headers: FORM, rotate: { file: assertionFile(await signAssertions(clients.jwt, ASSERTIONS)), template: ASSERTION_TEMPLATE } })],
    ];
    for (const [name, load] of kinds) {
      const dir = mkdtempSync(join(tmpdir(), 'tollgate-grant-prof-'));
      const [warm, spec] = [await load(), await load()];
      const server = await startBuild(ROOT, { redisUrl: redis.url, prefix, upstream: upstream.url, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
      try {
        await checkGrants(server, clients);
        const url = `${server.url}/oauth/token`;
        await runLoad({ ...warm, url, connections: CONNECTIONS, seconds: 2 });
        const r = await runLoad({ ...spec, url, connections: CONNECTIONS, seconds: SECONDS });
        out.push(`## ${name}`, '', `${fixed(r.rps)} grants/s while profiled, ${r.errors} errors; profile in ${dir}`, '');
      } finally {
        await server.stop();
      }
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      out.push(file ? summarizeProfile(join(dir, file)) : 'no .cpuprofile written', '');
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await teardown([upstream], redis, prefix);
  }
}

await main();
