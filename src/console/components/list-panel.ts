/** What the tokens, clients and API keys screens share: paged loading, empty/loading/error states, a status line. */
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AdminApi } from '../admin-api.js';
import { describeError } from '../api-error.js';
import { LightElement } from '../light-element.js';
import type { App, Page } from '../models.js';

export abstract class ListPanel<Row> extends LightElement {
  @property({ attribute: false }) api!: AdminApi;
  @property({ attribute: false }) app!: App;
  @state() protected rows: Row[] = [];
  @state() protected cursor: string | undefined;
  @state() protected loading = false;
  @state() protected loaded = false;
  @state() protected error = '';
  /** Announced politely after an action (e.g. "Token revoked."). */
  @state() protected status = '';
  private generation = 0;

  protected abstract fetchPage(cursor?: string): Promise<Page<Row>>;
  /** The plural noun for messages ("tokens"). */
  protected abstract readonly noun: string;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('app') && this.app) {
      this.rows = [];
      this.loaded = false;
      this.status = '';
      void this.reload();
    }
  }

  /** Loads the first page again; on failure the rows already shown stay. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = '';
    try {
      const page = await this.fetchPage();
      if (generation !== this.generation) return;
      this.rows = page.items;
      this.cursor = page.nextCursor;
      this.loaded = true;
    } catch (err) {
      if (generation === this.generation) this.error = describeError(err);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  protected async loadMore(): Promise<void> {
    const generation = this.generation;
    this.loading = true;
    this.error = '';
    try {
      const page = await this.fetchPage(this.cursor);
      if (generation !== this.generation) return;
      this.rows = [...this.rows, ...page.items];
      this.cursor = page.nextCursor;
    } catch (err) {
      if (generation === this.generation) this.error = describeError(err);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** Toolbar, error banner, loading and empty states around the table the subclass draws. */
  protected frame(parts: { title: string; intro: TemplateResult | string; createLabel: string; onCreate: () => void; empty: string; table: () => TemplateResult }) {
    return html`<div class="toolbar">
        <div>
          <h2>${parts.title}</h2>
          <p class="intro">${parts.intro}</p>
        </div>
        <div class="toolbar-actions">
          <button type="button" @click=${() => this.reload()} ?disabled=${this.loading}>Refresh</button>
          <button type="button" class="primary" @click=${parts.onCreate}>${parts.createLabel}</button>
        </div>
      </div>
      ${this.error
        ? html`<div class="notice error banner" role="alert">
            <span>${this.error}</span>
            <button type="button" @click=${() => this.reload()}>Try again</button>
          </div>`
        : ''}
      <p class="status" role="status" aria-live="polite">${this.loading && !this.loaded ? `Loading ${this.noun}…` : this.status}</p>
      ${this.loaded && this.rows.length === 0 ? html`<div class="empty"><p>${parts.empty}</p></div>` : ''}
      ${this.rows.length > 0 ? parts.table() : ''}
      ${this.cursor ? html`<button type="button" class="more" @click=${() => this.loadMore()} ?disabled=${this.loading}>Load more ${this.noun}</button>` : ''}`;
  }
}
