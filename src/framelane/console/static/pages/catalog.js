import { html } from '../ui.js';

export function Catalog() {
  return html`<h1>Catalog</h1>`;
}
