/**
 * Keep-alive upstreams that record every request they parse and every byte they receive. Two parsers:
 * Node's own (llhttp, behind node:http) and http-parser-js (a separate, more lenient implementation, behind
 * a bare node:net server), so a request hidden in the bytes cannot hide from both. Each answers with an echo
 * whose headers name the request it answers (`x-echo-id` is the X-Request-Id the upstream received).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';

export type UpstreamParser = 'llhttp' | 'http-parser-js';

export interface SeenRequest {
  method: string;
  url: string;
  /** Header names lower-cased, values as received, in arrival order. */
  headers: [string, string][];
  body: string;
  /** Which upstream connection it arrived on (index into `wire`). */
  connection: number;
}

export interface RecordingUpstream {
  parser: UpstreamParser;
  url: string;
  /** Every request the upstream's parser completed, in order. */
  requests: SeenRequest[];
  /** Every byte received, as latin1 text, one entry per connection. */
  wire: string[];
  /** Parse errors the upstream hit (each also closed its connection). */
  errors: string[];
  /** Resolves once a request head carrying this X-Request-Id has been parsed (its body may still be coming). */
  headSeen(requestId: string): Promise<void>;
  close(): Promise<void>;
}

/** The value of a header in a recorded list, joined like Node joins repeats; undefined when absent. */
export function headerOf(headers: readonly [string, string][], name: string): string | undefined {
  const values = headers.filter(([n]) => n === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(', ');
}

function echo(seen: SeenRequest): { headers: [string, string][]; body: string } {
  const body = JSON.stringify({ method: seen.method, url: seen.url, body: seen.body });
  return {
    headers: [
      ['content-type', 'application/json'],
      ['content-length', String(Buffer.byteLength(body))],
      ['x-echo-id', headerOf(seen.headers, 'x-request-id') ?? 'none'],
      ['x-echo-method', seen.method],
    ],
    body,
  };
}

function recorder(parser: UpstreamParser) {
  const heads = new Set<string>();
  const waiting = new Map<string, () => void>();
  return {
    parser,
    requests: [] as SeenRequest[],
    wire: [] as string[],
    errors: [] as string[],
    /** Registers a new connection and logs its bytes; returns its index. */
    tap(socket: Socket): number {
      const index = this.wire.push('') - 1;
      socket.on('data', (chunk: Buffer) => {
        this.wire[index] += chunk.toString('latin1');
      });
      return index;
    },
    head(headers: readonly [string, string][]): void {
      const id = headerOf(headers, 'x-request-id');
      if (id === undefined) return;
      heads.add(id);
      waiting.get(id)?.();
    },
    headSeen(requestId: string): Promise<void> {
      return heads.has(requestId) ? Promise.resolve() : new Promise((resolve) => waiting.set(requestId, resolve));
    },
  };
}

function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!.toLowerCase(), flat[i + 1]!]);
  return out;
}

async function listening(server: Server, parser: UpstreamParser, rec: ReturnType<typeof recorder>): Promise<RecordingUpstream> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    parser,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: rec.requests,
    wire: rec.wire,
    errors: rec.errors,
    headSeen: (id) => rec.headSeen(id),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function startLlhttpUpstream(): Promise<RecordingUpstream> {
  const rec = recorder('llhttp');
  const connectionOf = new WeakMap<Socket, number>();
  const server = createServer({ keepAlive: true }, (req: IncomingMessage, res: ServerResponse) => {
    const headers = pairs(req.rawHeaders);
    rec.head(headers);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks).toString('latin1'), connection: connectionOf.get(req.socket)! };
      rec.requests.push(seen);
      const answer = echo(seen);
      res.writeHead(200, answer.headers.flat());
      res.end(answer.body);
    });
  });
  server.on('clientError', (err: Error, socket: Socket) => {
    rec.errors.push(err.message);
    socket.destroy();
  });
  // Added after node:http's own listener; a 'data' listener makes Node hand the bytes to JavaScript as well.
  server.on('connection', (socket: Socket) => connectionOf.set(socket, rec.tap(socket)));
  return listening(server, 'llhttp', rec);
}

/**
 * An incremental http-parser-js request parser for one connection: `request` fires per complete request
 * (with whether the connection stays open after it). Returns the function to feed bytes to.
 */
export function requestParser(connection: number, events: { head(headers: [string, string][]): void; request(seen: SeenRequest, keepAlive: boolean): void }): (chunk: Buffer) => Error | null {
  const parser = new HTTPParser(HTTPParser.REQUEST);
  let current: SeenRequest | null = null;
  let chunks: Buffer[] = [];
  let keepAlive = true;
  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    const headers = pairs(info.headers);
    current = { method: HTTPParser.methods[info.method as number] ?? String(info.method), url: info.url, headers, body: '', connection };
    chunks = [];
    keepAlive = info.shouldKeepAlive;
    events.head(headers);
  };
  parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
    chunks.push(chunk.subarray(offset, offset + length));
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    events.request({ ...current!, body: Buffer.concat(chunks).toString('latin1') }, keepAlive);
  };
  return (chunk) => {
    const result = parser.execute(chunk);
    return result instanceof Error ? result : null;
  };
}

/** Every request in recorded wire bytes, as http-parser-js reads them (a second opinion on another parser's log). */
export function reparseWire(wire: readonly string[]): { requests: SeenRequest[]; errors: string[] } {
  const requests: SeenRequest[] = [];
  const errors: string[] = [];
  wire.forEach((bytes, connection) => {
    const feed = requestParser(connection, { head: () => undefined, request: (seen) => requests.push(seen) });
    const error = feed(Buffer.from(bytes, 'latin1'));
    if (error) errors.push(error.message);
  });
  return { requests, errors };
}

function startHttpParserJsUpstream(): Promise<RecordingUpstream> {
  const rec = recorder('http-parser-js');
  const server = createNetServer((socket) => {
    const feed = requestParser(rec.tap(socket), {
      head: (headers) => rec.head(headers),
      request(seen, keepAlive) {
        rec.requests.push(seen);
        const answer = echo(seen);
        const head = ['HTTP/1.1 200 OK', ...answer.headers.map(([n, v]) => `${n}: ${v}`), `connection: ${keepAlive ? 'keep-alive' : 'close'}`].join('\r\n');
        socket.write(`${head}\r\n\r\n${seen.method === 'HEAD' ? '' : answer.body}`);
        if (!keepAlive) socket.end();
      },
    });
    socket.on('data', (chunk: Buffer) => {
      const error = feed(chunk);
      if (error) {
        rec.errors.push(error.message);
        socket.destroy();
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });
  return listening(server, 'http-parser-js', rec);
}

export function startRecordingUpstream(parser: UpstreamParser): Promise<RecordingUpstream> {
  return parser === 'llhttp' ? startLlhttpUpstream() : startHttpParserJsUpstream();
}
