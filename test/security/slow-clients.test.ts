import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-socket.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const BIG_RESPONSE = 256 * 1024 * 1024;
let upstream: TestUpstream;
let gw: TestGateway;
let port: number;
/** Bytes the streaming upstream has managed to write, and a way to learn that it is stuck waiting for `drain`. */
const producer = { written: 0, stalled: null as null | (() => void) };

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (!req.url!.startsWith('/public/big')) return void res.end('ok');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG_RESPONSE });
    const chunk = Buffer.alloc(64 * 1024, 120);
    let stallTimer: NodeJS.Timeout | undefined;
    const pump = () => {
      clearTimeout(stallTimer);
      while (producer.written < BIG_RESPONSE) {
        producer.written += chunk.length;
        if (!res.write(chunk)) {
          // Refilled by `drain`; if none comes for a while, backpressure has reached the upstream.
          stallTimer = setTimeout(() => producer.stalled?.(), 300);
          return void res.once('drain', pump);
        }
      }
      producer.stalled?.();
      res.end();
    };
    res.on('close', () => clearTimeout(stallTimer));
    pump();
  });
  gw = await startTestGateway({
    listen: { limits: { headersTimeout: '1s', requestTimeout: '2s', keepAliveTimeout: '2s', maxConnections: 4 } },
    routes: [{ name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' }],
  }, 'memory');
  port = Number(new URL(gw.url).port);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('slow and abusive clients', () => {
  it('cuts off a slowloris client trickling its headers one byte a second (headersTimeout 1s)', async () => {
    const request = `GET /public/x HTTP/1.1\r\nHost: gw.test\r\nX-Slow: ${'a'.repeat(40)}\r\n\r\n`;
    const socket = await open();
    let sent = 0;
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const trickle = setInterval(() => {
      if (sent < request.length && !socket.destroyed) socket.write(request[sent++]!);
    }, 1000);
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(trickle);
    expect(sent).toBeLessThan(request.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(upstream.requests.filter((r) => r.url === '/public/x')).toEqual([]);
  });

  it('cuts off a client trickling its body past requestTimeout (2s)', async () => {
    const socket = await open();
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.write('POST /public/slow-body HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 100\r\n\r\n');
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < 100 && !socket.destroyed) socket.write('x', () => sent++);
    }, 500);
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(trickle);
    expect(sent).toBeLessThan(100);
    expect(upstream.requests.filter((r) => r.url === '/public/slow-body')).toEqual([]);
  });

  it('closes an idle keep-alive connection after keepAliveTimeout and says so in Keep-Alive', async () => {
    const answer = await rawExchange(port, 'GET /public/x HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.head).toMatch(/\r\nKeep-Alive: timeout=2(\r\n|$)/i);
    await answer.closed;
  });

  it('caps concurrent connections per listener (maxConnections 4): the fifth is dropped, a freed slot is reused', async () => {
    const held = await Promise.all([open(), open(), open(), open()]);
    for (const s of held) s.write('GET /public/held HTTP/1.1\r\nHost: gw.test\r\n');
    const fifth = await open();
    let fifthData = '';
    fifth.on('data', (d: Buffer) => (fifthData += d.toString()));
    fifth.write('GET /public/x HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n');
    await new Promise((resolve) => fifth.once('close', resolve));
    expect(fifthData).toBe('');
    const freed = held.pop()!;
    const gone = new Promise((resolve) => freed.once('close', resolve));
    freed.destroy();
    await gone;
    // The server learns of the close asynchronously; retry until its count drops.
    let status = 0;
    while (status === 0) status = (await rawExchange(port, 'GET /public/x HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n')).status;
    expect(status).toBe(200);
    for (const s of held) s.destroy();
  });

  it('a client that stops reading a huge response does not make the gateway buffer it (backpressure to the upstream)', async () => {
    const rssBefore = process.memoryUsage().rss;
    const socket = await open();
    const stalled = new Promise<void>((resolve) => (producer.stalled = resolve));
    socket.once('data', () => socket.pause());
    socket.write('GET /public/big HTTP/1.1\r\nHost: gw.test\r\n\r\n');
    await stalled;
    const growth = process.memoryUsage().rss - rssBefore;
    // Kernel socket buffers and a few stream high-water marks, nowhere near the 256 MiB on offer.
    expect(producer.written).toBeLessThan(32 * 1024 * 1024);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    socket.destroy();
  });
});
