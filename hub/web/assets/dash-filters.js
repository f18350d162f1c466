// The filter bar shared by the overview and the ratings page: period
// (presets or a custom range), office, field, procedure, counter, officer
// and channel. Every change becomes a new URL hash (ctx.go), so Back undoes
// it. The choices come from the catalogue and from the report groupings of
// the period (an entry with ratings or dossiers is always offered).

import { CHANNELS, PERIODS, daysBetween, isDay } from './dash-state.js';
import { h, select } from './dash-dom.js';
import { day, t } from './dash-i18n.js';
import { catalogue, learnRows, loadCatalogue, name } from './dash-names.js';
import { report, rowKey } from './dash-data.js';

async function options(kind, f, scopes) {
  const ids = new Set();
  for (const e of catalogue(kind, f.office)) ids.add(e.id);
  try {
    const params = { from: f.from, to: f.to, group_by: kind };
    if (f.office) params.office = f.office;
    const resp = await report(params);
    learnRows(resp.rows, kind);
    for (const r of resp.rows || []) {
      const id = rowKey(r, kind);
      if (kind === 'office' || !f.office || !r.office || r.office === f.office) ids.add(id);
    }
  } catch {
    // No report (yet): the catalogue alone.
  }
  if (kind === 'office' && scopes && !scopes.includes('*')) {
    for (const o of scopes) ids.add(o);
  }
  return [...ids].sort((a, b) => name(kind, a, f.office).localeCompare(name(kind, b, f.office), 'vi'));
}

export function channelName(c) {
  return t(`channel_${c || 'unknown'}`);
}

export function filterBar(ctx) {
  const f = ctx.filters;
  const set = (patch) => ctx.go({ ...f, ...patch });
  const field = (id, labelKey, control) => h('div', { class: 'filter' },
    h('label', { for: id }, t(labelKey)), control);

  const period = select({ id: 'f-period', on: { change: (e) => {
    const p = e.target.value;
    set(p === 'custom' ? { period: p, from: f.from, to: f.to } : { period: p, from: '', to: '' });
  } } }, PERIODS.map((p) => [p, t(`period_${p}`)]), f.period);

  const custom = h('div', { class: 'filter custom-range', hidden: f.period !== 'custom' },
    h('label', { for: 'f-from' }, t('from_day')),
    h('input', { id: 'f-from', type: 'date', value: f.from, max: f.to }),
    h('label', { for: 'f-to' }, t('to_day')),
    h('input', { id: 'f-to', type: 'date', value: f.to, min: f.from }),
    h('button', { type: 'button', class: 'btn', id: 'f-apply', on: { click: () => {
      const from = document.getElementById('f-from').value;
      const to = document.getElementById('f-to').value;
      if (isDay(from) && isDay(to)) set({ period: 'custom', from, to });
    } } }, t('apply')));

  const mk = (kind, id, disabled) => {
    const s = select({ id, disabled, on: { change: (e) => {
      const patch = { [kind]: e.target.value };
      if (kind === 'office') Object.assign(patch, { counter: '', officer: '' });
      set(patch);
    } } }, [['', t(disabled ? 'choose_office_first' : `all_${kind}`)]], '');
    const chosen = f[kind] ? h('option', { value: f[kind], selected: true }, name(kind, f[kind], f.office)) : null;
    if (chosen) s.appendChild(chosen);
    if (!disabled) {
      options(kind, f, ctx.me && ctx.me.offices).then((ids) => {
        if (ctx.stale()) return;
        for (const id of ids) {
          if (id === f[kind]) continue;
          s.appendChild(h('option', { value: id }, name(kind, id, f.office)));
        }
        if (chosen) chosen.textContent = name(kind, f[kind], f.office);
      });
    }
    return s;
  };

  loadCatalogue();
  const channel = select({ id: 'f-channel', on: { change: (e) => set({ channel: e.target.value }) } },
    [['', t('all_channel')], ...CHANNELS.map((c) => [c, channelName(c)])], f.channel);

  const any = f.office || f.field || f.procedure || f.counter || f.officer || f.channel ||
    f.period !== 'month';
  return h('form', { class: 'filters', role: 'search', 'aria-label': t('filters'),
    on: { submit: (e) => e.preventDefault() } },
  field('f-period', 'period', period),
  custom,
  field('f-office', 'office', mk('office', 'f-office', false)),
  field('f-field', 'field', mk('field', 'f-field', false)),
  field('f-procedure', 'procedure', mk('procedure', 'f-procedure', false)),
  field('f-counter', 'counter', mk('counter', 'f-counter', !f.office)),
  field('f-officer', 'officer', mk('officer', 'f-officer', !f.office)),
  field('f-channel', 'channel', channel),
  h('div', { class: 'filter filter-end' },
    h('span', { class: 'range', id: 'f-range' },
      t('range', { from: day(f.from), to: day(f.to), n: daysBetween(f.from, f.to) })),
    any ? h('button', { type: 'button', class: 'btn-link', id: 'f-reset',
      on: { click: () => ctx.go({ period: 'month' }) } }, t('reset_filters')) : null));
}
