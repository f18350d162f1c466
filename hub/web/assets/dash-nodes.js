// Nodes (#/nodes): the edges replicating to this hub. For each: its office,
// the last sequence number the hub holds, when it was last seen and last
// pushed, how far behind it is (events and time), whether its clock
// disagrees with the hub's, and the last refusal. A node never seen, lagging
// or with a skewed clock stands out.

import { api } from './dash-api.js';
import { fill, h } from './dash-dom.js';
import { ago, dateTime, duration, num, t } from './dash-i18n.js';
import { name } from './dash-names.js';

function state(n) {
  if (!n.last_seen) return 'never';
  if (n.lagging) return 'lagging';
  if (n.clock_skew) return 'skew';
  return 'ok';
}

export async function render(ctx) {
  const box = h('div', { id: 'nodes-box' }, h('p', { class: 'loading' }, t('loading')));
  fill(ctx.main, h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('nodes_title'))),
    h('p', { class: 'lead' }, t('nodes_lead')), box);
  const load = async () => {
    try {
      const body = await api.get('/nodes');
      if (ctx.stale()) return;
      const nodes = body.nodes || [];
      if (!nodes.length) {
        fill(box, h('p', { class: 'empty' }, t('nodes_none')));
        return;
      }
      const limit = body.clock_skew_limit_s;
      fill(box, h('table', { class: 'data', id: 'nodes-table' },
        h('caption', { class: 'sr-only' }, t('nodes_title')),
        h('thead', null, h('tr', null, ['node', 'office', 'node_state', 'acked_seq', 'last_seen', 'last_push',
          'lag', 'clock', 'last_error'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, nodes.map((n) => {
          const st = state(n);
          return h('tr', { class: st !== 'ok' && `node-${st}`, data: { id: n.id } },
            h('th', { scope: 'row', class: 'nowrap' }, n.id),
            h('td', null, name('office', n.office_id)),
            h('td', null, h('span', { class: `badge n-${st}` }, t(`node_${st}`))),
            h('td', { class: 'num' }, num(n.acked_seq),
              n.reported_head ? h('div', { class: 'muted' }, t('node_head', { n: num(n.reported_head) })) : null),
            h('td', { title: dateTime(n.last_seen) }, n.last_seen ? ago(n.last_seen) : t('never')),
            h('td', { title: dateTime(n.last_push) }, n.last_push ? ago(n.last_push) : t('never')),
            h('td', { class: n.lagging ? 'warn-text' : null },
              n.lag_events === null || n.lag_events === undefined ? '' : t('lag_events', { n: num(n.lag_events) }),
              n.lag_seconds ? h('div', null, duration(n.lag_seconds)) : null),
            h('td', { class: n.clock_skew ? 'warn-text' : null },
              !n.last_seen ? '' : n.clock_skew ? t('clock_skewed', { limit: duration(limit) }) : t('clock_ok'),
              typeof n.clock_offset_s === 'number' ? h('div', { class: 'muted' }, t('clock_offset', {
                s: (n.clock_offset_s >= 0 ? '+' : '') + num(Math.round(n.clock_offset_s)) })) : null),
            h('td', { class: 'error-cell' }, n.last_error
              ? [n.last_error, h('div', { class: 'muted' }, dateTime(n.last_error_time))] : ''));
        }))));
    } catch (e) {
      if (!ctx.stale()) fill(box, ctx.errorBox(e));
    }
  };
  ctx.onRefresh(load);
  await load();
}
