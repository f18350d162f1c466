// Follow-ups (#/followups): every unsatisfied rating that left a comment or a
// phone number opens one at the hub. A manager assigns it, notes what was
// done (called back, written explanation, apology, minutes, or a plain
// note) and closes it with the outcome, as Gia Lâm does; each step is an
// event in the hub's log. Open follow-ups older than the hub's deadline are
// overdue and stand out. Viewers read the list without the notes' text.

import { api } from './dash-api.js';
import { fill, h, select } from './dash-dom.js';
import { dateTime, ago, num, t } from './dash-i18n.js';
import { counterLabel, name } from './dash-names.js';
import { normaliseRating, ratingItem } from './dash-ratings.js';

const STATUSES = ['open', 'overdue', 'closed', 'all'];
export const NOTE_ACTIONS = ['called_back', 'written_explanation', 'apology', 'minutes', 'note'];

// The hub's reason codes for opening a follow-up.
function reasonText(code) {
  if (!code) return '';
  const key = `fu_reason_${code}`;
  const text = t(key);
  return text === key ? code : text;
}

function statusBadge(fu) {
  if (fu.status === 'closed') return h('span', { class: 'badge b-closed' }, t('fu_closed'));
  if (fu.overdue) return h('span', { class: 'badge b-overdue' }, t('fu_overdue'));
  return h('span', { class: 'badge b-open' }, t('fu_open'));
}

function timeline(fu) {
  const items = [h('li', null, h('time', null, dateTime(fu.opened_at || fu.opened_ms)), ' — ',
    t('fu_opened_event'), fu.reason ? `: ${reasonText(fu.reason)}` : '')];
  for (const n of fu.notes || []) {
    items.push(h('li', { class: `note-${n.action}` },
      h('time', null, dateTime(n.at || n.at_ms)), ' — ',
      h('strong', null, t(`fu_action_${n.action}`)),
      n.author ? ` (${n.author})` : '',
      n.assignee ? ` → ${n.assignee}` : '',
      n.note ? h('div', { class: 'note-text' }, n.note) : null));
  }
  if (fu.status === 'closed') {
    items.push(h('li', { class: 'note-closed' }, h('time', null, dateTime(fu.closed_at || fu.closed_ms)), ' — ',
      h('strong', null, t('fu_closed_event')), fu.closed_by ? ` (${fu.closed_by})` : '',
      fu.resolution ? h('div', { class: 'note-text' }, fu.resolution) : null));
  }
  return h('ol', { class: 'timeline', id: 'fu-timeline' }, items);
}

function actionForms(fu, ctx, done) {
  const err = h('p', { class: 'form-error', role: 'alert', id: 'fu-error', hidden: true });
  const run = async (action, body, form) => {
    err.hidden = true;
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const updated = await api.post(`/follow-ups/${encodeURIComponent(fu.id)}/${action}`, body);
      ctx.toast(t(`fu_done_${action}`));
      done(updated);
    } catch (e) {
      err.textContent = ctx.errorText(e);
      err.hidden = false;
      btn.disabled = false;
    }
  };
  const assign = h('form', { class: 'fu-form', id: 'fu-assign-form', on: { submit: (e) => {
    e.preventDefault();
    const assignee = e.target.querySelector('#fu-assignee').value.trim();
    if (!assignee) return;
    run('assign', { assignee }, e.target);
  } } },
  h('label', { for: 'fu-assignee' }, t('fu_assign_to')),
  h('input', { id: 'fu-assignee', type: 'text', maxlength: 100, value: fu.assignee || '', required: true,
    autocomplete: 'off' }),
  h('button', { type: 'submit', class: 'btn' }, t('fu_assign')));
  const note = h('form', { class: 'fu-form', id: 'fu-note-form', on: { submit: (e) => {
    e.preventDefault();
    const text = e.target.querySelector('#fu-note').value.trim();
    if (!text) return;
    run('note', { action: e.target.querySelector('#fu-action').value, note: text }, e.target);
  } } },
  h('label', { for: 'fu-action' }, t('fu_what_done')),
  select({ id: 'fu-action' }, NOTE_ACTIONS.map((a) => [a, t(`fu_action_${a}`)]), 'called_back'),
  h('label', { for: 'fu-note' }, t('fu_note')),
  h('textarea', { id: 'fu-note', rows: 3, maxlength: 8000, required: true }),
  h('button', { type: 'submit', class: 'btn' }, t('fu_add_note')));
  const close = h('form', { class: 'fu-form', id: 'fu-close-form', on: { submit: (e) => {
    e.preventDefault();
    const text = e.target.querySelector('#fu-resolution').value.trim();
    if (!text) return;
    run('close', { resolution: text }, e.target);
  } } },
  h('label', { for: 'fu-resolution' }, t('fu_resolution')),
  h('textarea', { id: 'fu-resolution', rows: 2, maxlength: 8000, required: true }),
  h('button', { type: 'submit', class: 'btn btn-primary' }, t('fu_close')));
  return h('div', { class: 'fu-actions' }, err, assign, note, close);
}

