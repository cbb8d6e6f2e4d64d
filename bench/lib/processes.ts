/** Child processes for the benchmark: each server in its own process, read from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Server {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

/** Starts a process and waits for the line `ready` reports a URL for (stdout, one line each). */
export function startProcess(name: string, command: string, args: string[], env: Record<string, string>, ready: (line: string) => string | null): Promise<Server> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const errors: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => errors.push(String(chunk)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${errors.join('')}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${errors.join('')}`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const url = ready(line);
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      lines.removeAllListeners('line');
      child.stdout!.resume();
      resolve({
        name,
        url,
        pid: child.pid!,
        child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** A bench server script (TypeScript via tsx) that prints `ready <port>`. */
export function startScript(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  return startProcess(name, process.execPath, [...nodeArgs, '--import', 'tsx', script], env, (line) => {
    const m = /^ready (\d+)$/.exec(line);
    return m ? `http://127.0.0.1:${m[1]}` : null;
  });
}

function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The process and every descendant (a gateway's cluster workers), by walking /proc's parent ids. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(stat(Number(entry))?.[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** CPU seconds (user + system) the process and its descendants have used so far. */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const fields = stat(p);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** Peak and current resident set size, in MiB. */
export function memory(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { peakMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
}
