/** `<tg-secret-reveal>`: a secret shown once, with a copy button that closes the dialog when it worked. */
import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Revealed } from '../models.js';

@customElement('tg-secret-reveal')
export class SecretReveal extends LightElement {
  @property({ attribute: false }) revealed!: Revealed;
  @state() private copyFailed = false;

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.revealed.value);
      this.dispatchEvent(new CustomEvent('done', { bubbles: true, composed: true }));
    } catch {
      this.copyFailed = true;
    }
  }

  private selectAll(event: Event): void {
    (event.target as HTMLInputElement | HTMLTextAreaElement).select();
  }

  protected override render() {
    const r = this.revealed;
    return html`<p class="notice once">This is the only time the ${r.label.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())} is shown. Copy it now and keep it somewhere safe: tollgate keeps no copy of it.</p>
      ${(r.details ?? []).map((d) => html`<div class="field"><span class="label">${d.label}</span><code class="detail" data-detail=${d.label}>${d.value}</code></div>`)}
      <div class="field">
        <label for="reveal-value">${r.label}</label>
        <input id="reveal-value" class="secret" readonly spellcheck="false" autocomplete="off" .value=${r.value} data-autofocus @focus=${this.selectAll} />
      </div>
      ${r.command
        ? html`<div class="field">
            <label for="reveal-command">Sign a client assertion with</label>
            <textarea id="reveal-command" class="secret" rows="4" readonly spellcheck="false" .value=${r.command} @focus=${this.selectAll}></textarea>
          </div>`
        : ''}
      ${this.copyFailed
        ? html`<p class="notice error" role="alert">The browser did not allow copying. Select the value above, copy it with Ctrl+C (⌘C), then close this dialog.</p>`
        : ''}
      <div class="actions">
        ${this.copyFailed ? html`<button type="button" @click=${() => this.dispatchEvent(new CustomEvent('done', { bubbles: true, composed: true }))}>I have copied it, close</button>` : ''}
        <button type="button" class="primary" @click=${() => this.copy()}>${r.copyLabel}</button>
      </div>`;
  }
}
