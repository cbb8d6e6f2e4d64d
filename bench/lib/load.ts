/**
 * The load generator, always a separate process: wrk when it is on PATH, autocannon otherwise.
 * A request is fixed (method, headers, body), or rotates one header or body value through a file
 * of values, one per line, so every request can carry a different token or assertion.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Each request takes the next line of this file into a header (`{header}`) or the body (`{body}`) at `{}`. */
  rotate?: { file: string; header?: string; template: string };
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Responses outside 2xx/3xx plus socket errors. */
  errors: number;
}

export const generator = spawnSync('wrk', ['--version']).error ? 'autocannon' : 'wrk';

const scratch = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
let scripts = 0;

function luaString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A wrk Lua script for the spec: fixed headers and body, optional rotation over a file. */
function wrkScript(spec: LoadSpec): string {
  const lines = [`wrk.method = ${luaString(spec.method ?? 'GET')}`];
  for (const [name, value] of Object.entries(spec.headers ?? {})) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (spec.body !== undefined) lines.push(`wrk.body = ${luaString(spec.body)}`);
  if (spec.rotate) {
    const [before, after] = spec.rotate.template.split('{}');
    lines.push(
      'local values = {}',
      `for line in io.lines(${luaString(spec.rotate.file)}) do values[#values + 1] = line end`,
      'local i = 0',
      'request = function()',
      '  i = i % #values + 1',
      `  local v = ${luaString(before ?? '')} .. values[i] .. ${luaString(after ?? '')}`,
      spec.rotate.header ? `  wrk.headers[${luaString(spec.rotate.header)}] = v` : '  wrk.body = v',
      '  return wrk.format()',
      'end',
    );
  }
  const file = join(scratch, `s${scripts++}.lua`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

function parseWrk(out: string): LoadResult {
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)`, 'm').exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { requests, rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0), p50ms: pct('50'), p99ms: pct('99'), errors: non2xx + socketErrors };
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(new Error(`${command} failed: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const timeout = (spec.seconds + 30) * 1000;
  if (generator === 'wrk') {
    const args = ['-t1', `-c${spec.connections}`, `-d${Math.max(1, Math.round(spec.seconds))}s`, '--latency', '-s', wrkScript(spec), spec.url];
    return parseWrk(await run('wrk', args, timeout));
  }
  const child = fileURLToPath(new URL('./autocannon-child.ts', import.meta.url));
  return JSON.parse(await run(process.execPath, ['--import', 'tsx', child, JSON.stringify(spec)], timeout)) as LoadResult;
}
