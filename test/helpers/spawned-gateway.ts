/** A real `tollgate serve` process (dist/cli/index.js) on free ports, for signals and multi-replica tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSecret } from '../../src/tokens/format.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli/index.js');

export interface SpawnedGateway {
  url: string;
  adminUrl: string;
  metricsUrl: string;
  adminToken: string;
  configPath: string;
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line matching, including ones already written. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Rewrites the config file (for SIGHUP reloads). */
  writeConfig(config: Record<string, unknown>): void;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  kill(): Promise<void>;
}

/** `config` is written as JSON (valid YAML); listeners default to 127.0.0.1 on free ports. */
export async function spawnGateway(config: Record<string, unknown>, options: { adminToken?: string; env?: Record<string, string> } = {}): Promise<SpawnedGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-gw-'));
  const configPath = join(dir, 'tollgate.yaml');
  const withListen = (c: Record<string, unknown>) => ({ ...c, listen: { host: '127.0.0.1', port: 0, metricsPort: 0, ...(c.listen as object) } });
  writeFileSync(configPath, JSON.stringify(withListen(config)));
  const adminToken = options.adminToken ?? generateSecret('api');
  const child = spawn(process.execPath, [CLI, 'serve', '--config', configPath], {
    env: { ...process.env, TOLLGATE_BOOTSTRAP_TOKEN: adminToken, LOG_PRETTY: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      logs.push(line);
      for (const w of [...waiters]) if (w.match(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
    }
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const waitForLog = (match: (l: Record<string, unknown>) => boolean) => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((res, rej) => {
      waiters.push({ match, resolve: res });
      void exited.then((code) => rej(new Error(`gateway exited (${code}) before the expected log line; stderr: ${stderr.slice(0, 2000)}`)));
    });
  };
  const listening = await waitForLog((l) => l.msg === 'tollgate listening');
  const urls = listening.urls as { main: string; admin: string; metrics: string };
  return {
    url: urls.main,
    adminUrl: urls.admin,
    metricsUrl: urls.metrics,
    adminToken,
    configPath,
    child,
    logs,
    waitForLog,
    exited,
    writeConfig: (next) => writeFileSync(configPath, JSON.stringify(withListen(next))),
    async admin(method, path, body) {
      const response = await fetch(`${urls.admin}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
