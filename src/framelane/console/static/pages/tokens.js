import { html } from '../ui.js';

export function Tokens() {
  return html`<h1>Tokens</h1>`;
}
