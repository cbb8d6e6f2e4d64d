// Loaded into the soak's tollgate only (`node --expose-gc --import <this file>`): on SIGUSR2 it
// forces a full garbage collection and writes the memory figures to HEAP_PROBE_FILE as one JSON line.
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  globalThis.gc();
  const after = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  appendFileSync(process.env.HEAP_PROBE_FILE, `${JSON.stringify({ rssBeforeGc: before.rss, heapUsedBeforeGc: before.heapUsed, ...after, spaces })}\n`);
});
