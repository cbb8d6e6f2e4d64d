/** `<tg-tokens-panel>`: the Access Tokens table of one app, Create Token and Revoke. */
import { html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import type { Page, TokenRow } from '../models.js';
import { shortDate, timeLeft } from '../time-format.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { CreateTokenDialog } from './create-token-dialog.js';
import { ListPanel } from './list-panel.js';
import './confirm-dialog.js';
import './create-token-dialog.js';

@customElement('tg-tokens-panel')
export class TokensPanel extends ListPanel<TokenRow> {
  protected readonly noun = 'tokens';
  @query('tg-create-token') private wizard!: CreateTokenDialog;
  @query('tg-confirm') private confirm!: ConfirmDialog;

  protected fetchPage(cursor?: string): Promise<Page<TokenRow>> {
    return this.api.listTokens(this.app.id, cursor);
  }

  private revoke(row: TokenRow) {
    void this.confirm.ask({
      title: 'Revoke token?',
      message: `"${row.name}" stops working at once, on every gateway replica. This cannot be undone.`,
      action: 'Revoke',
      run: async () => {
        await this.api.revokeToken(this.app.id, row.id);
        this.rows = this.rows.filter((r) => r.id !== row.id);
        this.status = `Token "${row.name}" revoked.`;
      },
    });
  }

  private permissions(row: TokenRow) {
    if (row.kind === 'install') return html`<span class="tag muted">Installation token</span>`;
    if (row.scopes.length === 0) return html`<span class="muted">None</span>`;
    return row.scopes.map((s) => html`<span class="tag">${s}</span> `);
  }

  private table() {
    return html`<table>
      <caption class="visually-hidden">Access tokens of ${this.app.name}</caption>
      <thead>
        <tr><th scope="col">Token</th><th scope="col">Permissions</th><th scope="col">Created By</th><th scope="col">Created On</th><th scope="col">Last Used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (row) => html`<tr data-token-id=${row.id}>
            <th scope="row">${row.name}</th>
            <td>${this.permissions(row)}</td>
            <td>${row.createdBy}</td>
            <td>${shortDate(row.createdAt)}</td>
            <td>${shortDate(row.lastUsedAt)}</td>
            <td title=${row.expiresAt ?? 'never'}>${timeLeft(row.expiresAt)}</td>
            <td class="row-actions"><button type="button" class="danger link" aria-label="Revoke token ${row.name}" @click=${() => this.revoke(row)}>Revoke</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  protected override render() {
    return html`${this.frame({
        title: 'Access Tokens',
        intro: html`Opaque bearer tokens bound to <strong>${this.app.name}</strong>. API tokens expire after a period without use; every use resets the clock.`,
        createLabel: 'Create Token',
        onCreate: () => void this.wizard.open(),
        empty: 'No tokens yet. Choose "Create Token" to issue the first one; it is shown once, so have somewhere safe to paste it.',
        table: () => this.table(),
      })}
      <tg-create-token .api=${this.api} .app=${this.app} @created=${() => this.reload()}></tg-create-token>
      <tg-confirm></tg-confirm>`;
  }
}
