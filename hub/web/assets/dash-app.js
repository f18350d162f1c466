// The dashboard application: session, navigation, the page router, the
// language switch, live updates and the alerts banner. Pages are modules
// with render(ctx); ctx carries the user, the filters from the URL hash and
// small helpers (see makeContext). Entry point of index.html.

import { api, ApiError } from './dash-api.js';
import { $, fill, h } from './dash-dom.js';
import { apply, lang, setLang, t, time } from './dash-i18n.js';
import { buildHash, normalise, parseHash } from './dash-state.js';
import { forgetReports } from './dash-data.js';
import { loadCatalogue } from './dash-names.js';
import { createAlerts } from './dash-alerts.js';
import * as overview from './dash-overview.js';
import * as ratings from './dash-ratings.js';
import * as followups from './dash-followups.js';
import * as nodes from './dash-nodes.js';
import * as admin from './dash-admin.js';
import * as erasures from './dash-erasures.js';
import * as criteria from './dash-criteria.js';
import * as comments from './dash-comments.js';
import * as dossier from './dash-dossier.js';

const PAGES = {
  overview: { mod: overview, title: 'nav_overview' },
  ratings: { mod: ratings, title: 'nav_ratings' },
  criteria: { mod: criteria, title: 'nav_criteria' },
  comments: { mod: comments, title: 'nav_comments', personal: true },
  followups: { mod: followups, title: 'nav_followups' },
  dossier: { mod: dossier, title: 'nav_dossier' },
  nodes: { mod: nodes, title: 'nav_nodes' },
  admin: { mod: admin, title: 'nav_admin', admin: true },
  erasures: { mod: erasures, title: 'nav_erasures', admin: true },
};
// Routes that keep the period and office filters when navigating.
const FILTERED = ['overview', 'ratings', 'criteria', 'comments', 'followups'];

// A page the role may open: admin pages for admins, personal ones (citizens'
// comments) for managers and admins.
function allowed(p) {
  return (!p.admin || me.role === 'admin') && (!p.personal || me.role !== 'viewer');
}

let me = null;
let generation = 0;
let current = null;  // {refresh, destroy[]}
let live = null;
let alerts = null;
let refreshTimer = null;
let lastRoute = '';

// ---- messages ---------------------------------------------------------------
export function errorText(e) {
  if (!(e instanceof ApiError)) return t('err_generic', { msg: e && e.message ? e.message : String(e) });
  if (e.status === 0) return t('err_offline');
  if (e.status === 401) return t('err_session');
  const server = e.body && (lang() === 'en' && e.body.error_en ? e.body.error_en : e.body.error);
  if (e.status === 403) return t('err_forbidden', { msg: server || '' });
  if (e.status === 404) return t('err_not_found');
  return server ? t('err_server', { msg: server }) : t('err_http', { status: e.status });
}

function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, errorText(e));
}

function toast(msg) {
  const el = $('toast');
  el.textContent = msg;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
}

// ---- login ------------------------------------------------------------------
// The login page's message: a key and its parameters, so that the language
// switch translates it, or a text as it came.
let loginMessage = null;

function loginText() {
  if (!loginMessage) return '';
  return loginMessage.key ? t(loginMessage.key, loginMessage.params) : loginMessage.text;
}

function showLogin(message) {
  me = null;
  stopLive();
  if (message !== undefined) loginMessage = message || null;
  document.body.classList.add('logged-out');
  $('app').hidden = true;
  $('login-view').hidden = false;
  $('login-error').hidden = !loginMessage;
  $('login-error').textContent = loginText();
  apply($('login-view'));
  document.title = `${t('login_title')} — Hài Lòng`;
  setTimeout(() => $('login-name').focus(), 0);
}

async function onLogin(ev) {
  ev.preventDefault();
  const name = $('login-name').value.trim();
  const password = $('login-password').value;
  const err = $('login-error');
  err.hidden = true;
  if (!name || !password) {
    loginMessage = { key: 'login_missing' };
    err.textContent = loginText();
    err.hidden = false;
    return;
  }
  $('login-submit').disabled = true;
  try {
    const body = await api.post('/login', { name, password });
    api.setCsrf(body.csrf_token);
    $('login-password').value = '';
    await startSession();
  } catch (e) {
    if (e.status === 401) loginMessage = { key: 'login_wrong' };
    else if (e.status === 429) loginMessage = { key: 'login_limited', params: { s: e.retryAfter || 60 } };
    else loginMessage = { text: errorText(e) };
    err.textContent = loginText();
    err.hidden = false;
    $('login-password').select();
  } finally {
    $('login-submit').disabled = false;
  }
}

async function logout() {
  try {
    await api.post('/logout', {});
  } catch {
    // The session is forgotten here either way.
  }
  api.setCsrf('');
  showLogin({ key: 'logged_out' });
}

// ---- session ----------------------------------------------------------------
async function startSession() {
  let body;
  try {
    body = await api.get('/me');
  } catch (e) {
    showLogin(e.status === 401 ? null : { text: errorText(e) });
    return;
  }
  me = body;
  loginMessage = null;
  if (body.csrf_token) api.setCsrf(body.csrf_token);
  document.body.classList.remove('logged-out');
  $('login-view').hidden = true;
  $('app').hidden = false;
  alerts = createAlerts($('alerts'), me);
  // Names first, so the first page shows them (a failure leaves ids).
  await loadCatalogue(true);
  renderChrome();
  startLive();
  route();
  alerts.refresh();
  clearInterval(refreshTimer);
  refreshTimer = setInterval(() => {
    if (!me) return;
    alerts.refresh();
    if (lastRoute === 'nodes' && current) current.refresh();
  }, 60000);
}

