// Comments of a month (#/comments), managers and admins only: the citizens'
// comments grouped by office and by the criterion they rated lowest
// (GET /api/v1/comments; every answer is audited by the hub). A comment is
// the citizen's own text and only ever goes into the page as text. A
// comment without a follow-up can be marked as a suggestion to follow up
// (POST /api/v1/comments/{origin}/{seq}/follow-up).

import { api } from './dash-api.js';
import { fill, h, select } from './dash-dom.js';
import { dateTime, num, t } from './dash-i18n.js';
import { todayVn } from './dash-state.js';
import { catalogue, loadCatalogue, name } from './dash-names.js';

function followUpCell(ctx, c, load) {
  if (c.follow_up) {
    const key = c.follow_up.status === 'open' ? 'comments_followed_open' : 'comments_followed_closed';
    return h('a', { href: `#/followups?id=${encodeURIComponent(c.follow_up.id)}`, class: 'badge' },
      t(key), c.follow_up.reason === 'suggestion' ? ` (${t('comments_suggestion')})` : '');
  }
  return h('button', { type: 'button', class: 'btn follow-suggestion', on: { click: async (e) => {
    e.target.disabled = true;
    try {
      await api.post(`/comments/${encodeURIComponent(c.origin)}/${c.seq}/follow-up`, {});
      ctx.toast(t('comments_followed_toast'));
      await load();
    } catch (err) {
      e.target.disabled = false;
      ctx.toast(ctx.errorText(err));
    }
  } } }, t('comments_follow'));
}

export async function render(ctx) {
  await loadCatalogue();
  const month = /^\d{4}-\d{2}$/.test(ctx.extra.month || '') ? ctx.extra.month : todayVn().slice(0, 7);
  const office = ctx.filters.office;
  const ids = new Set(catalogue('office').map((e) => e.id));
  if (ctx.me && ctx.me.offices) for (const o of ctx.me.offices) if (o !== '*') ids.add(o);
  if (office) ids.add(office);
  const go = (patch) => ctx.go({ ...ctx.filters, office: patch.office ?? office }, { month: patch.month ?? month });
  const box = h('div', { id: 'comments-box' }, h('p', { class: 'loading' }, t('loading')));
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('comments_title'))),
    h('p', { class: 'lead' }, t('comments_lead')),
    h('form', { class: 'filters', role: 'search', 'aria-label': t('filters'), on: { submit: (e) => e.preventDefault() } },
      h('div', { class: 'filter' }, h('label', { for: 'm-month' }, t('comments_month')),
        h('input', { id: 'm-month', type: 'month', value: month, on: { change: (e) => {
          if (/^\d{4}-\d{2}$/.test(e.target.value)) go({ month: e.target.value });
        } } })),
      h('div', { class: 'filter' }, h('label', { for: 'm-office' }, t('office')),
        select({ id: 'm-office', on: { change: (e) => go({ office: e.target.value }) } },
          [['', t('all_office')], ...[...ids].sort().map((id) => [id, name('office', id)])], office))),
    box);
  const load = async () => {
    try {
      const body = await api.get('/comments', { month, office });
      if (ctx.stale()) return;
      if (!body.count) {
        fill(box, h('p', { class: 'empty' }, t('comments_none')));
        return;
      }
      fill(box,
        h('p', { id: 'comments-count' }, t('comments_count', { n: num(body.count) }),
          body.truncated ? ` ${t('comments_truncated')}` : ''),
        body.offices.map((o) => h('section', { class: 'comments-office', data: { office: o.office } },
          h('h2', null, `${name('office', o.office)} (${num(o.count)})`),
          o.criteria.map((c) => h('div', { class: 'comments-criterion', data: { criterion: c.criterion } },
            h('h3', null, c.label, h('span', { class: 'muted' }, ` — ${c.template_name || c.template} (${num(c.count)})`)),
            h('table', { class: 'data' },
              h('thead', null, h('tr', null, ['comments_at', 'counter', 'officer', 'comments_option',
                'comments_text', 'comments_follow_up'].map((k) => h('th', { scope: 'col' }, t(k))))),
              h('tbody', null, c.comments.map((x) => h('tr', { data: { rating: `${x.origin}:${x.seq}` } },
                h('td', { class: 'nowrap' }, dateTime(x.at)),
                h('td', null, x.counter),
                h('td', null, x.officer ? name('officer', x.officer, o.office) : '—'),
                h('td', null, x.option_label || x.option || t(x.classification)),
                h('td', { class: 'comment-text' }, x.comment_state === 'erased' ? t('comments_erased')
                  : x.comment_state === 'pending' ? t('comments_pending') : x.comment),
                h('td', null, followUpCell(ctx, x, load)))))))))));
    } catch (e) {
      if (!ctx.stale()) fill(box, ctx.errorBox(e));
    }
  };
  ctx.onRefresh(load);
  await load();
}
