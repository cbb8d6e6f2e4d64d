/**
 * What a listener does about connections before any request handler runs: a request Node cannot parse gets a
 * JSON 400/408/431 after any response still owed on that connection, not in place of it (Node's default writes its
 * 400 at once, and the earlier request's answer is lost although the upstream acted on it); CONNECT gets a 405.
 * (A connection that sends nothing is closed by Node itself once `headersTimeout` passes.)
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorFields, type ErrorFields } from '../errors.js';
import { writeErrorToSocket } from './error-response.js';

const CONNECT_REFUSED = errorFields('ERR_TG_METHOD_NOT_ALLOWED', { description: 'CONNECT is not supported: tollgate is not a tunnel', headers: { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' } });
const BAD_REQUEST = errorFields('ERR_TG_INVALID_REQUEST', { description: 'the request cannot be parsed' });
const TOO_LARGE = errorFields('ERR_TG_HEADERS_TOO_LARGE');
const TIMEOUT = errorFields('ERR_TG_REQUEST_TIMEOUT');

function answerFor(code: string | undefined): ErrorFields {
  if (code === 'HPE_HEADER_OVERFLOW') return TOO_LARGE;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return TIMEOUT;
  return BAD_REQUEST;
}

/**
 * The response still owed to an earlier request on this connection, one that arrived whole before the bytes
 * that failed to parse. (When the failure is in the body of the request being answered, nothing is owed first.)
 */
function owed(socket: Duplex): ServerResponse | undefined {
  const pending = responseOn(socket);
  return pending && !pending.writableFinished && pending.req.complete ? pending : undefined;
}

/** The response Node is writing on this connection, if any (Node keeps it on the socket). */
function responseOn(socket: Duplex): ServerResponse | null | undefined {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
}

/**
 * Connections whose last answer said `Connection: close`. Node still parses what a client pipelined behind it;
 * RFC 9112 9.6 forbids acting on it, and a parse error there must not earn a second answer.
 */
const closing = new WeakSet<object>();

/** Marks a connection as answered for good: later requests on it are left alone until Node closes it. */
export function closeAfterAnswer(socket: object): void {
  closing.add(socket);
}

export function isClosing(socket: object): boolean {
  return closing.has(socket);
}

export function guardConnections(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const current = responseOn(socket);
    if (!socket.writable || err.code === 'ECONNRESET' || (current && current.headersSent && !current.req.complete)) {
      socket.destroy();
      return;
    }
    const pending = owed(socket);
    const answer = () => (closing.has(socket) ? socket.destroy() : writeErrorToSocket(socket, answerFor(err.code), randomUUID()));
    if (pending) pending.once('finish', answer).once('close', () => socket.destroy());
    else answer();
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => writeErrorToSocket(socket, CONNECT_REFUSED, randomUUID()));
}
