/** node:http requests for tests that need headers fetch refuses to send (Connection, duplicates). */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** `headers` as a flat [name, value, ...] list so duplicates and exact casing survive. */
export function httpRequest(url: string, options: { method?: string; headers?: string[]; body?: string } = {}): Promise<RawResponse> {
  const headers = options.headers ?? [];
  // With a header list Node adds no Host of its own, and an HTTP/1.1 request without one is a 400.
  if (!headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')) headers.push('Host', new URL(url).host);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
