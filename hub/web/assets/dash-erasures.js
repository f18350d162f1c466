// Personal data (#/erasures, admins only): erase a citizen's phone number,
// comments and the notes about them, by phone number or by rating
// ("<origin>/<seq>", as the ratings page shows it), with the reason; and the
// list of erasures, including those the retention period made
// (personal_data_days). Ratings stay counted; only the texts go
// (replication/doc/personal_data.md).

import { api } from './dash-api.js';
import { fill, h, select } from './dash-dom.js';
import { dateTime, num, t } from './dash-i18n.js';

function scopeText(e) {
  return t(`erasure_scope_${e.scope}`) || e.scope;
}

export async function render(ctx) {
  const list = h('div', { id: 'erasures-list' }, h('p', { class: 'loading' }, t('loading')));
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const result = h('p', { id: 'erasure-result', role: 'status' });
  const kind = select({ id: 'erasure-kind' }, [['phone', t('erasure_by_phone')], ['rating', t('erasure_by_rating')]], 'phone');
  const value = h('input', { id: 'erasure-value', required: true, maxlength: 200, autocomplete: 'off',
    placeholder: t('erasure_value_hint') });
  const reason = h('textarea', { id: 'erasure-reason', rows: 2, required: true, maxlength: 1000,
    placeholder: t('erasure_reason_hint') });
  const form = h('form', { class: 'admin-form wide', id: 'erasure-form', on: { submit: async (e) => {
    e.preventDefault();
    err.hidden = true;
    result.textContent = '';
    const v = value.value.trim();
    const r = reason.value.trim();
    if (!v || !r) return;
    if (!window.confirm(t('erasure_confirm'))) return;
    try {
      const body = { reason: r };
      body[kind.value] = v;
      const done = await api.post('/erasures', body);
      result.textContent = t('erasure_done', { ratings: num((done.ratings || []).length),
        keys: num(done.keys || 0), pending: num(done.pending || 0) });
      form.reset();
      await load();
    } catch (ex) {
      err.textContent = ctx.errorText(ex);
      err.hidden = false;
    }
  } } },
  h('h2', null, t('erasure_form_title')),
  h('p', null, t('erasure_help')),
  h('div', { class: 'form-grid' },
    h('label', { for: 'erasure-kind' }, t('erasure_kind')), kind,
    h('label', { for: 'erasure-value' }, t('erasure_value')), value,
    h('label', { for: 'erasure-reason' }, t('erasure_reason')), reason),
  err, result,
  h('button', { type: 'submit', class: 'btn btn-primary' }, t('erasure_go')));

  const load = async () => {
    try {
      const body = await api.get('/erasures');
      if (ctx.stale()) return;
      const rows = body.erasures || [];
      fill(list, h('h2', null, t('erasures_title')),
        h('p', { class: 'muted', id: 'erasure-retention' }, t('erasure_retention', { days: num(body.personal_data_days) })),
        rows.length ? h('table', { class: 'data', id: 'erasures-table' },
          h('caption', { class: 'sr-only' }, t('erasures_title')),
          h('thead', null, h('tr', null, ['erasure_at', 'erasure_scope', 'erasure_by', 'erasure_reason', 'erasure_ratings', 'erasure_keys']
            .map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', null, rows.map((e) => h('tr', { data: { id: e.id, scope: e.scope } },
            h('td', { class: 'nowrap' }, dateTime(e.at)),
            h('td', null, scopeText(e)),
            h('td', null, e.by),
            h('td', null, e.reason),
            h('td', null, (e.ratings || []).join(', ') || '—'),
            h('td', { class: 'num' }, num(e.keys || 0)))))) : h('p', { class: 'empty' }, t('erasures_none')));
    } catch (e) {
      if (!ctx.stale()) fill(list, ctx.errorBox(e));
    }
  };
  fill(ctx.main, h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('nav_erasures'))),
    h('p', { class: 'lead' }, t('erasure_lead')), form, list);
  ctx.onRefresh(load);
  await load();
}
