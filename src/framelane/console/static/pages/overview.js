// Overview: this month's usage against the plan, render minutes per day, recent jobs, first steps.
import { get, query } from '../api.js';
import { html, useLoad, Loading, Progress } from '../ui.js';
import { JobTable } from './jobs.js';

function UsageChart({ days }) {
  const top = Math.max(0.1, ...days.map((day) => day.render_minutes));
  const total = days.reduce((sum, day) => sum + day.render_minutes, 0);
  return html`<div class="chart" role="img" aria-label=${`Render minutes per day this month: ${total.toFixed(2)} in ${days.length} days`}>
    ${days.map((day) => html`<div class="chart-day" title=${`${day.date}: ${day.render_minutes} min`}>
      <div class="chart-bar" style=${{ height: `${(100 * day.render_minutes) / top}%` }}></div></div>`)}
  </div>
  <div class="row small muted"><span>${days.length ? days[0].date : ''}</span><span class="spacer"></span><span>peak ${top.toFixed(2)} min/day</span><span class="spacer"></span><span>${days.length ? days[days.length - 1].date : ''}</span></div>`;
}

function Usage() {
  const usage = useLoad(() => Promise.all([get('/v1/workspace/usage'), get('/v1/workspace/usage/daily')]), []);
  return html`<${Loading} state=${usage}>${([totals, daily]) => {
    const limit = totals.render_minutes_limit;
    const percent = limit ? (100 * totals.render_minutes) / limit : 0;
    return html`<div class="grid">
      <div><div class="muted small">Render minutes this month</div>
        <div class="stat" id="render-minutes">${totals.render_minutes.toFixed(2)}${limit ? html` <span class="muted small">of ${limit}</span>` : ''}</div>
        ${limit ? html`<${Progress} percent=${percent} label="Render minutes used of the plan" />` : html`<span class="muted small">no monthly limit</span>`}</div>
      <div><div class="muted small">AI tasks this month</div><div class="stat">${totals.task_count}${totals.task_limit ? html` <span class="muted small">of ${totals.task_limit}</span>` : ''}</div></div>
      <div><div class="muted small">Egress</div><div class="stat">${(totals.egress_bytes / 1e6).toFixed(1)} <span class="muted small">MB</span></div></div>
    </div>
    <h3>Render minutes per day</h3>
    <${UsageChart} days=${daily.days} />`;
  }}<//>`;
}

function FirstSteps() {
  const state = useLoad(() => Promise.all([
    get('/v1/renders' + query({ limit: 1 })),
    get('/v1/api-keys' + query({ limit: 2 })),
    get('/v1/webhooks' + query({ limit: 1 })),
    get('/v1/workspace/assets' + query({ limit: 1 })),
  ]), []);
  return html`<${Loading} state=${state}>${([renders, keys, webhooks, assets]) => {
    const steps = [
      [renders.data.length > 0, html`Render a starter in the <a href="/console/playground">playground</a>`],
      [keys.data.length > 1, html`Create an <a href="/console/keys">API key</a> for your code`],
      [assets.data.filter((asset) => !(asset.filename || '').startsWith('framelane-sample-')).length > 0, html`Upload your own <a href="/console/media">media</a>`],
      [webhooks.data.length > 0, html`Get notified with a <a href="/console/webhooks">webhook</a>`],
    ];
    return html`<ol class="steps">${steps.map(([done, label]) => html`<li class=${done ? 'done' : ''}>${done ? '✓ ' : ''}${label}</li>`)}</ol>`;
  }}<//>`;
}

export function Overview({ workspace }) {
  return html`<section>
    <h1>${workspace.name}</h1>
    <div class="two-columns">
      <div class="panel"><h2>Usage (${workspace.plan} plan)</h2><${Usage} /></div>
      <div class="panel"><h2>First steps</h2><${FirstSteps} /></div>
    </div>
    <div class="panel"><h2>Recent jobs</h2><${JobTable} limit=${5} /><p><a href="/console/jobs">All jobs →</a></p></div>
  </section>`;
}
