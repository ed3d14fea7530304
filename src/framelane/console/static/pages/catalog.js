// Catalog: every effect, motion, transition and caption style with a looping preview (drawn on
// first request, then cached), its parameters from /v1/capabilities, and a way to try it.
import { get } from '../api.js';
import { html, useState, useEffect, useRef, useLoad, Loading, Field } from '../ui.js';
import { openInPlayground } from './playground.js';

const KINDS = [
  ['effects', 'Effects'],
  ['motions', 'Motions'],
  ['transitions', 'Transitions'],
  ['word_animations', 'Caption styles'],
];
const PHOTO = 'sample:framelane-sample-landscape.jpg';
const CITY = 'sample:framelane-sample-night-city.jpg';

function exampleFor(kind, name) {
  const canvas = { width: 640, height: 360, duration: 2, frame_rate: 24, output_format: 'mp4' };
  if (kind === 'effects') return { ...canvas, elements: [{ type: 'image', id: 'photo', source_url: PHOTO, duration: 2, effects: [{ type: name, intensity: 100 }] }] };
  if (kind === 'motions') return { ...canvas, elements: [
    { type: 'image', id: 'photo', source_url: PHOTO, duration: 2, z_index: 0 },
    { type: 'image', id: 'card', source_url: CITY, duration: 2, width: '50%', height: '50%', z_index: 1, motion: [{ type: name, time: 0.2, duration: 1.6, easing: 'ease_in_out' }] },
  ] };
  if (kind === 'transitions') return { ...canvas, elements: [
    { type: 'image', id: 'from', source_url: PHOTO, time: 0, duration: 1 },
    { type: 'image', id: 'to', source_url: CITY, time: 1, duration: 1 },
  ], transitions: [{ type: name, from_id: 'from', to_id: 'to', duration: 1 }] };
  const words = ['every', 'word', 'lights', 'up'].map((text, index) => ({ text, start: index * 0.5, end: (index + 1) * 0.5 }));
  return { ...canvas, elements: [
    { type: 'image', id: 'photo', source_url: PHOTO, duration: 2, z_index: 0 },
    { type: 'text', id: 'caption', text: 'every word lights up', duration: 2, z_index: 1, font_family: 'Inter', font_weight: 800, font_size: 40, text_color: '#ffffff', word_animation: { style: name, words, highlight_color: '#ffd400' } },
  ] };
}

// The clip loads only once its card is on screen: the first visit draws each one.
function Clip({ kind, name }) {
  const video = useRef(null);
  const [visible, setVisible] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        setVisible(true);
        observer.disconnect();
      }
    });
    observer.observe(video.current);
    return () => observer.disconnect();
  }, []);
  return html`<video ref=${video} class="clip" muted loop autoplay playsinline preload="none" aria-label=${'Preview of ' + name}
    src=${visible && !failed ? `/console/previews/${kind}/${name}.mp4` : undefined} onError=${() => visible && setFailed(true)}></video>
    ${failed ? html`<small class="muted">No preview available.</small>` : null}`;
}

function Parameters({ parameters }) {
  const entries = Object.entries(parameters || {});
  if (!entries.length) return html`<p class="small muted">No parameters.</p>`;
  return html`<ul class="params">${entries.map(([name, spec]) => html`<li><code>${name}</code>${spec.minimum !== undefined ? ` ${spec.minimum}–${spec.maximum}` : ''}${spec.default !== undefined ? `, default ${spec.default}` : ''}${spec.description ? ': ' + spec.description : ''}</li>`)}</ul>`;
}

export function Catalog() {
  const capabilities = useLoad(() => get('/v1/capabilities'), []);
  const [kind, setKind] = useState('effects');
  const [filter, setFilter] = useState('');
  return html`<section>
    <h1>Catalog</h1>
    <div class="filters">
      <div class="tabs" role="tablist" aria-label="Catalog kind">${KINDS.map(([id, label]) => html`<button type="button" role="tab" aria-selected=${kind === id} class=${kind === id ? 'tab active' : 'tab'} onClick=${() => setKind(id)}>${label}</button>`)}</div>
      <${Field} label="Filter" id="catalog-filter"><input id="catalog-filter" type="search" value=${filter} onInput=${(event) => setFilter(event.target.value)} /><//>
    </div>
    <${Loading} state=${capabilities}>${(data) => html`<div class="grid">
      ${data[kind].filter((entry) => entry.name.includes(filter.trim())).map((entry) => html`<article class="card" key=${kind + entry.name} data-entry=${entry.name}>
        ${entry.supported ? html`<${Clip} kind=${kind} name=${entry.name} />` : html`<div class="clip" aria-hidden="true"></div>`}
        <h3 class="mono">${entry.name}${entry.supported ? '' : ' (not supported yet)'}</h3>
        <p class="small">${entry.description}</p>
        <${Parameters} parameters=${entry.parameters} />
        ${entry.supported ? html`<button type="button" class="secondary" onClick=${() => openInPlayground(exampleFor(kind, entry.name))}>Try in playground</button>` : null}
      </article>`)}
    </div>`}<//>
  </section>`;
}
