// The alerts banner under the top bar, on every page. Two sources:
//  - the hub's alerts (GET /api/v1/alerts?status=open: an office's share of
//    unsatisfied ratings over a sliding window, open follow-ups, an edge's
//    replication lag), acknowledged and closed from the banner by managers;
//  - what the dashboard sees itself: overdue follow-ups, lagging nodes and
//    nodes whose clock is off (so the banner works before the hub has alerts).
// Refreshed on every live update ("alert" events at once) and every minute.

import { api } from './dash-api.js';
import { fill, h } from './dash-dom.js';
import { dateTime, duration, num, pct, t } from './dash-i18n.js';
import { name } from './dash-names.js';

let alertsApi = true;  // false once the hub answered 404 (no alert routes)

async function serverAlerts() {
  if (!alertsApi) return [];
  try {
    const body = await api.get('/alerts', { status: 'open' });
    return (Array.isArray(body) ? body : body.alerts || []).filter((a) => a.status !== 'closed');
  } catch (e) {
    if (e.status === 404) alertsApi = false;
    return [];
  }
}

async function derived() {
  const out = [];
  const [fu, nodes] = await Promise.all([
    api.get('/follow-ups', { status: 'overdue' }).catch(() => null),
    api.get('/nodes').catch(() => null),
  ]);
  if (fu && fu.overdue > 0) out.push({ key: 'overdue', level: 'warn', text: t('alert_overdue', { n: num(fu.overdue) }), href: '#/followups?status=overdue' });
  for (const n of (nodes && nodes.nodes) || []) {
    if (n.lagging) out.push({ key: `lag-${n.id}`, level: 'warn', text: t('alert_lagging', { node: n.id, office: name('office', n.office_id) }), href: '#/nodes' });
    if (n.clock_skew) out.push({ key: `skew-${n.id}`, level: 'warn', text: t('alert_skew', { node: n.id }), href: '#/nodes' });
  }
  return out;
}

// The measured value of a hub alert, by kind.
function alertValue(a) {
  if (a.kind === 'unsatisfied_share') return `${pct(a.share ?? 0, 0)} (${num(a.count ?? 0)}/${num(a.total ?? 0)})`;
  if (a.kind === 'open_follow_ups') return num(a.count ?? 0);
  if (a.kind === 'forged_events') return num(a.count ?? 0);
  if (a.kind === 'replication_lag') {
    return a.lag_seconds ? `${t('lag_events', { n: num(a.lag_events ?? 0) })}, ${duration(a.lag_seconds)}`
      : t('lag_events', { n: num(a.lag_events ?? 0) });
  }
  return a.value ?? '';
}

function alertThreshold(a) {
  if (a.kind === 'unsatisfied_share' && a.threshold !== undefined && !Number.isNaN(Number(a.threshold))) {
    return pct(Number(a.threshold), 0);
  }
  return a.threshold ?? '';
}

function alertText(a) {
  const kind = a.kind || a.type || '';
  const known = `alert_kind_${kind}`;
  const office = a.office ? name('office', a.office) : (a.node || '');
  const base = a.message || a.title || '';
  const head = t(known) !== known
    ? t(known, { office, node: a.node || '', value: alertValue(a), threshold: alertThreshold(a) })
    : base;
  return head || kind;
}

export function createAlerts(box, me) {
  const canAct = me.role !== 'viewer';
  async function act(a, action, btn) {
    btn.disabled = true;
    const input = btn.parentElement && btn.parentElement.querySelector('.alert-note');
    const note = input ? input.value.trim() : '';
    try {
      await api.post(`/alerts/${encodeURIComponent(a.id)}/${action}`, note ? { note } : {});
      await refresh();
    } catch (e) {
      btn.disabled = false;
      btn.title = e.message;
    }
  }
  async function refresh() {
    const [server, own] = await Promise.all([serverAlerts(), derived()]);
    // Notes being typed survive the redraw.
    const typed = new Map();
    for (const input of box.querySelectorAll('li[data-id] .alert-note')) {
      if (input.value) typed.set(input.closest('li').dataset.id, input.value);
    }
    const items = [];
    for (const a of server) {
      items.push(h('li', { class: ['alert', `alert-${a.level || a.severity || 'warn'}`, a.status === 'acknowledged' && 'acked'], data: { id: a.id } },
        h('span', { class: 'alert-text' }, alertText(a)),
        (a.raised_at || a.opened_at) ? h('time', { class: 'muted' }, ` ${dateTime(a.raised_at || a.opened_at)}`) : null,
        a.status === 'acknowledged' ? h('span', { class: 'muted' }, ` · ${t('alert_acked_by', { who: a.acknowledged_by || '' })}`) : null,
        canAct ? h('input', { type: 'text', class: 'alert-note', maxlength: '500',
          placeholder: t('alert_note'), 'aria-label': t('alert_note') }) : null,
        canAct && a.status !== 'acknowledged' ? h('button', { type: 'button', class: 'btn-small',
          on: { click: (e) => act(a, 'ack', e.target) } }, t('alert_ack')) : null,
        canAct ? h('button', { type: 'button', class: 'btn-small',
          on: { click: (e) => act(a, 'close', e.target) } }, t('alert_close')) : null));
    }
    for (const a of own) {
      items.push(h('li', { class: ['alert', `alert-${a.level}`], data: { key: a.key } },
        h('a', { href: a.href, class: 'alert-text' }, a.text)));
    }
    for (const li of items) {
      const input = li.querySelector && li.querySelector('.alert-note');
      if (input && typed.has(li.dataset.id)) input.value = typed.get(li.dataset.id);
    }
    box.hidden = items.length === 0;
    fill(box, items.length ? h('div', { class: 'alerts-inner' },
      h('strong', { class: 'alerts-title' }, t('alerts_title', { n: items.length })),
      h('ul', { id: 'alerts-list' }, items)) : null);
  }
  // For live updates: at most one refresh every 5 s.
  let last = 0;
  let timer = null;
  function refreshSoon() {
    if (timer) return;
    const wait = Math.max(0, last + 5000 - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      refresh();
    }, wait);
  }
  return { refresh, refreshSoon };
}
