import { html } from '../ui.js';

export function SettingsPage() {
  return html`<h1>SettingsPage</h1>`;
}
