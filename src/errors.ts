/** Errors with a stable code and an HTTP status; one renderer per surface turns them into responses. */

/** HYPR's numeric error codes, sent as `code` where one fits. */
export const HYPR_CODES = {
  /** An access token that is invalid, expired, revoked or bound elsewhere. */
  invalidToken: '1201046',
  /** A client assertion that fails any check. */
  invalidAssertion: '1201047',
  /** Bad parameters, such as a TTL under 60 s. */
  invalidRequest: '1201023',
  /** Too many active tokens or token requests. */
  slowDown: '1201093',
} as const;

export interface ErrorFields {
  status: number;
  /** OAuth / RFC 6750 error string, e.g. `invalid_token`. */
  error: string;
  description: string;
  /** HYPR-compatible numeric code, where one fits. */
  code?: string;
  headers?: Record<string, string>;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly error: string;
  readonly description: string;
  readonly code?: string;
  readonly headers: Record<string, string>;

  constructor(fields: ErrorFields) {
    super(fields.description);
    this.name = 'GatewayError';
    this.status = fields.status;
    this.error = fields.error;
    this.description = fields.description;
    if (fields.code !== undefined) this.code = fields.code;
    this.headers = fields.headers ?? {};
  }

  toJSON(): Record<string, string> {
    const body: Record<string, string> = { error: this.error, error_description: this.description };
    if (this.code !== undefined) body.code = this.code;
    return body;
  }
}

/** A request body or parameter that fails validation; `issues` carry field paths. */
export class ValidationError extends GatewayError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super({ status: 400, error: 'invalid_request', description: issues.join('; ') });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export class NotFoundError extends GatewayError {
  constructor(what: string) {
    super({ status: 404, error: 'not_found', description: `${what} not found` });
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends GatewayError {
  constructor(what: string) {
    super({ status: 409, error: 'conflict', description: `${what} already exists` });
    this.name = 'ConflictError';
  }
}

/** The token store did not answer in time or refused: never allow, answer 503 fast. */
export class StoreUnavailableError extends GatewayError {
  constructor(cause?: unknown) {
    super({
      status: 503,
      error: 'temporarily_unavailable',
      description: 'token store unavailable, retry shortly',
      headers: { 'retry-after': '1' },
    });
    this.name = 'StoreUnavailableError';
    if (cause !== undefined) this.cause = cause;
  }
}

/** A config file that does not validate; every problem listed with its path. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`invalid configuration in ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
