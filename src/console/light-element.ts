/** Lit elements rendered into the light DOM, so one stylesheet and label `for=` links reach them. */
import { LitElement } from 'lit';

export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
