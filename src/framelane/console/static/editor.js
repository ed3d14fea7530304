// A JSON editor without a build step: a transparent <textarea> over a highlighted <pre>, the
// same text in the same font. Server validation errors (`details[].loc`) are marked on the key
// (or array item) their JSON path names, or on the nearest part of it that exists.
import { html, useEffect, useRef } from './ui.js';

const TOKEN = /("(?:[^"\\\n]|\\.)*"?)|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}[\]:,])|(\s+)|([^\s"{}[\]:,]+)/g;

export function tokenize(text) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  let match;
  while ((match = TOKEN.exec(text)) !== null) {
    const [whole, string, number, literal, punct, space] = match;
    let kind = 'other';
    if (string !== undefined) kind = 'string';
    else if (number !== undefined) kind = 'number';
    else if (literal !== undefined) kind = 'literal';
    else if (punct !== undefined) kind = 'punct';
    else if (space !== undefined) kind = 'space';
    tokens.push({ kind, start: match.index, end: match.index + whole.length, text: whole });
  }
  // A string followed by a colon is a key.
  for (let i = 0; i < tokens.length; i += 1) {
    if (tokens[i].kind !== 'string') continue;
    let j = i + 1;
    while (j < tokens.length && tokens[j].kind === 'space') j += 1;
    if (j < tokens.length && tokens[j].text === ':') tokens[i].kind = 'key';
  }
  return tokens;
}

export const pathKey = (path) => path.map(String).join('.');

// path key → {start, end} of the member's key, or of an array item's first token.
export function locatePaths(text) {
  const tokens = tokenize(text).filter((token) => token.kind !== 'space');
  const places = new Map([['', { start: 0, end: Math.min(1, text.length) }]]);
  let at = 0;
  const peek = () => tokens[at];
  function value(path) {
    const token = tokens[at];
    if (!token) throw new Error('end');
    if (token.text === '{') {
      at += 1;
      while (peek() && peek().text !== '}') {
        const key = tokens[at];
        if (key.kind !== 'key') throw new Error('key');
        let name;
        try {
          name = JSON.parse(key.text);
        } catch (_) {
          throw new Error('key');
        }
        const child = [...path, name];
        places.set(pathKey(child), { start: key.start, end: key.end });
        at += 2; // the key and its colon
        value(child);
        if (peek() && peek().text === ',') at += 1;
      }
      at += 1;
    } else if (token.text === '[') {
      at += 1;
      let index = 0;
      while (peek() && peek().text !== ']') {
        const child = [...path, index];
        places.set(pathKey(child), { start: peek().start, end: peek().end });
        value(child);
        index += 1;
        if (peek() && peek().text === ',') at += 1;
      }
      at += 1;
    } else {
      at += 1;
    }
  }
  try {
    value([]);
  } catch (_) {
    /* partial text: what was found so far still marks */
  }
  return places;
}

// The place an error path points at: the path itself or its nearest existing ancestor.
export function placeOf(places, loc) {
  for (let size = loc.length; size >= 0; size -= 1) {
    const found = places.get(pathKey(loc.slice(0, size)));
    if (found) return { ...found, exact: size === loc.length };
  }
  return null;
}

function highlighted(text, markers) {
  const places = locatePaths(text);
  const marks = markers.map((marker) => ({ marker, place: placeOf(places, marker.loc) })).filter((entry) => entry.place);
  const markAt = (token) => marks.find((entry) => token.start < entry.place.end && token.end > entry.place.start);
  return tokenize(text).map((token) => {
    if (token.kind === 'space' || token.kind === 'other') return token.text;
    const mark = markAt(token);
    const className = 'tok-' + token.kind + (mark ? ' tok-error' : '');
    return mark
      ? html`<span class=${className} data-error-path=${pathKey(mark.marker.loc)} title=${mark.marker.msg}>${token.text}</span>`
      : html`<span class=${className}>${token.text}</span>`;
  });
}

export function JsonEditor({ id, value, onInput, markers = [], label, textareaRef }) {
  const pre = useRef(null);
  const own = useRef(null);
  const area = textareaRef || own;
  const sync = () => {
    if (pre.current && area.current) {
      pre.current.scrollTop = area.current.scrollTop;
      pre.current.scrollLeft = area.current.scrollLeft;
    }
  };
  useEffect(sync, [value]);
  const keys = (event) => {
    if (event.key !== 'Tab' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    // Tab indents; Escape then Tab leaves the editor (keyboard users are never trapped).
    if (area.current.dataset.escaped === '1') return;
    event.preventDefault();
    const target = event.target;
    const { selectionStart, selectionEnd } = target;
    target.setRangeText('  ', selectionStart, selectionEnd, 'end');
    onInput(target.value);
  };
  return html`<div class="editor">
    <pre ref=${pre} aria-hidden="true">${highlighted(value, markers)}${'\n'}</pre>
    <textarea id=${id} ref=${area} class="code" spellcheck="false" autocapitalize="off" autocomplete="off" aria-label=${label}
      aria-describedby=${id + '-help'} aria-invalid=${markers.length ? 'true' : 'false'}
      value=${value} onInput=${(event) => onInput(event.target.value)} onScroll=${sync} onKeyDown=${(event) => {
        if (event.key === 'Escape') area.current.dataset.escaped = '1';
        else if (event.key !== 'Tab') area.current.dataset.escaped = '0';
        keys(event);
      }}></textarea>
  </div>
  <small id=${id + '-help'} class="muted">Tab indents; press Escape, then Tab, to leave the editor.</small>`;
}

// Select the text an error path points at, so the caret goes to the field.
export function focusPath(textarea, text, loc) {
  const place = placeOf(locatePaths(text), loc);
  if (!textarea || !place) return;
  textarea.focus();
  textarea.setSelectionRange(place.start, place.end);
  const line = text.slice(0, place.start).split('\n').length - 1;
  textarea.scrollTop = Math.max(0, line * 19.5 - textarea.clientHeight / 3);
}
