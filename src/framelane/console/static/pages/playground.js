// Playground: pick a starter, edit the JSON, scrub a preview frame, validate, render and watch.
import { api, get, post, ApiError } from '../api.js';
import { html, useEffect, useRef, useState, ErrorBox, Progress, StatusBadge, CopyButton, Notice, navigate } from '../ui.js';
import { JsonEditor, focusPath } from '../editor.js';
import { withSamples } from '../samples.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const HANDOFF = 'fl.playground';

// Another page (a job, the catalog) hands a composition over through sessionStorage.
export function openInPlayground(spec) {
  sessionStorage.setItem(HANDOFF, JSON.stringify(spec, null, 2));
  navigate('/console/playground');
}

function takeHandoff() {
  const text = sessionStorage.getItem(HANDOFF);
  sessionStorage.removeItem(HANDOFF);
  return text;
}

function parseSpec(text) {
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return { error: new ApiError(0, 'invalid_json', 'The composition must be a JSON object.', null) };
    }
    return { spec: value };
  } catch (error) {
    return { error: new ApiError(0, 'invalid_json', error.message, null) };
  }
}

function markersOf(error) {
  if (!error || !Array.isArray(error.details)) return [];
  return error.details.filter((detail) => detail && Array.isArray(detail.loc)).map((detail) => ({ loc: detail.loc, msg: detail.msg || error.message }));
}

