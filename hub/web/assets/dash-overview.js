// The overview: the district, an office, a counter or an officer (the
// drill-down level follows the filters: #/overview?office=X&counter=Y).
// Figures: satisfaction rate with its number of ratings and Wilson 95%
// interval, participation rate, the Decision 766 rate, the targets (by
// default at least 80% satisfied and 40% participation) with the offices
// below them, the trend by day or month, and a table one level down that
// drills further on click. Export links give the same report as CSV/XLSX.

import { api } from './dash-api.js';
import { clear, fill, h } from './dash-dom.js';
import { day, lang, num, pct, t } from './dash-i18n.js';
import { level } from './dash-state.js';
import {
  DEFAULT_TARGETS, FEW_RATINGS, ensureRates, report, rowKey, serverApplied, sumRows, withRates,
} from './dash-data.js';
import { filterBar, channelName } from './dash-filters.js';
import { counterLabel, learnRows, name } from './dash-names.js';
import { trendChart } from './dash-chart.js';
import { ratingList, fetchRatings } from './dash-ratings.js';

const EXTRA_FILTERS = ['officer', 'counter', 'procedure', 'field', 'channel'];
const TABS = {
  district: ['office', 'field', 'procedure'],
  office: ['counter', 'officer', 'field', 'procedure'],
  counter: ['officer'],
  officer: [],
};
let sort = { key: '', dir: 1 };
let trendGroup = '';

function baseParams(f) {
  const p = { from: f.from, to: f.to };
  if (f.office) p.office = f.office;
  return p;
}

function extraParams(f) {
  const p = {};
  for (const k of EXTRA_FILTERS) if (f[k]) p[k] = f[k];
  return p;
}

// The figures of the current selection, and which filters they honour.
async function headline(f) {
  const extras = extraParams(f);
  const resp = await report({ ...baseParams(f), ...extras, group_by: 'office' });
  learnRows(resp.rows, 'office');
  const officeRows = resp.rows || [];
  const setKeys = Object.keys(extras);
  let targets = { ...DEFAULT_TARGETS };
  const own = f.office && officeRows.find((r) => r.office === f.office);
  if (own && typeof own.target_satisfaction === 'number') {
    targets = { satisfaction: own.target_satisfaction, participation: own.target_participation };
  } else if (resp.targets) {
    targets = { ...targets, ...resp.targets };
  }
  if (setKeys.every((k) => serverApplied(resp, k, extras[k]))) {
    const row = resp.totals ? ensureRates(resp.totals) : sumRows(officeRows);
    // A hub that cannot count dossiers under a filter (a channel) sends
    // null: shown as "—" with the note, as for figures from the ratings.
    const noDossiers = resp.totals && resp.totals.dossiers === null;
    return { row, applied: setKeys, ignored: [], officeRows, targets, resp,
      fromRatings: noDossiers ? { ratings: { length: row.ratings }, more: false } : undefined };
  }
  // The hub reports one grouping at a time: the figures of one filter are
  // the matching rows of that grouping (with the dossiers).
  if (setKeys.length === 1 && setKeys[0] !== 'channel') {
    const focus = setKeys[0];
    try {
      const g = await report({ ...baseParams(f), group_by: focus });
      learnRows(g.rows, focus);
      const rows = (g.rows || []).filter((r) => rowKey(r, focus) === f[focus] &&
        (!f.office || !r.office || r.office === f.office));
      const row = rows.length === 1 ? ensureRates(rows[0]) : sumRows(rows);
      return { row, applied: [focus], ignored: [], officeRows, targets, resp };
    } catch {
      // Fall through to the ratings.
    }
  }
  // A channel, or several filters at once: counted from the matching
  // ratings themselves (no dossier figures then).
  const list = await filteredRatings(f);
  return { row: tallyRatings(list.ratings), applied: setKeys, ignored: [], officeRows, targets, resp,
    fromRatings: list };
}

