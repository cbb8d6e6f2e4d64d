/**
 * The load generator: wrk, always a separate process. There is deliberately no fallback: a Node
 * load generator (autocannon) saturates a core by itself on a small machine, and then every server
 * measures alike — the bench would measure its own load generator.
 * A request is fixed (method, headers, body), or rotates one header or body value through a file
 * of values, one per line, so every request can carry a different token or assertion.
 * Figures come from wrk's `done()` hook as JSON, not from its human-readable summary.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Why the bench will not measure or report: a sentence for the operator, not a bug. */
export class Refusal extends Error {}

/** Stops the bench before anything runs when wrk is missing; says how to get it. */
export function requireWrk(): string {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Refusal(
      'wrk is not on PATH. The bench drives load with wrk only (install it: apt-get install -y wrk). ' +
        'It does not fall back to autocannon: a Node load generator saturates a core of its own and the bench would measure it instead of the servers.',
    );
  }
  return `${probe.stdout}${probe.stderr}`.split('\n')[0]!.split(' ').slice(0, 2).join(' ');
}

const scratch = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
let scripts = 0;

function luaString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A wrk Lua script for the spec: fixed headers and body, optional rotation, and a JSON summary written to `out`. */
function wrkScript(spec: LoadSpec, out: string): string {
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
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  local f = io.open(${luaString(out)}, "w")`,
    '  f:write(string.format(\'{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d}\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),',
    '    e.connect + e.read + e.write + e.status + e.timeout))',
    '  f:close()',
    'end',
  );
  const file = join(scratch, `s${scripts++}.lua`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => (err ? reject(new Error(`${command} failed: ${stderr || err.message}`)) : resolve()));
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const out = join(scratch, `r${scripts}.json`);
  const args = ['-t1', `-c${spec.connections}`, `-d${Math.max(1, Math.round(spec.seconds))}s`, '--timeout', '2s', '-s', wrkScript(spec, out), spec.url];
  await run('wrk', args, (spec.seconds + 30) * 1000);
  const r = JSON.parse(readFileSync(out, 'utf8')) as { requests: number; durationUs: number; p50Us: number; p99Us: number; errors: number };
  return { requests: r.requests, rps: r.requests / (r.durationUs / 1e6), p50ms: r.p50Us / 1000, p99ms: r.p99Us / 1000, errors: r.errors };
}
