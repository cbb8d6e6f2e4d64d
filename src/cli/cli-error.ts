/** CLI failures with exit codes that mean something to scripts. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
