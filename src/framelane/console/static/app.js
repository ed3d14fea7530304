// The console shell: who is signed in, the navigation, the theme, and the page for the path.
import { get, post, onSignedOut, csrfToken } from './api.js';
import { html, render, useEffect, useState, navigate, ErrorBox } from './ui.js';
import { SignIn } from './pages/signin.js';
import { Overview } from './pages/overview.js';
import { Playground } from './pages/playground.js';
import { Jobs, JobDetail } from './pages/jobs.js';
import { Media } from './pages/media.js';
import { Keys } from './pages/keys.js';
import { Webhooks } from './pages/webhooks.js';
import { Tokens } from './pages/tokens.js';
import { Catalog } from './pages/catalog.js';
import { SettingsPage } from './pages/settings.js';

const PAGES = [
  { path: '/console', label: 'Overview', page: Overview },
  { path: '/console/playground', label: 'Playground', page: Playground },
  { path: '/console/jobs', label: 'Jobs', page: Jobs },
  { path: '/console/media', label: 'Media', page: Media },
  { path: '/console/keys', label: 'API keys', page: Keys },
  { path: '/console/webhooks', label: 'Webhooks', page: Webhooks },
  { path: '/console/tokens', label: 'Design tokens', page: Tokens },
  { path: '/console/catalog', label: 'Catalog', page: Catalog },
  { path: '/console/settings', label: 'Settings', page: SettingsPage },
];

function pageFor(path) {
  const jobMatch = path.match(/^\/console\/jobs\/([^/]+)$/);
  if (jobMatch) return { page: JobDetail, params: { id: decodeURIComponent(jobMatch[1]) }, section: '/console/jobs' };
  const found = PAGES.find((entry) => entry.path === path.replace(/\/$/, ''));
  return found ? { page: found.page, params: {}, section: found.path } : null;
}

function storedTheme() {
  try {
    return localStorage.getItem('fl.theme');
  } catch (_) {
    return null;
  }
}

function applyTheme(theme) {
  const dark = theme === 'dark' || (!theme && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

function ThemeToggle() {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme);
  const flip = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem('fl.theme', next);
    } catch (_) {
      /* private mode: the choice lasts for this page only */
    }
    applyTheme(next);
    setTheme(next);
  };
  return html`<button type="button" class="ghost" onClick=${flip} aria-label=${'Switch to ' + (theme === 'dark' ? 'light' : 'dark') + ' theme'}>${theme === 'dark' ? '☀' : '☾'}</button>`;
}

function Shell({ workspace, path, onSignOut, children }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const match = pageFor(path);
  useEffect(() => setMenuOpen(false), [path]);
  return html`<div class="shell">
    <header class="topbar">
      <button type="button" class="ghost menu-button" aria-expanded=${menuOpen} aria-controls="nav" onClick=${() => setMenuOpen(!menuOpen)}>☰<span class="sr-only"> Menu</span></button>
      <a class="brand" href="/console">Framelane</a>
      <span class="workspace-name" title="Workspace">${workspace.name}</span>
      <span class="spacer"></span>
      <${ThemeToggle} />
      <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
    </header>
    <nav id="nav" class=${'sidebar' + (menuOpen ? ' open' : '')} aria-label="Console">
      <ul>
        ${PAGES.map((entry) => html`<li><a href=${entry.path} aria-current=${match && match.section === entry.path ? 'page' : undefined}>${entry.label}</a></li>`)}
      </ul>
    </nav>
    <main id="main" class="content" tabindex="-1">${children}</main>
  </div>`;
}

function App() {
  const [path, setPath] = useState(location.pathname);
  const [auth, setAuth] = useState({ state: 'checking', workspace: null, error: null });

  const loadWorkspace = async () => {
    if (!csrfToken()) {
      // No session cookie pair: signed out, no need to ask (and log a 401).
      setAuth({ state: 'out', workspace: null, error: null });
      return;
    }
    try {
      const workspace = await get('/v1/workspace', { anonymous: true });
      setAuth({ state: 'in', workspace, error: null });
    } catch (error) {
      setAuth({ state: 'out', workspace: null, error: error.status === 401 ? null : error });
    }
  };

  useEffect(() => {
    const sync = () => setPath(location.pathname);
    window.addEventListener('popstate', sync);
    window.addEventListener('fl:navigate', sync);
    const links = (event) => {
      const anchor = event.target.closest && event.target.closest('a[href^="/console"]');
      if (!anchor || anchor.target || event.ctrlKey || event.metaKey || event.shiftKey || anchor.hasAttribute('download')) return;
      event.preventDefault();
      navigate(anchor.getAttribute('href'));
    };
    document.addEventListener('click', links);
    const off = onSignedOut(() => setAuth({ state: 'out', workspace: null, error: { code: 'session_expired', message: 'Your session ended. Sign in again.' } }));
    loadWorkspace();
    return () => {
      window.removeEventListener('popstate', sync);
      window.removeEventListener('fl:navigate', sync);
      document.removeEventListener('click', links);
      off();
    };
  }, []);

  useEffect(() => {
    const match = pageFor(path);
    const label = match ? (PAGES.find((entry) => entry.path === match.section) || {}).label : null;
    document.title = (auth.state === 'in' ? label || 'Not found' : 'Sign in') + ' · Framelane console';
    const main = document.getElementById('main');
    if (main) main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [path, auth.state]);

  if (auth.state === 'checking') return html`<p class="muted centered" aria-busy="true">Loading…</p>`;
  if (auth.state === 'out') {
    return html`<${SignIn} path=${path} notice=${auth.error} onSignedIn=${() => {
      if (path === '/console/signin' || path === '/console/signup') navigate('/console');
      loadWorkspace();
    }} />`;
  }
  const signOut = async () => {
    try {
      await post('/v1/auth/logout', {}, { anonymous: true });
    } catch (_) {
      /* signed out either way: the cookie is gone or was never valid */
    }
    setAuth({ state: 'out', workspace: null, error: null });
    navigate('/console/signin');
  };
  const match = pageFor(path);
  const Page = match && match.page;
  return html`<${Shell} workspace=${auth.workspace} path=${path} onSignOut=${signOut}>
    ${Page
      ? html`<${Page} key=${path} params=${match.params} workspace=${auth.workspace} onWorkspaceChanged=${loadWorkspace} />`
      : html`<h1>Not found</h1><${ErrorBox} error=${{ code: 'not_found', message: 'No console page at ' + path }} />`}
  <//>`;
}

applyTheme(storedTheme());
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(storedTheme()));
render(html`<${App} />`, document.getElementById('app'));
