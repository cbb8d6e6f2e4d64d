/**
 * Tests that need a tool from Debian's packages (chromium, promtool, prometheus, nginx, caddy, java, wrk).
 * Outside CI a missing tool is a loud skip that names the install command; under CI=true it is a failure,
 * because `.ci/run` installs every such tool.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface DebianTool {
  /** The executable looked for on PATH, or an absolute path. */
  command: string;
  /** The Debian package that provides it. */
  pkg: string;
}

export const TOOLS = {
  chromium: { command: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' },
  promtool: { command: 'promtool', pkg: 'prometheus' },
  prometheus: { command: 'prometheus', pkg: 'prometheus' },
  nginx: { command: 'nginx', pkg: 'nginx-light' },
  caddy: { command: 'caddy', pkg: 'caddy' },
  java: { command: 'java', pkg: 'openjdk-17-jdk-headless' },
} satisfies Record<string, DebianTool>;

/** The tool's absolute path, or null when it is not installed. */
export function locate(tool: DebianTool): string | null {
  if (tool.command.startsWith('/')) return existsSync(tool.command) ? tool.command : null;
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const candidate = `${dir}/${tool.command}`;
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * True when every tool is present. Otherwise prints one loud line with the install command and
 * returns false (use with `describe.skipIf(!requireTools(...))`), or throws under CI=true.
 */
export function requireTools(what: string, ...tools: DebianTool[]): boolean {
  const missing = tools.filter((tool) => locate(tool) === null);
  if (missing.length === 0) return true;
  const install = `apt-get install -y ${[...new Set(missing.map((t) => t.pkg))].join(' ')}`;
  const line = `${what} needs ${missing.map((t) => t.command).join(', ')}: ${install}`;
  if (process.env.CI === 'true') throw new Error(`${line} (CI=true: .ci/run must install it)`);
  process.stderr.write(`\n!!! SKIPPED: ${line}\n\n`);
  return false;
}

/** The major version `java -version` reports (it prints to stderr), or 0 when there is no java. */
export function javaMajor(): number {
  const java = locate(TOOLS.java);
  if (!java) return 0;
  const run = spawnSync(java, ['-version'], { encoding: 'utf8' });
  return Number(/version "(\d+)/.exec(`${run.stdout}${run.stderr}`)?.[1] ?? 0);
}
