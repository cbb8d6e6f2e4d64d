/** `<tg-reveal-dialog>`: shows a secret once outside a wizard (a rotated client secret). */
import { html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { LightElement } from '../light-element.js';
import type { Revealed } from '../models.js';
import { openModal } from '../modal.js';
import './secret-reveal.js';

@customElement('tg-reveal-dialog')
export class RevealDialog extends LightElement {
  @state() private revealed: Revealed | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;

  async show(revealed: Revealed): Promise<void> {
    this.revealed = revealed;
    await this.updateComplete;
    openModal(this.dialog, () => (this.revealed = null));
  }

  protected override render() {
    return html`<dialog class="modal" aria-labelledby="reveal-title">
      ${this.revealed
        ? html`<h2 id="reveal-title">${this.revealed.title}</h2>
            <tg-secret-reveal .revealed=${this.revealed} @done=${() => this.dialog.close()}></tg-secret-reveal>`
        : ''}
    </dialog>`;
  }
}
