/**
 * POST /oauth/token at speed (issue 16 item 5): grants/s of client_secret_post and of ES256
 * private_key_jwt against the req/s of the raw node:http proxy (../shared/bench/raw-proxy.mjs in
 * front of ../shared/bench/upstream.mjs), and tollgate's CPU, Redis commands, round trips and Redis
 * CPU per grant. With TOKEN_BENCH_BEFORE (another checkout, its dist/ built) that build's rows are
 * measured in the same interleaved rounds, so before and after share the machine's noise.
 * Rate limits are counted in Redis as in production, at a rate no grant reaches.
 *
 *   npx tsc -p tsconfig.json && npx tsx bench/token-endpoint/run.ts
 * Knobs: BENCH_SECONDS (4), BENCH_ROUNDS (5), BENCH_WARMUP (2), BENCH_CONNECTIONS (50),
 * TOKEN_BENCH_BEFORE, SHARED_BENCH (../shared/bench). Writes bench/token-endpoint/results.md.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, type RedisServer } from '../../test/helpers/redis-server.js';
import { requireWrk, runLoad, type LoadSpec } from '../lib/load.js';
import { cpuSeconds, type Server } from '../lib/processes.js';
import { benchPrefix } from '../lib/provision.js';
import { envNumber, fixed, median, spread, table } from '../lib/stats.js';
import { ASSERTION_TEMPLATE, assertionFile, checkGrants, FORM, provisionGrantClients, signAssertions, startBuild, type GrantClients } from './grant-setup.js';

const SECONDS = envNumber('BENCH_SECONDS', 4);
const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const WARMUP = envNumber('BENCH_WARMUP', 2);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const AFTER = fileURLToPath(new URL('../..', import.meta.url));
const SHARED_BENCH = process.env.SHARED_BENCH ?? join(AFTER, '../shared/bench');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Target {
  name: string;
  url: string;
  pid: number;
  /** The load of one segment; assertions are signed afresh for each. */
  spec(seconds: number, expectedRps: number): Promise<Omit<LoadSpec, 'url' | 'connections' | 'seconds'>>;
}
interface Sample {
  rps: number;
  cpuUs: number;
  commands: number;
  redisCpuUs: number;
  errors: number;
}

/** The bench's own redis-server: its commands and CPU are the grants' alone. */
interface BenchRedis {
  server: RedisServer;
  client: Redis;
}

/** Commands Redis executed so far, those inside scripts included (INFO commandstats), INFO itself excluded. */
async function commandsSoFar(redis: BenchRedis): Promise<number> {
  let total = 0;
  for (const m of (await redis.client.info('commandstats')).matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) if (m[1] !== 'info') total += Number(m[2]);
  return total;
}

