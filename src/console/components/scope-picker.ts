/** The permission checkboxes: one per scope the app defines. */
import { html } from 'lit';

/** Renders a fieldset of checkboxes; `toggle` is called with a scope and whether it is now checked. */
export function scopePicker(prefix: string, legend: string, available: string[], chosen: Set<string>, toggle: (scope: string, on: boolean) => void) {
  if (available.length === 0) {
    return html`<p class="notice">This app defines no permissions (scopes). Add some with <code>tollgate app</code> or the admin API, or continue without any.</p>`;
  }
  return html`<fieldset class="scopes">
    <legend>${legend}</legend>
    ${available.map(
      (scope, i) => html`<div class="check">
        <input type="checkbox" id="${prefix}-scope-${i}" .checked=${chosen.has(scope)} @change=${(e: Event) => toggle(scope, (e.target as HTMLInputElement).checked)} />
        <label for="${prefix}-scope-${i}">${scope}</label>
      </div>`,
    )}
  </fieldset>`;
}
