import { html } from '../ui.js';

export function Webhooks() {
  return html`<h1>Webhooks</h1>`;
}
