/** Reading the Helm chart without helm: YAML files, Helm's values merge, and template references. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export const CHART = 'helm/tollgate';

export function readYaml(path: string): any {
  return parse(readFileSync(path, 'utf8'));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's `-f` semantics: maps merge key by key, lists and scalars replace, null deletes. */
export function helmMerge(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return structuredClone(override);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = key in out ? helmMerge(out[key], value) : structuredClone(value);
  }
  return out;
}

/** Every `.Values.a.b` path a template reads, as `a.b`. */
export function valuesReferences(template: string): string[] {
  return [...template.matchAll(/\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g)].map((m) => m[1]!);
}

/** True when the dotted path names a key present in the values (null values count as present). */
export function hasPath(values: unknown, path: string): boolean {
  let node = values;
  for (const key of path.split('.')) {
    if (!isMap(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** Opening actions (`if`, `range`, `with`, `define`) minus `end`s, failing on an `end` with nothing open. */
export function unbalancedBlocks(template: string): number {
  let depth = 0;
  for (const m of template.matchAll(/\{\{-?\s*(if|range|with|define|end)\b/g)) {
    depth += m[1] === 'end' ? -1 : 1;
    if (depth < 0) return depth;
  }
  return depth;
}

/**
 * Keys of values.yaml with no comment on the line above or at the end of the line. Entries of
 * lists (example routes, ingress hosts) are data, described by the comment on their list.
 */
export function uncommentedKeys(valuesText: string): string[] {
  const lines = valuesText.split('\n');
  const missing: string[] = [];
  let listIndent = -1;
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const indent = line.length - line.trimStart().length;
    if (listIndent >= 0 && indent > listIndent) return;
    listIndent = -1;
    if (line.trimStart().startsWith('- ')) {
      listIndent = indent;
      return;
    }
    const key = /^\s*([A-Za-z_][A-Za-z0-9_]*):/.exec(line);
    if (!key) return;
    const above = lines[i - 1]?.trim() ?? '';
    if (!above.startsWith('#') && !/\s#\s/.test(line)) missing.push(`line ${i + 1}: ${key[1]}`);
  });
  return missing;
}

/** Runs `tollgate config check --json` on a config object, from a clean environment plus `env`. */
export function configCheck(config: unknown, env: Record<string, string> = {}): { status: number | null; result: any; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-chart-'));
  const file = join(dir, 'tollgate.yaml');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  const run = spawnSync(process.execPath, ['dist/cli/index.js', 'config', 'check', '--json', file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let result: any = null;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    // left null: the assertion on `result` shows what went wrong, with stderr beside it
  }
  return { status: run.status, result, stderr: run.stderr };
}
