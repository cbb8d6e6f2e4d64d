/** `<tg-create-token>`: name and type, then permissions (API tokens), then the token shown once. */
import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { scopePicker } from './scope-picker.js';
import { WizardDialog } from './wizard-dialog.js';

@customElement('tg-create-token')
export class CreateTokenDialog extends WizardDialog {
  protected readonly idPrefix = 'ct';
  @state() private name = '';
  @state() private kind: 'api' | 'install' = 'api';
  @state() private scopes = new Set<string>();

  protected heading() {
    return 'Create Token';
  }

  protected steps() {
    return this.kind === 'api' ? ['Name and type', 'Permissions', 'Copy the token'] : ['Name and type', 'Copy the token'];
  }

  protected clear() {
    this.name = '';
    this.kind = 'api';
    this.scopes = new Set();
  }

  private create() {
    return this.attempt(async () => {
      const created = await this.api.createToken(this.app.id, { name: this.name.trim(), kind: this.kind, scopes: this.kind === 'api' ? [...this.scopes] : [] });
      return { title: 'Token created', label: 'Token', value: created.token, copyLabel: 'Copy Token & Close', details: [{ label: 'Token name', value: created.name }] };
    });
  }

  private next(event: Event) {
    event.preventDefault();
    if (this.kind === 'api') void this.goTo(1);
    else void this.create();
  }

  private toggle = (scope: string, on: boolean) => {
    const next = new Set(this.scopes);
    if (on) next.add(scope);
    else next.delete(scope);
    this.scopes = next;
  };

  protected renderStep() {
    if (this.step === 0) {
      return html`<form @submit=${this.next}>
        <div class="field">
          <label for="ct-name">Token name</label>
          <input id="ct-name" required maxlength="128" autocomplete="off" data-autofocus aria-invalid=${this.invalid('name')} aria-describedby="ct-name-hint"
            .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
          <p class="hint" id="ct-name-hint">Unique within ${this.app.name}, e.g. "ci-deploy". Shown in the table and the audit log.</p>
        </div>
        <fieldset>
          <legend>Type</legend>
          <div class="check">
            <input type="radio" name="ct-kind" id="ct-kind-api" .checked=${this.kind === 'api'} @change=${() => (this.kind = 'api')} />
            <label for="ct-kind-api">API token <span class="hint">— calls the app's APIs with the permissions you choose; expires after a period without use (30 days by default)</span></label>
          </div>
          <div class="check">
            <input type="radio" name="ct-kind" id="ct-kind-install" .checked=${this.kind === 'install'} @change=${() => (this.kind = 'install')} />
            <label for="ct-kind-install">Installation token <span class="hint">— for enrolment routes only; carries no permissions</span></label>
          </div>
        </fieldset>
        <div class="actions">
          <button type="button" @click=${() => this.close()}>Cancel</button>
          <button type="submit" class="primary" ?disabled=${this.busy || this.name.trim() === ''}>${this.kind === 'api' ? 'Next' : this.busy ? 'Creating…' : 'Create Token'}</button>
        </div>
      </form>`;
    }
    return html`<form @submit=${(e: Event) => (e.preventDefault(), void this.create())}>
      ${scopePicker('ct', 'Permissions', this.app.scopes, this.scopes, this.toggle)}
      <div class="actions">
        <button type="button" @click=${() => this.goTo(0)}>Back</button>
        <button type="submit" class="primary" ?disabled=${this.busy || (this.app.scopes.length > 0 && this.scopes.size === 0)}>${this.busy ? 'Creating…' : 'Create Token'}</button>
      </div>
    </form>`;
  }
}
