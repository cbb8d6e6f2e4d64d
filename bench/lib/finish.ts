/** How every bench script ends: its report saved under bench/results and printed; its processes and keys gone. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanup } from './provision.js';
import type { BenchRedis } from './redis.js';

export function publishReport(file: string, report: string): void {
  writeFileSync(fileURLToPath(new URL(`../results/${file}`, import.meta.url)), report);
  process.stdout.write(`${report}\n`);
}

export async function teardown(servers: readonly { stop(): Promise<unknown> }[], redis: BenchRedis, prefix: string): Promise<void> {
  for (const server of [...servers].reverse()) await server.stop();
  await cleanup(redis.client, prefix);
  await redis.stop();
}
