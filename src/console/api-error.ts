/** A failed admin API call, with what the user should read and whether trying again can help. */
export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly issues: string[];

  constructor(status: number, error: string, description: string, issues: string[] = []) {
    super(description);
    this.name = 'ApiError';
    this.status = status;
    this.error = error;
    this.issues = issues;
  }

  /** The store or the network is down: nothing changed, the same action can simply be retried. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** What to show for an error: the retryable ones get one clear sentence instead of server text. */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong in the console. Reload the page and try again.';
  if (err.status === 0) return 'The gateway did not answer. Check that tollgate is running, then try again.';
  if (err.retryable) return 'The token store (Redis) is unavailable right now. Nothing was changed and nothing you entered is lost: try again in a moment.';
  if (err.status === 403) return `Your admin token is not allowed to do this: ${err.message}`;
  if (err.status === 409) return isDuplicate(err) ? `${capitalize(err.message)}. Choose another name.` : capitalize(err.message);
  if (err.issues.some((i) => i.includes('is not a scope of app'))) {
    return `Please fix: ${err.issues.join('; ')}. The app's permissions changed since this page loaded: uncheck it, or reload the page for the current list.`;
  }
  if (err.issues.length > 0) return `Please fix: ${err.issues.join('; ')}`;
  return capitalize(err.message);
}

/** A 409 about a name that is taken (other 409s are about state, e.g. the built-in admin app). */
export function isDuplicate(err: ApiError): boolean {
  return err.status === 409 && err.message.endsWith('already exists');
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
