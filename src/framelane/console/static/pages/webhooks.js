// Webhooks: endpoints (create, edit, enable/disable, delete), events, a test event, the delivery
// log with retry, and rotating the workspace signing secret.
import { get, post, patch, del, query } from '../api.js';
import { html, useState, useLoad, useAction, Loading, ErrorBox, StatusBadge, CopyButton, Confirm, Field, when } from '../ui.js';
import { Deliveries } from './jobs.js';

const SUFFIXES = ['processing', 'progress', 'completed', 'failed', 'cancelled'];
const EVENTS = ['*', 'render.*', 'task.*', 'asset.*', ...SUFFIXES.map((s) => 'render.' + s), ...SUFFIXES.map((s) => 'task.' + s), 'asset.ready', 'asset.failed', 'webhook.test'];

function EventPicker({ id, selected, onChange }) {
  const toggle = (name) => onChange(selected.includes(name) ? selected.filter((value) => value !== name) : [...selected, name]);
  return html`<fieldset class="events" id=${id}><legend>Events</legend><div class="row">
    ${EVENTS.map((name) => html`<label class="small"><input type="checkbox" checked=${selected.includes(name)} onChange=${() => toggle(name)} /> <code>${name}</code></label>`)}
  </div></fieldset>`;
}

function EndpointForm({ initial, submitLabel, onSubmit, onCancel, busy }) {
  const [url, setUrl] = useState(initial ? initial.url : '');
  const [events, setEvents] = useState(initial ? initial.events : ['*']);
  const prefix = initial ? 'edit-' + initial.id : 'new';
  return html`<form class="stack" onSubmit=${(event) => {
    event.preventDefault();
    onSubmit({ url, events });
  }}>
    <${Field} label="Endpoint URL" id=${prefix + '-url'}><input id=${prefix + '-url'} type="url" required maxlength="2083" placeholder="https://example.com/hooks/framelane" value=${url} onInput=${(event) => setUrl(event.target.value)} /><//>
    <${EventPicker} id=${prefix + '-events'} selected=${events} onChange=${setEvents} />
    <div class="row"><button type="submit" disabled=${busy || !events.length}>${submitLabel}</button>
      ${onCancel ? html`<button type="button" class="secondary" onClick=${onCancel}>Cancel</button>` : null}</div>
  </form>`;
}

function DeliveryLog({ webhook, onRetry, tick }) {
  const state = useLoad(() => get(`/v1/webhooks/${webhook.id}/deliveries` + query({ limit: 25 })), [webhook.id, tick]);
  return html`<${Loading} state=${state}>${(page) => html`<${Deliveries} attempts=${page.data} onRetry=${onRetry} />`}<//>`;
}

function Endpoint({ webhook, onChanged, action }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((value) => value + 1);
  const update = (body) => action.run(async () => {
    await patch('/v1/webhooks/' + webhook.id, body);
    setEditing(false);
    onChanged();
  });
  const test = () => action.run(async () => {
    await post(`/v1/webhooks/${webhook.id}/test`);
    refresh();
    setTimeout(refresh, 1500);
  });
  const retry = (attempt) => action.run(async () => {
    await post(`/v1/webhooks/${webhook.id}/deliveries/${attempt.delivery_id}/retry`);
    refresh();
    setTimeout(refresh, 1500);
  });
  const remove = (confirmed) => {
    setDeleting(false);
    if (confirmed) action.run(async () => {
      await del('/v1/webhooks/' + webhook.id);
      onChanged();
    });
  };
  return html`<article class="panel" data-webhook=${webhook.id}>
    <div class="row">
      <strong class="mono">${webhook.url}</strong>
      <${StatusBadge} status=${webhook.enabled ? 'enabled' : 'disabled'} />
      <span class="spacer"></span>
      <button type="button" class="secondary" onClick=${test}>Send test event</button>
      <button type="button" class="secondary" onClick=${() => update({ enabled: !webhook.enabled })}>${webhook.enabled ? 'Disable' : 'Enable'}</button>
      <button type="button" class="secondary" onClick=${() => setEditing(!editing)} aria-expanded=${editing}>Edit</button>
      <button type="button" class="secondary" onClick=${() => setDeleting(true)}>Delete</button>
    </div>
    <p class="small muted">Events: ${webhook.events.map((name) => html`<code>${name}</code> `)} · created ${when(webhook.created_at)} · last delivery ${when(webhook.last_delivery_at)}</p>
    ${editing ? html`<${EndpointForm} initial=${webhook} submitLabel="Save" busy=${action.busy} onSubmit=${update} onCancel=${() => setEditing(false)} />` : null}
    <h3>Deliveries <button type="button" class="link small" onClick=${refresh}>refresh</button></h3>
    <${DeliveryLog} webhook=${webhook} onRetry=${retry} tick=${tick} />
    <${Confirm} open=${deleting} title="Delete this endpoint?" confirmLabel="Delete endpoint" danger onClose=${remove}>
      <p>${webhook.url} will receive no more events; its delivery log goes with it.</p>
    <//>
  </article>`;
}

export function Webhooks() {
  const state = useLoad(() => get('/v1/webhooks' + query({ limit: 100 })), []);
  const action = useAction();
  const [secret, setSecret] = useState(null);
  const [rotating, setRotating] = useState(false);
  const create = (body) => action.run(async () => {
    const created = await post('/v1/webhooks', { ...body, enabled: true });
    setSecret(created.secret);
    state.reload();
  });
  const rotate = (confirmed) => {
    setRotating(false);
    const first = state.data && state.data.data[0];
    if (confirmed && first) action.run(async () => setSecret((await post(`/v1/webhooks/${first.id}/rotate-secret`)).secret));
  };
  const endpoints = state.data ? state.data.data : [];
  return html`<section>
    <h1>Webhooks</h1>
    <div class="panel">
      <h2>Add an endpoint</h2>
      <${EndpointForm} submitLabel="Add endpoint" busy=${action.busy} onSubmit=${create} />
      ${secret ? html`<div class="notice stack" role="status"><strong>Signing secret of this workspace</strong>
        <div class="secret" id="webhook-secret">${secret}</div><div class="row"><${CopyButton} text=${secret} label="Copy secret" /></div></div>` : null}
      <${ErrorBox} error=${action.error} />
    </div>
    <${Loading} state=${state}>${() => (endpoints.length
      ? endpoints.map((webhook) => html`<${Endpoint} key=${webhook.id} webhook=${webhook} action=${action} onChanged=${state.reload} />`)
      : html`<p class="muted">No endpoints yet.</p>`)}<//>
    ${endpoints.length ? html`<div class="panel"><h2>Signing secret</h2>
      <p>One secret signs every delivery of this workspace.</p>
      <button type="button" class="danger" onClick=${() => setRotating(true)}>Rotate secret</button></div>` : null}
    <${Confirm} open=${rotating} title="Rotate the signing secret?" confirmLabel="Rotate now" danger onClose=${rotate}>
      <p><strong>Rotation re-keys every endpoint and every per-request <code>webhook_url</code> of this workspace.</strong> The old secret stops signing at once, pending retries included; receivers must switch to the new secret.</p>
    <//>
  </section>`;
}
