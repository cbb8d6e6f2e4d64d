/** A raw TCP HTTP/1.1 exchange (node:net), for requests no client library would send as written. */
import { connect, type Socket } from 'node:net';

export interface RawExchange {
  /** Final (non-1xx) status, or 0 when the connection closed without one. */
  status: number;
  /** Interim 1xx statuses seen before the final answer. */
  interim: number[];
  head: string;
  body: string;
  socket: Socket;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
}

/** Parses as far as one complete final response; null while more bytes are needed. */
function parse(text: string): { status: number; interim: number[]; head: string; body: string } | null {
  const interim: number[] = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const head = rest.slice(0, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    rest = rest.slice(end + 4);
    if (status >= 100 && status < 200) {
      interim.push(status);
      continue;
    }
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length) return rest.length >= Number(length[1]) ? { status, interim, head, body: rest.slice(0, Number(length[1])) } : null;
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) return rest.includes('0\r\n\r\n') ? { status, interim, head, body: rest } : null;
    return null;
  }
}

/**
 * Opens a connection, writes `data`, and resolves with the first final response or when the server
 * closes. `afterContinue` is written only once a `100 Continue` arrives.
 */
export function rawExchange(port: number, data: string | Buffer, afterContinue?: string): Promise<RawExchange> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    let done = false;
    const finish = (parsed: ReturnType<typeof parse>) => {
      if (done) return;
      done = true;
      const interim = parsed?.interim ?? [...text.matchAll(/HTTP\/1\.1 (1\d\d)/g)].map((m) => Number(m[1]));
      const status = parsed?.status ?? Number(/^HTTP\/1\.[01] ([2-5]\d\d)/m.exec(text)?.[1] ?? 0);
      resolve({ status, interim, head: parsed?.head ?? text, body: parsed?.body ?? '', socket, closed });
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (afterContinue !== undefined && /^HTTP\/1\.1 100 /.test(text)) {
        socket.write(afterContinue);
        afterContinue = undefined;
      }
      const parsed = parse(text);
      if (parsed) finish(parsed);
    });
    socket.once('close', () => finish(parse(text)));
    socket.write(data);
  });
}
