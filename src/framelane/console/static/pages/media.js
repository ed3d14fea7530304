// Media: drag-and-drop (or pick) uploads through the signed upload URL with progress, imports
// from a URL, and the asset list with probed metadata and a thumbnail.
import { api, get, post, del, query, putWithProgress } from '../api.js';
import { html, useState, useEffect, useLoad, useAction, Loading, ErrorBox, StatusBadge, Progress, Confirm, Field, Pager, when, bytes, seconds } from '../ui.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A thumbnail is a 160×90 preview frame of the asset, drawn by POST /v1/preview.
const thumbnails = new Map();
function thumbnailOf(asset) {
  if (!thumbnails.has(asset.id)) {
    const spec = { width: 160, height: 90, duration: 1, background_color: '#000000', elements: [{ type: asset.kind, id: 'asset', source_url: asset.source_url, duration: 1 }] };
    thumbnails.set(asset.id, api('POST', '/v1/preview', { ...spec, time: 0 }, { blob: true }).then((blob) => URL.createObjectURL(blob)));
  }
  return thumbnails.get(asset.id);
}

function Thumbnail({ asset }) {
  const [src, setSrc] = useState(null);
  const visual = asset.status === 'ready' && (asset.kind === 'image' || asset.kind === 'video');
  useEffect(() => {
    if (!visual) return undefined;
    let live = true;
    thumbnailOf(asset).then((url) => live && setSrc(url)).catch(() => thumbnails.delete(asset.id));
    return () => {
      live = false;
    };
  }, [asset.id, visual]);
  if (!visual) return html`<div class="thumb" aria-hidden="true"></div>`;
  return src ? html`<img class="thumb" src=${src} alt=${'Thumbnail of ' + (asset.filename || asset.id)} />` : html`<div class="thumb" aria-busy="true"></div>`;
}

function metadataOf(asset) {
  const parts = [];
  if (asset.width) parts.push(`${asset.width}×${asset.height}`);
  if (asset.duration) parts.push(seconds(asset.duration));
  if (asset.fps) parts.push(`${Math.round(asset.fps * 100) / 100} fps`);
  if (asset.video_codec) parts.push(asset.video_codec);
  if (asset.audio_codec) parts.push(asset.audio_codec);
  return parts.join(' · ');
}

async function uploadFile(file, onProgress) {
  const upload = await post('/v1/uploads', { content_type: file.type || 'application/octet-stream', filename: file.name, size_bytes: file.size });
  await putWithProgress(upload.upload_url, file, upload.headers, onProgress);
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const asset = await get('/v1/workspace/assets/' + encodeURIComponent(upload.id));
    if (asset.status === 'ready' || asset.status === 'failed') return asset;
    await sleep(500);
  }
  return null;
}

function Uploader({ onDone }) {
  const [over, setOver] = useState(false);
  const [uploads, setUploads] = useState([]);
  const change = (name, values) => setUploads((list) => list.map((entry) => (entry.name === name ? { ...entry, ...values } : entry)));
  const start = (files) => {
    [...files].forEach(async (file) => {
      setUploads((list) => [...list.filter((entry) => entry.name !== file.name), { name: file.name, percent: 0, state: 'uploading', error: null }]);
      try {
        const asset = await uploadFile(file, (percent) => change(file.name, { percent }));
        change(file.name, { percent: 100, state: asset ? asset.status : 'processing', error: asset && asset.error });
      } catch (error) {
        change(file.name, { state: 'failed', error });
      }
      onDone();
    });
  };
  return html`<div class="panel">
    <h2>Upload</h2>
    <div class=${'dropzone' + (over ? ' over' : '')} id="dropzone"
      onDragOver=${(event) => { event.preventDefault(); setOver(true); }}
      onDragLeave=${() => setOver(false)}
      onDrop=${(event) => { event.preventDefault(); setOver(false); start(event.dataTransfer.files); }}>
      <p>Drop video, audio, image or font files here, or</p>
      <label class="button secondary" for="upload-input">Choose files</label>
      <input id="upload-input" class="sr-only" type="file" multiple onChange=${(event) => { start(event.target.files); event.target.value = ''; }} />
    </div>
    ${uploads.map((entry) => html`<div class="stack upload" data-upload=${entry.name}>
      <div class="row"><span class="mono">${entry.name}</span><span class="spacer"></span><${StatusBadge} status=${entry.state} /></div>
      <${Progress} percent=${entry.percent} label=${'Upload of ' + entry.name} />
      <${ErrorBox} error=${entry.error} />
    </div>`)}
  </div>`;
}