// The ratings matching every filter (the hub filters office, counter,
// officer and channel; dash-ratings filters field and procedure), at most
// 1000, newest first. One fetch per render.
let ratingsCache = { key: '', promise: null };
function filteredRatings(f) {
  const params = { ...baseParams(f), ...extraParams(f), limit: 1000 };
  const key = JSON.stringify(params);
  if (ratingsCache.key !== key || !ratingsCache.promise) {
    ratingsCache = { key, promise: fetchRatings(params) };
    ratingsCache.promise.catch(() => { ratingsCache = { key: '', promise: null }; });
  }
  return ratingsCache.promise;
}

function tallyRatings(ratings) {
  const t0 = { ratings: 0, satisfied: 0, neutral: 0, unsatisfied: 0, unclassified: 0, with_comment: 0, with_phone: 0 };
  for (const r of ratings) {
    if (r.excluded) continue;
    if (r.has_comment) t0.with_comment++;
    if (r.has_phone) t0.with_phone++;
    if (r.classification === 'unclassified' || !(r.classification in t0)) {
      t0.unclassified++;
      continue;
    }
    t0.ratings++;
    t0[r.classification]++;
  }
  return withRates(t0);
}

// Vietnam's day (or month) of a rating's time.
function vnDay(at) {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return new Date(ms + 7 * 3600e3).toISOString().slice(0, 10);
}

function filterLabel(k, f) {
  if (k === 'channel') return `${t('channel')}: ${channelName(f.channel)}`;
  return `${t(k)}: ${name(k, f[k], f.office)}`;
}

// ---- pieces ---------------------------------------------------------------

function ciBar(row, target) {
  const bar = h('div', { class: 'ci-bar', 'aria-hidden': 'true' });
  const span = h('div', { class: 'ci-span' });
  span.style.left = `${(row.satisfaction_ci_low * 100).toFixed(2)}%`;
  span.style.width = `${Math.max(0.5, (row.satisfaction_ci_high - row.satisfaction_ci_low) * 100).toFixed(2)}%`;
  const dot = h('div', { class: 'ci-dot' });
  dot.style.left = `${(row.satisfaction_rate * 100).toFixed(2)}%`;
  const tgt = h('div', { class: 'ci-target' });
  tgt.style.left = `${(target * 100).toFixed(2)}%`;
  bar.append(tgt, span, dot);
  return bar;
}

function ciText(row) {
  return t('ci_text', { low: pct(row.satisfaction_ci_low), high: pct(row.satisfaction_ci_high) });
}