function renderChrome() {
  apply(document);
  $('lang').textContent = t('lang_toggle');
  $('lang').setAttribute('lang', lang() === 'vi' ? 'en' : 'vi');
  $('user').textContent = t('user_line', { name: me.name, role: t(`role_${me.role}`) });
  setLive($('live').dataset.state || 'off');
  const { route: r, filters } = parseHash();
  const nav = $('nav-list');
  fill(nav, Object.entries(PAGES).filter(([, p]) => allowed(p)).map(([k, p]) =>
    h('li', null, h('a', {
      href: buildHash(k, FILTERED.includes(k) ? { period: filters.period, from: filters.from, to: filters.to, office: filters.office } : {}, {}),
      id: `nav-${k}`, 'aria-current': k === r ? 'page' : null,
    }, t(p.title)))));
  // The printable periodic report is its own page (periodic.html).
  nav.append(h('li', null, h('a', { href: '/bao-cao', id: 'nav-periodic' }, t('nav_periodic'))));
}

// ---- routing ----------------------------------------------------------------
function makeContext(routeName, filters, extra, gen) {
  const destroy = [];
  const state = { refresh: null };
  const ctx = {
    me, filters, extra, route: routeName, main: $('main'),
    stale: () => gen !== generation,
    href(patch = {}, ext = null, rt = routeName) {
      return buildHash(rt, normalise({ ...filters, ...patch }), ext ?? {});
    },
    go(f, ext = extra, rt = routeName) {
      const target = buildHash(rt, normalise(f), ext ?? {});
      if (target === window.location.hash) route();
      else window.location.hash = target;
    },
    onRefresh(fn) { state.refresh = fn; },
    onDestroy(fn) { destroy.push(fn); },
    refresh() { return state.refresh ? state.refresh() : route(); },
    refreshSection() {},
    toast, errorBox, errorText,
  };
  return { ctx, state, destroy };
}

async function route() {
  if (!me) return;
  const { route: r, filters, extra } = parseHash();
  const page = PAGES[r] && allowed(PAGES[r]) ? PAGES[r] : PAGES.overview;
  const name = PAGES[r] === page ? r : 'overview';
  if (current) for (const fn of current.destroy) fn();
  const gen = ++generation;
  const { ctx, state, destroy } = makeContext(name, filters, extra, gen);
  current = { refresh: () => (state.refresh ? state.refresh() : null), destroy };
  renderChrome();
  document.title = `${t(page.title)} — Hài Lòng`;
  const moved = lastRoute && lastRoute !== name;
  lastRoute = name;
  try {
    await page.mod.render(ctx);
  } catch (e) {
    if (gen === generation) fill($('main'), errorBox(e));
  }
  if (moved && gen === generation) {
    const title = $('page-title');
    if (title) {
      title.setAttribute('tabindex', '-1');
      title.focus({ preventScroll: true });
    }
  }
}

// ---- live updates -----------------------------------------------------------
function setLive(state) {
  const el = $('live');
  el.dataset.state = state;
  el.textContent = t(`live_${state}`);
}

function startLive() {
  stopLive();
  if (typeof EventSource !== 'function') return;
  let pending = null;
  let dirty = false;
  let running = false;
  async function flush() {
    pending = null;
    if (!me || live !== es) return;
    if (running || !dirty) {
      if (dirty && !pending) pending = setTimeout(flush, 1000);
      return;
    }
    dirty = false;
    running = true;
    try {
      forgetReports();
      if (alerts) alerts.refreshSoon();
      if (current) await current.refresh();
      $('live-time').textContent = t('updated_at', { time: time(Date.now()) });
    } finally {
      running = false;
    }
  }
  const es = new EventSource(api.url('/events/stream'));
  live = es;
  setLive('connecting');
  es.onopen = () => setLive('on');
  es.onerror = () => {
    if (live !== es) return;
    setLive(es.readyState === EventSource.CLOSED ? 'off' : 'connecting');
    if (es.readyState === EventSource.CLOSED) {
      // Maybe the session ended: ask, then reconnect.
      api.get('/me').then(() => setTimeout(() => { if (me && live === es) startLive(); }, 5000), () => {});
    }
  };
  // An alert raised, acknowledged or closed: the banner at once.
  es.addEventListener('alert', () => {
    if (alerts) alerts.refresh();
  });
  es.addEventListener('update', (ev) => {
    let data = null;
    try { data = JSON.parse(ev.data); } catch { /* a keep-alive */ }
    if (!data) return;
    // Nothing to redraw when the update is about other offices.
    const office = parseHash().filters.office;
    const offices = Array.isArray(data.offices) ? data.offices : [];
    if (office && offices.length && !offices.includes(office)) {
      if (alerts) alerts.refreshSoon();
      return;
    }
    // Many events in a burst make one refresh (at most one a second, never
    // two at once; a busy district streams updates without pause).
    dirty = true;
    if (!pending) pending = setTimeout(flush, 1000);
  });
}

function stopLive() {
  if (live) live.close();
  live = null;
  clearInterval(refreshTimer);
  if ($('live')) setLive('off');
}

// ---- start ------------------------------------------------------------------
function boot() {
  apply(document);
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', logout);
  $('lang').addEventListener('click', () => {
    setLang(lang() === 'vi' ? 'en' : 'vi');
    if (me) {
      if (alerts) alerts.refresh();
      route();
    } else {
      showLogin();
      $('lang').textContent = t('lang_toggle');
    }
  });
  api.onUnauthorized(() => {
    if (me) showLogin({ key: 'err_session' });
  });
  window.addEventListener('hashchange', route);
  $('lang').textContent = t('lang_toggle');
  startSession();
}

boot();
