/** Facts about this gateway for the page (served beside it, nothing secret); loaded once, optional. */
export interface ConsoleSettings {
  issuer?: string;
}

let loaded: Promise<ConsoleSettings> | undefined;

/** The settings, or `{}` when they cannot be read (the page works without them). */
export function consoleSettings(): Promise<ConsoleSettings> {
  loaded ??= fetch('/console/settings.json', { credentials: 'omit' })
    .then((r) => (r.ok ? (r.json() as Promise<ConsoleSettings>) : {}))
    .catch(() => ({}));
  return loaded;
}
