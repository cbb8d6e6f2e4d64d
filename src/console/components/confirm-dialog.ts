/** `<tg-confirm>`: asks before a destructive action; runs it, and stays open with the reason if it fails. */
import { html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { describeError } from '../api-error.js';
import { LightElement } from '../light-element.js';
import { openModal } from '../modal.js';

export interface ConfirmRequest {
  title: string;
  message: string;
  action: string;
  run: () => Promise<void>;
}

@customElement('tg-confirm')
export class ConfirmDialog extends LightElement {
  @state() private request: ConfirmRequest | null = null;
  @state() private busy = false;
  @state() private error = '';
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the dialog; `run` is called on confirmation and the dialog closes when it succeeds. Settles once closed. */
  async ask(request: ConfirmRequest): Promise<void> {
    this.request = request;
    this.error = '';
    await this.updateComplete;
    return new Promise((resolve) =>
      openModal(this.dialog, () => {
        this.request = null;
        this.busy = false;
        resolve();
      }),
    );
  }

  private async confirm(): Promise<void> {
    if (!this.request || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      await this.request.run();
      this.dialog.close();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const r = this.request;
    return html`<dialog class="modal confirm" aria-labelledby="confirm-title" aria-describedby="confirm-message">
      ${r
        ? html`<h2 id="confirm-title">${r.title}</h2>
            <p id="confirm-message">${r.message}</p>
            ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : ''}
            <div class="actions">
              <button type="button" data-autofocus @click=${() => this.dialog.close()}>Cancel</button>
              <button type="button" class="danger" ?disabled=${this.busy} @click=${() => this.confirm()}>${this.busy ? 'Working…' : this.error ? `Try again: ${r.action}` : r.action}</button>
            </div>`
        : ''}
    </dialog>`;
  }
}
