/** The shape every "Create ..." dialog shares: numbered steps, errors that keep the input, a last step that reveals a secret once. */
import { html, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ApiError, describeError, isDuplicate } from '../api-error.js';
import type { AdminApi } from '../admin-api.js';
import { LightElement } from '../light-element.js';
import type { App, Revealed } from '../models.js';
import { focusStart, openModal } from '../modal.js';

export abstract class WizardDialog extends LightElement {
  @property({ attribute: false }) api!: AdminApi;
  @property({ attribute: false }) app!: App;
  @state() protected step = 0;
  @state() protected error = '';
  /** The field the last error was about (`name` for a duplicate), marked aria-invalid. */
  @state() protected invalidField = '';
  @state() protected busy = false;
  @state() protected revealed: Revealed | null = null;
  @query('dialog') protected dialog!: HTMLDialogElement;

  /** Short prefix for this dialog's element ids (ids are document-wide in the light DOM). */
  protected abstract readonly idPrefix: string;
  protected abstract heading(): string;
  /** Step titles, the reveal step last. */
  protected abstract steps(): string[];
  protected abstract renderStep(): TemplateResult;
  protected abstract clear(): void;

  async open(): Promise<void> {
    this.clear();
    this.step = 0;
    this.error = '';
    this.invalidField = '';
    this.revealed = null;
    await this.updateComplete;
    openModal(this.dialog, () => {
      // The secret is forgotten the moment the dialog closes.
      this.revealed = null;
      this.clear();
    });
  }

  protected async goTo(step: number): Promise<void> {
    this.step = step;
    this.error = '';
    await this.updateComplete;
    focusStart(this.dialog);
  }

  /** Runs the create call; on success reveals the secret, on failure keeps every input and says what to do. */
  protected async attempt(create: () => Promise<Revealed>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    this.invalidField = '';
    try {
      this.revealed = await create();
      this.step = this.steps().length - 1;
      this.dispatchEvent(new CustomEvent('created', { bubbles: true, composed: true }));
      await this.updateComplete;
      focusStart(this.dialog);
    } catch (err) {
      this.error = describeError(err);
      if (err instanceof ApiError && isDuplicate(err)) {
        this.invalidField = 'name';
        await this.goTo(0);
        this.error = describeError(err);
        await this.updateComplete;
        this.querySelector<HTMLElement>(`#${this.idPrefix}-name`)?.focus();
      }
    } finally {
      this.busy = false;
    }
  }

  protected close(): void {
    this.dialog.close();
  }

  protected invalid(field: string): 'true' | 'false' {
    return this.invalidField === field ? 'true' : 'false';
  }

  protected override render() {
    const steps = this.steps();
    return html`<dialog class="modal wizard" aria-labelledby="${this.idPrefix}-title">
      <h2 id="${this.idPrefix}-title">${this.heading()}</h2>
      <p class="steps">Step ${this.step + 1} of ${steps.length}: ${steps[this.step]}</p>
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : ''}
      ${this.revealed ? html`<tg-secret-reveal .revealed=${this.revealed} @done=${() => this.close()}></tg-secret-reveal>` : this.renderStep()}
    </dialog>`;
  }
}