/** A shared-bench script on a free port, ready once it answers HTTP. */
async function startShared(script: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(SHARED_BENCH, script)], { env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(url);
      break;
    } catch (err) {
      if (i > 100) throw new Error(`${script} did not answer: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const stop = () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));
  return { name: script, url, pid: child.pid!, child, stop };
}

async function measure(t: Target, redis: BenchRedis, expectedRps: number): Promise<Sample> {
  const spec = await t.spec(SECONDS, expectedRps);
  const [cpu, redisCpu, commands] = [cpuSeconds(t.pid), cpuSeconds(redis.server.pid()), await commandsSoFar(redis)];
  const r = await runLoad({ ...spec, url: t.url, connections: CONNECTIONS, seconds: SECONDS });
  const n = Math.max(1, r.requests);
  return {
    rps: r.rps,
    cpuUs: ((cpuSeconds(t.pid) - cpu) / n) * 1e6,
    redisCpuUs: ((cpuSeconds(redis.server.pid()) - redisCpu) / n) * 1e6,
    commands: ((await commandsSoFar(redis)) - commands - 1) / n,
    errors: r.errors,
  };
}

/**
 * Commands tollgate sent per grant (a script call is one), watched with MONITOR in an untimed pass
 * (MONITOR slows Redis) on a plain socket: a line per command, `[0 lua]` for those scripts ran.
 */
async function roundTrips(t: Target, redis: BenchRedis): Promise<number> {
  const socket = connect(redis.server.port, '127.0.0.1');
  let sent = 0;
  let partial = '';
  socket.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('latin1')).split('\r\n');
    partial = lines.pop()!;
    for (const line of lines) if (/^\+\d+\.\d+ \[\d+ [\d.:]+\] "(?!info"|ping")/i.test(line)) sent++;
  });
  socket.write('MONITOR\r\n');
  await once(socket, 'data');
  try {
    // One connection: at most one grant is still in flight when wrk stops counting.
    const r = await runLoad({ ...(await t.spec(1, 5_000)), url: t.url, connections: 1, seconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    return sent / Math.max(1, r.requests);
  } finally {
    socket.destroy();
  }
}

function grantTargets(label: string, server: Server, clients: GrantClients): Target[] {
  const url = `${server.url}/oauth/token`;
  return [
    { name: `${label} client_secret_post`, url, pid: server.pid, spec: async () => ({ method: 'POST', headers: FORM, body: clients.secretBody }) },
    {
      name: `${label} private_key_jwt ES256`, url, pid: server.pid,
      spec: async (seconds, expectedRps) => {
        const lines = await signAssertions(clients.jwt, Math.max(5_000, Math.ceil(expectedRps * seconds * 2.5)));
        return { method: 'POST', headers: FORM, rotate: { file: assertionFile(lines), template: ASSERTION_TEMPLATE } };
      },
    },
  ];
}

function report(targets: Target[], samples: Map<string, Sample[]>, trips: Map<string, number>, raw: string, wrk: string, load: string[]): string {
  const of = (name: string) => samples.get(name)!;
  const med = (name: string, pick: (s: Sample) => number) => median(of(name).map(pick));
  const ratio = (name: string) => median(of(name).map((s, round) => s.rps / of(raw)[round]!.rps));
  const rows = targets.map((t) => [
    t.name, fixed(med(t.name, (s) => s.rps)), `±${fixed(spread(of(t.name).map((s) => s.rps)))}%`, `${fixed(ratio(t.name), 3)}x`,
    fixed(med(t.name, (s) => s.cpuUs), 1), fixed(med(t.name, (s) => s.commands), 2), fixed(trips.get(t.name)!, 2),
    fixed(med(t.name, (s) => s.redisCpuUs), 1), String(of(t.name).reduce((n, s) => n + s.errors, 0)),
  ]);
  return [
    '# Token endpoint against the raw node:http proxy',
    '',
    `${new Date().toISOString()} · ${wrk}, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS}s (order reversed every round), ${WARMUP}s warm-up · load average ${load.join(' → ')} · medians`,
    '',
    table(['target', 'req/s', 'spread', 'vs raw proxy', 'tollgate CPU µs/req', 'Redis cmds/req', 'round trips/req', 'Redis CPU µs/req', 'errors'], rows),
    '',
    `"vs raw proxy": median of per-round ratios of grants/s to the req/s of "${raw}" (GET, forwarded to the upstream).`,
    'CPU µs/req is utime+stime of the measured process (/proc); Redis commands from INFO commandstats (commands inside scripts included),',
    'round trips from MONITOR in a separate untimed 1s pass (a script call is one), Redis CPU from /proc. Rate limits are counted at 1000000/s; no grant is refused.',
    '',
  ].join('\n');
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const wrk = requireWrk();
  const server = await startRedisServer();
  const redis: BenchRedis = { server, client: new Redis(server.url) };
  const builds: [string, string][] = [...(process.env.TOKEN_BENCH_BEFORE ? [['before', process.env.TOKEN_BENCH_BEFORE] as [string, string]] : []), ['after', AFTER]];
  const prefixes = builds.map(() => benchPrefix());
  const servers: Server[] = [];
  const load = [loadAverage()];
  try {
    const upstream = await startShared('upstream.mjs', {});
    servers.push(upstream);
    const proxy = await startShared('raw-proxy.mjs', { UPSTREAM: upstream.url });
    servers.push(proxy);
    const raw: Target = { name: 'raw node:http proxy (GET)', url: `${proxy.url}/`, pid: proxy.pid, spec: async () => ({}) };
    const targets = [raw];
    for (const [i, [label, root]] of builds.entries()) {
      const clients = await provisionGrantClients(redis.client, prefixes[i]!);
      const tollgate = await startBuild(root, { redisUrl: server.url, prefix: prefixes[i]!, upstream: upstream.url });
      servers.push(tollgate);
      await checkGrants(tollgate, clients);
      targets.push(...grantTargets(label, tollgate, clients));
    }
    const lastRps = new Map<string, number>();
    for (const t of targets) lastRps.set(t.name, (await runLoad({ ...(await t.spec(WARMUP, 5_000)), url: t.url, connections: CONNECTIONS, seconds: WARMUP })).rps);
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const s = await measure(t, redis, lastRps.get(t.name)!);
        lastRps.set(t.name, s.rps);
        samples.get(t.name)!.push(s);
        log(`round ${round + 1} ${t.name}: ${fixed(s.rps)} req/s, ${fixed(s.cpuUs, 1)} µs CPU, ${fixed(s.commands, 2)} Redis cmds, ${fixed(s.redisCpuUs, 1)} µs Redis CPU per req, ${s.errors} errors`);
      }
    }
    load.push(loadAverage());
    const trips = new Map<string, number>();
    for (const t of targets) trips.set(t.name, await roundTrips(t, redis));
    const text = report(targets, samples, trips, raw.name, wrk, load);
    writeFileSync(fileURLToPath(new URL('./results.md', import.meta.url)), text);
    process.stdout.write(text);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    redis.client.disconnect();
    await server.dispose();
  }
}

await main();
