// Shared pieces: html (htm bound to preact), formatting, and small components every page uses.
import { h, render } from './vendor/preact.module.js';
import { useEffect, useState, useCallback, useRef } from './vendor/hooks.module.js';
import htm from './vendor/htm.module.js';

export const html = htm.bind(h);
export { render, useEffect, useState, useCallback, useRef };

export function navigate(path) {
  if (location.pathname + location.search !== path) history.pushState({}, '', path);
  window.dispatchEvent(new Event('fl:navigate'));
}

export function when(value) {
  if (!value) return '—';
  const date = new Date(value);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function bytes(count) {
  if (count === null || count === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

export function seconds(value) {
  return value === null || value === undefined ? '—' : `${Number(value).toFixed(2)} s`;
}

// An API error as the API said it: its code and its message.
export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert"><code class="error-code">${error.code || 'error'}</code> <span class="error-message">${error.message}</span></div>`;
}

export function Notice({ children }) {
  return html`<div class="notice" role="status">${children}</div>`;
}

export function StatusBadge({ status }) {
  return html`<span class=${'badge badge-' + status}>${status}</span>`;
}

export function Progress({ percent, label }) {
  const value = Math.max(0, Math.min(100, Number(percent) || 0));
  return html`<div class="progress" role="progressbar" aria-label=${label || 'progress'} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(value)}>
    <div class="progress-bar" style=${{ width: value + '%' }}></div>
  </div>`;
}

export function CopyButton({ text, label }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return html`<button type="button" class="secondary" onClick=${copy}>${done ? 'Copied' : label || 'Copy'}</button>`;
}

// Runs an async action, keeping its busy flag and its API error.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = useCallback(async (action) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

// Loads data from the API once (and again when `deps` change or `reload()` is called).
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load()
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((error) => live && setState({ data: null, error, loading: false }));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((value) => value + 1) };
}

export function Loading({ state, children }) {
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (state.data === null) return html`<p class="muted" aria-busy="true">Loading…</p>`;
  return children(state.data);
}

// A confirmation dialog: resolves true when the person confirms.
export function Confirm({ open, title, children, confirmLabel, danger, onClose, canConfirm = true }) {
  const dialog = useRef(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return html`<dialog ref=${dialog} class="dialog" aria-labelledby="dialog-title" onClose=${() => open && onClose(false)}>
    <h2 id="dialog-title">${title}</h2>
    <div class="dialog-body">${children}</div>
    <div class="row end">
      <button type="button" class="secondary" onClick=${() => onClose(false)}>Cancel</button>
      <button type="button" class=${danger ? 'danger' : ''} disabled=${!canConfirm} onClick=${() => onClose(true)}>${confirmLabel || 'Confirm'}</button>
    </div>
  </dialog>`;
}

export function Field({ label, id, hint, children }) {
  return html`<div class="field"><label for=${id}>${label}</label>${children}${hint ? html`<small class="muted">${hint}</small>` : null}</div>`;
}

export function Pager({ page, onNext, onFirst }) {
  return html`<div class="row pager">
    <button type="button" class="secondary" disabled=${!page.cursor} onClick=${onFirst}>First page</button>
    <button type="button" class="secondary" disabled=${!page.next} onClick=${onNext}>Next page</button>
  </div>`;
}
