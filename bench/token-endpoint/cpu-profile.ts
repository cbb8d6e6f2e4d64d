/**
 * Reads a `node --cpu-prof` profile as top lists: self time per function (where the CPU is burnt),
 * total time per tollgate function (which step of a grant it is burnt under) and self time per package.
 */
import { readFileSync } from 'node:fs';
import { fixed, table } from '../lib/stats.js';

interface Frame {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** The package or node module a frame runs in, or the tollgate file. */
function area(frame: Frame): string {
  const { url, functionName } = frame.callFrame;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(-1)[0]}`;
  if (url.includes('/dist/')) return `tollgate ${url.slice(url.lastIndexOf('/dist/') + 6)}`;
  return url ? 'other' : functionName;
}

function label(frame: Frame): string {
  const { functionName, url, lineNumber } = frame.callFrame;
  const file = url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\//, '');
  return url ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : functionName;
}

export function summarizeProfile(path: string, top = 10): string {
  const { nodes } = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Frame[] };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  // Depth-first from the root; a function on the stack twice (recursion) is counted once per sample.
  const walk = (frame: Frame, onStack: Set<string>): number => {
    const name = label(frame);
    const hits = frame.callFrame.functionName === '(idle)' ? 0 : (frame.hitCount ?? 0);
    busy += hits;
    if (hits > 0) {
      self.set(name, (self.get(name) ?? 0) + hits);
      areas.set(area(frame), (areas.get(area(frame)) ?? 0) + hits);
    }
    const inner = new Set(onStack).add(name);
    let sum = hits;
    for (const child of frame.children ?? []) sum += walk(byId.get(child)!, inner);
    if (!onStack.has(name) && frame.callFrame.url.includes('/dist/') && !frame.callFrame.url.includes('/node_modules/')) total.set(name, (total.get(name) ?? 0) + sum);
    return sum;
  };
  walk(nodes[0]!, new Set());
  const rows = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, hits]) => [`\`${name}\``, `${fixed((hits / busy) * 100, 1)}%`]);
  return [
    `${busy} busy samples (idle excluded); percentages are of busy samples.`,
    '',
    table(['self time', '%'], rows(self)),
    '',
    table(['total time under a tollgate function', '%'], rows(total)),
    '',
    table(['self time by package / module', '%'], rows(areas)),
  ].join('\n');
}
