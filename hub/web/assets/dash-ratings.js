// Ratings and comments (#/ratings): by default the unsatisfied ratings of
// the period, newest first, with the citizen's comment and call-back number
// for the roles allowed to see them (viewers get neither: the hub leaves
// them out; an erased comment says so: replication/doc/personal_data.md).
// A comment is the citizen's own text and is only ever put in the page as
// text. Also the compact list the overview shows at a counter or an
// officer.

import { api } from './dash-api.js';
import { fill, h, select } from './dash-dom.js';
import { dateTime, lang, t } from './dash-i18n.js';
import { filterBar, channelName } from './dash-filters.js';
import { counterLabel, name } from './dash-names.js';

const CLASSES = ['unsatisfied', 'neutral', 'satisfied', 'all'];
const PAGE = 50;
const MAX = 1000;

// ---- templates: labels of criteria and options ----------------------------
let templates = null;
function loadTemplates() {
  if (!templates) {
    templates = api.get('/templates').then((b) => {
      const list = Array.isArray(b) ? b : (b && b.templates) || [];
      return new Map(list.map((tpl) => [tpl.id, tpl]));
    }, () => new Map());
  }
  return templates;
}

function label(thing) {
  if (!thing) return '';
  if (lang() === 'en' && thing.label_en) return thing.label_en;
  return thing.label || thing.id || '';
}

// ---- the hub's answer, in one shape ---------------------------------------
function pick(r, ...keys) {
  for (const k of keys) if (r[k] !== undefined && r[k] !== null && r[k] !== '') return r[k];
  return '';
}

export function normaliseRating(r) {
  let answers = r.answers || [];
  if (!Array.isArray(answers)) answers = Object.entries(answers).map(([criterion, option]) => ({ criterion, option }));
  return {
    raw: r,
    id: pick(r, 'id', 'rating_id'),
    origin: pick(r, 'origin', 'rating_origin'),
    seq: pick(r, 'seq', 'rating_seq'),
    at: pick(r, 'at', 'time', 'time_ms', 'device_time_ms', 'edge_time_ms'),
    office: pick(r, 'office', 'office_id'),
    counter: pick(r, 'counter'),
    officer: pick(r, 'officer'),
    officer_name: pick(r, 'officer_name'),
    channel: pick(r, 'channel'),
    template: pick(r, 'template', 'template_id'),
    classification: pick(r, 'classification') || 'unclassified',
    answers,
    comment: typeof r.comment === 'string' ? r.comment : '',
    phone: typeof r.phone === 'string' ? r.phone : '',
    dossier: pick(r, 'dossier'),
    procedure: pick(r, 'procedure'),
    field: pick(r, 'field'),
    // The hub opens follow-up "fu-<origin>-<seq>" for an unsatisfied rating
    // that left a comment or a phone number.
    follow_up: pick(r, 'follow_up', 'follow_up_id') ||
      (r.classification === 'unsatisfied' && (r.has_comment || r.has_phone) && r.origin && r.seq
        ? `fu-${r.origin}-${r.seq}` : ''),
    comment_state: pick(r, 'comment_state'),
    has_comment: !!(r.has_comment || r.comment),
    has_phone: !!(r.has_phone || r.phone),
    misuse: !!(r.misuse || r.suspected_misuse),
    voided: !!r.voided,
    excluded: !!(r.excluded || r.misuse || r.suspected_misuse || r.voided),
  };
}

// GET /api/v1/ratings (newest first, at most `limit`, 1000 at most) ->
// {ratings: [normalised], more: true when the limit was reached}. The hub
// filters by office, counter, officer, channel, classification and
// has_comment; field and procedure are filtered here.
export async function fetchRatings(params) {
  const q = { ...params };
  const local = {};
  for (const k of ['field', 'procedure']) {
    if (q[k]) local[k] = q[k];
    delete q[k];
  }
  const body = await api.get('/ratings', q);
  const list = Array.isArray(body) ? body : (body && (body.ratings || body.rows)) || [];
  const limit = Number(q.limit) || 100;
  const ratings = list.map(normaliseRating)
    .filter((r) => Object.entries(local).every(([k, v]) => r[k] === v));
  return { ratings, more: list.length >= limit, personal: !!(body && body.personal_data) };
}

// ---- rendering ------------------------------------------------------------
function answersLine(r, tpls) {
  const tpl = tpls.get(r.template);
  return h('ul', { class: 'answers' }, r.answers.map((a) => {
    const c = tpl && (tpl.criteria || []).find((x) => x.id === a.criterion);
    const o = c && (c.options || []).find((x) => x.id === a.option);
    const pol = o && o.polarity ? o.polarity : '';
    const crit = c ? label(c) : a.criterion;
    return h('li', { class: pol && `pol-${pol}` }, h('span', { class: 'crit' }, crit), /[?:.!]$/.test(crit) ? ' ' : ': ',
      h('strong', null, o ? label(o) : a.option));
  }));
}

