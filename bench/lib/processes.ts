/** Child processes for the benchmark: each server in its own process, read from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Peak and current resident set size, in MiB. */
export function memory(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { peakMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
}
