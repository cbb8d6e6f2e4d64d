/**
 * Reads an `application/x-www-form-urlencoded` body (RFC 6749 3.2): POST only, capped in size
 * (413), each parameter at most once, empty values treated as absent; JSON and other types refused.
 * Key exchange reads no form: its body, if any, is only capped and dropped.
 */
import type { NextFunction, Request, Response } from 'express';
import { gatewayError } from '../errors.js';
import { invalidRequest } from './oauth-errors.js';

export type Form = Readonly<Record<string, string>>;

declare module 'express-serve-static-core' {
  interface Request {
    form?: Form;
  }
}

const FORM_TYPE = 'application/x-www-form-urlencoded';
const tooLarge = () => gatewayError('ERR_TG_BODY_TOO_LARGE', { headers: { connection: 'close' } });

/** The parsed form of a request that went through `readForm`. */
export function formOf(req: Request): Form {
  if (!req.form) throw new Error('readForm must run before this step');
  return req.form;
}

export function readForm(maxBytes: number) {
  return async function readForm(req: Request, _res: Response, next: NextFunction): Promise<void> {
    requirePost(req);
    const type = req.headers['content-type'];
    if (type === undefined || type.split(';', 1)[0]!.trim().toLowerCase() !== FORM_TYPE) {
      throw invalidRequest(`the body must be ${FORM_TYPE}`);
    }
    req.form = parseForm((await readBody(req, maxBytes)).toString('utf8'));
    next();
  };
}

/** For endpoints whose input is all in headers (key exchange): any body is read, capped and ignored. */
export function ignoreBody(maxBytes: number) {
  return async function ignoreBody(req: Request, _res: Response, next: NextFunction): Promise<void> {
    requirePost(req);
    await readBody(req, maxBytes);
    next();
  };
}

function requirePost(req: Request): void {
  if (req.method !== 'POST') throw invalidRequest('this endpoint accepts POST only', { allow: 'POST' });
}

/** The whole body, capped: 413 past `maxBytes`. Events, not an async iterator: a grant's body is one chunk. */
function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // The 413 closes the connection; whatever else arrives is drained, not kept.
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Parses a form body; a repeated parameter is invalid_request, an empty value counts as absent. */
export function parseForm(text: string): Form {
  const form: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (seen.has(name)) throw invalidRequest(`parameter ${name.slice(0, 64)} is repeated`);
    seen.add(name);
    if (value !== '') form[name] = value;
  }
  return form;
}
