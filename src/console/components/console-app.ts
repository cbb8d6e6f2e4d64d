/** `<tg-console>`: sign-in, then the app picker and the Access Tokens / OAuth Clients / API Keys tabs. */
import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { createAdminApi } from '../admin-api.js';
import { ApiError, describeError } from '../api-error.js';
import { LightElement } from '../light-element.js';
import type { App } from '../models.js';
import { session } from '../session.js';
import './api-keys-panel.js';
import './clients-panel.js';
import './sign-in-view.js';
import './tokens-panel.js';

type Tab = 'tokens' | 'clients' | 'keys';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'tokens', label: 'Access Tokens' },
  { id: 'clients', label: 'OAuth Clients' },
  { id: 'keys', label: 'API Keys' },
];
const ADMIN_APP = 'tollgate-admin';

@customElement('tg-console')
export class ConsoleApp extends LightElement {
  @state() private signedIn = false;
  @state() private signInMessage = '';
  @state() private busy = false;
  @state() private apps: App[] = [];
  @state() private appId = '';
  @state() private tab: Tab = 'tokens';
  @state() private appsError = '';

  private readonly api = createAdminApi(session.token, (message) => this.signOut(message));

  override connectedCallback(): void {
    super.connectedCallback();
    if (session.token()) void this.loadApps();
  }

  private signOut(message = '') {
    session.signOut();
    this.signedIn = false;
    this.apps = [];
    this.signInMessage = message;
  }

  private async signIn(token: string) {
    session.signIn(token);
    this.busy = true;
    this.signInMessage = '';
    try {
      await this.loadApps(true);
    } catch (err) {
      session.signOut();
      this.signInMessage =
        err instanceof ApiError && err.status === 401
          ? 'That admin token was not accepted: it is invalid, expired or revoked. Check that you pasted the whole token (it starts with tg_a_).'
          : describeError(err);
    } finally {
      this.busy = false;
    }
  }

  /** Loads the apps; during sign-in failures propagate, afterwards they show as a retryable banner. */
  private async loadApps(rethrow = false) {
    this.appsError = '';
    try {
      const apps = await this.api.listApps();
      this.apps = apps;
      this.signedIn = true;
      if (!apps.some((a) => a.id === this.appId)) this.appId = (apps.find((a) => a.id !== ADMIN_APP) ?? apps[0])?.id ?? '';
    } catch (err) {
      if (rethrow) throw err;
      if (err instanceof ApiError && err.status === 401) return;
      this.signedIn = true;
      this.appsError = describeError(err);
    }
  }

  /** The built-in admin app has tokens only: no OAuth clients or API keys. */
  private tabsOf(app: App) {
    return app.id === ADMIN_APP ? TABS.slice(0, 1) : TABS;
  }

  private tabKeys(event: KeyboardEvent, tabs: typeof TABS) {
    const i = tabs.findIndex((t) => t.id === this.tab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    this.tab = tabs[(i + step + tabs.length) % tabs.length]!.id;
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`#tab-${this.tab}`)?.focus());
  }

  private panel(app: App, tab: Tab) {
    if (tab === 'clients') return html`<tg-clients-panel .api=${this.api} .app=${app}></tg-clients-panel>`;
    if (tab === 'keys') return html`<tg-api-keys-panel .api=${this.api} .app=${app}></tg-api-keys-panel>`;
    return html`<tg-tokens-panel .api=${this.api} .app=${app}></tg-tokens-panel>`;
  }

  protected override render() {
    if (!this.signedIn) {
      return html`<tg-sign-in .message=${this.signInMessage} .busy=${this.busy} @sign-in=${(e: CustomEvent<string>) => this.signIn(e.detail)}></tg-sign-in>`;
    }
    const app = this.apps.find((a) => a.id === this.appId);
    const tabs = app ? this.tabsOf(app) : TABS;
    const tab = tabs.some((t) => t.id === this.tab) ? this.tab : 'tokens';
    return html`<header class="top">
        <span class="brand"><span class="brand-mark" aria-hidden="true"></span>tollgate</span>
        <div class="app-picker">
          <label for="app-select">Application</label>
          <select id="app-select" @change=${(e: Event) => (this.appId = (e.target as HTMLSelectElement).value)}>
            ${this.apps.map((a) => html`<option value=${a.id} ?selected=${a.id === this.appId}>${a.name} (${a.id})</option>`)}
          </select>
        </div>
        <button type="button" class="link" @click=${() => this.signOut('You signed out. The admin token was removed from this tab.')}>Sign out</button>
      </header>
      <main>
        ${this.appsError
          ? html`<div class="notice error banner" role="alert"><span>${this.appsError}</span><button type="button" @click=${() => this.loadApps()}>Try again</button></div>`
          : ''}
        ${app
          ? html`<div role="tablist" aria-label="Credentials of ${app.name}" class="tabs" @keydown=${(e: KeyboardEvent) => this.tabKeys(e, tabs)}>
                ${tabs.map(
                  (t) => html`<button type="button" role="tab" id="tab-${t.id}" aria-controls="panel" aria-selected=${t.id === tab ? 'true' : 'false'}
                    tabindex=${t.id === tab ? '0' : '-1'} @click=${() => (this.tab = t.id)}>${t.label}</button>`,
                )}
              </div>
              <section id="panel" role="tabpanel" aria-labelledby="tab-${tab}">${this.panel(app, tab)}</section>`
          : this.appsError
            ? ''
            : html`<div class="empty"><p>No applications yet. Create one with <code>tollgate app create</code> or <code>POST /admin/v1/apps</code>, then choose Try again.</p>
                <button type="button" @click=${() => this.loadApps()}>Try again</button></div>`}
      </main>`;
  }
}
