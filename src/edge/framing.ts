/**
 * Framing the edge refuses before anything else, beyond what Node's strict parser already refuses
 * (CL with TE, two Content-Lengths, obs-fold, bare CR/LF, bad chunk sizes: 400 and close).
 */
import type { IncomingMessage } from 'node:http';
import type { EdgeError } from './respond.js';

/** Only plain `chunked` is forwarded: `identity, chunked` or a repeated header is parsed by some servers differently. */
function badTransferEncoding(req: IncomingMessage): boolean {
  const te = req.headers['transfer-encoding'];
  return te !== undefined && te.toLowerCase() !== 'chunked';
}

/** RFC 9112 3.2: a request with more than one Host is a 400; Node quietly keeps the first. */
function doubledHost(raw: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

const UNSUPPORTED_TE: EdgeError = { status: 400, error: 'invalid_request', description: 'unsupported Transfer-Encoding', headers: { connection: 'close' } };
const DOUBLED_HOST: EdgeError = { status: 400, error: 'invalid_request', description: 'more than one Host header', headers: { connection: 'close' } };

/** The 400 (with the connection closed) for a request framed ambiguously, or null. */
export function framingError(req: IncomingMessage): EdgeError | null {
  if (badTransferEncoding(req)) return UNSUPPORTED_TE;
  return doubledHost(req.rawHeaders) ? DOUBLED_HOST : null;
}
