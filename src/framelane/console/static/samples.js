// Starter compositions name bundled sample media as `sample:<file>`. Before use, each sample is
// uploaded once into the workspace through the signed upload URL (as any client would), and the
// placeholder becomes that asset's `source_url`: the starters work offline, with no external URL.
import { get, post, putWithProgress } from './api.js';

const SAMPLE = /^sample:([A-Za-z0-9._-]+)$/;

function sampleNames(value, found = new Set()) {
  if (typeof value === 'string') {
    const match = value.match(SAMPLE);
    if (match) found.add(match[1]);
  } else if (Array.isArray(value)) value.forEach((item) => sampleNames(item, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => sampleNames(item, found));
  return found;
}

function replaced(value, urls) {
  if (typeof value === 'string') {
    const match = value.match(SAMPLE);
    return match ? urls[match[1]] : value;
  }
  if (Array.isArray(value)) return value.map((item) => replaced(item, urls));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaced(item, urls)]));
  return value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function readyAsset(id) {
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const asset = await get('/v1/workspace/assets/' + encodeURIComponent(id));
    if (asset.status === 'ready') return asset;
    if (asset.status === 'failed') throw Object.assign(new Error(asset.error ? asset.error.message : 'The sample could not be processed.'), { code: asset.error ? asset.error.code : 'asset_failed' });
    await sleep(250);
  }
  throw Object.assign(new Error('The sample upload is still processing.'), { code: 'timeout' });
}

async function uploadSample(name) {
  const response = await fetch('/console/static/samples/' + name, { credentials: 'same-origin' });
  if (!response.ok) throw Object.assign(new Error('Missing bundled sample ' + name), { code: 'not_found' });
  const blob = await response.blob();
  const upload = await post('/v1/uploads', { content_type: blob.type || 'image/jpeg', filename: name, size_bytes: blob.size });
  await putWithProgress(upload.upload_url, blob, upload.headers, () => {});
  return (await readyAsset(upload.id)).source_url;
}

async function existingSamples() {
  const page = await get('/v1/workspace/assets?limit=100');
  const byName = {};
  for (const asset of page.data) {
    if (asset.status === 'ready' && asset.filename && !byName[asset.filename]) byName[asset.filename] = asset.source_url;
  }
  return byName;
}

// The spec with every `sample:` placeholder resolved to this workspace's copy.
export async function withSamples(spec) {
  const names = [...sampleNames(spec)];
  if (!names.length) return spec;
  const known = await existingSamples();
  const urls = {};
  for (const name of names) urls[name] = known[name] || (await uploadSample(name));
  return replaced(spec, urls);
}
