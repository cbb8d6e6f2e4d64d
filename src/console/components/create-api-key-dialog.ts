/** `<tg-create-api-key>`: a name, then the key shown once. */
import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { scopePicker } from './scope-picker.js';
import { WizardDialog } from './wizard-dialog.js';

@customElement('tg-create-api-key')
export class CreateApiKeyDialog extends WizardDialog {
  protected readonly idPrefix = 'ck';
  @state() private name = '';
  @state() private scopes = new Set<string>();

  protected heading() {
    return 'Create API Key';
  }

  protected steps() {
    return ['Name', 'Copy the key'];
  }

  protected clear() {
    this.name = '';
    this.scopes = new Set();
  }

  private toggle = (scope: string, on: boolean) => {
    const next = new Set(this.scopes);
    if (on) next.add(scope);
    else next.delete(scope);
    this.scopes = next;
  };

  private create(event: Event) {
    event.preventDefault();
    return this.attempt(async () => {
      // No scope chosen means the key may get every scope of the app.
      const created = await this.api.createApiKey(this.app.id, { name: this.name.trim(), ...(this.scopes.size > 0 ? { scopes: [...this.scopes] } : {}) });
      return { title: 'API key created', label: 'API key', value: created.key, copyLabel: 'Copy Key & Close', details: [{ label: 'Key name', value: this.name.trim() }] };
    });
  }

  protected renderStep() {
    return html`<form @submit=${this.create}>
      <div class="field">
        <label for="ck-name">Key name</label>
        <input id="ck-name" required maxlength="128" autocomplete="off" data-autofocus aria-invalid=${this.invalid('name')} aria-describedby="ck-name-hint"
          .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
        <p class="hint" id="ck-name-hint">Exchanged at <code>POST /oauth/key</code> (header <code>X-Api-Secret-Key</code>) for short-lived access tokens.</p>
      </div>
      ${scopePicker('ck', 'Scopes of the exchanged tokens (none checked: all of the app\'s)', this.app.scopes, this.scopes, this.toggle)}
      <div class="actions">
        <button type="button" @click=${() => this.close()}>Cancel</button>
        <button type="submit" class="primary" ?disabled=${this.busy || this.name.trim() === ''}>${this.busy ? 'Creating…' : 'Create Key'}</button>
      </div>
    </form>`;
  }
}
