/** The CLI's client for the admin API: `--url`, `--token` / TOLLGATE_ADMIN_TOKEN, `--json`. */
import type { Command } from 'commander';
import { CliError, EXIT } from './cli-error.js';

export interface AdminCallOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** Adds the options every admin-API command shares. */
export function withAdminOptions(command: Command): Command {
  return command
    .option('--url <url>', 'gateway admin URL (env TOLLGATE_URL)', process.env.TOLLGATE_URL ?? 'http://127.0.0.1:8080')
    .option('--token <token>', 'admin token (prefer env TOLLGATE_ADMIN_TOKEN: arguments show in ps)')
    .option('--json', 'machine-readable output');
}

export async function callAdmin(options: AdminCallOptions, method: string, path: string, body?: unknown): Promise<any> {
  const token = options.token ?? process.env.TOLLGATE_ADMIN_TOKEN;
  if (!token) throw new CliError('no admin token: set TOLLGATE_ADMIN_TOKEN or pass --token (tollgate admin bootstrap prints one)', EXIT.usage);
  const url = `${options.url.replace(/\/+$/, '')}/admin/v1${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new CliError(`cannot reach the gateway at ${options.url}: ${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message ?? '') : (err as Error).message}`, EXIT.unavailable);
  }
  const text = await response.text();
  const data = text ? safeJson(text) : null;
  if (!response.ok) {
    const detail = data && typeof data === 'object' && 'error_description' in data ? String(data.error_description) : `HTTP ${response.status}`;
    throw new CliError(`${method} ${path} failed (${response.status}): ${detail}`, response.status === 503 ? EXIT.unavailable : EXIT.failed);
  }
  return data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Comma- or space-separated list option. */
export function list(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

export function print(options: { json?: boolean }, data: unknown, human: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

/** Fixed-width columns for human output. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}
