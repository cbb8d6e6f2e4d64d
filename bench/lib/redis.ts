/** A private redis-server for the benchmark, so command counts and memory are ours alone. */
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../test/helpers/redis-server.js';

export interface BenchRedis {
  url: string;
  client: Redis;
  /** Commands executed so far, including those run inside Lua scripts (INFO commandstats), INFO excluded. */
  commands(): Promise<number>;
  /** Commands clients sent so far (MONITOR, a script call counted once), INFO excluded: round trips. */
  roundTrips(): number;
  usedMemory(): Promise<number>;
  stop(): Promise<void>;
}

async function connect(url: string): Promise<Redis> {
  for (let i = 0; i < 100; i++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch {
      client.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`redis at ${url} did not answer`);
}

/** BENCH_REDIS_URL uses an existing server (command counts then include anyone else's traffic). */
export async function startRedis(): Promise<BenchRedis> {
  const shared = process.env.BENCH_REDIS_URL;
  let stopServer = async () => {};
  let url = shared ?? '';
  if (!shared) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
    stopServer = () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  const client = await connect(url);
  let sent = 0;
  const monitor = await client.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args[0]?.toLowerCase() !== 'info') sent++;
  });
  return {
    url,
    client,
    async commands() {
      const info = await client.info('commandstats');
      let total = 0;
      for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) if (m[1] !== 'info') total += Number(m[2]);
      return total;
    },
    roundTrips: () => sent,
    async usedMemory() {
      return Number(/^used_memory:(\d+)/m.exec(await client.info('memory'))?.[1] ?? 0);
    },
    async stop() {
      monitor.disconnect();
      client.disconnect();
      await stopServer();
    },
  };
}