function detail(fu, ctx, onChange) {
  const rating = fu.rating ? normaliseRating(fu.rating) : null;
  const canAct = ctx.me.role !== 'viewer' && fu.status !== 'closed';
  return h('article', { class: ['fu-detail', fu.overdue && 'overdue'], id: 'fu-detail', data: { id: fu.id },
    'aria-labelledby': 'fu-detail-title' },
  h('h2', { id: 'fu-detail-title' }, t('fu_detail_title', { office: name('office', fu.office) }), ' ', statusBadge(fu)),
  h('dl', { class: 'facts' },
    h('dt', null, t('fu_opened')), h('dd', null, dateTime(fu.opened_at || fu.opened_ms), ` (${ago(fu.opened_at || fu.opened_ms)})`),
    h('dt', null, t('fu_due')), h('dd', { class: fu.overdue ? 'overdue-text' : null }, dateTime(fu.due_at)),
    h('dt', null, t('fu_assignee')), h('dd', { id: 'fu-assignee-value' }, fu.assignee || t('fu_unassigned'))),
  rating ? h('ol', { class: 'ratings' }, ratingItem({ ...rating, follow_up: '' }, ctx, new Map())) : null,
  h('h3', null, t('fu_history')),
  timeline(fu),
  canAct ? actionForms(fu, ctx, onChange) : null);
}

export async function render(ctx) {
  const status = STATUSES.includes(ctx.extra.status) ? ctx.extra.status : 'open';
  const office = ctx.filters.office;
  const selected = ctx.extra.id || '';
  const summary = h('p', { class: 'summary', id: 'fu-summary' });
  const listBox = h('div', { class: 'fu-list', id: 'fu-list-box' }, h('p', { class: 'loading' }, t('loading')));
  const detailBox = h('div', { class: 'fu-detail-box', id: 'fu-detail-box' });
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('followups_title'))),
    h('div', { class: 'toolbar' },
      h('div', { class: 'seg', role: 'group', 'aria-label': t('fu_status') },
        STATUSES.map((s) => h('a', { class: 'seg-btn', id: `fu-status-${s}`, href: ctx.href({}, { status: s }),
          'aria-current': s === status ? 'true' : null }, t(`fu_status_${s}`)))),
      summary,
      selected ? null : h('p', { class: 'muted hint' }, t('fu_pick'))),
    h('div', { class: ['split-view', !selected && 'no-detail'] }, listBox, detailBox));

  const onChange = (updated) => {
    if (updated && updated.id) fill(detailBox, detail(updated, ctx, onChange));
    all();
  };
  const showDetail = async (id) => {
    if (!id) return;
    try {
      const fu = await api.get(`/follow-ups/${encodeURIComponent(id)}`);
      if (ctx.stale()) return;
      fill(detailBox, detail(fu, ctx, onChange));
    } catch (e) {
      if (!ctx.stale()) fill(detailBox, ctx.errorBox(e));
    }
  };

  const load = async () => {
    const params = { status };
    if (office) params.office = office;
    const body = await api.get('/follow-ups', params);
    if (ctx.stale()) return;
    const list = body.follow_ups || [];
    summary.textContent = t('fu_summary', { open: num(body.open || 0), overdue: num(body.overdue || 0) });
    if (!list.length) {
      fill(listBox, h('p', { class: 'empty' }, t('fu_none')));
    } else {
      fill(listBox, h('table', { class: 'data', id: 'fu-table' },
        h('caption', { class: 'sr-only' }, t('followups_title')),
        h('thead', null, h('tr', null, ['fu_opened', 'fu_where', 'fu_reason', 'fu_assignee', 'fu_status']
          .map((k) => h('th', { scope: 'col', class: (k === 'fu_where' || k === 'fu_assignee') && 'col-opt' }, t(k))))),
        h('tbody', null, list.map((fu) => {
          const r = fu.rating ? normaliseRating(fu.rating) : null;
          const text = (r && r.comment) || (r && r.phone ? `${t('phone')}: ${r.phone}` : '') || reasonText(fu.reason);
          return h('tr', { class: [fu.overdue && 'overdue', fu.id === selected && 'selected'], data: { id: fu.id } },
            h('td', { class: 'nowrap' }, h('a', { href: ctx.href({}, { status, id: fu.id }), class: 'fu-link' },
              dateTime(fu.opened_at || fu.opened_ms))),
            h('td', { class: 'col-opt' }, name('office', fu.office),
              r && r.counter ? h('div', { class: 'muted' }, counterLabel(r.counter, fu.office)) : null),
            h('td', { class: 'reason' }, text.length > 140 ? `${text.slice(0, 140)}…` : text),
            h('td', { class: 'col-opt' }, fu.assignee || '—'),
            h('td', { class: 'nowrap' }, statusBadge(fu),
              fu.status !== 'closed' ? h('div', { class: fu.overdue ? 'overdue-text' : 'muted' },
                t('fu_due_short', { when: dateTime(fu.due_at) })) : null));
        }))));
    }
  };
  const all = async () => {
    try {
      await load();
    } catch (e) {
      if (!ctx.stale()) fill(listBox, ctx.errorBox(e));
    }
  };
  // A live update does not rebuild a form someone is typing in.
  ctx.onRefresh(async () => {
    await all();
    const active = document.activeElement;
    if (!(active && detailBox.contains(active) && /INPUT|TEXTAREA|SELECT/.test(active.tagName))) {
      await showDetail(selected);
    }
  });
  await Promise.all([all(), showDetail(selected)]);
}