function curlOf(spec) {
  const body = JSON.stringify(spec, null, 2).replace(/'/g, "'\\''");
  return `curl -X POST "${location.origin}/v1/renders" \\\n  -H "Authorization: Bearer $FRAMELANE_API_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '${body}'`;
}

function pythonOf(spec) {
  const body = JSON.stringify(spec, null, 4).replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False').replace(/\bnull\b/g, 'None');
  return `import os\nimport time\n\nimport httpx\n\nAPI = "${location.origin}"\nheaders = {"Authorization": f"Bearer {os.environ['FRAMELANE_API_KEY']}"}\nspec = ${body}\n\njob = httpx.post(f"{API}/v1/renders", json=spec, headers=headers).json()\nwhile job["status"] not in ("completed", "failed", "cancelled"):\n    time.sleep(1)\n    job = httpx.get(f"{API}/v1/renders/{job['id']}", headers=headers).json()\nprint(job["status"], job.get("output") or job.get("error"))\n`;
}

function Starters({ starters, current, onPick, busy }) {
  if (!starters) return null;
  return html`<div class="starters" role="group" aria-label="Starter compositions">
    ${starters.map((starter) => html`<button type="button" class=${'starter ' + (current === starter.id ? '' : 'secondary')} disabled=${busy}
      aria-pressed=${current === starter.id} data-starter=${starter.id} onClick=${() => onPick(starter)}>
      ${starter.title}<small>${starter.description}</small></button>`)}
  </div>`;
}

function Output({ job }) {
  const output = job.output || {};
  if (!output.url) return null;
  const still = (output.content_type || '').startsWith('image/');
  return html`<div class="stack">
    <div class="preview-frame">
      ${still
        ? html`<img src=${output.url} alt="The rendered image" />`
        : html`<video id="render-output" src=${output.url} controls playsinline preload="auto" aria-label="The rendered video"></video>`}
    </div>
    <div class="row">
      <a class="button" href=${'/v1/renders/' + encodeURIComponent(job.id) + '/download'} download>Download</a>
      <a href=${'/console/jobs/' + encodeURIComponent(job.id)}>Job details</a>
      <span class="muted small">${output.width}×${output.height}${output.duration ? ', ' + output.duration + ' s' : ''}</span>
    </div>
  </div>`;
}

function RenderStatus({ job }) {
  if (!job) return null;
  return html`<div class="stack" aria-live="polite">
    <div class="row"><${StatusBadge} status=${job.status} />
      <span id="render-stage">${TERMINAL.has(job.status) ? '' : job.progress_stage || 'waiting'}</span>
      <span class="spacer"></span><span id="render-percent">${Math.round(job.progress_percent)}%</span></div>
    <${Progress} percent=${job.progress_percent} label="Render progress" />
    ${job.error ? html`<${ErrorBox} error=${job.error} />` : null}
    ${job.warnings && job.warnings.length ? html`<${Notice}>Warnings: ${job.warnings.map((warning) => (typeof warning === 'string' ? warning : warning.code + ': ' + warning.message)).join('; ')}<//>` : null}
    ${job.status === 'completed' ? html`<${Output} job=${job} />` : null}
  </div>`;
}

export function Playground() {
  const [starters, setStarters] = useState(null);
  const [current, setCurrent] = useState(null);
  const [text, setText] = useState('');
  const [preparing, setPreparing] = useState(false);
  const [error, setError] = useState(null);
  const [markers, setMarkers] = useState([]);
  const [time, setTime] = useState(0);
  const [frame, setFrame] = useState(null);
  const [previewBusy, setPreviewBusy] = useState(false);
  const [validation, setValidation] = useState(null);
  const [job, setJob] = useState(null);
  const [share, setShare] = useState(null);
  const area = useRef(null);
  const previewTimer = useRef(null);
  const previewAbort = useRef(null);
  const live = useRef(true);

  const parsed = parseSpec(text);
  const duration = parsed.spec && Number(parsed.spec.duration) > 0 ? Number(parsed.spec.duration) : 5;

  const fail = (caught) => {
    setError(caught);
    setMarkers(markersOf(caught));
  };

  const preview = async (at, source = text) => {
    const { spec, error: syntax } = parseSpec(source);
    if (syntax) return fail(syntax);
    if (previewAbort.current) previewAbort.current.abort();
    const controller = new AbortController();
    previewAbort.current = controller;
    setPreviewBusy(true);
    try {
      const blob = await api('POST', '/v1/preview', { ...spec, time: at }, { blob: true, signal: controller.signal });
      if (!live.current) return;
      setFrame((old) => {
        if (old) URL.revokeObjectURL(old);
        return URL.createObjectURL(blob);
      });
      setError(null);
      setMarkers([]);
    } catch (caught) {
      if (caught.name !== 'AbortError') fail(caught);
    } finally {
      if (previewAbort.current === controller) setPreviewBusy(false);
    }
  };

  const load = async (starter) => {
    setCurrent(starter.id);
    setPreparing(true);
    setJob(null);
    setValidation(null);
    try {
      const spec = await withSamples(starter.spec);
      const source = JSON.stringify(spec, null, 2);
      const start = Math.min(1, (Number(spec.duration) || 0) / 2);
      setText(source);
      setTime(start);
      setError(null);
      setMarkers([]);
      await preview(start, source);
    } catch (caught) {
      fail(caught);
    } finally {
      setPreparing(false);
    }
  };

  useEffect(() => {
    live.current = true;
    const handed = takeHandoff();
    get('/console/starters.json')
      .then((list) => {
        setStarters(list);
        if (handed) load({ id: null, spec: JSON.parse(handed) });
        else if (list.length) load(list[0]);
      })
      .catch(fail);
    return () => {
      live.current = false;
      clearTimeout(previewTimer.current);
    };
  }, []);

  useEffect(() => () => frame && URL.revokeObjectURL(frame), [frame]);

  const scrub = (value) => {
    setTime(value);
    clearTimeout(previewTimer.current);
    previewTimer.current = setTimeout(() => preview(value), 200);
  };

  const validate = async () => {
    const { spec, error: syntax } = parseSpec(text);
    if (syntax) return fail(syntax);
    setValidation(null);
    try {
      const result = await post('/v1/preview', { ...spec, dry_run: true });
      setValidation(result);
      setError(null);
      setMarkers([]);
    } catch (caught) {
      fail(caught);
    }
  };

  const renderIt = async () => {
    const { spec, error: syntax } = parseSpec(text);
    if (syntax) return fail(syntax);
    setJob(null);
    try {
      let current = await post('/v1/renders', spec);
      setError(null);
      setMarkers([]);
      setJob(current);
      while (live.current && !TERMINAL.has(current.status)) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        current = await get('/v1/renders/' + encodeURIComponent(current.id));
        if (live.current) setJob(current);
      }
    } catch (caught) {
      fail(caught);
    }
  };

  const rendering = job && !TERMINAL.has(job.status);
  return html`<section>
    <h1>Playground</h1>
    <${Starters} starters=${starters} current=${current} onPick=${load} busy=${preparing || rendering} />
    ${preparing ? html`<p class="muted" aria-busy="true">Preparing the sample media in your workspace…</p>` : null}
    <div class="playground">
      <div class="panel">
        <label for="composition">Composition (the body of POST /v1/renders)</label>
        <${JsonEditor} id="composition" label="Composition JSON" value=${text} markers=${markers} textareaRef=${area}
          onInput=${(value) => { setText(value); setMarkers([]); }} />
        <${ErrorBox} error=${error} />
        ${markers.length
          ? html`<ul class="issues" aria-label="Validation errors">${markers.map((marker) => html`<li>
              <button type="button" class="link" data-path=${marker.loc.join('.')} onClick=${() => focusPath(area.current, text, marker.loc)}>${marker.loc.join('.') || '(body)'}</button>: ${marker.msg}</li>`)}</ul>`
          : null}
        <div class="row">
          <button type="button" class="secondary" onClick=${validate}>Validate (dry run)</button>
          <button type="button" id="render-button" onClick=${renderIt} disabled=${rendering || preparing}>${rendering ? 'Rendering…' : 'Render'}</button>
          <span class="spacer"></span>
          <button type="button" class="secondary" onClick=${() => setShare(share === 'curl' ? null : 'curl')} aria-expanded=${share === 'curl'}>curl</button>
          <button type="button" class="secondary" onClick=${() => setShare(share === 'python' ? null : 'python')} aria-expanded=${share === 'python'}>Python</button>
        </div>
        ${validation ? html`<p class="ok-text" role="status" id="validation-result">Valid: ${validation.width}×${validation.height} at ${validation.frame_rate} fps, ${validation.output_format}${validation.duration ? ', ' + validation.duration + ' s' : ''}; about ${validation.estimated_render_minutes} render minutes.${validation.warnings.length ? ' Ignored fields: ' + validation.warnings.join(', ') : ''}</p>` : null}
        ${share && parsed.spec
          ? html`<div class="stack"><pre class="codebox" id="share-code">${share === 'curl' ? curlOf(parsed.spec) : pythonOf(parsed.spec)}</pre>
              <div class="row"><${CopyButton} text=${share === 'curl' ? curlOf(parsed.spec) : pythonOf(parsed.spec)} label=${'Copy as ' + (share === 'curl' ? 'curl' : 'Python')} /></div></div>`
          : null}
      </div>
      <div class="panel stack">
        <h2>Preview</h2>
        <div class="preview-frame" aria-busy=${previewBusy}>
          ${frame ? html`<img id="preview-image" src=${frame} alt=${'Preview frame at ' + time.toFixed(1) + ' s'} />` : html`<span class="muted">No preview yet</span>`}
        </div>
        <label for="scrubber">Time: <span id="scrub-time">${time.toFixed(1)}</span> s of ${duration} s</label>
        <input id="scrubber" class="scrubber" type="range" min="0" max=${Math.max(0, duration - 0.05).toFixed(2)} step="0.05" value=${time} onInput=${(event) => scrub(Number(event.target.value))} />
        <h2>Render</h2>
        ${job ? html`<${RenderStatus} job=${job} />` : html`<p class="muted">Render the composition to watch its progress and play the result here.</p>`}
      </div>
    </div>
  </section>`;
}
