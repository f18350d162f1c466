// A dossier's review (#/dossier?office=p1&receipt=R1; Hà Nội: "rà soát
// từng hồ sơ"): its timeline from GET /api/v1/dossiers/{office}/{receipt}
// (received, ratings, follow-ups, returned, overdue, complaints) and why
// Decision 766 counts it unsatisfied; and, for managers of the office and
// admins, the form that records a complaint that came another way (letter,
// hotline, portal, in person: POST /api/v1/complaints). Viewers get the
// same timeline without personal text (the hub leaves it out).

import { api } from './dash-api.js';
import { fill, h, select } from './dash-dom.js';
import { dateTime, lang, t } from './dash-i18n.js';

const S = {
  vi: {
    lead: 'Xem lại từng hồ sơ theo số biên nhận: tiếp nhận, đánh giá, xử lý phản ánh, trả kết quả, khiếu nại; và lý do hồ sơ bị tính "không hài lòng" theo Quyết định 766/QĐ-TTg.',
    office: 'Đơn vị', receipt: 'Số biên nhận', show: 'Xem hồ sơ',
    status_pending: 'Đang giải quyết', status_returned: 'Đã trả kết quả',
    due: 'Hạn trả', none: '—', steps: 'Diễn biến hồ sơ', at: 'Thời điểm', what: 'Sự việc', detail: 'Chi tiết',
    k_received: 'Tiếp nhận', k_rating: 'Đánh giá', k_follow_up: 'Xử lý phản ánh', k_returned: 'Trả kết quả',
    k_overdue: 'Quá hạn', k_complaint: 'Khiếu nại, phản ánh',
    on_time: 'đúng hạn', late: 'trễ hạn',
    ok766: 'Hồ sơ được tính là hài lòng theo QĐ 766.',
    bad766: 'Hồ sơ bị tính là không hài lòng theo QĐ 766: ',
    r_rated_unsatisfied_or_complained: 'có đánh giá không hài lòng hoặc bị phản ánh',
    r_complaint_recorded: 'có khiếu nại được ghi nhận', r_returned_late: 'trả kết quả trễ hạn',
    r_pending_past_due: 'đang giải quyết đã quá hạn',
    form_title: 'Ghi nhận khiếu nại về hồ sơ', channel: 'Kênh tiếp nhận', received_at: 'Ngày nhận',
    note: 'Nội dung (được mã hoá)', record: 'Ghi nhận', recorded: 'Đã ghi nhận khiếu nại.',
    c_letter: 'Đơn, thư', c_hotline: 'Đường dây nóng', c_portal: 'Cổng dịch vụ công', c_in_person: 'Trực tiếp', c_other: 'Khác',
    by: 'người ghi', note_hidden: 'có nội dung (chỉ lãnh đạo, quản lý được xem)',
  },
  en: {
    lead: 'Review one dossier by its receipt number: received, ratings, follow-ups, returned, complaints; and why Decision 766 counts it unsatisfied.',
    office: 'Office', receipt: 'Receipt number', show: 'Show dossier',
    status_pending: 'Pending', status_returned: 'Returned',
    due: 'Due', none: '—', steps: 'Timeline', at: 'Time', what: 'Event', detail: 'Detail',
    k_received: 'Received', k_rating: 'Rating', k_follow_up: 'Follow-up', k_returned: 'Returned',
    k_overdue: 'Overdue', k_complaint: 'Complaint',
    on_time: 'on time', late: 'late',
    ok766: 'The dossier counts as satisfied under Decision 766.',
    bad766: 'The dossier counts as unsatisfied under Decision 766: ',
    r_rated_unsatisfied_or_complained: 'rated unsatisfied or complained about',
    r_complaint_recorded: 'a complaint was recorded', r_returned_late: 'returned late',
    r_pending_past_due: 'pending past its due time',
    form_title: 'Record a complaint about a dossier', channel: 'Received by', received_at: 'Received on',
    note: 'What it says (stored encrypted)', record: 'Record', recorded: 'Complaint recorded.',
    c_letter: 'Letter', c_hotline: 'Hotline', c_portal: 'Public-service portal', c_in_person: 'In person', c_other: 'Other',
    by: 'recorded by', note_hidden: 'has a note (managers only)',
  },
};
const s = (k) => (S[lang()] || S.vi)[k] || S.vi[k] || k;
const CHANNELS = ['letter', 'hotline', 'portal', 'in_person', 'other'];

