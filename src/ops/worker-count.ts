/** How many worker processes `listen.workers` means on this machine. */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPUs a cgroup v2 quota allows (`cpu.max` "200000 100000" = 2), rounded up; null without a quota.
 * Node 20 counts the host's CPUs, so a pod limited to 2 CPUs on a 64-core node would start 64 workers.
 */
export function cgroupCpus(file = '/sys/fs/cgroup/cpu.max'): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === 'max' || !quota || !period) return null;
  return Math.max(1, Math.ceil(Number(quota) / Number(period)));
}

export function workerCount(setting: number | 'auto', cpus: () => number | null = cgroupCpus): number {
  if (setting !== 'auto') return setting;
  return Math.min(availableParallelism(), cpus() ?? Infinity);
}