function card(id, titleKey, value, lines, state, help) {
  return h('section', { class: ['kpi', state && `kpi-${state}`], id, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title`, class: 'kpi-title' }, t(titleKey)),
    h('div', { class: 'kpi-value', data: { role: 'value' } }, value),
    lines.filter(Boolean).map((l) => (l instanceof Node ? l : h('div', { class: 'kpi-line' }, l))),
    help ? h('div', { class: 'kpi-help' }, help) : null);
}

function kpiCards(row, targets, noDossiers) {
  // Strictly above the target (HCMC: "trên 80%"): exactly 80 % is below.
  const satState = !row.ratings ? '' : row.satisfaction_rate > targets.satisfaction ? 'ok' : 'below';
  const partState = !row.dossiers ? '' : row.participation_rate >= targets.participation ? 'ok' : 'below';
  const targetLine = (state, key, v) => h('div', { class: ['kpi-target', state && `t-${state}`] },
    t(key, { p: pct(v, 0) }), state ? ` — ${t(state === 'ok' ? 'target_met' : 'target_missed')}` : '');
  const sat = card('kpi-satisfaction', 'satisfaction_rate', row.ratings ? pct(row.satisfaction_rate) : '—', [
    h('div', { class: 'kpi-line', id: 'kpi-satisfaction-n' }, t('n_ratings', { n: num(row.ratings) })),
    row.ratings ? h('div', { class: 'kpi-line', id: 'kpi-satisfaction-ci' }, ciText(row)) : null,
    row.ratings ? ciBar(row, targets.satisfaction) : null,
    row.ratings && row.ratings < FEW_RATINGS ? h('div', { class: 'kpi-line warn' }, t('few_ratings')) : null,
    targetLine(satState, 'target_satisfaction', targets.satisfaction),
  ], satState);
  const na = h('div', { class: 'kpi-line muted' }, t('needs_single_filter'));
  const part = card('kpi-participation', 'participation_rate', row.dossiers ? pct(row.participation_rate) : '—', noDossiers ? [na] : [
    h('div', { class: 'kpi-line', id: 'kpi-participation-n' },
      t('rated_of_dossiers', { rated: num(row.rated_dossiers), n: num(row.dossiers) })),
    row.intake_rated_dossiers || row.return_rated_dossiers
      ? h('div', { class: 'kpi-line', id: 'kpi-participation-stages' },
        t('participation_stages', { intake: pct(row.participation_intake_rate), ret: row.returned ? pct(row.participation_return_rate) : '—' }))
      : null,
    row.visits ? h('div', { class: 'kpi-line', id: 'kpi-participation-visits' },
      t('participation_visits_line', { p: pct(row.participation_visit_rate), n: num(row.visits) })) : null,
    targetLine(partState, 'target_participation', targets.participation),
  ], partState);
  const d766 = card('kpi-766', 'decision766_rate', row.dossiers ? pct(row.decision766_rate) : '—', noDossiers ? [na] : [
    h('div', { class: 'kpi-line' }, t('d766_counts', { bad: num(row.unsatisfied_dossiers), n: num(row.dossiers) })),
    row.overdue_pending_dossiers ? h('div', { class: 'kpi-line', id: 'kpi-766-pending' },
      t('d766_pending_line', { n: num(row.overdue_pending_dossiers) })) : null,
    row.returned ? h('div', { class: 'kpi-line' }, t('on_time_line', { p: pct(row.on_time_rate), n: num(row.returned) })) : null,
  ], '', t('d766_help'));
  const split = h('div', { class: 'split', 'aria-hidden': 'true' });
  for (const k of ['satisfied', 'neutral', 'unsatisfied']) {
    const part2 = h('div', { class: `split-${k}` });
    part2.style.width = `${row.ratings ? (row[k] / row.ratings) * 100 : 0}%`;
    split.appendChild(part2);
  }
  const counts = card('kpi-counts', 'ratings', num(row.ratings), [
    split,
    h('ul', { class: 'legend' },
      // The full scale (Gia Lâm): "Rất hài lòng" and "Hài lòng" apart when the hub gives them.
      row.very_satisfied !== undefined
        ? [h('li', { class: 'lg-satisfied', id: 'lg-very-satisfied' }, `${t('very_satisfied')}: ${num(row.very_satisfied)}`),
          h('li', { class: 'lg-satisfied', id: 'lg-satisfied-only' }, `${t('satisfied_only')}: ${num(row.satisfied_only)}`)]
        : h('li', { class: 'lg-satisfied' }, `${t('satisfied')}: ${num(row.satisfied)}`),
      h('li', { class: 'lg-neutral' }, `${t('neutral')}: ${num(row.neutral)}`),
      h('li', { class: 'lg-unsatisfied' }, `${t('unsatisfied')}: ${num(row.unsatisfied)}`)),
    row.excluded ? h('div', { class: 'kpi-line muted' }, t('excluded_line', { n: num(row.excluded) })) : null,
    row.with_comment ? h('div', { class: 'kpi-line muted' }, t('with_comment_line', { n: num(row.with_comment) })) : null,
  ]);
  return [sat, part, d766, counts];
}

function belowTargets(officeRows, targets, ctx) {
  const below = officeRows.map(ensureRates).filter((r) => {
    const ts = typeof r.target_satisfaction === 'number' ? r.target_satisfaction : targets.satisfaction;
    const tp = typeof r.target_participation === 'number' ? r.target_participation : targets.participation;
    const bs = r.below_satisfaction_target ?? (r.ratings > 0 && r.satisfaction_rate < ts);
    const bp = r.below_participation_target ?? (r.dossiers > 0 && r.participation_rate < tp);
    r._bs = bs;
    r._bp = bp;
    return bs || bp;
  });
  if (!officeRows.length) return null;
  if (!below.length) {
    return h('section', { class: 'below all-ok', id: 'below-targets' },
      h('p', null, t('all_offices_meet_targets', { n: officeRows.length })));
  }
  return h('section', { class: 'below', id: 'below-targets', 'aria-labelledby': 'below-title' },
    h('h2', { id: 'below-title' }, t('offices_below_targets', { n: below.length, total: officeRows.length })),
    h('ul', null, below.map((r) => h('li', null,
      h('a', { href: ctx.href({ office: r.office }), class: 'office-link' }, name('office', r.office)),
      ': ',
      [r._bs ? t('below_sat_short', { p: pct(r.satisfaction_rate), n: num(r.ratings) }) : null,
        r._bp ? t('below_part_short', { p: pct(r.participation_rate) }) : null].filter(Boolean).join('; ')))));
}

// ---- the table one level down ---------------------------------------------

const COLUMNS = [
  { key: 'name', label: 'col_name' },
  { key: 'ratings', label: 'col_ratings', num: true },
  { key: 'satisfied', label: 'satisfied', num: true },
  { key: 'neutral', label: 'neutral', num: true },
  { key: 'unsatisfied', label: 'unsatisfied', num: true },
  { key: 'satisfaction_rate', label: 'satisfaction_rate', num: true },
  { key: 'satisfaction_ci_low', label: 'col_ci', num: true },
  { key: 'dossiers', label: 'col_dossiers', num: true },
  { key: 'participation_rate', label: 'participation_rate', num: true },
  { key: 'decision766_rate', label: 'col_766', num: true },
  { key: 'status', label: 'col_status' },
];

function rowTargets(r, targets, officeRows) {
  const o = officeRows.find((x) => x.office === r.office);
  if (o && typeof o.target_satisfaction === 'number') {
    return { satisfaction: o.target_satisfaction, participation: o.target_participation };
  }
  return targets;
}

function breakdownTable(group, rows, targets, officeRows, ctx) {
  const f = ctx.filters;
  const data = rows.map((r) => {
    const x = ensureRates(r);
    x._key = rowKey(r, group);
    x._name = group === 'day' || group === 'month' ? day(x._key) : name(group, x._key, r.office || f.office);
    const tg = rowTargets(r, targets, officeRows);
    x._below_sat = x.ratings > 0 && !(x.satisfaction_rate > tg.satisfaction);  // strictly above
    x._below_part = x.dossiers > 0 && x.participation_rate < tg.participation;
    x._tg = tg;
    return x;
  });
  if (sort.key) {
    data.sort((a, b) => {
      const va = sort.key === 'name' ? a._name : a[sort.key];
      const vb = sort.key === 'name' ? b._name : b[sort.key];
      return (typeof va === 'string' ? va.localeCompare(vb, 'vi') : va - vb) * sort.dir;
    });
  }
  const drill = (x) => {
    if (group === 'office') return { office: x._key, counter: '', officer: '' };
    if (group === 'counter') return { office: x.office || f.office, counter: x._key, officer: '' };
    if (group === 'officer') return { office: x.office || f.office, officer: x._key };
    if (group === 'field' || group === 'procedure') return { [group]: x._key };
    return null;
  };
  const head = h('tr', null, COLUMNS.map((c) => {
    const active = sort.key === c.key;
    const label = c.key === 'name' ? t(`group_${group}`) : t(c.label);
    return h('th', { scope: 'col', class: c.num ? 'num' : null,
      'aria-sort': active ? (sort.dir > 0 ? 'ascending' : 'descending') : null },
    c.key === 'status' ? label : h('button', { type: 'button', class: 'sort', on: { click: () => {
      sort = { key: c.key, dir: active ? -sort.dir : (c.num ? -1 : 1) };
      ctx.refreshSection('breakdown');
    } } }, label, active ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''));
  }));
  const body = data.map((x) => {
    const patch = drill(x);
    const status = [];
    if (x._below_sat) status.push(t('below_sat_target'));
    if (x._below_part) status.push(t('below_part_target'));
    return h('tr', { class: [(x._below_sat || x._below_part) && 'below-target'], data: { key: x._key, office: x.office } },
      h('th', { scope: 'row' }, patch
        ? h('a', { href: ctx.href(patch), class: 'drill' }, x._name)
        : x._name,
      x._name !== x._key && group !== 'day' && group !== 'month' ? h('span', { class: 'id' }, x._key) : null,
      // A province hub's office rows name their district (hub/README.md, "Province hub").
      x.district ? h('span', { class: 'id district', title: t('district_of_office') }, x.district) : null),
      h('td', { class: 'num', data: { col: 'ratings' } }, num(x.ratings)),
      h('td', { class: 'num' }, num(x.satisfied)),
      h('td', { class: 'num' }, num(x.neutral)),
      h('td', { class: 'num' }, num(x.unsatisfied)),
      h('td', { class: 'num rate', data: { col: 'satisfaction_rate', value: x.satisfaction_rate } },
        x.ratings ? pct(x.satisfaction_rate) : '—',
        x.ratings && x.ratings < FEW_RATINGS ? h('span', { class: 'few', title: t('few_ratings') }, ' *') : null),
      h('td', { class: 'num ci' }, x.ratings ? [`${pct(x.satisfaction_ci_low)} – ${pct(x.satisfaction_ci_high)}`,
        ciBar(x, x._tg.satisfaction)] : '—'),
      h('td', { class: 'num' }, num(x.dossiers)),
      h('td', { class: 'num', data: { col: 'participation_rate', value: x.participation_rate } },
        x.dossiers ? pct(x.participation_rate) : '—'),
      h('td', { class: 'num' }, x.dossiers ? pct(x.decision766_rate) : '—'),
      h('td', { class: 'status' }, status.length ? status.join(', ') : (x.ratings || x.dossiers ? t('target_met') : '')));
  });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'breakdown-table', data: { group } },
    h('caption', null, t('breakdown_caption', { group: t(`group_${group}`).toLocaleLowerCase(lang() === 'vi' ? 'vi' : 'en') })),
    h('thead', null, head), h('tbody', null, body)));
}

// Officers at one counter: the hub's report grouped by officer under the
// counter filter (with the dossiers they received there). A hub that does
// not apply the filter (older than report filters): counted from the
// counter's ratings instead.
async function officersAtCounter(f) {
  const resp = await report({ ...baseParams(f), ...extraParams(f), group_by: 'officer' });
  if (serverApplied(resp, 'counter', f.counter)) {
    learnRows(resp.rows, 'officer');
    const rows = (resp.rows || []).filter((r) => !f.office || !r.office || r.office === f.office);
    return { rows, fromHub: true };
  }
  const list = await filteredRatings(f);
  const by = new Map();
  for (const r of list.ratings) {
    const k = r.officer || '';
    if (!by.has(k)) by.set(k, []);
    by.get(k).push(r);
  }
  const rows = [...by.entries()].map(([officer, l]) => ({ ...tallyRatings(l), officer, office: f.office }));
  return { rows, truncated: list.more };
}

// ---- the page -------------------------------------------------------------

export async function render(ctx) {
  ratingsCache = { key: '', promise: null };
  const f = ctx.filters;
  const lv = level(f);
  const tabs = TABS[lv];
  let group = ctx.extra.by && tabs.includes(ctx.extra.by) ? ctx.extra.by : tabs[0];
  const crumbs = [h('li', null, lv === 'district' ? h('span', { 'aria-current': 'page' }, t('district'))
    : h('a', { href: ctx.href({ office: '', counter: '', officer: '' }) }, t('district')))];
  if (f.office) {
    crumbs.push(h('li', null, lv === 'office' ? h('span', { 'aria-current': 'page' }, name('office', f.office))
      : h('a', { href: ctx.href({ counter: '', officer: '' }) }, name('office', f.office))));
  }
  if (f.counter) {
    crumbs.push(h('li', null, lv === 'counter' ? h('span', { 'aria-current': 'page' }, counterLabel(f.counter, f.office))
      : h('a', { href: ctx.href({ officer: '' }) }, counterLabel(f.counter, f.office))));
  }
  if (f.officer) {
    crumbs.push(h('li', null, h('span', { 'aria-current': 'page' }, `${t('officer')} ${name('officer', f.officer, f.office)}`)));
  }

  const exportParams = () => ({ ...baseParams(f), ...extraParams(f), group_by: group || 'office' });
  const fileBase = `hai-long-${f.office || 'toan-quan'}-${f.from}-${f.to}`;
  const exports = h('div', { class: 'exports', role: 'group', 'aria-label': t('export') },
    h('a', { class: 'btn', id: 'export-csv', href: api.url('/report.csv', { ...exportParams(), lang: lang() === 'vi' ? 'vi' : '' }),
      download: `${fileBase}.csv` }, t('export_csv')),
    h('a', { class: 'btn', id: 'export-xlsx', href: api.url('/report.xlsx', exportParams()),
      download: `${fileBase}.xlsx` }, t('export_xlsx')));

  const kpis = h('div', { class: 'kpis', id: 'kpis', 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('loading')));
  const notes = h('div', { id: 'overview-notes' });
  const below = h('div', { id: 'below-box' });
  const trendBox = h('div', { class: 'trend-box', id: 'trend' });
  const breakdown = h('div', { id: 'breakdown' });
  const recent = h('div', { id: 'recent' });

  fill(ctx.main,
    h('div', { class: 'page-head' },
      h('h1', { id: 'page-title' }, t(`level_${lv}`, {
        office: name('office', f.office), counter: counterLabel(f.counter, f.office),
        officer: name('officer', f.officer, f.office),
      })),
      exports),
    h('nav', { class: 'crumbs', 'aria-label': t('breadcrumb') }, h('ol', null, crumbs)),
    filterBar(ctx),
    notes, kpis, below,
    h('section', { class: 'panel', 'aria-labelledby': 'trend-title' },
      h('div', { class: 'panel-head' },
        h('h2', { id: 'trend-title' }, t('trend_title')),
        h('div', { class: 'seg', role: 'group', 'aria-label': t('trend_by') },
          ['day', 'month'].map((g) => h('button', { type: 'button', class: 'seg-btn', id: `trend-${g}`,
            'aria-pressed': String(false), data: { group: g },
            on: { click: () => { trendGroup = g; ctx.refreshSection('trend'); } } }, t(`by_${g}`))))),
      trendBox),
    tabs.length ? h('section', { class: 'panel', 'aria-labelledby': 'breakdown-title' },
      h('div', { class: 'panel-head' },
        h('h2', { id: 'breakdown-title' }, t('breakdown_title')),
        tabs.length > 1 ? h('div', { class: 'seg', role: 'group', 'aria-label': t('group_by') },
          tabs.map((g) => h('a', { class: 'seg-btn', href: ctx.href({}, { by: g }), id: `tab-${g}`,
            'aria-current': g === group ? 'true' : null }, t(`group_${g}`)))) : null),
      breakdown) : null,
    lv !== 'district' ? h('section', { class: 'panel', 'aria-labelledby': 'recent-title' },
      h('div', { class: 'panel-head' },
        h('h2', { id: 'recent-title' }, t('recent_unsatisfied')),
        h('a', { href: ctx.href({}, null, 'ratings'), class: 'btn-link' }, t('see_all_ratings'))),
      recent) : null);

  let head = null;
  let freeChart = () => {};
  const sections = {
    async kpis() {
      head = await headline(f);
      if (ctx.stale()) return;
      kpis.removeAttribute('aria-busy');
      fill(kpis, kpiCards(head.row, head.targets, !!head.fromRatings));
      fill(notes, head.fromRatings
        ? h('p', { class: 'note', role: 'note', id: 'kpi-note' }, t(head.fromRatings.more ? 'kpis_from_ratings_partial' : 'kpis_from_ratings', {
          n: num(head.fromRatings.ratings.length),
          filters: head.applied.map((k) => filterLabel(k, f)).join(', '),
        })) : null);
      fill(below, lv === 'district' ? belowTargets(head.officeRows, head.targets, ctx) : null);
    },
    async trend() {
      const span = (Date.parse(f.to) - Date.parse(f.from)) / 86400e3 + 1;
      const g = trendGroup || (span > 92 ? 'month' : 'day');
      for (const b of ctx.main.querySelectorAll('#trend-day, #trend-month')) {
        b.setAttribute('aria-pressed', String(b.dataset.group === g));
      }
      const extras = extraParams(f);
      const resp = await report({ ...baseParams(f), ...extras, group_by: g });
      if (ctx.stale()) return;
      freeChart();
      clear(trendBox);
      const missing = Object.keys(extras).filter((k) => !serverApplied(resp, k, extras[k]));
      let rows;
      if (missing.length) {
        // The hub's day and month groupings know no other filter: the trend
        // of the matching ratings themselves.
        const list = await filteredRatings(f);
        if (ctx.stale()) return;
        const by = new Map();
        for (const r of list.ratings) {
          const d = vnDay(r.at);
          const k = g === 'month' ? d.slice(0, 7) : d;
          if (!by.has(k)) by.set(k, []);
          by.get(k).push(r);
        }
        rows = [...by.entries()].map(([k, l]) => ({ ...tallyRatings(l), [g]: k }));
        trendBox.appendChild(h('p', { class: 'note' }, t('trend_from_ratings', { n: num(list.ratings.length) })));
      } else {
        rows = (resp.rows || []).map(ensureRates);
      }
      rows.sort((a, b) => (a[g] < b[g] ? -1 : 1));
      const target = head ? head.targets.satisfaction : DEFAULT_TARGETS.satisfaction;
      freeChart = await trendChart(trendBox, rows, g, target, ctx.stale);
    },
    async breakdown() {
      if (!tabs.length) return;
      let content;
      if (lv === 'counter') {
        const res = await officersAtCounter(f);
        if (ctx.stale()) return;
        const note = res.fromHub ? 'officers_at_counter'
          : (res.truncated ? 'officers_from_ratings_partial' : 'officers_from_ratings');
        content = [h('p', { class: 'note' }, t(note)), res.rows.length
          ? breakdownTable('officer', res.rows, head ? head.targets : DEFAULT_TARGETS, head ? head.officeRows : [], ctx)
          : h('p', { class: 'empty' }, t('no_data_period'))];
      } else {
        const resp = await report({ ...baseParams(f), ...extraParams(f), group_by: group });
        if (ctx.stale()) return;
        learnRows(resp.rows, group);
        const rows = (resp.rows || []).filter((r) => !f.office || !r.office || r.office === f.office);
        const extras = extraParams(f);
        const ignored = Object.keys(extras).filter((k) => !serverApplied(resp, k, extras[k]) && k !== group);
        const note = ignored.length ? h('p', { class: 'note' }, t('table_scope', {
          ignored: ignored.map((k) => filterLabel(k, f)).join(', ') })) : null;
        content = rows.length && note ? [note] : [];
        content.push(rows.length
          ? breakdownTable(group, rows, head ? head.targets : DEFAULT_TARGETS, head ? head.officeRows : [], ctx)
          : h('p', { class: 'empty' }, t('no_data_period')));
      }
      fill(breakdown, content);
    },
    async recent() {
      if (lv === 'district') return;
      const params = { ...baseParams(f), classification: 'unsatisfied', limit: 10 };
      for (const k of ['counter', 'officer', 'field', 'procedure', 'channel']) if (f[k]) params[k] = f[k];
      const list = await fetchRatings(params);
      if (ctx.stale()) return;
      fill(recent, ratingList(list.ratings, ctx, { compact: true }));
    },
  };
  const run = async (k) => {
    try {
      await sections[k]();
    } catch (e) {
      if (ctx.stale()) return;
      const box = { kpis, trend: trendBox, breakdown, recent }[k];
      fill(box, ctx.errorBox(e));
    }
  };
  ctx.refreshSection = (k) => run(k);
  ctx.onRefresh(async () => {
    ratingsCache = { key: '', promise: null };
    await run('kpis');
    await Promise.all([run('trend'), run('breakdown'), run('recent')]);
  });
  ctx.onDestroy(() => freeChart());
  await run('kpis');
  await Promise.all([run('trend'), run('breakdown'), run('recent')]);
}
