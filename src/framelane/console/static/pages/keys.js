import { html } from '../ui.js';

export function Keys() {
  return html`<h1>Keys</h1>`;
}
