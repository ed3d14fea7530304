// API keys: list (prefix, created, last used, revoked), create (shown once), revoke (confirmed).
import { get, post, del, query } from '../api.js';
import { html, useState, useLoad, useAction, Loading, ErrorBox, StatusBadge, CopyButton, Confirm, Field, Pager, when } from '../ui.js';

export function Keys() {
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  const state = useLoad(() => get('/v1/api-keys' + query({ limit: 50, cursor })), [cursor]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState(null);
  const [revoking, setRevoking] = useState(null);
  const action = useAction();

  const create = (event) => {
    event.preventDefault();
    action.run(async () => {
      setCreated(await post('/v1/api-keys', { name: name || 'Console key' }));
      setName('');
      state.reload();
    });
  };
  const revoke = (confirmed) => {
    const key = revoking;
    setRevoking(null);
    if (confirmed) action.run(async () => {
      await del('/v1/api-keys/' + encodeURIComponent(key.id));
      state.reload();
    });
  };
  return html`<section>
    <h1>API keys</h1>
    <div class="panel">
      <h2>Create a key</h2>
      <form class="row" onSubmit=${create}>
        <${Field} label="Key name" id="key-name"><input id="key-name" maxlength="255" placeholder="CI, my laptop…" value=${name} onInput=${(event) => setName(event.target.value)} /><//>
        <button type="submit" disabled=${action.busy}>Create key</button>
      </form>
      ${created ? html`<div class="notice stack" role="status">
        <strong>Copy your new key now: it is shown only once.</strong>
        <div class="secret" id="new-key">${created.key}</div>
        <div class="row"><${CopyButton} text=${created.key} label="Copy key" /><button type="button" class="secondary" onClick=${() => setCreated(null)}>Done</button></div>
      </div>` : null}
      <${ErrorBox} error=${action.error} />
    </div>
    <div class="panel">
      <h2>Keys</h2>
      <${Loading} state=${state}>${(page) => html`<div class="table-wrap"><table>
        <thead><tr><th>Name</th><th>Prefix</th><th class="optional">Created</th><th class="optional">Last used</th><th>State</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${page.data.map((key) => html`<tr data-key=${key.id}>
          <td>${key.name}</td><td class="mono">${key.key_prefix}…</td>
          <td class="optional">${when(key.created_at)}</td><td class="optional">${when(key.last_used_at)}</td>
          <td>${key.revoked_at ? html`<${StatusBadge} status="revoked" />` : html`<${StatusBadge} status="active" />`}</td>
          <td>${key.revoked_at ? null : html`<button type="button" class="secondary" onClick=${() => setRevoking(key)} aria-label=${'Revoke ' + key.name}>Revoke</button>`}</td>
        </tr>`)}</tbody></table></div>
        <${Pager} page=${{ cursor, next: page.has_more ? page.next_cursor : null }} onFirst=${() => setCursors([null])} onNext=${() => setCursors([...cursors, page.next_cursor])} />`}<//>
    </div>
    <${Confirm} open=${!!revoking} title="Revoke this key?" confirmLabel="Revoke key" danger onClose=${revoke}>
      <p>Requests with <code>${revoking ? revoking.key_prefix : ''}…</code> (${revoking ? revoking.name : ''}) will be refused with 401 from now on. This cannot be undone.</p>
    <//>
  </section>`;
}
