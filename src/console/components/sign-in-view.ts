/** `<tg-sign-in>`: paste an admin token; the root checks it against the admin API. */
import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';

@customElement('tg-sign-in')
export class SignInView extends LightElement {
  /** Why the user is here again (expired token, failed sign-in), shown above the form. */
  @property() message = '';
  @property({ type: Boolean }) busy = false;
  @state() private token = '';

  private submit(event: Event) {
    event.preventDefault();
    const token = this.token.trim();
    if (!token) return;
    this.dispatchEvent(new CustomEvent<string>('sign-in', { detail: token }));
  }

  protected override updated(): void {
    if (this.message && !this.busy) this.querySelector<HTMLInputElement>('#admin-token')?.focus();
  }

  protected override render() {
    return html`<main class="sign-in" aria-labelledby="sign-in-title">
      <form @submit=${this.submit} autocomplete="off">
        <h1 id="sign-in-title"><span class="brand-mark" aria-hidden="true"></span>tollgate console</h1>
        <p>Sign in with an admin token (an API token of the <code>tollgate-admin</code> app). Create one with <code>tollgate admin bootstrap</code>.</p>
        ${this.message ? html`<p class="notice error" role="alert">${this.message}</p>` : ''}
        <div class="field">
          <label for="admin-token">Admin token</label>
          <input id="admin-token" type="password" autocomplete="off" spellcheck="false" required aria-describedby="admin-token-hint" autofocus
            .value=${this.token} @input=${(e: Event) => (this.token = (e.target as HTMLInputElement).value)} />
          <p class="hint" id="admin-token-hint">Kept only in this browser tab's session storage and sent to the admin API as a Bearer header. Closing the tab forgets it.</p>
        </div>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this.busy || this.token.trim() === ''}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
        </div>
      </form>
    </main>`;
  }
}