function Importer({ onDone }) {
  const [url, setUrl] = useState('');
  const [job, setJob] = useState(null);
  const action = useAction();
  const submit = (event) => {
    event.preventDefault();
    action.run(async () => {
      let current = await post('/v1/imports', { url });
      setJob(current);
      while (current.status === 'processing') {
        await sleep(700);
        current = await get('/v1/imports/' + encodeURIComponent(current.id));
        setJob(current);
      }
      setUrl('');
      onDone();
    });
  };
  return html`<div class="panel">
    <h2>Import from a URL</h2>
    <form class="row" onSubmit=${submit}>
      <${Field} label="File URL" id="import-url"><input id="import-url" type="url" required maxlength="2083" placeholder="https://example.com/clip.mp4" value=${url} onInput=${(event) => setUrl(event.target.value)} /><//>
      <button type="submit" disabled=${action.busy}>Import</button>
    </form>
    ${job ? html`<p><${StatusBadge} status=${job.status} /> <span class="mono small">${job.url}</span></p>` : null}
    <${ErrorBox} error=${action.error || (job && job.error)} />
  </div>`;
}

export function Media() {
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  const state = useLoad(() => get('/v1/workspace/assets' + query({ limit: 25, cursor })), [cursor]);
  const [deleting, setDeleting] = useState(null);
  const action = useAction();
  const remove = (confirmed) => {
    const asset = deleting;
    setDeleting(null);
    if (confirmed) action.run(async () => {
      await del('/v1/workspace/assets/' + encodeURIComponent(asset.id));
      state.reload();
    });
  };
  return html`<section>
    <h1>Media</h1>
    <div class="two-columns"><${Uploader} onDone=${state.reload} /><${Importer} onDone=${state.reload} /></div>
    <div class="panel">
      <h2>Assets</h2>
      <${ErrorBox} error=${action.error} />
      <${Loading} state=${state}>${(page) => (page.data.length ? html`<div class="table-wrap"><table>
        <thead><tr><th><span class="sr-only">Thumbnail</span></th><th>File</th><th>Metadata</th><th class="optional">Size</th><th class="optional">Added</th><th><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${page.data.map((asset) => html`<tr data-asset=${asset.id}>
          <td><${Thumbnail} asset=${asset} /></td>
          <td><div>${asset.filename || asset.id}</div><div class="row small"><${StatusBadge} status=${asset.status} /><span class="muted">${asset.kind || asset.content_type}</span></div>
            ${asset.error ? html`<${ErrorBox} error=${asset.error} />` : null}</td>
          <td class="asset-meta">${metadataOf(asset) || '—'}<div class="mono small muted">${asset.source_url}</div></td>
          <td class="optional">${bytes(asset.size_bytes)}</td>
          <td class="optional">${when(asset.created_at)}</td>
          <td><button type="button" class="secondary" onClick=${() => setDeleting(asset)} aria-label=${'Delete ' + (asset.filename || asset.id)}>Delete</button></td>
        </tr>`)}</tbody></table></div>
        <${Pager} page=${{ cursor, next: page.has_more ? page.next_cursor : null }} onFirst=${() => setCursors([null])} onNext=${() => setCursors([...cursors, page.next_cursor])} />`
        : html`<p class="muted">No media yet. Upload a file or import one from a URL.</p>`)}<//>
    </div>
    <${Confirm} open=${!!deleting} title="Delete this asset?" confirmLabel="Delete asset" danger onClose=${remove}>
      <p>Renders that use its <code>source_url</code> will fail with <code>source_not_found</code>.</p>
    <//>
  </section>`;
}
