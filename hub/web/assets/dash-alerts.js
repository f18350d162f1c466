// The alerts banner under the top bar, on every page. Two sources:
//  - the hub's alerts (GET /api/v1/alerts?status=open: an office's share of
//    unsatisfied ratings over a sliding window, open follow-ups, an edge's
//    replication lag), acknowledged and closed from the banner by managers;
//  - what the dashboard sees itself: overdue follow-ups, lagging nodes and
//    nodes whose clock is off (so the banner works before the hub has alerts).
// Refreshed on every live update and every minute.

import { api } from './dash-api.js';
import { fill, h } from './dash-dom.js';
import { dateTime, num, t } from './dash-i18n.js';
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

function alertText(a) {
  const kind = a.kind || a.type || '';
  const known = `alert_kind_${kind}`;
  const office = a.office ? name('office', a.office) : (a.node || '');
  const base = a.message || a.title || '';
  const head = t(known) !== known ? t(known, { office, value: a.value ?? '', threshold: a.threshold ?? '' }) : base;
  return head || kind;
}

export function createAlerts(box, me) {
  const canAct = me.role !== 'viewer';
  async function act(a, action, btn) {
    btn.disabled = true;
    try {
      await api.post(`/alerts/${encodeURIComponent(a.id)}/${action}`, {});
      await refresh();
    } catch (e) {
      btn.disabled = false;
      btn.title = e.message;
    }
  }
  async function refresh() {
    const [server, own] = await Promise.all([serverAlerts(), derived()]);
    const items = [];
    for (const a of server) {
      items.push(h('li', { class: ['alert', `alert-${a.level || a.severity || 'warn'}`, a.status === 'acknowledged' && 'acked'], data: { id: a.id } },
        h('span', { class: 'alert-text' }, alertText(a)),
        a.opened_at ? h('time', { class: 'muted' }, ` ${dateTime(a.opened_at)}`) : null,
        a.status === 'acknowledged' ? h('span', { class: 'muted' }, ` · ${t('alert_acked_by', { who: a.acknowledged_by || '' })}`) : null,
        canAct && a.status !== 'acknowledged' ? h('button', { type: 'button', class: 'btn-small',
          on: { click: (e) => act(a, 'ack', e.target) } }, t('alert_ack')) : null,
        canAct ? h('button', { type: 'button', class: 'btn-small',
          on: { click: (e) => act(a, 'close', e.target) } }, t('alert_close')) : null));
    }
    for (const a of own) {
      items.push(h('li', { class: ['alert', `alert-${a.level}`], data: { key: a.key } },
        h('a', { href: a.href, class: 'alert-text' }, a.text)));
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
