import { html } from '../ui.js';

export function Jobs() {
  return html`<h1>Jobs</h1>`;
}
export function JobDetail() { return null; }
