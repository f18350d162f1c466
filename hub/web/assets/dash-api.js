// Talking to the hub: JSON over fetch with the session cookie, the CSRF
// token on every state-changing request, and one place that notices an
// expired session (401) so the app can show the login page again.
//
//   api.get(path, params)          -> Promise<body>; rejects with ApiError
//   api.send(method, path, body)   -> same, JSON body, X-CSRF-Token header
//   api.sendText(path, text, type) -> POST of a text body (CSV import)
//   api.url(path, params)          -> '/api/v1/...?...' (export links)
//   api.setCsrf(token), api.onUnauthorized(fn)
// `params` values that are '', null or undefined are left out.

const BASE = '/api/v1';
const CSRF_KEY = 'hailong.dash.csrf';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;  // 0 = the hub could not be reached
    this.body = body;
  }
}

let csrf = sessionStorage.getItem(CSRF_KEY) || '';
let unauthorized = () => {};

export function url(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== '' && v !== null && v !== undefined) q.set(k, String(v));
  }
  const qs = q.toString();
  return BASE + path + (qs ? `?${qs}` : '');
}

async function request(method, target, init) {
  let res;
  try {
    res = await fetch(target, { method, cache: 'no-store', credentials: 'same-origin', ...init });
  } catch (e) {
    throw new ApiError(0, { error: e.message });
  }
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: text.slice(0, 200) };
  }
  if (res.status === 401 && !target.endsWith('/login')) unauthorized();
  if (!res.ok) {
    const err = new ApiError(res.status, body);
    err.retryAfter = Number(res.headers.get('Retry-After')) || 0;
    throw err;
  }
  return body;
}

function writeHeaders(extra) {
  const headers = { ...extra };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return headers;
}

export const api = {
  url,
  get(path, params) {
    return request('GET', url(path, params), { headers: { Accept: 'application/json' } });
  },
  send(method, path, body) {
    return request(method, url(path), {
      headers: writeHeaders({ 'Content-Type': 'application/json', Accept: 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  },
  post(path, body) {
    return this.send('POST', path, body === undefined ? {} : body);
  },
  sendText(path, text, type = 'text/csv; charset=utf-8', params) {
    return request('POST', url(path, params), {
      headers: writeHeaders({ 'Content-Type': type, Accept: 'application/json' }),
      body: text,
    });
  },
  setCsrf(token) {
    csrf = token || '';
    if (csrf) sessionStorage.setItem(CSRF_KEY, csrf);
    else sessionStorage.removeItem(CSRF_KEY);
  },
  onUnauthorized(fn) {
    unauthorized = fn;
  },
};
