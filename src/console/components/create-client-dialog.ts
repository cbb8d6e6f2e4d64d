/** `<tg-create-client>`: name and type, then auth method, scopes and TTL, then the secret or client key shown once. */
import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consoleSettings } from '../console-settings.js';
import type { Revealed } from '../models.js';
import { scopePicker } from './scope-picker.js';
import { WizardDialog } from './wizard-dialog.js';

/** The CLI line that signs a client assertion with a generated key (`--aud` when the issuer is known). */
export function assertionCommand(clientId: string, key: string, kid: string, issuer?: string): string {
  return `tollgate assertion --sub ${clientId} --key-base64 ${key} --kid ${kid}${issuer ? ` --aud ${issuer}` : ''}`;
}

@customElement('tg-create-client')
export class CreateClientDialog extends WizardDialog {
  protected readonly idPrefix = 'cc';
  @state() private name = '';
  @state() private type: 'personal' | 'service' = 'service';
  @state() private actsAs = '';
  @state() private auth: 'client_secret' | 'private_key_jwt' = 'client_secret';
  @state() private scopes = new Set<string>();
  @state() private ttl = '3600';

  protected heading() {
    return 'Create OAuth Client';
  }

  protected steps() {
    return ['Name and type', 'Authentication and scopes', this.auth === 'client_secret' ? 'Copy the client secret' : 'Copy the client key'];
  }

  protected clear() {
    this.name = '';
    this.type = 'service';
    this.actsAs = '';
    this.auth = 'client_secret';
    this.scopes = new Set();
    this.ttl = '3600';
  }

  private create() {
    return this.attempt(async () => {
      const body: Record<string, unknown> = { name: this.name.trim(), type: this.type, auth: this.auth, scopes: [...this.scopes], tokenTtl: Number(this.ttl) };
      body[this.type === 'personal' ? 'owner' : 'role'] = this.actsAs.trim();
      const c = await this.api.createClient(this.app.id, body);
      const details = [{ label: 'Client ID', value: c.client_id }];
      if (c.client_secret !== undefined) {
        return { title: 'Client created', label: 'Client secret', value: c.client_secret, copyLabel: 'Copy Secret & Close', details } satisfies Revealed;
      }
      const key = c.client_key ?? '';
      const kid = c.kid ?? '';
      return {
        title: 'Client created',
        label: 'Client key',
        value: key,
        copyLabel: 'Copy Key & Close',
        details: [...details, { label: 'Key ID (kid)', value: kid }],
        command: assertionCommand(c.client_id, key, kid, (await consoleSettings()).issuer),
      } satisfies Revealed;
    });
  }

  private toggle = (scope: string, on: boolean) => {
    const next = new Set(this.scopes);
    if (on) next.add(scope);
    else next.delete(scope);
    this.scopes = next;
  };

  private radio(group: string, value: string, checked: boolean, label: string, hint: string, pick: () => void) {
    const id = `cc-${group}-${value}`;
    return html`<div class="check">
      <input type="radio" name="cc-${group}" id=${id} .checked=${checked} @change=${pick} />
      <label for=${id}>${label} <span class="hint">— ${hint}</span></label>
    </div>`;
  }

  protected renderStep() {
    if (this.step === 0) {
      const who = this.type === 'personal' ? 'Owner' : 'Role';
      return html`<form @submit=${(e: Event) => (e.preventDefault(), void this.goTo(1))}>
        <div class="field">
          <label for="cc-name">Client name</label>
          <input id="cc-name" required maxlength="128" autocomplete="off" data-autofocus aria-invalid=${this.invalid('name')}
            .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
        </div>
        <fieldset>
          <legend>Type</legend>
          ${this.radio('type', 'service', this.type === 'service', 'Service account', 'acts as a role, for machines', () => (this.type = 'service'))}
          ${this.radio('type', 'personal', this.type === 'personal', 'Personal', 'acts as its owner, a person', () => (this.type = 'personal'))}
        </fieldset>
        <div class="field">
          <label for="cc-acts-as">${who}</label>
          <input id="cc-acts-as" required autocomplete="off" aria-describedby="cc-acts-as-hint" maxlength=${this.type === 'personal' ? 256 : 64}
            pattern=${this.type === 'personal' ? '.+' : '[A-Za-z0-9._:\\-]{1,64}'}
            .value=${this.actsAs} @input=${(e: Event) => (this.actsAs = (e.target as HTMLInputElement).value)} />
          <p class="hint" id="cc-acts-as-hint">${this.type === 'personal'
            ? 'The person this client acts as (its tokens carry this subject), e.g. alice@example.com.'
            : 'The service account role its tokens act as: letters, digits and . _ : - (e.g. reporting-bot).'}</p>
        </div>
        <div class="actions">
          <button type="button" @click=${() => this.close()}>Cancel</button>
          <button type="submit" class="primary" ?disabled=${this.name.trim() === '' || this.actsAs.trim() === ''}>Next</button>
        </div>
      </form>`;
    }
    const ttl = Number(this.ttl);
    const ttlOk = Number.isInteger(ttl) && ttl >= 60;
    return html`<form @submit=${(e: Event) => (e.preventDefault(), void this.create())}>
      <fieldset>
        <legend>Authentication method</legend>
        ${this.radio('auth', 'client_secret', this.auth === 'client_secret', 'Client secret', 'client_id and client_secret, sent as Basic or form fields', () => (this.auth = 'client_secret'))}
        ${this.radio('auth', 'private_key_jwt', this.auth === 'private_key_jwt', 'Signed JWT (private_key_jwt)', 'tollgate generates a P-256 key pair and shows the private key once', () => (this.auth = 'private_key_jwt'))}
      </fieldset>
      ${scopePicker('cc', 'Scopes the client may request', this.app.scopes, this.scopes, this.toggle)}
      <div class="field">
        <label for="cc-ttl">Access token lifetime (seconds)</label>
        <input id="cc-ttl" type="number" min="60" step="1" required aria-invalid=${ttlOk ? 'false' : 'true'} aria-describedby="cc-ttl-hint"
          .value=${this.ttl} @input=${(e: Event) => (this.ttl = (e.target as HTMLInputElement).value)} />
        <p class="hint" id="cc-ttl-hint">At least 60; 3600 is one hour.</p>
      </div>
      <div class="actions">
        <button type="button" @click=${() => this.goTo(0)}>Back</button>
        <button type="submit" class="primary" ?disabled=${this.busy || !ttlOk}>${this.busy ? 'Creating…' : 'Create Client'}</button>
      </div>
    </form>`;
  }
}
