/** `<tg-api-keys-panel>`: the API keys of one app: create (shown once) and revoke. */
import { html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import type { ApiKeyRow, Page } from '../models.js';
import { lifetime, shortDate } from '../time-format.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { CreateApiKeyDialog } from './create-api-key-dialog.js';
import { ListPanel } from './list-panel.js';
import './confirm-dialog.js';
import './create-api-key-dialog.js';

@customElement('tg-api-keys-panel')
export class ApiKeysPanel extends ListPanel<ApiKeyRow> {
  protected readonly noun = 'API keys';
  @query('tg-create-api-key') private wizard!: CreateApiKeyDialog;
  @query('tg-confirm') private confirm!: ConfirmDialog;

  protected fetchPage(cursor?: string): Promise<Page<ApiKeyRow>> {
    return this.api.listApiKeys(this.app.id, cursor);
  }

  private revoke(row: ApiKeyRow) {
    void this.confirm.ask({
      title: 'Revoke API key?',
      message: `"${row.name}" can no longer be exchanged for access tokens, and the tokens it was exchanged for are revoked. This cannot be undone.`,
      action: 'Revoke',
      run: async () => {
        await this.api.revokeApiKey(this.app.id, row.id);
        this.rows = this.rows.filter((r) => r.id !== row.id);
        this.status = `API key "${row.name}" revoked.`;
      },
    });
  }

  private table() {
    return html`<table>
      <caption class="visually-hidden">API keys of ${this.app.name}</caption>
      <thead>
        <tr><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col">Token Lifetime</th><th scope="col">Created By</th><th scope="col">Created On</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (row) => html`<tr data-key-id=${row.id}>
            <th scope="row">${row.name}</th>
            <td>${row.scopes.length ? row.scopes.map((s) => html`<span class="tag">${s}</span> `) : html`<span class="muted">None</span>`}</td>
            <td>${row.tokenTtl !== undefined ? lifetime(row.tokenTtl) : '—'}</td>
            <td>${row.createdBy ?? '—'}</td>
            <td>${shortDate(row.createdAt)}</td>
            <td class="row-actions"><button type="button" class="danger link" aria-label="Revoke API key ${row.name}" @click=${() => this.revoke(row)}>Revoke</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  protected override render() {
    return html`${this.frame({
        title: 'API Keys',
        intro: html`App secrets for <strong>${this.app.name}</strong>, exchanged at <code>POST /oauth/key</code> for short-lived access tokens.`,
        createLabel: 'Create API Key',
        onCreate: () => void this.wizard.open(),
        empty: 'No API keys yet. Choose "Create API Key"; the key is shown once.',
        table: () => this.table(),
      })}
      <tg-create-api-key .api=${this.api} .app=${this.app} @created=${() => this.reload()}></tg-create-api-key>
      <tg-confirm></tg-confirm>`;
  }
}