function stepDetail(step) {
  switch (step.kind) {
    case 'received':
      return [step.counter, step.officer, step.procedure, step.due ? `${s('due')} ${dateTime(step.due)}` : null]
        .filter(Boolean).join(' · ');
    case 'rating': {
      const r = step.rating || {};
      const answers = Object.entries(r.answers || {}).map(([c, o]) => `${c}: ${o}`).join(', ');
      return [r.classification, answers, r.channel, r.comment || null].filter(Boolean).join(' · ');
    }
    case 'follow_up': {
      const f = step.follow_up || {};
      return [f.status, f.assignee, f.resolution || null].filter(Boolean).join(' · ');
    }
    case 'returned':
      return step.on_time ? s('on_time') : s('late');
    case 'complaint': {
      const c = step.complaint || {};
      const note = c.note !== undefined ? c.note : (c.has_note ? s('note_hidden') : null);
      return [s(`c_${c.channel}`), `${s('by')} ${c.by}`, note].filter(Boolean).join(' · ');
    }
    default:
      return '';
  }
}

function timeline(d) {
  const reasons = d.decision766_reasons || [];
  return h('section', { id: 'dossier-timeline', data: { receipt: d.receipt } },
    h('h2', null, `${d.receipt} — ${d.status === 'returned' ? s('status_returned') : s('status_pending')}`),
    h('p', { id: 'dossier-766', class: reasons.length ? 'warn' : 'muted', data: { unsatisfied: reasons.length > 0 } },
      reasons.length ? s('bad766') + reasons.map((r) => s(`r_${r}`)).join('; ') + '.' : s('ok766')),
    h('table', { class: 'data', id: 'dossier-steps' },
      h('caption', { class: 'sr-only' }, s('steps')),
      h('thead', null, h('tr', null, ['at', 'what', 'detail'].map((k) => h('th', { scope: 'col' }, s(k))))),
      h('tbody', null, (d.steps || []).map((st) => h('tr', { data: { kind: st.kind } },
        h('td', { class: 'nowrap' }, dateTime(st.at)),
        h('td', null, s(`k_${st.kind}`)),
        h('td', null, stepDetail(st)))))));
}

export async function render(ctx) {
  const offices = ctx.me.offices && ctx.me.offices[0] !== '*' ? ctx.me.offices : [];
  const office = h('input', { id: 'dossier-office', required: true, maxlength: 64, autocomplete: 'off',
    value: ctx.extra.office || ctx.filters.office || offices[0] || '' });
  const receipt = h('input', { id: 'dossier-receipt', required: true, maxlength: 128, autocomplete: 'off',
    value: ctx.extra.receipt || '' });
  const out = h('div', { id: 'dossier-out' });
  const show = async () => {
    if (!office.value.trim() || !receipt.value.trim()) return;
    try {
      const d = await api.get(`/dossiers/${encodeURIComponent(office.value.trim())}/${encodeURIComponent(receipt.value.trim())}`);
      if (!ctx.stale()) fill(out, timeline(d));
    } catch (e) {
      if (!ctx.stale()) fill(out, ctx.errorBox(e));
    }
  };
  const search = h('form', { class: 'admin-form wide', id: 'dossier-search', on: { submit: (e) => {
    e.preventDefault();
    show();
  } } },
  h('div', { class: 'form-grid' },
    h('label', { for: 'dossier-office' }, s('office')), office,
    h('label', { for: 'dossier-receipt' }, s('receipt')), receipt),
  h('button', { type: 'submit', class: 'btn btn-primary' }, s('show')));

  let complaintForm = null;
  if (ctx.me.role !== 'viewer') {
    const channel = select({ id: 'complaint-channel' }, CHANNELS.map((c) => [c, s(`c_${c}`)]), 'letter');
    const when = h('input', { id: 'complaint-received', type: 'date' });
    const note = h('textarea', { id: 'complaint-note', rows: 3, maxlength: 8000 });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const done = h('p', { id: 'complaint-result', role: 'status' });
    complaintForm = h('form', { class: 'admin-form wide', id: 'complaint-form', on: { submit: async (e) => {
      e.preventDefault();
      err.hidden = true;
      done.textContent = '';
      if (!office.value.trim() || !receipt.value.trim()) return;
      try {
        await api.post('/complaints', { office: office.value.trim(), dossier: receipt.value.trim(),
          channel: channel.value, received_at: when.value || undefined, note: note.value.trim() || undefined });
        done.textContent = s('recorded');
        note.value = '';
        await show();
      } catch (ex) {
        err.textContent = ctx.errorText(ex);
        err.hidden = false;
      }
    } } },
    h('h2', null, s('form_title')),
    h('div', { class: 'form-grid' },
      h('label', { for: 'complaint-channel' }, s('channel')), channel,
      h('label', { for: 'complaint-received' }, s('received_at')), when,
      h('label', { for: 'complaint-note' }, s('note')), note),
    err, done,
    h('button', { type: 'submit', class: 'btn' }, s('record')));
  }
  fill(ctx.main, h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('nav_dossier'))),
    h('p', { class: 'lead' }, s('lead')), search, out, complaintForm);
  ctx.onRefresh(show);
  await show();
}
