// Design tokens: tokensets → modes → tokens (colour swatches, aliases resolved), editing,
// export in every format, and the workspace's members and roles. Calls the design-token API
// under /api/v1 with the console session.
import { get, post, patch, del } from '../api.js';
import { html, useState, useLoad, useAction, Loading, ErrorBox, Field } from '../ui.js';

const TYPES = ['color', 'dimension', 'fontFamily', 'fontWeight', 'fontSize', 'lineHeight', 'letterSpacing', 'duration', 'cubicBezier', 'number', 'strokeStyle', 'border', 'transition', 'shadow', 'gradient', 'typography', 'string', 'boolean'];
const FORMATS = ['json', 'css', 'ios', 'android', 'dtcg'];
const ROLES = ['admin', 'editor', 'viewer'];

const shown = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
const aliasName = (alias) => String(alias).replace(/^\{|\}$/g, '');

// Follow aliases by name within the mode (at most 10 hops, as a cycle guard).
function resolve(token, byName) {
  let current = token;
  for (let hop = 0; hop < 10 && current && current.alias_to; hop += 1) current = byName.get(aliasName(current.alias_to));
  return current ? current.value : undefined;
}

function parsedValue(type, text) {
  if (['number', 'fontWeight', 'lineHeight'].includes(type) && text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  if (type === 'boolean') return text === 'true';
  if (text.trim().startsWith('{') || text.trim().startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch (_) {
      return text;
    }
  }
  return text;
}

function TokenRow({ token, byName, base, onChanged, action }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(shown(token.value));
  const resolved = resolve(token, byName);
  const save = (event) => {
    event.preventDefault();
    action.run(async () => {
      await patch(`${base}/tokens/${token.id}`, { value: parsedValue(token.type, text) });
      setEditing(false);
      onChanged();
    });
  };
  const colour = token.type === 'color' && typeof resolved === 'string' ? resolved : null;
  return html`<tr data-token=${token.name}>
    <td>${colour ? html`<span class="swatch" style=${{ background: colour }} aria-hidden="true"></span>` : null}<span class="mono">${token.name}</span></td>
    <td class="optional">${token.type}</td>
    <td class="token-value">${editing
      ? html`<form class="row" onSubmit=${save}><label class="sr-only" for=${'value-' + token.id}>Value of ${token.name}</label>
          <input id=${'value-' + token.id} value=${text} onInput=${(event) => setText(event.target.value)} autofocus />
          <button type="submit">Save</button><button type="button" class="secondary" onClick=${() => setEditing(false)}>Cancel</button></form>`
      : token.alias_to
        ? html`<span class="mono">{${aliasName(token.alias_to)}}</span> → <span class="mono resolved">${resolved === undefined ? 'unresolved' : shown(resolved)}</span>`
        : html`<span class="mono">${shown(token.value)}</span>`}</td>
    <td>${editing ? null : html`<div class="row"><button type="button" class="secondary" onClick=${() => { setText(shown(token.value)); setEditing(true); }} aria-label=${'Edit ' + token.name}>Edit</button>
      <button type="button" class="secondary" onClick=${() => action.run(async () => { await del(`${base}/tokens/${token.id}`); onChanged(); })} aria-label=${'Delete ' + token.name}>Delete</button></div>`}</td>
  </tr>`;
}

function NewToken({ base, onChanged, action, names }) {
  const [name, setName] = useState('');
  const [type, setType] = useState('color');
  const [value, setValue] = useState('');
  const [alias, setAlias] = useState('');
  const submit = (event) => {
    event.preventDefault();
    action.run(async () => {
      const body = alias ? { name, type, alias_to: alias } : { name, type, value: parsedValue(type, value) };
      await post(`${base}/tokens`, body);
      setName('');
      setValue('');
      setAlias('');
      onChanged();
    });
  };
  return html`<form class="filters" onSubmit=${submit}>
    <${Field} label="Token name" id="token-name"><input id="token-name" required placeholder="color.brand" value=${name} onInput=${(event) => setName(event.target.value)} /><//>
    <${Field} label="Type" id="token-type"><select id="token-type" value=${type} onChange=${(event) => setType(event.target.value)}>${TYPES.map((t) => html`<option value=${t}>${t}</option>`)}</select><//>
    <${Field} label="Value" id="token-value"><input id="token-value" placeholder="#5b5bf0" value=${value} disabled=${!!alias} onInput=${(event) => setValue(event.target.value)} /><//>
    <${Field} label="or alias of" id="token-alias"><select id="token-alias" value=${alias} onChange=${(event) => setAlias(event.target.value)}><option value="">(no alias)</option>${names.map((n) => html`<option value=${n}>${n}</option>`)}</select><//>
    <button type="submit">Add token</button>
  </form>`;
}

function Exporter({ tokenset, mode }) {
  const [format, setFormat] = useState('css');
  const base = `/api/v1/tokensets/${tokenset.id}`;
  return html`<div class="row">
    <${Field} label="Export format" id="export-format"><select id="export-format" value=${format} onChange=${(event) => setFormat(event.target.value)}>${FORMATS.map((f) => html`<option value=${f}>${f}</option>`)}</select><//>
    <a class="button secondary" href=${`${base}/export?format=${format}`} download>Export tokenset</a>
    ${mode ? html`<a class="button secondary" href=${`${base}/modes/${mode.id}/export?format=${format}`} download>Export mode “${mode.name}”</a>` : null}
  </div>`;
}

function Modes({ tokenset, action }) {
  const modes = useLoad(() => get(`/api/v1/tokensets/${tokenset.id}/modes`), [tokenset.id]);
  const [chosen, setChosen] = useState(null);
  const [newMode, setNewMode] = useState('');
  const list = modes.data ? modes.data.modes : [];
  const mode = list.find((m) => m.id === chosen) || list.find((m) => m.is_default) || list[0];
  const base = mode ? `/api/v1/tokensets/${tokenset.id}/modes/${mode.id}` : null;
  const tokens = useLoad(() => (base ? get(`${base}/tokens`) : Promise.resolve({ tokens: [] })), [base]);
  const byName = new Map((tokens.data ? tokens.data.tokens : []).map((token) => [token.name, token]));
  const addMode = (event) => {
    event.preventDefault();
    action.run(async () => {
      const created = await post(`/api/v1/tokensets/${tokenset.id}/modes`, { name: newMode });
      setNewMode('');
      setChosen(created.id);
      modes.reload();
    });
  };
  return html`<div class="stack">
    <${Loading} state=${modes}>${() => html`<div class="tabs" role="tablist" aria-label="Modes">
      ${list.map((m) => html`<button type="button" role="tab" aria-selected=${mode && m.id === mode.id} class=${mode && m.id === mode.id ? 'tab active' : 'tab'} onClick=${() => setChosen(m.id)}>${m.name}${m.is_default ? ' (default)' : ''}</button>`)}
    </div>`}<//>
    <form class="row" onSubmit=${addMode}><label class="sr-only" for="mode-name">New mode name</label>
      <input id="mode-name" required placeholder="dark" value=${newMode} onInput=${(event) => setNewMode(event.target.value)} /><button type="submit" class="secondary">Add mode</button></form>
    <${Exporter} tokenset=${tokenset} mode=${mode} />
    ${mode ? html`<${Loading} state=${tokens}>${(data) => html`<div class="table-wrap"><table>
        <thead><tr><th>Token</th><th class="optional">Type</th><th>Value</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${data.tokens.map((token) => html`<${TokenRow} key=${token.id + token.updated_at} token=${token} byName=${byName} base=${base} action=${action} onChanged=${tokens.reload} />`)}</tbody>
      </table></div>
      ${data.tokens.length ? null : html`<p class="muted">No tokens in this mode yet.</p>`}
      <${NewToken} base=${base} action=${action} onChanged=${tokens.reload} names=${data.tokens.map((token) => token.name)} />`}<//>` : html`<p class="muted">Add a mode to hold tokens.</p>`}
  </div>`;
}

function Members({ workspaceId, action }) {
  const members = useLoad(() => get(`/api/v1/workspaces/${workspaceId}/members`), [workspaceId]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('editor');
  const add = (event) => {
    event.preventDefault();
    action.run(async () => {
      await post(`/api/v1/workspaces/${workspaceId}/members`, { email, role });
      setEmail('');
      members.reload();
    });
  };
  return html`<div class="panel"><h2>Members and roles</h2>
    <${Loading} state=${members}>${(data) => html`<div class="table-wrap"><table>
      <thead><tr><th>Email</th><th>Role</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${data.members.map((member) => html`<tr><td>${member.email}</td><td>${member.role === 'owner' ? 'owner' : html`
        <label class="sr-only" for=${'role-' + member.user_id}>Role of ${member.email}</label>
        <select id=${'role-' + member.user_id} value=${member.role} onChange=${(event) => action.run(async () => { await patch(`/api/v1/workspaces/${workspaceId}/members/${member.user_id}`, { role: event.target.value }); members.reload(); })}>
          ${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select>`}</td>
        <td>${member.role === 'owner' ? null : html`<button type="button" class="secondary" onClick=${() => action.run(async () => { await del(`/api/v1/workspaces/${workspaceId}/members/${member.user_id}`); members.reload(); })}>Remove</button>`}</td></tr>`)}</tbody>
    </table></div>`}<//>
    <form class="filters" onSubmit=${add}>
      <${Field} label="Member email" id="member-email"><input id="member-email" type="email" required value=${email} onInput=${(event) => setEmail(event.target.value)} /><//>
      <${Field} label="Role" id="member-role"><select id="member-role" value=${role} onChange=${(event) => setRole(event.target.value)}>${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select><//>
      <button type="submit">Add member</button>
    </form>
  </div>`;
}

export function Tokens({ workspace }) {
  const sets = useLoad(() => get(`/api/v1/workspaces/${workspace.id}/tokensets`), [workspace.id]);
  const [chosen, setChosen] = useState(null);
  const [name, setName] = useState('');
  const action = useAction();
  const list = sets.data ? sets.data.tokensets : [];
  const tokenset = list.find((t) => t.id === chosen) || list[0];
  const create = (event) => {
    event.preventDefault();
    action.run(async () => {
      const created = await post(`/api/v1/workspaces/${workspace.id}/tokensets`, { name });
      setName('');
      setChosen(created.id);
      sets.reload();
    });
  };
  return html`<section>
    <h1>Design tokens</h1>
    <p class="muted">Renders use them as <code>{token.name}</code> references. Each tokenset has modes (light, dark…) holding tokens.</p>
    <${ErrorBox} error=${action.error} />
    <div class="panel">
      <div class="filters">
        <${Loading} state=${sets}>${() => (list.length ? html`<${Field} label="Tokenset" id="tokenset"><select id="tokenset" value=${tokenset && tokenset.id} onChange=${(event) => setChosen(event.target.value)}>
          ${list.map((t) => html`<option value=${t.id}>${t.name}</option>`)}</select><//>` : html`<p class="muted">No tokensets yet.</p>`)}<//>
        <form class="row" onSubmit=${create}><${Field} label="New tokenset" id="tokenset-name"><input id="tokenset-name" required placeholder="Brand" value=${name} onInput=${(event) => setName(event.target.value)} /><//><button type="submit" class="secondary">Create tokenset</button></form>
      </div>
      ${tokenset ? html`<${Modes} key=${tokenset.id} tokenset=${tokenset} action=${action} />` : null}
    </div>
    <${Members} workspaceId=${workspace.id} action=${action} />
  </section>`;
}
