import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupCpus, workerCount } from '../../src/ops/worker-count.js';

function cpuMax(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tg-cpu-max-')), 'cpu.max');
  writeFileSync(file, content);
  return file;
}

describe('workerCount', () => {
  it('takes a number as it is', () => {
    expect(workerCount(3, () => 1)).toBe(3);
  });

  it('auto: the CPUs this process may use, capped by a cgroup CPU quota', () => {
    expect(workerCount('auto', () => null)).toBe(availableParallelism());
    expect(workerCount('auto', () => 1)).toBe(1);
    expect(workerCount('auto', () => 10_000)).toBe(availableParallelism());
  });
});

describe('cgroupCpus (cgroup v2 cpu.max)', () => {
  it('rounds a fractional quota up and reads no quota as none', () => {
    expect(cgroupCpus(cpuMax('200000 100000\n'))).toBe(2);
    expect(cgroupCpus(cpuMax('150000 100000\n'))).toBe(2);
    expect(cgroupCpus(cpuMax('50000 100000\n'))).toBe(1);
    expect(cgroupCpus(cpuMax('max 100000\n'))).toBeNull();
    expect(cgroupCpus('/nonexistent/cpu.max')).toBeNull();
  });
});
