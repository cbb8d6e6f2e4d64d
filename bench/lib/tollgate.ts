/** tollgate as the operator runs it: `node dist/cli/index.js serve --config <file>`, in its own process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { BENCH_APP, BENCH_SCOPE } from './provision.js';
import { startProcess, type Server } from './processes.js';

/** BENCH_TOLLGATE_CLI: another build's CLI, e.g. an older release checked out beside this one, for a before/after profile. */
const CLI = process.env.BENCH_TOLLGATE_CLI ?? fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url));

export interface TollgateOptions {
  redisUrl: string;
  prefix: string;
  upstream: string;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra environment for the process. */
  env?: Record<string, string>;
  accessLog?: boolean;
  /** `listen.workers` (default 1: one process). */
  workers?: number;
  /** Merged into the config file (token endpoint settings and the like). */
  extra?: Record<string, unknown>;
}

export function tollgateConfig(options: TollgateOptions): Record<string, unknown> {
  return {
    listen: { host: '127.0.0.1', port: 0, metricsPort: 0, ...(options.workers === undefined ? {} : { workers: options.workers }) },
    store: { url: options.redisUrl, keyPrefix: options.prefix },
    log: { level: 'info', access: options.accessLog ?? false },
    issuer: 'http://127.0.0.1',
    routes: [{ name: 'bench', match: { path: '/bench/*' }, upstream: options.upstream, app: BENCH_APP, scopes: [BENCH_SCOPE] }],
    ...options.extra,
  };
}

export function startTollgate(options: TollgateOptions): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-config-'));
  const file = join(dir, 'tollgate.yaml');
  writeFileSync(file, stringify(tollgateConfig(options)));
  return startProcess('tollgate', process.execPath, [...(options.nodeArgs ?? []), CLI, 'serve', '--config', file], options.env ?? {}, (line) => {
    if (!line.includes('tollgate listening')) return null;
    return (JSON.parse(line) as { urls: { main: string } }).urls.main;
  });
}
