import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readYaml } from '../helpers/chart.js';

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

/** Splits a Dockerfile into stages of instruction lines (continuations joined, comments dropped). */
function stages(text: string): { args: string[]; stages: Stage[] } {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args: string[] = [];
  const out: Stage[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1]!, name: from[2] ?? String(out.length), lines: [] });
    else if (out.length === 0) args.push(line);
    else out[out.length - 1]!.lines.push(line);
  }
  return { args, stages: out };
}

const dockerfile = readFileSync('Dockerfile', 'utf8');
const { args, stages: all } = stages(dockerfile);
const final = all[all.length - 1]!;
const instr = (stage: Stage, name: string) => stage.lines.filter((l) => l.toUpperCase().startsWith(`${name} `));

describe('Dockerfile', () => {
  it('is multi-stage on a current Node LTS slim base', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const version = /^ARG NODE_VERSION=(\d+)$/.exec(args.find((a) => a.startsWith('ARG NODE_VERSION')) ?? '');
    expect(Number(version?.[1])).toBeGreaterThanOrEqual(22);
    expect(Number(version?.[1]) % 2).toBe(0); // even majors are the LTS lines
    for (const stage of all) expect(stage.from).toBe('node:${NODE_VERSION}-slim');
  });

  it('builds with dev dependencies in one stage and ships production dependencies only', () => {
    const build = all.find((s) => s.lines.some((l) => l.includes('npm run build')))!;
    const deps = all.find((s) => s.lines.some((l) => /npm ci\b.*--omit=dev/.test(l)))!;
    expect(build).toBeDefined();
    expect(deps).toBeDefined();
    expect(deps).not.toBe(build);
    const copies = instr(final, 'COPY');
    expect(copies).toContainEqual(expect.stringMatching(new RegExp(`^COPY --from=${deps.name} \\S*node_modules `)));
    expect(copies).toContainEqual(expect.stringMatching(new RegExp(`^COPY --from=${build.name} \\S*/dist \\./dist$`)));
    expect(copies.filter((c) => c.includes(`--from=${build.name}`) && c.includes('node_modules'))).toEqual([]);
    expect(final.lines.filter((l) => /npm (ci|install)/.test(l))).toEqual([]);
  });

  it('runs as a non-root user, numerically so runAsNonRoot can verify it', () => {
    const users = instr(final, 'USER');
    expect(users).toHaveLength(1);
    const user = users[0]!.split(/\s+/)[1]!;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    expect(final.lines.indexOf(users[0]!)).toBeLessThan(final.lines.findIndex((l) => l.startsWith('ENTRYPOINT')));
  });

  it('exposes the proxy and metrics ports of the shipped config', () => {
    const config = readYaml('config/tollgate.yaml');
    const exposed = instr(final, 'EXPOSE').flatMap((l) => l.split(/\s+/).slice(1)).map(Number);
    expect(exposed).toEqual(expect.arrayContaining([config.listen.port, config.listen.metricsPort]));
  });

  it('runs `tollgate serve` with the config at /etc/tollgate/tollgate.yaml under tini', () => {
    const json = (name: string) => JSON.parse(instr(final, name)[0]!.slice(name.length + 1)) as string[];
    const entrypoint = json('ENTRYPOINT');
    const command = [...entrypoint, ...json('CMD')];
    expect(entrypoint[0]).toMatch(/tini$/);
    expect(command.slice(command.indexOf('node') + 1)).toEqual(['/app/dist/cli/index.js', 'serve', '--config', '/etc/tollgate/tollgate.yaml']);
    expect(instr(final, 'ENV').join(' ')).toContain('TOLLGATE_CONFIG=/etc/tollgate/tollgate.yaml');
    expect(final.lines.some((l) => l.includes('apt-get install') && l.includes('tini'))).toBe(true);
  });

  it('has a .dockerignore that keeps local installs, builds and git out of the context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env']));
    expect(ignored).not.toContain('src');
    expect(ignored).not.toContain('package-lock.json');
  });
});
