// Settings: rename, plan and quota, the billing portal, and deleting the workspace by its name.
import { get, post, patch, del } from '../api.js';
import { html, useState, useEffect, useLoad, useAction, Loading, ErrorBox, Confirm, Field, navigate } from '../ui.js';

export function SettingsPage({ workspace, onWorkspaceChanged }) {
  const [name, setName] = useState(workspace.name);
  const [saved, setSaved] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [typed, setTyped] = useState('');
  const action = useAction();
  const usage = useLoad(() => Promise.all([get('/v1/workspace/usage'), get('/v1/capabilities')]), []);
  useEffect(() => {
    if (location.hash === '#plan') document.getElementById('plan')?.scrollIntoView();
  }, []);

  const rename = (event) => {
    event.preventDefault();
    setSaved(false);
    action.run(async () => {
      await patch('/v1/workspace', { name });
      setSaved(true);
      onWorkspaceChanged();
    });
  };
  const portal = () => action.run(async () => {
    const { url } = await post('/v1/billing/portal');
    const target = new URL(url, location.href);
    if (target.origin === location.origin && target.pathname.startsWith('/console')) {
      navigate(target.pathname);
      document.getElementById('plan')?.scrollIntoView();
    } else location.assign(url);
  });
  const remove = (confirmed) => {
    setDeleting(false);
    const ok = typed === workspace.name;
    setTyped('');
    if (confirmed && ok) action.run(async () => {
      await del('/v1/workspace');
      await post('/v1/auth/logout', {}, { anonymous: true }).catch(() => null);
      location.assign('/console/signup');
    });
  };
  return html`<section>
    <h1>Settings</h1>
    <${ErrorBox} error=${action.error} />
    <div class="panel">
      <h2>Workspace</h2>
      <form class="row" onSubmit=${rename}>
        <${Field} label="Workspace name" id="workspace-name"><input id="workspace-name" required maxlength="255" value=${name} onInput=${(event) => setName(event.target.value)} /><//>
        <button type="submit" disabled=${action.busy}>Rename</button>
        ${saved ? html`<span class="ok-text" role="status">Saved</span>` : null}
      </form>
      <dl class="facts"><dt>Workspace id</dt><dd class="mono">${workspace.id}</dd><dt>Email</dt><dd>${workspace.email || '—'}</dd></dl>
    </div>
    <div class="panel" id="plan">
      <h2>Plan and quota</h2>
      <${Loading} state=${usage}>${([totals, capabilities]) => {
        const plan = capabilities.plans[workspace.plan] || {};
        return html`<dl class="facts">
          <dt>Plan</dt><dd><strong>${workspace.plan}</strong> (${workspace.plan_status})</dd>
          <dt>Render minutes</dt><dd>${totals.render_minutes.toFixed(2)} used of ${plan.render_minutes ?? 'unlimited'} this month</dd>
          <dt>AI tasks</dt><dd>${totals.task_count} used of ${plan.tasks ?? 'unlimited'}</dd>
          <dt>Concurrent jobs</dt><dd>${plan.concurrent_jobs ?? 'unlimited'}</dd>
        </dl>
        <h3>All plans</h3>
        <div class="table-wrap"><table><thead><tr><th>Plan</th><th>Render minutes / month</th><th>AI tasks / month</th><th>Concurrent jobs</th></tr></thead>
          <tbody>${Object.entries(capabilities.plans).map(([id, limits]) => html`<tr><td>${id}${id === workspace.plan ? ' (current)' : ''}</td><td>${limits.render_minutes ?? 'unlimited'}</td><td>${limits.tasks ?? 'unlimited'}</td><td>${limits.concurrent_jobs ?? 'unlimited'}</td></tr>`)}</tbody></table></div>`;
      }}<//>
      <p><button type="button" class="secondary" onClick=${portal}>Manage billing</button></p>
    </div>
    <div class="panel">
      <h2>Danger zone</h2>
      <p>Deleting the workspace removes every job, key, webhook, asset and stored file. It cannot be undone.</p>
      <button type="button" class="danger" onClick=${() => setDeleting(true)}>Delete workspace</button>
    </div>
    <${Confirm} open=${deleting} title="Delete this workspace?" confirmLabel="Delete forever" danger canConfirm=${typed === workspace.name} onClose=${remove}>
      <${Field} label=${'Type the workspace name (' + workspace.name + ') to confirm'} id="confirm-name">
        <input id="confirm-name" autocomplete="off" value=${typed} onInput=${(event) => setTyped(event.target.value)} />
      <//>
    <//>
  </section>`;
}