export function ratingItem(r, ctx, tpls) {
  const where = [name('office', r.office), counterLabel(r.counter, r.office),
    r.officer ? (r.officer_name || name('officer', r.officer, r.office)) : t('no_officer'),
    channelName(r.channel)].filter(Boolean).join(' · ');
  return h('li', { class: ['rating', `cls-${r.classification}`], data: { id: r.id, origin: r.origin, seq: r.seq } },
    h('div', { class: 'rating-head' },
      h('span', { class: ['badge', `b-${r.classification}`] }, t(r.classification)),
      h('time', { class: 'when' }, dateTime(r.at)),
      h('span', { class: 'where' }, where)),
    r.answers.length ? answersLine(r, tpls) : null,
    r.comment ? h('blockquote', { class: 'comment', lang: 'vi' }, r.comment)
      : (r.has_comment && !ctx.me.personal_data ? h('p', { class: 'muted' }, t('comment_hidden'))
        : (r.comment_state === 'erased' || r.comment_state === 'pending'
          ? h('p', { class: 'muted comment-state' }, t(`comment_${r.comment_state}`)) : null)),
    h('div', { class: 'rating-foot' },
      r.dossier ? h('span', null, t('dossier_n', { n: r.dossier })) : null,
      r.procedure ? h('span', null, `${t('procedure')}: ${name('procedure', r.procedure, r.office)}`) : null,
      r.phone ? h('span', { class: 'phone' }, `${t('phone')}: `, h('a', { href: `tel:${r.phone}` }, r.phone)) : null,
      r.follow_up ? h('a', { href: ctx.href({}, { id: r.follow_up }, 'followups') }, t('open_follow_up')) : null,
      r.excluded ? h('span', { class: 'muted' }, t(r.voided ? 'voided' : 'misuse')) : null),
    ctx.me.role === 'admin' && !r.voided && r.origin && r.seq ? voidForm(r, ctx) : null);
}

// Admins void a rating (a correction: it stays in the log but leaves every
// figure), with a reason.
function voidForm(r, ctx) {
  const err = h('span', { class: 'form-error', role: 'alert', hidden: true });
  const reason = h('input', { type: 'text', maxlength: 500, required: true, class: 'void-reason',
    'aria-label': t('void_reason') , placeholder: t('void_reason') });
  return h('details', { class: 'void' },
    h('summary', null, t('void_rating')),
    h('form', { class: 'void-form', on: { submit: async (e) => {
      e.preventDefault();
      if (!reason.value.trim()) return;
      err.hidden = true;
      try {
        await api.post(`/ratings/${encodeURIComponent(r.origin)}/${encodeURIComponent(r.seq)}/void`,
          { reason: reason.value.trim() });
        ctx.toast(t('void_done'));
        ctx.refresh();
      } catch (ex) {
        err.textContent = ctx.errorText(ex);
        err.hidden = false;
      }
    } } }, reason, h('button', { type: 'submit', class: 'btn-small' }, t('void_go')), err));
}

export function ratingList(ratings, ctx, opts = {}) {
  if (!ratings.length) return h('p', { class: 'empty' }, t(opts.emptyKey || 'no_ratings'));
  const list = h('ol', { class: ['ratings', opts.compact && 'compact'], id: opts.id || null });
  loadTemplates().then((tpls) => {
    for (const r of ratings) list.appendChild(ratingItem(r, ctx, tpls));
  });
  return list;
}

export async function render(ctx) {
  const f = ctx.filters;
  const cls = CLASSES.includes(ctx.extra.cls) ? ctx.extra.cls : 'unsatisfied';
  const onlyComments = ctx.extra.comments === '1';
  const personal = ctx.me.personal_data !== false && ctx.me.role !== 'viewer';
  const box = h('div', { id: 'ratings-box', 'aria-live': 'polite' }, h('p', { class: 'loading' }, t('loading')));
  const more = h('div', { class: 'more' });
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('ratings_title'))),
    filterBar(ctx),
    h('div', { class: 'toolbar' },
      h('label', { for: 'r-class' }, t('classification')),
      select({ id: 'r-class', on: { change: (e) => ctx.go(f, { ...ctx.extra, cls: e.target.value }) } },
        CLASSES.map((c) => [c, t(c === 'all' ? 'all_classifications' : c)]), cls),
      personal ? h('label', { class: 'check' },
        h('input', { type: 'checkbox', id: 'r-comments', checked: onlyComments,
          on: { change: (e) => ctx.go(f, { ...ctx.extra, comments: e.target.checked ? '1' : '' }) } }),
        ` ${t('only_with_comment')}`) : null),
    personal ? null : h('p', { class: 'note', role: 'note' }, t('viewer_no_personal')),
    box, more);

  const params = { from: f.from, to: f.to };
  for (const k of ['office', 'counter', 'officer', 'field', 'procedure', 'channel']) if (f[k]) params[k] = f[k];
  if (cls !== 'all') params.classification = cls;
  if (onlyComments) params.has_comment = 'true';
  let limit = PAGE;

  const load = async () => {
    const res = await fetchRatings({ ...params, limit });
    if (ctx.stale()) return;
    fill(box, h('p', { class: 'count', id: 'ratings-count' }, t(res.more ? 'ratings_shown_more' : 'ratings_shown', { n: res.ratings.length })),
      ratingList(res.ratings, ctx, { id: 'ratings-list' }));
    fill(more, res.more && limit < MAX ? h('button', { type: 'button', class: 'btn', id: 'r-more',
      on: { click: () => {
        limit = Math.min(MAX, limit + PAGE * 2);
        load().catch((e) => fill(more, ctx.errorBox(e)));
      } } }, t('load_more')) : null);
  };
  const first = () => load().catch((e) => { if (!ctx.stale()) fill(box, ctx.errorBox(e)); });
  ctx.onRefresh(first);
  await first();
}
