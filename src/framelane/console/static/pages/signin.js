// Sign up (workspace + email, verified by a code) and sign in (email, then a 6-digit code).
import { post } from '../api.js';
import { html, useState, useAction, ErrorBox, Field, navigate } from '../ui.js';

const CODE_HINT = html`<p class="muted small">No mail server configured? The code is in the server log, on the line
  <code>one-time code for you@example.com (…): 123456</code>.</p>`;

function CodeForm({ email, purpose, onSubmit, busy, error, onBack }) {
  const [code, setCode] = useState('');
  return html`<form class="stack" onSubmit=${(event) => {
    event.preventDefault();
    onSubmit(code.trim());
  }}>
    <p>We sent a ${purpose} code to <strong>${email}</strong>.</p>
    ${CODE_HINT}
    <${Field} label="6-digit code" id="otp-code">
      <input id="otp-code" name="otp_code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required value=${code} onInput=${(event) => setCode(event.target.value)} autofocus />
    <//>
    <${ErrorBox} error=${error} />
    <div class="row">
      <button type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Continue'}</button>
      <button type="button" class="secondary" onClick=${onBack}>Use another email</button>
    </div>
  </form>`;
}

function SignInForm({ onSignedIn }) {
  const [email, setEmail] = useState('');
  const [step, setStep] = useState('email');
  const { busy, error, run, setError } = useAction();
  if (step === 'code') {
    return html`<${CodeForm} email=${email} purpose="sign-in" busy=${busy} error=${error}
      onBack=${() => { setStep('email'); setError(null); }}
      onSubmit=${(code) => run(async () => {
        await post('/v1/auth/verify', { email, otp_code: code }, { anonymous: true });
        onSignedIn();
      })} />`;
  }
  return html`<form class="stack" onSubmit=${(event) => {
    event.preventDefault();
    run(async () => {
      await post('/v1/auth/login', { email }, { anonymous: true });
      setStep('code');
    });
  }}>
    <${Field} label="Email" id="signin-email">
      <input id="signin-email" name="email" type="email" autocomplete="email" required value=${email} onInput=${(event) => setEmail(event.target.value)} />
    <//>
    <${ErrorBox} error=${error} />
    <button type="submit" disabled=${busy}>${busy ? 'Sending…' : 'Send me a code'}</button>
  </form>`;
}

function SignUpForm({ onSignedIn }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [step, setStep] = useState('details');
  const { busy, error, run, setError } = useAction();
  const back = () => {
    setStep('details');
    setError(null);
  };
  if (step === 'verify') {
    return html`<${CodeForm} email=${email} purpose="verification" busy=${busy} error=${error} onBack=${back}
      onSubmit=${(code) => run(async () => {
        await post('/v1/signup/verify', { email, otp_code: code }, { anonymous: true });
        await post('/v1/auth/login', { email }, { anonymous: true });
        setStep('signin');
      })} />`;
  }
  if (step === 'signin') {
    return html`<div class="stack"><p class="ok-text">Email verified: your workspace is ready.</p>
      <${CodeForm} email=${email} purpose="sign-in" busy=${busy} error=${error} onBack=${back}
        onSubmit=${(code) => run(async () => {
          await post('/v1/auth/verify', { email, otp_code: code }, { anonymous: true });
          onSignedIn();
        })} /></div>`;
  }
  return html`<form class="stack" onSubmit=${(event) => {
    event.preventDefault();
    run(async () => {
      await post('/v1/signup', { workspace_name: name, email }, { anonymous: true });
      setStep('verify');
    });
  }}>
    <${Field} label="Workspace name" id="signup-workspace">
      <input id="signup-workspace" name="workspace_name" required maxlength="255" value=${name} onInput=${(event) => setName(event.target.value)} />
    <//>
    <${Field} label="Email" id="signup-email">
      <input id="signup-email" name="email" type="email" autocomplete="email" required value=${email} onInput=${(event) => setEmail(event.target.value)} />
    <//>
    <${ErrorBox} error=${error} />
    <button type="submit" disabled=${busy}>${busy ? 'Creating…' : 'Create workspace'}</button>
  </form>`;
}

export function SignIn({ path, notice, onSignedIn }) {
  const signUp = path === '/console/signup';
  return html`<main id="main" class="auth" tabindex="-1">
    <div class="auth-card">
      <h1 class="brand-large">Framelane</h1>
      <p class="muted">One JSON composition in, a frame-exact video out.</p>
      <div class="tabs" role="tablist" aria-label="Sign in or sign up">
        <button type="button" role="tab" aria-selected=${!signUp} class=${signUp ? 'tab' : 'tab active'} onClick=${() => navigate('/console/signin')}>Sign in</button>
        <button type="button" role="tab" aria-selected=${signUp} class=${signUp ? 'tab active' : 'tab'} onClick=${() => navigate('/console/signup')}>Sign up</button>
      </div>
      ${notice ? html`<${ErrorBox} error=${notice} />` : null}
      ${signUp ? html`<${SignUpForm} onSignedIn=${onSignedIn} />` : html`<${SignInForm} onSignedIn=${onSignedIn} />`}
    </div>
  </main>`;
}
