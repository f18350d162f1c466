// The printable periodic report (periodic.html): reads the document the hub
// lays out (GET /api/v1/report/periodic, the same model as the hub's PDF)
// and sets it as Decree 30/2020/ND-CP's report form; the browser prints it
// to A4 (periodic.css). The form's fields are the query parameters, kept in
// the page's address so a printed report can be made again. Vietnamese
// first, English as the dashboard's switch (the same stored choice). Every
// text from the server goes in through textContent (dash-dom.js).
import { $, fill, h } from './dash-dom.js';

const LANG_KEY = 'hailong.dash.lang';
const TEXT = {
  vi: {
    period: 'Kỳ báo cáo', office: 'Đơn vị', number: 'Số', date: 'Ngày ký', place: 'Địa danh',
    recipient: 'Kính gửi', signer_title: 'Chức vụ người ký', signer_name: 'Người ký',
    show: 'Xem', print: 'In', pdf: 'Tải PDF', back: 'Bảng điều khiển', lang: 'English',
    loading: 'Đang lập báo cáo…', signin: 'Cần đăng nhập ở bảng điều khiển trước khi xem báo cáo.',
    failed: 'Không lập được báo cáo: ',
  },
  en: {
    period: 'Period', office: 'Office', number: 'No.', date: 'Signed on', place: 'Place',
    recipient: 'To', signer_title: "Signer's title", signer_name: 'Signer',
    show: 'Show', print: 'Print', pdf: 'Download PDF', back: 'Dashboard', lang: 'Tiếng Việt',
    loading: 'Making the report…', signin: 'Sign in on the dashboard first.',
    failed: 'The report could not be made: ',
  },
};
let current = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
const t = (k) => TEXT[current][k];

function params() {
  const p = new URLSearchParams(window.location.search);
  for (const [k, v] of [...p.entries()]) if (v === '') p.delete(k);
  p.set('lang', current);
  return p;
}

function chrome() {
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  $('pr-lang').textContent = t('lang');
  const p = new URLSearchParams(window.location.search);
  for (const el of $('pr-form').elements) {
    if (el.name && p.has(el.name)) el.value = p.get(el.name);
  }
  $('pr-pdf').href = `/api/v1/report/periodic.pdf?${params()}`;
}

const lines = (cls, text) => (text ? h('div', { class: cls }, text) : null);

function table(tb) {
  const head = h('thead', null,
    h('tr', null, h('th', { rowspan: 2, class: 'label' }, tb.row_label),
      tb.figures.map((f) => h('th', { colspan: 2 }, f))),
    h('tr', null, tb.figures.map(() => [h('th', null, tb.current_label), h('th', null, tb.previous_label)])));
  const body = h('tbody', null, tb.rows.map((r) => h('tr', { class: r.total ? 'total' : null },
    h('td', { class: 'label' }, r.label), r.cells.map((c) => h('td', null, c)))));
  return [h('p', { class: 'caption' }, tb.caption), h('table', { class: 'figures' }, head, body)];
}

function render(d) {
  const doc = $('doc');
  fill(doc,
    h('table', { class: 'doc-head' }, h('tbody', null, h('tr', null,
      h('td', { class: 'left' }, lines('parent-body', d.parent_body), lines('issuer', d.issuer),
        d.issuer ? h('span', { class: 'rule' }) : null, h('div', { class: 'number' }, d.number_line)),
      h('td', { class: 'right' }, h('div', { class: 'nation' }, d.nation),
        h('div', { class: 'motto' }, d.motto), h('span', { class: 'rule' }),
        h('div', { class: 'place-date' }, d.place_date))))),
    h('p', { class: 'doc-title' }, d.title),
    h('p', { class: 'doc-subject' }, d.subject),
    h('span', { class: 'rule' }),
    h('p', { class: 'recipient' }, d.recipient_line),
    d.paragraphs.map((p) => h('p', { class: 'para' }, p)),
    d.tables.map(table),
    d.notes.map((p) => h('p', { class: 'note' }, p)),
    h('table', { class: 'signature' }, h('tbody', null, h('tr', null,
      h('td', { class: 'copies' }, h('div', { class: 'copies-label' }, d.copies_label),
        d.copies_to.map((c) => h('div', null, c))),
      h('td', { class: 'signer' }, lines('', d.signer_authority), lines('', d.signer_title),
        h('div', { class: 'sign-space' }), lines('', d.signer_name))))));
  doc.hidden = false;
  document.title = d.file_title;
}

async function load() {
  chrome();
  const status = $('pr-status');
  status.textContent = t('loading');
  try {
    const res = await fetch(`/api/v1/report/periodic?${params()}`, {
      credentials: 'same-origin', headers: { Accept: 'application/json', 'Accept-Language': current },
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) {
      status.textContent = t('signin');
      return;
    }
    if (!res.ok) {
      status.textContent = t('failed') + (body.error || res.status);
      return;
    }
    render(body.document);
    status.textContent = '';
    document.body.dataset.ready = 'true';
  } catch (e) {
    status.textContent = t('failed') + e.message;
  }
}

$('pr-print').addEventListener('click', () => window.print());
$('pr-lang').addEventListener('click', () => {
  current = current === 'en' ? 'vi' : 'en';
  localStorage.setItem(LANG_KEY, current);
  load();
});
load();
