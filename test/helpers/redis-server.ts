/**
 * A private redis-server on a free port, for tests that stop, pause or cluster Redis.
 * Controlled by PID only: the shared server on 6379 is never touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  port: number;
  url: string;
  pid(): number;
  /** Stops the process (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a blackhole). */
  pause(): void;
  /** SIGCONT after pause. */
  resume(): void;
  /** Starts it again on the same port (data is kept only when `save` is on). */
  start(): Promise<void>;
  /** redis-cli against this server; returns stdout. */
  cli(...args: string[]): string;
  /** Stops it for good and removes its working directory. */
  dispose(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections and answers PING on the port. */
async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis on port ${port} did not answer PING`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `redis-server` with the given extra arguments (e.g. `--cluster-enabled yes`). */
export async function startRedisServer(options: { port?: number; args?: string[]; save?: boolean; sentinelOf?: { port: number; name: string } } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), `tg-redis-${port}-`));
  let args: string[];
  if (options.sentinelOf) {
    // A sentinel rewrites its config file, so it gets one of its own.
    const file = join(dir, 'sentinel.conf');
    const { port: masterPort, name } = options.sentinelOf;
    writeFileSync(file, `port ${port}\nbind 127.0.0.1\nsentinel monitor ${name} 127.0.0.1 ${masterPort} 1\nsentinel down-after-milliseconds ${name} 1000\nsentinel failover-timeout ${name} 5000\n`);
    args = [file, '--sentinel'];
  } else {
    const persistence = options.save ? ['--save', '1 1', '--appendonly', 'yes', '--appendfsync', 'always'] : ['--save', '', '--appendonly', 'no'];
    args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, ...(options.args ?? [])];
  }
  let child: ChildProcess;
  /** Every process this server has been, so dispose can leave none behind whatever a test did. */
  const spawned = new Set<ChildProcess>();

  async function halt(process: ChildProcess): Promise<void> {
    if (process.signalCode === null && process.exitCode === null) {
      process.kill('SIGCONT');
      process.kill('SIGTERM');
      // Redis refuses SIGTERM when its final save fails; a test server must still go.
      const force = setTimeout(() => process.kill('SIGKILL'), 3_000);
      await exited(process);
      clearTimeout(force);
    }
    spawned.delete(process);
  }

  async function start(): Promise<void> {
    for (const old of spawned) await halt(old);
    child = spawn('redis-server', args, { stdio: 'ignore' });
    spawned.add(child);
    await waitForPing(port);
  }
  await start();
  const stop = () => halt(child);

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child.pid!,
    stop,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    start,
    cli: (...cliArgs) => spawnSync('redis-cli', ['-p', String(port), ...cliArgs], { encoding: 'utf8' }).stdout,
    async dispose() {
      for (const process of spawned) await halt(process);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` holds (for setup hooks, where expect.poll is not available). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
