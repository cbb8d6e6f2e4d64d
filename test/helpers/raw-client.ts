/**
 * A kept-alive raw TCP client (node:net) that writes bytes as given and reads the answers one complete
 * response at a time (parsed with http-parser-js), so a test can count exactly what came back on a connection.
 */
import { connect, type Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';

export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeats joined with ', '. */
  headers: Record<string, string>;
  body: string;
}

export interface RawClient {
  /** Writes bytes as they are; `heads` says, per response these bytes should produce, whether it answers a HEAD. */
  write(data: string | Buffer, heads?: boolean[]): void;
  /** The next final (non-1xx) response; null when the connection closes first. Rejects after `withinMs`. */
  next(withinMs?: number): Promise<RawResponse | null>;
  /** Every byte received so far, as latin1 text. */
  received(): string;
  isClosed(): boolean;
  /** Resolves when the server (or `destroy`) has closed the connection. */
  closed: Promise<void>;
  destroy(): void;
}

export function openRawClient(port: number): Promise<RawClient> {
  const socket: Socket = connect(port, '127.0.0.1');
  const parser = new HTTPParser(HTTPParser.RESPONSE);
  const heads: boolean[] = [];
  const ready: RawResponse[] = [];
  const waiters: ((response: RawResponse | null) => void)[] = [];
  let text = '';
  let isClosed = false;
  let current: RawResponse | null = null;
  let chunks: Buffer[] = [];

  const deliver = (response: RawResponse | null) => {
    const waiter = waiters.shift();
    if (waiter) waiter(response);
    else if (response) ready.push(response);
  };
  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < info.headers.length; i += 2) {
      const name = info.headers[i]!.toLowerCase();
      headers[name] = headers[name] === undefined ? info.headers[i + 1]! : `${headers[name]}, ${info.headers[i + 1]}`;
    }
    current = { status: info.statusCode, headers, body: '' };
    chunks = [];
    // A 1xx is not the answer; a response to HEAD has no body whatever its Content-Length says.
    return info.statusCode >= 200 && heads.shift() === true ? 1 : 0;
  };
  parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
    chunks.push(chunk.subarray(offset, offset + length));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (current!.status < 200) return;
    deliver({ ...current!, body: Buffer.concat(chunks).toString('latin1') });
  };

  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      // A response framed by the connection's end (no length) completes only now.
      parser.finish();
      while (waiters.length > 0) deliver(null);
      resolve();
    }),
  );
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    const result = parser.execute(chunk);
    if (result instanceof Error) socket.destroy();
  });

  const client: RawClient = {
    write(data, expected = [false]) {
      heads.push(...expected);
      socket.write(data);
    },
    next(withinMs = 5_000) {
      const queued = ready.shift();
      if (queued) return Promise.resolve(queued);
      if (isClosed) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        const waiter = (response: RawResponse | null) => {
          clearTimeout(timer);
          resolve(response);
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no complete response within ${withinMs} ms; received so far: ${JSON.stringify(text.slice(0, 300))}`));
        }, withinMs);
        waiters.push(waiter);
      });
    },
    received: () => text,
    isClosed: () => isClosed,
    closed,
    destroy: () => socket.destroy(),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}
