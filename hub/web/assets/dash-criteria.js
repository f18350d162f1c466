// By criterion (#/criteria): for the period and office, every survey
// criterion with its answers per option and the share of its worst option
// (GET /api/v1/report?group_by=criterion; hub/README.md "Per criterion").
// The criterion whose worst option has the largest share is marked: it is
// the one pulling the office down. Downloads: CSV and the workbook.

import { api } from './dash-api.js';
import { fill, h, select } from './dash-dom.js';
import { day, num, pct, t } from './dash-i18n.js';
import { PERIODS } from './dash-state.js';
import { catalogue, loadCatalogue, name } from './dash-names.js';

// Period and office: the only narrowing a per-criterion report takes.
export function periodOfficeBar(ctx) {
  const f = ctx.filters;
  const period = select({ id: 'c-period', on: { change: (e) =>
    ctx.go({ ...f, period: e.target.value, from: '', to: '' }) } },
  PERIODS.filter((p) => p !== 'custom').map((p) => [p, t(`period_${p}`)]), f.period);
  const ids = new Set(catalogue('office').map((e) => e.id));
  if (ctx.me && ctx.me.offices) for (const o of ctx.me.offices) if (o !== '*') ids.add(o);
  if (f.office) ids.add(f.office);
  const office = select({ id: 'c-office', on: { change: (e) => ctx.go({ ...f, office: e.target.value }) } },
    [['', t('all_office')], ...[...ids].sort().map((id) => [id, name('office', id)])], f.office);
  return h('form', { class: 'filters', role: 'search', 'aria-label': t('filters'),
    on: { submit: (e) => e.preventDefault() } },
  h('div', { class: 'filter' }, h('label', { for: 'c-period' }, t('period')), period),
  h('div', { class: 'filter' }, h('label', { for: 'c-office' }, t('office')), office),
  h('div', { class: 'filter filter-end' },
    h('span', { class: 'range' }, `${day(f.from)} – ${day(f.to)}`)));
}

function optionText(o) {
  return `${o.label || o.option}: ${num(o.count)}`;
}

export async function render(ctx) {
  await loadCatalogue();
  const f = ctx.filters;
  const params = { from: f.from, to: f.to, office: f.office, group_by: 'criterion' };
  const box = h('div', { id: 'criteria-box' }, h('p', { class: 'loading' }, t('loading')));
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('criteria_title')),
      h('div', { class: 'actions' },
        h('a', { class: 'btn', id: 'criteria-csv', href: api.url('/report.csv', { ...params, lang: 'vi' }) }, t('criteria_csv')),
        h('a', { class: 'btn', id: 'criteria-xlsx', href: api.url('/report.xlsx', params) }, t('criteria_xlsx')))),
    h('p', { class: 'lead' }, t('criteria_lead')),
    periodOfficeBar(ctx), box);
  const load = async () => {
    try {
      const body = await api.get('/report', params);
      if (ctx.stale()) return;
      const rows = (body.rows || []).filter((r) => r.answers > 0);
      if (!rows.length) {
        fill(box, h('p', { class: 'empty' }, t('criteria_none')));
        return;
      }
      let worst = null;
      for (const r of rows) {
        if (r.worst_share !== null && r.worst_share > 0 && (!worst || r.worst_share > worst.worst_share)) worst = r;
      }
      const byTemplate = new Map();
      for (const r of rows) {
        if (!byTemplate.has(r.template)) byTemplate.set(r.template, []);
        byTemplate.get(r.template).push(r);
      }
      fill(box,
        worst ? h('p', { class: 'callout', id: 'criteria-worst' }, t('criteria_worst_line', {
          criterion: worst.name || worst.criterion, option: worst.worst_label || worst.worst_option,
          share: pct(worst.worst_share) })) : null,
        [...byTemplate.entries()].map(([tpl, list]) => h('table', { class: 'data criteria-table', data: { template: tpl } },
          h('caption', null, list[0].template_name || tpl),
          h('thead', null, h('tr', null, ['criteria_criterion', 'criteria_answers', 'criteria_options',
            'criteria_worst', 'criteria_worst_share'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', null, list.map((r) => h('tr', {
            class: r === worst ? 'pulls-down' : null, data: { criterion: r.criterion } },
          h('th', { scope: 'row' }, r.name || r.criterion,
            r === worst ? h('span', { class: 'badge warn-text' }, ` ${t('criteria_pulls_down')}`) : null),
          h('td', { class: 'num' }, num(r.answers)),
          h('td', null, r.options.map(optionText).join(' · ')),
          h('td', null, r.worst_label || r.worst_option || '—',
            r.worst_count !== null ? h('div', { class: 'muted' }, num(r.worst_count)) : null),
          h('td', { class: 'num worst-share' }, r.worst_share === null ? '—' : pct(r.worst_share))))))));
    } catch (e) {
      if (!ctx.stale()) fill(box, ctx.errorBox(e));
    }
  };
  ctx.onRefresh(load);
  await load();
}
