// The one way the console reaches data: the public API, with the session cookie (sent by the
// browser) and the CSRF header on every write. Errors arrive as the API's {code, message}.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const listeners = new Set();
export function onSignedOut(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function csrfToken() {
  const match = document.cookie.split('; ').find((part) => part.startsWith('fl_csrf='));
  return match ? decodeURIComponent(match.slice('fl_csrf='.length)) : '';
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  const error = body && body.error;
  if (error && typeof error === 'object') {
    return new ApiError(response.status, error.code, error.message, error.details);
  }
  if (typeof error === 'string') return new ApiError(response.status, 'error', error, null);
  return new ApiError(response.status, 'http_' + response.status, response.statusText || 'Request failed', null);
}

// `api('POST', '/v1/renders', body)` → parsed JSON (or a Blob with {blob: true}).
export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'The server could not be reached.', null);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && !options.anonymous) listeners.forEach((listener) => listener(error));
    throw error;
  }
  if (response.status === 204) return null;
  if (options.blob) return response.blob();
  const type = response.headers.get('content-type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

export function query(params) {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return pairs.length ? '?' + new URLSearchParams(pairs).toString() : '';
}

// PUT a file to a signed upload URL with progress (fetch has no upload progress).
export function putWithProgress(url, file, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    Object.entries(headers || {}).forEach(([name, value]) => request.setRequestHeader(name, value));
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    };
    request.onload = () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch (_) {
        body = null;
      }
      if (request.status >= 200 && request.status < 300) return resolve(body);
      const error = body && body.error;
      reject(new ApiError(request.status, (error && error.code) || 'upload_failed', (error && error.message) || 'The upload failed.', error && error.details));
    };
    request.onerror = () => reject(new ApiError(0, 'network_error', 'The upload could not reach the server.', null));
    request.send(file);
  });
}
