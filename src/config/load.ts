/** Read, override from the environment, and validate the configuration file. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_PATH = 'config/tollgate.yaml';

/** Render a zod issue path the way the file reads: `routes[2].scopes`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out || '(root)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`);
}

type Env = Record<string, string | undefined>;

/** Connection settings come from the environment in containers; they win over the file. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: Env): Record<string, unknown> {
  const out = structuredClone(raw);
  const section = (name: string): Record<string, unknown> => {
    const value = out[name];
    if (value === undefined || value === null) return (out[name] = {}) as Record<string, unknown>;
    return value as Record<string, unknown>;
  };
  const int = (name: string): number | string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : /^\d+$/.test(v) ? Number(v) : v;
  };
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined && value !== '') target[key] = value;
  };
  set(section('listen'), 'port', int('PORT'));
  set(section('listen'), 'adminPort', int('ADMIN_PORT'));
  set(section('listen'), 'metricsPort', int('METRICS_PORT'));
  set(section('listen'), 'host', env.HOST);
  if (env.REDIS_URL) {
    set(section('store'), 'driver', 'redis');
    set(section('store'), 'url', env.REDIS_URL);
  }
  // Sentinel and Cluster take their password from the config; a Secret supplies it this way.
  if (env.REDIS_PASSWORD) {
    const store = section('store');
    store.redis = { ...(store.redis as Record<string, unknown> | undefined), password: env.REDIS_PASSWORD };
  }
  set(section('store'), 'keyPrefix', env.TOLLGATE_KEY_PREFIX);
  set(section('log'), 'level', env.LOG_LEVEL);
  set(section('rateLimit'), 'replicas', int('TOLLGATE_REPLICAS'));
  set(out, 'issuer', env.TOLLGATE_ISSUER);
  return out;
}

/** Validate an already-parsed document; throws ConfigError listing every problem. */
export function parseConfig(raw: unknown, source = 'config', env: Env = {}): Config {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(source, ['(root): expected a mapping']);
  const result = configSchema.safeParse(applyEnvOverrides(raw as Record<string, unknown>, env));
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

/** Load and validate a YAML config file. */
export function loadConfig(path: string, env: Env = process.env): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`(file): cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(path, [`(yaml): ${(err as Error).message.split('\n')[0]}`]);
  }
  return parseConfig(raw, path, env);
}

/** The driver in effect: redis when a URL or topology is given, otherwise the embedded memory store. */
export function storeDriver(config: Config): 'memory' | 'redis' {
  const store = config.store;
  return store.driver ?? (store.url || store.redis?.cluster || store.redis?.sentinels ? 'redis' : 'memory');
}
