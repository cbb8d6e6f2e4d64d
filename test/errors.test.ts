/** The error vocabulary: stable ids, one entry per id, HYPR's codes in one place, ErrorFields as data and GatewayError as its throwable form. */
import { describe, expect, it } from 'vitest';
import { ERRORS, errorFields, errorJson, GatewayError, gatewayError, HYPR_CODES, StoreUnavailableError, ValidationError, type ErrorId } from '../src/errors.js';
import { REFUSALS } from '../src/edge/refusals.js';
import { badAssertion, invalidClient, invalidRequest, slowDown } from '../src/oauth/oauth-errors.js';

describe('error vocabulary', () => {
  it('names every id ERR_TG_* with a 4xx or 5xx status and a wire error; HYPR codes come only from HYPR_CODES', () => {
    const hypr = new Set<string>(Object.values(HYPR_CODES));
    for (const [id, entry] of Object.entries(ERRORS) as [ErrorId, (typeof ERRORS)[ErrorId]][]) {
      expect(id).toMatch(/^ERR_TG_[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.error).toMatch(/^[a-z_]+$/);
      // Descriptions may sit in a WWW-Authenticate challenge: no quote or backslash.
      expect(entry.description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
      if ('code' in entry) expect(hypr.has(entry.code)).toBe(true);
    }
  });

  it('keeps the id, the entry\'s status, error and code when a site gives a precise description', () => {
    const fields = errorFields('ERR_TG_INVALID_PARAMETER', { description: 'grant_type is required' });
    expect(fields).toEqual({ id: 'ERR_TG_INVALID_PARAMETER', status: 400, error: 'invalid_request', description: 'grant_type is required', code: '1201023' });
    expect(errorJson(fields)).toEqual({ error: 'invalid_request', error_description: 'grant_type is required', code: '1201023' });
  });

  it('throws the same data it describes', () => {
    const err = gatewayError('ERR_TG_CONFLICT', { description: 'app "x" already exists' });
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ id: 'ERR_TG_CONFLICT', status: 409, error: 'conflict' });
    expect(err.toJSON()).toEqual({ error: 'conflict', error_description: 'app "x" already exists' });
    expect(new StoreUnavailableError()).toMatchObject({ id: 'ERR_TG_STORE_UNAVAILABLE', status: 503, headers: { 'retry-after': '1' } });
    expect(new ValidationError(['name: required'])).toMatchObject({ id: 'ERR_TG_VALIDATION_FAILED', issues: ['name: required'] });
  });

  it('gives the token service\'s errors their ids and HYPR codes', () => {
    expect(invalidRequest('x')).toMatchObject({ id: 'ERR_TG_INVALID_PARAMETER', code: HYPR_CODES.invalidRequest });
    expect(invalidClient('x')).toMatchObject({ id: 'ERR_TG_INVALID_CLIENT', status: 401 });
    expect(invalidClient('x').code).toBeUndefined();
    expect(badAssertion('x')).toMatchObject({ id: 'ERR_TG_INVALID_ASSERTION', error: 'invalid_client', code: HYPR_CODES.invalidAssertion });
    expect(slowDown('x', 2.2)).toMatchObject({ id: 'ERR_TG_SLOW_DOWN', status: 429, code: HYPR_CODES.slowDown, headers: { 'retry-after': '3' } });
  });

  it('gives the edge\'s refusals their ids', () => {
    expect(REFUSALS.invalidToken).toMatchObject({ id: 'ERR_TG_INVALID_TOKEN', code: HYPR_CODES.invalidToken });
    expect(REFUSALS.storeDown.id).toBe('ERR_TG_STORE_UNAVAILABLE');
    expect(REFUSALS.missing.id).toBe('ERR_TG_TOKEN_MISSING');
    expect(REFUSALS.doubledHost).toMatchObject({ id: 'ERR_TG_INVALID_REQUEST', headers: { connection: 'close' } });
  });
});
