/** `<tg-clients-panel>`: the OAuth clients of one app: create, rotate a secret, delete. */
import { html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import type { ClientRow, Page } from '../models.js';
import { lifetime, shortDate } from '../time-format.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { CreateClientDialog } from './create-client-dialog.js';
import { ListPanel } from './list-panel.js';
import type { RevealDialog } from './reveal-dialog.js';
import './confirm-dialog.js';
import './create-client-dialog.js';
import './reveal-dialog.js';

@customElement('tg-clients-panel')
export class ClientsPanel extends ListPanel<ClientRow> {
  protected readonly noun = 'clients';
  @query('tg-create-client') private wizard!: CreateClientDialog;
  @query('tg-confirm') private confirm!: ConfirmDialog;
  @query('tg-reveal-dialog') private reveal!: RevealDialog;

  protected fetchPage(cursor?: string): Promise<Page<ClientRow>> {
    return this.api.listClients(this.app.id, cursor);
  }

  private deleteClient(row: ClientRow) {
    void this.confirm.ask({
      title: 'Delete client?',
      message: `"${row.name}" (${row.client_id}) is deleted and every access token it holds is revoked. This cannot be undone.`,
      action: 'Delete',
      run: async () => {
        await this.api.deleteClient(this.app.id, row.client_id);
        this.rows = this.rows.filter((r) => r.client_id !== row.client_id);
        this.status = `Client "${row.name}" deleted.`;
      },
    });
  }

  private async rotate(row: ClientRow) {
    let secret: string | undefined;
    await this.confirm.ask({
      title: 'Rotate client secret?',
      message: `The current secret of "${row.name}" stops working now. The new one is shown once.`,
      action: 'Rotate secret',
      run: async () => {
        secret = (await this.api.rotateSecret(this.app.id, row.client_id)).client_secret;
      },
    });
    // Shown after the confirmation has closed, so focus returns to this row's button when it closes too.
    if (secret !== undefined) {
      await this.reveal.show({ title: 'New client secret', label: 'Client secret', value: secret, copyLabel: 'Copy Secret & Close', details: [{ label: 'Client ID', value: row.client_id }] });
    }
  }

  private table() {
    return html`<table>
      <caption class="visually-hidden">OAuth clients of ${this.app.name}</caption>
      <thead>
        <tr><th scope="col">Client</th><th scope="col">Client ID</th><th scope="col">Type</th><th scope="col">Authentication</th><th scope="col">Scopes</th><th scope="col">Token Lifetime</th><th scope="col">Created On</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (row) => html`<tr data-client-id=${row.client_id}>
            <th scope="row">${row.name}</th>
            <td><code>${row.client_id}</code></td>
            <td>${row.type === 'personal' ? `Personal${row.owner ? ` (${row.owner})` : ''}` : `Service${row.role ? ` (${row.role})` : ''}`}</td>
            <td>${row.auth === 'client_secret' ? 'Client secret' : 'Signed JWT'}</td>
            <td>${row.scopes.length ? row.scopes.map((s) => html`<span class="tag">${s}</span> `) : html`<span class="muted">None</span>`}</td>
            <td>${row.tokenTtl !== undefined ? lifetime(row.tokenTtl) : '—'}</td>
            <td>${shortDate(row.createdAt)}</td>
            <td class="row-actions">
              ${row.auth === 'client_secret' ? html`<button type="button" class="link" aria-label="Rotate secret of client ${row.name}" @click=${() => this.rotate(row)}>Rotate secret</button>` : ''}
              <button type="button" class="danger link" aria-label="Delete client ${row.name}" @click=${() => this.deleteClient(row)}>Delete</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  protected override render() {
    return html`${this.frame({
        title: 'OAuth Clients',
        intro: html`Clients get access tokens for <strong>${this.app.name}</strong> at <code>POST /oauth/token</code> (client credentials).`,
        createLabel: 'Create Client',
        onCreate: () => void this.wizard.open(),
        empty: 'No OAuth clients yet. Choose "Create Client"; its secret or private key is shown once.',
        table: () => this.table(),
      })}
      <tg-create-client .api=${this.api} .app=${this.app} @created=${() => this.reload()}></tg-create-client>
      <tg-confirm></tg-confirm>
      <tg-reveal-dialog></tg-reveal-dialog>`;
  }
}
