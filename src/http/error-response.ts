/**
 * The RFC 6750 edge's renderer (also used by the plain node:http listeners: health, metrics, not found):
 * errors.ts's JSON error shape written two ways, on a ServerResponse, or as raw bytes on a socket that
 * has no ServerResponse (a refused upgrade).
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorJson, type ErrorFields } from '../errors.js';

/** The JSON body for an error; descriptions are fixed strings, never a 5xx's internal message. */
export function errorBody(err: ErrorFields): string {
  return JSON.stringify(errorJson(err));
}

/**
 * Answers with the error (plus `extra` headers, such as CORS); a response already under way is cut off
 * instead (its status is already out). Listeners that assign no request id pass none.
 */
export function sendError(res: ServerResponse, err: ErrorFields, requestId?: string, extra?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(err);
  res.statusCode = err.status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  if (requestId !== undefined) res.setHeader('x-request-id', requestId);
  if (err.headers) for (const name in err.headers) res.setHeader(name, err.headers[name]!);
  if (extra) for (const name in extra) res.setHeader(name, extra[name]!);
  res.end(body);
}

/** Writes the error as a whole HTTP/1.1 response on a raw socket and closes the connection. */
export function writeErrorToSocket(socket: Duplex, err: ErrorFields, requestId: string): void {
  const body = errorBody(err);
  let head = `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ''}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nx-request-id: ${requestId}\r\nconnection: close\r\n`;
  if (err.headers) for (const name in err.headers) if (name !== 'connection') head += `${name}: ${err.headers[name]}\r\n`;
  // Server sockets allow half-open connections: destroy once flushed so the connection really ends.
  socket.end(`${head}\r\n${body}`, () => socket.destroy());
}
