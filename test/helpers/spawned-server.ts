/** A third-party server (nginx, Caddy) the tests start on loopback from a temp dir, and stop by its PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './redis-server.js';

export interface SpawnedServer {
  url: string;
  pid: number;
  /** Everything the server wrote to stderr, for failure messages. */
  output(): string;
  /** SIGTERM to its PID (SIGKILL after 5 s), then removes its temp dir. */
  stop(): Promise<void>;
}

/** A temp dir for one server's config, logs and state. */
export function serverDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `tg-${name}-`));
}

/** Spawns `command args` and resolves once `http://127.0.0.1:port/` answers anything. */
export async function spawnServer(dir: string, port: number, command: string, args: string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  const child: ChildProcess = spawn(command, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const force = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  try {
    await waitUntil(`${command} on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}: ${output}`);
      return fetch(url, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid!, output: () => output, stop };
}
