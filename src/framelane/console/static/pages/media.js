import { html } from '../ui.js';

export function Media() {
  return html`<h1>Media</h1>`;
}
