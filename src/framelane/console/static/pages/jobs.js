// Jobs: renders and tasks with status/kind filters and cursor paging; one job in detail.
import { get, del, post, query } from '../api.js';
import { html, useState, useEffect, useLoad, useAction, Loading, ErrorBox, StatusBadge, Progress, Pager, Field, when, bytes } from '../ui.js';
import { openInPlayground } from './playground.js';

const STATUSES = ['ingesting', 'queued', 'processing', 'completed', 'failed', 'cancelled'];
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
export const collectionOf = (id) => (id.startsWith('task_') ? 'tasks' : 'renders');

function JobRows({ jobs }) {
  if (!jobs.length) return html`<p class="muted">No jobs match. Render something in the <a href="/console/playground">playground</a>.</p>`;
  return html`<div class="table-wrap"><table>
    <thead><tr><th>Job</th><th>Status</th><th class="optional">Kind</th><th class="optional">Progress</th><th>Created</th></tr></thead>
    <tbody>${jobs.map((job) => html`<tr data-job=${job.id}>
      <td class="mono"><a href=${'/console/jobs/' + encodeURIComponent(job.id)}>${job.id}</a></td>
      <td><${StatusBadge} status=${job.status} /></td>
      <td class="optional">${job.task_type || job.kind}</td>
      <td class="optional">${Math.round(job.progress_percent)}%${job.progress_stage && !TERMINAL.has(job.status) ? ' · ' + job.progress_stage : ''}</td>
      <td>${when(job.created_at)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

export function JobTable({ kind = 'renders', status = '', limit = 20, cursor = null }) {
  const state = useLoad(() => get(`/v1/${kind}` + query({ status, limit, cursor })), [kind, status, limit, cursor]);
  return html`<${Loading} state=${state}>${(page) => html`<${JobRows} jobs=${page.data} />`}<//>`;
}

export function Jobs() {
  const [kind, setKind] = useState('renders');
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  const state = useLoad(() => get(`/v1/${kind}` + query({ status, limit: 20, cursor })), [kind, status, cursor]);
  const reset = (apply) => (event) => {
    apply(event.target.value);
    setCursors([null]);
  };
  return html`<section>
    <h1>Jobs</h1>
    <div class="filters">
      <${Field} label="Kind" id="job-kind"><select id="job-kind" value=${kind} onChange=${reset(setKind)}>
        <option value="renders">Renders</option><option value="tasks">AI tasks</option></select><//>
      <${Field} label="Status" id="job-status"><select id="job-status" value=${status} onChange=${reset(setStatus)}>
        <option value="">Any status</option>${STATUSES.map((value) => html`<option value=${value}>${value}</option>`)}</select><//>
      <button type="button" class="secondary" onClick=${state.reload}>Refresh</button>
    </div>
    <${Loading} state=${state}>${(page) => html`<${JobRows} jobs=${page.data} />
      <${Pager} page=${{ cursor, next: page.has_more ? page.next_cursor : null }}
        onFirst=${() => setCursors([null])} onNext=${() => setCursors([...cursors, page.next_cursor])} />`}<//>
  </section>`;
}

function History({ job, deliveries }) {
  const rows = [['created', job.created_at]];
  (deliveries || [])
    .filter((attempt) => attempt.event_type !== 'webhook.test')
    .map((attempt) => [attempt.event_type, attempt.created_at])
    .sort((a, b) => (a[1] < b[1] ? -1 : 1))
    .forEach(([event, at]) => {
      if (!rows.some((row) => row[0] === event)) rows.push([event, at]);
    });
  if (job.completed_at) rows.push([job.status, job.completed_at]);
  else rows.push([job.status + ' (now)', job.updated_at]);
  return html`<ol class="steps" aria-label="Status history">${rows.map(([event, at]) => html`<li><strong>${event}</strong> <span class="muted">${when(at)}</span></li>`)}</ol>`;
}

function JobOutput({ job, collection }) {
  const output = job.output;
  if (!output || !output.url) return html`<p class="muted">${job.status === 'completed' ? 'The artifacts were removed after the retention period.' : 'No output yet.'}</p>`;
  const type = output.content_type || '';
  const download = `/v1/${collection}/${encodeURIComponent(job.id)}/download`;
  let view = null;
  if (type.startsWith('video/')) view = html`<div class="preview-frame"><video src=${output.url} controls playsinline preload="metadata" aria-label="Job output"></video></div>`;
  else if (type.startsWith('image/')) view = html`<div class="preview-frame"><img src=${output.url} alt="Job output" /></div>`;
  else if (type.includes('json') || type.startsWith('text/')) view = html`<${Transcript} url=${output.url} />`;
  return html`<div class="stack">${view}
    <dl class="facts">
      <dt>Type</dt><dd>${type || '—'}</dd>
      ${output.width ? html`<dt>Size</dt><dd>${output.width}×${output.height}</dd>` : null}
      ${output.duration ? html`<dt>Duration</dt><dd>${output.duration} s</dd>` : null}
      <dt>Bytes</dt><dd>${bytes(output.size_bytes)}</dd>
    </dl>
    <div><a class="button" href=${download} download>Download</a></div></div>`;
}

function Transcript({ url }) {
  const state = useLoad(async () => {
    const response = await fetch(url);
    return response.text();
  }, [url]);
  return html`<${Loading} state=${state}>${(text) => {
    let shown = text;
    try {
      const parsed = JSON.parse(text);
      shown = parsed.text ? parsed.text : JSON.stringify(parsed, null, 2);
    } catch (_) {
      /* plain text */
    }
    return html`<pre class="codebox">${shown}</pre>`;
  }}<//>`;
}

export function Deliveries({ attempts, onRetry }) {
  if (!attempts.length) return html`<p class="muted">No webhook deliveries.</p>`;
  return html`<div class="table-wrap"><table class="deliveries">
    <thead><tr><th>Event</th><th>Status</th><th>HTTP</th><th class="optional">Response</th><th>When</th>${onRetry ? html`<th><span class="sr-only">Retry</span></th>` : null}</tr></thead>
    <tbody>${attempts.map((attempt) => html`<tr data-attempt=${attempt.id}>
      <td class="mono">${attempt.event_type}<br /><small class="muted">#${attempt.attempt_number}</small></td>
      <td><${StatusBadge} status=${attempt.status} /></td>
      <td class="status-code">${attempt.status_code || (attempt.error ? attempt.error.code : '—')}</td>
      <td class="optional mono small">${(attempt.response_body || (attempt.error && attempt.error.message) || '').slice(0, 160)}</td>
      <td>${when(attempt.attempted_at || attempt.due_at)}</td>
      ${onRetry ? html`<td>${attempt.status !== 'pending' && attempt.webhook_id ? html`<button type="button" class="secondary" onClick=${() => onRetry(attempt)}>Retry</button>` : null}</td>` : null}
    </tr>`)}</tbody></table></div>`;
}

export function JobDetail({ params }) {
  const id = params.id;
  const collection = collectionOf(id);
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const request = useLoad(() => get(`/v1/${collection}/${encodeURIComponent(id)}/request`), [id]);
  const deliveries = useLoad(() => get('/v1/webhooks/deliveries' + query({ job_id: id, limit: 100 })), [id, job && job.status]);
  const action = useAction();

  useEffect(() => {
    let live = true;
    let timer = null;
    const poll = async () => {
      try {
        const current = await get(`/v1/${collection}/${encodeURIComponent(id)}`);
        if (!live) return;
        setJob(current);
        if (!TERMINAL.has(current.status)) timer = setTimeout(poll, 1000);
      } catch (caught) {
        if (live) setError(caught);
      }
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);

  if (error) return html`<h1>Job</h1><${ErrorBox} error=${error} />`;
  if (!job) return html`<h1>Job</h1><p class="muted" aria-busy="true">Loading…</p>`;
  const cancel = () => action.run(async () => setJob(await del(`/v1/${collection}/${encodeURIComponent(id)}`)));
  const retry = (attempt) => action.run(async () => {
    await post(`/v1/webhooks/${attempt.webhook_id}/deliveries/${attempt.delivery_id}/retry`);
    deliveries.reload();
  });
  return html`<section>
    <p><a href="/console/jobs">← Jobs</a></p>
    <h1 class="mono">${job.id}</h1>
    <div class="row">
      <${StatusBadge} status=${job.status} /><span>${job.task_type || job.kind}</span><span class="spacer"></span>
      ${!TERMINAL.has(job.status) ? html`<button type="button" class="danger" onClick=${cancel} disabled=${action.busy}>Cancel</button>` : null}
      ${collection === 'renders' && request.data ? html`<button type="button" class="secondary" onClick=${() => openInPlayground(request.data)}>Open in playground</button>` : null}
    </div>
    <${ErrorBox} error=${action.error} />
    <div class="two-columns">
      <div class="panel">
        <h2>Progress</h2>
        <p>${Math.round(job.progress_percent)}% ${job.progress_stage && !TERMINAL.has(job.status) ? '· ' + job.progress_stage : ''}</p>
        <${Progress} percent=${job.progress_percent} label="Job progress" />
        ${job.error ? html`<h3>Error</h3><${ErrorBox} error=${job.error} />` : null}
        ${job.warnings.length ? html`<h3>Warnings</h3><ul>${job.warnings.map((warning) => html`<li>${typeof warning === 'string' ? 'ignored field ' + warning : warning.code + ': ' + warning.message}</li>`)}</ul>` : null}
        <h3>History</h3>
        <${History} job=${job} deliveries=${deliveries.data && deliveries.data.data} />
        <dl class="facts"><dt>Attempts</dt><dd>${job.attempts}</dd><dt>Updated</dt><dd>${when(job.updated_at)}</dd></dl>
      </div>
      <div class="panel">
        <h2>Output</h2>
        <${JobOutput} job=${job} collection=${collection} />
      </div>
    </div>
    <div class="panel"><h2>Request</h2>
      <${Loading} state=${request}>${(body) => html`<pre class="codebox" id="job-request">${JSON.stringify(body, null, 2)}</pre>`}<//>
    </div>
    <div class="panel"><h2>Webhook deliveries</h2>
      <${Loading} state=${deliveries}>${(page) => html`<${Deliveries} attempts=${page.data} onRetry=${retry} />`}<//>
    </div>
  </section>`;
}
