/**
 * How a request is framed, checked before anything else. Node's strict parser already refuses CL with TE,
 * two Content-Lengths, obs-fold, bare CR/LF and bad chunk sizes; these are the ambiguities it lets through.
 * The framing the upstream sees is never copied from the client: the forwarder derives it from the body.
 */
import type { IncomingMessage } from 'node:http';
import { REPEATED, singleHeader } from './raw-headers.js';

export type FramingProblem =
  | 'transfer-encoding' | 'doubled-host' | 'framing-in-connection' | 'too-many-headers' | 'upgrade-with-body' | 'unsupported-upgrade';

/** True when the request carries a body: chunked, or a Content-Length above zero (Node has checked both). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * What is wrong with the request's framing, or null. `maxHeaders` bounds the header count (431): Node keeps
 * only so many in `req.headers`, and every header decision must see the whole list. `listed`: the names the
 * request's `Connection` headers list (raw-headers.ts `connectionListed`).
 */
export function framingProblem(req: IncomingMessage, maxHeaders: number, upgrade: boolean, listed: ReadonlySet<string> | null): FramingProblem | null {
  const raw = req.rawHeaders;
  if (raw.length > maxHeaders * 2) return 'too-many-headers';
  // Only plain `chunked` (Node joins repeated headers, so `chunked, chunked` lands here too): `identity, chunked`
  // and the like are parsed differently by some servers.
  const te = req.headers['transfer-encoding'];
  // HTTP/1.0 has no chunked coding: RFC 9112 6.1 calls such framing faulty.
  if (te !== undefined && (te.toLowerCase() !== 'chunked' || req.httpVersion === '1.0')) return 'transfer-encoding';
  if (singleHeader(raw, 'host') === REPEATED) return 'doubled-host';
  if (listed && (listed.has('content-length') || listed.has('transfer-encoding'))) return 'framing-in-connection';
  if (upgrade) {
    if (hasBody(req)) return 'upgrade-with-body';
    // h2c would turn the connection into an HTTP/2 tunnel past every check here.
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') return 'unsupported-upgrade';
  }
  return null;
}
