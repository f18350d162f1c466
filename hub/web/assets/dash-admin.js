// Administration (#/admin, admins only): the catalogue (offices, counters,
// officers with a photo, fields, procedures), the CSV import of fields and
// procedures, survey templates, and the audit log. Every change is a
// configuration event in the hub's log that the edges pull.

import { api } from './dash-api.js';
import { fill, h, select } from './dash-dom.js';
import { dateTime, lang, num, t } from './dash-i18n.js';
import { loadCatalogue, name } from './dash-names.js';

const TABS = ['catalogue', 'import', 'templates', 'audit'];
const KINDS = ['office', 'counter', 'officer', 'field', 'procedure'];
// Attributes offered per kind (free "key=value" lines are accepted too).
const ATTRS = { counter: ['template'], officer: ['photo', 'title'], procedure: ['field', 'level'] };

function errorLine() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

function showError(el, ctx, e) {
  el.textContent = ctx.errorText(e);
  el.hidden = false;
}

function parseAttrs(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

// ---- catalogue -------------------------------------------------------------
async function catalogueTab(ctx, box) {
  const kind = KINDS.includes(ctx.extra.kind) ? ctx.extra.kind : 'office';
  const list = h('div', { id: 'cat-list' }, h('p', { class: 'loading' }, t('loading')));
  const err = errorLine();
  const form = h('form', { class: 'admin-form', id: 'cat-form', on: { submit: async (e) => {
    e.preventDefault();
    err.hidden = true;
    const v = (id) => form.querySelector(id).value.trim();
    const body = { kind: v('#cat-kind'), id: v('#cat-id'), name: v('#cat-name'), office: v('#cat-office'),
      retired: form.querySelector('#cat-retired').checked, attributes: parseAttrs(form.querySelector('#cat-attrs').value) };
    try {
      await api.post('/catalogue', body);
      ctx.toast(t('saved'));
      await loadCatalogue(true);
      form.reset();
      await loadList();
    } catch (ex) {
      showError(err, ctx, ex);
    }
  } } },
  h('h2', null, t('cat_edit_title')),
  h('div', { class: 'form-grid' },
    h('label', { for: 'cat-kind' }, t('cat_kind')),
    select({ id: 'cat-kind' }, KINDS.map((k) => [k, t(`kind_${k}`)]), kind),
    h('label', { for: 'cat-id' }, t('cat_id')),
    h('input', { id: 'cat-id', required: true, maxlength: 64, pattern: '[^\\s/\\\\]+', autocomplete: 'off' }),
    h('label', { for: 'cat-name' }, t('cat_name')),
    h('input', { id: 'cat-name', maxlength: 512 }),
    h('label', { for: 'cat-office' }, t('cat_office')),
    h('input', { id: 'cat-office', maxlength: 64, placeholder: t('cat_office_hint') }),
    h('label', { for: 'cat-attrs' }, t('cat_attrs')),
    h('textarea', { id: 'cat-attrs', rows: 3, placeholder: t('cat_attrs_hint', { keys: (ATTRS[kind] || []).join(', ') || 'key' }) }),
    h('span', null),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'cat-retired' }), ` ${t('cat_retired')}`)),
  err,
  h('button', { type: 'submit', class: 'btn btn-primary' }, t('save')));

  const loadList = async () => {
    try {
      const body = await api.get('/catalogue', { kind });
      if (ctx.stale()) return;
      const entries = (body.entries || []).sort((a, b) => (a.office + a.id).localeCompare(b.office + b.id, 'vi'));
      fill(list, entries.length ? h('table', { class: 'data compact', id: 'cat-table' },
        h('thead', null, h('tr', null, ['cat_id', 'cat_name', 'cat_office', 'cat_attrs', 'cat_updated', '']
          .map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
        h('tbody', null, entries.map((e) => h('tr', { class: e.retired && 'retired', data: { id: e.id } },
          h('td', null, e.id), h('td', null, e.name, e.retired ? h('span', { class: 'muted' }, ` (${t('cat_retired')})`) : null),
          h('td', null, e.office ? name('office', e.office) : t('district_wide')),
          h('td', null, Object.entries(e.attributes || {}).map(([k, v]) => h('div', null, `${k} = ${v}`))),
          h('td', null, dateTime(e.updated_ms)),
          h('td', null, h('button', { type: 'button', class: 'btn-link', on: { click: () => {
            form.querySelector('#cat-kind').value = e.kind || kind;
            form.querySelector('#cat-id').value = e.id;
            form.querySelector('#cat-name').value = e.name || '';
            form.querySelector('#cat-office').value = e.office || '';
            form.querySelector('#cat-attrs').value = Object.entries(e.attributes || {}).map(([k, v]) => `${k}=${v}`).join('\n');
            form.querySelector('#cat-retired').checked = !!e.retired;
            form.querySelector('#cat-name').focus();
          } } }, t('edit'))))))) : h('p', { class: 'empty' }, t('cat_none')));
    } catch (e) {
      if (!ctx.stale()) fill(list, ctx.errorBox(e));
    }
  };
  fill(box,
    h('div', { class: 'seg', role: 'group', 'aria-label': t('cat_kind') },
      KINDS.map((k) => h('a', { class: 'seg-btn', href: ctx.href({}, { tab: 'catalogue', kind: k }),
        'aria-current': k === kind ? 'true' : null }, t(`kind_${k}s`)))),
    h('div', { class: 'admin-cols' }, list, form));
  await loadList();
}

// ---- CSV import -------------------------------------------------------------
function importTab(ctx, box) {
  const err = errorLine();
  const result = h('p', { class: 'ok-text', role: 'status', id: 'import-result' });
  const text = h('textarea', { id: 'import-text', rows: 10, spellcheck: 'false',
    placeholder: 'field_code,field_name,procedure_code,procedure_name,level' });
  const file = h('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv', on: { change: async () => {
    const f = file.files[0];
    if (f) text.value = await f.text();
  } } });
  const office = h('input', { id: 'import-office', maxlength: 64, placeholder: t('cat_office_hint') });
  fill(box, h('form', { class: 'admin-form wide', id: 'import-form', on: { submit: async (e) => {
    e.preventDefault();
    err.hidden = true;
    result.textContent = '';
    if (!text.value.trim()) return;
    try {
      const r = await api.sendText('/catalogue/import', text.value, 'text/csv; charset=utf-8',
        { office: office.value.trim() });
      result.textContent = t('import_done', { fields: num(r.fields), procedures: num(r.procedures) });
      await loadCatalogue(true);
    } catch (ex) {
      showError(err, ctx, ex);
    }
  } } },
  h('h2', null, t('import_title')),
  h('p', null, t('import_help')),
  h('pre', { class: 'sample' }, 'field_code,field_name,procedure_code,procedure_name,level\nHT,Hộ tịch,HT-01,Đăng ký khai sinh,xã'),
  h('div', { class: 'form-grid' },
    h('label', { for: 'import-file' }, t('import_file')), file,
    h('label', { for: 'import-office' }, t('cat_office')), office,
    h('label', { for: 'import-text' }, t('import_text')), text),
  err, result,
  h('button', { type: 'submit', class: 'btn btn-primary' }, t('import_go'))));
}

// ---- templates ----------------------------------------------------------------
// A starting point for a new template (the Hà Nội 2014 two-level style).
const EXAMPLE_TEMPLATE = {
  id: 'mau-moi',
  name: 'Phiếu đánh giá hai mức',
  name_en: 'Two-level rating',
  rule: 'all_positive',
  allow_comment: true,
  allow_phone: true,
  criteria: [
    { id: 'attitude', label: 'Thái độ của cán bộ', label_en: 'The officer\'s attitude',
      options: [
        { id: 'satisfied', label: 'Hài lòng', label_en: 'Satisfied', polarity: 'positive' },
        { id: 'unsatisfied', label: 'Không hài lòng', label_en: 'Not satisfied', polarity: 'negative' }] },
    { id: 'time', label: 'Thời gian giải quyết', label_en: 'Processing time',
      options: [
        { id: 'satisfied', label: 'Hài lòng', label_en: 'Satisfied', polarity: 'positive' },
        { id: 'unsatisfied', label: 'Không hài lòng', label_en: 'Not satisfied', polarity: 'negative' }] },
  ],
};

function templateView(tpl) {
  const en = lang() === 'en';
  return h('div', { class: 'tpl' },
    h('h3', null, (en && tpl.name_en) || tpl.name, ' ', h('span', { class: 'muted' }, `${tpl.id} · v${tpl.version} · ${t(`rule_${tpl.rule}`)}`)),
    h('ol', null, (tpl.criteria || []).map((c) => h('li', null, (en && c.label_en) || c.label,
      h('ul', { class: 'opts' }, (c.options || []).map((o) => h('li', { class: `pol-${o.polarity}` },
        (en && o.label_en) || o.label, ` (${t(`polarity_${o.polarity}`)})`)))))));
}

async function templatesTab(ctx, box) {
  const err = errorLine();
  const editor = h('textarea', { id: 'tpl-json', rows: 16, spellcheck: 'false', class: 'code' });
  const list = h('div', { id: 'tpl-list' }, h('p', { class: 'loading' }, t('loading')));
  const load = async () => {
    try {
      const body = await api.get('/templates');
      if (ctx.stale()) return;
      const tpls = body.templates || [];
      fill(list, tpls.length ? tpls.map((tpl) => h('div', { class: 'tpl-item' }, templateView(tpl),
        h('button', { type: 'button', class: 'btn-link', on: { click: () => {
          const copy = { ...tpl };
          delete copy.version;
          delete copy.published_ms;
          editor.value = JSON.stringify(copy, null, 2);
          editor.focus();
        } } }, t('tpl_edit')))) : h('p', { class: 'empty' }, t('tpl_none')));
    } catch (e) {
      if (!ctx.stale()) fill(list, ctx.errorBox(e));
    }
  };
  fill(box, h('div', { class: 'admin-cols' }, list,
    h('form', { class: 'admin-form', id: 'tpl-form', on: { submit: async (e) => {
      e.preventDefault();
      err.hidden = true;
      let body;
      try {
        body = JSON.parse(editor.value);
      } catch {
        err.textContent = t('tpl_bad_json');
        err.hidden = false;
        return;
      }
      try {
        const r = await api.post('/templates', body);
        ctx.toast(t('tpl_published', { id: r.id, version: r.version }));
        await load();
      } catch (ex) {
        showError(err, ctx, ex);
      }
    } } },
    h('h2', null, t('tpl_publish_title')),
    h('p', null, t('tpl_help')),
    h('div', null, h('button', { type: 'button', class: 'btn-link', id: 'tpl-example', on: { click: () => {
      editor.value = JSON.stringify(EXAMPLE_TEMPLATE, null, 2);
      editor.focus();
    } } }, t('tpl_example'))),
    h('label', { for: 'tpl-json' }, t('tpl_json')), editor, err,
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('tpl_publish')))));
  await load();
}

// ---- audit -----------------------------------------------------------------
async function auditTab(ctx, box) {
  fill(box, h('p', { class: 'loading' }, t('loading')));
  try {
    const body = await api.get('/audit', { from: ctx.filters.from, to: ctx.filters.to });
    if (ctx.stale()) return;
    const entries = (body.entries || []).slice().reverse();
    fill(box, h('p', { class: 'lead' }, t('audit_lead', { from: ctx.filters.from, to: ctx.filters.to })),
      entries.length ? h('table', { class: 'data compact', id: 'audit-table' },
        h('thead', null, h('tr', null, ['audit_at', 'audit_user', 'audit_role', 'audit_address', 'audit_action', 'audit_target']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, entries.map((e) => h('tr', null, h('td', null, dateTime(e.at)), h('td', null, e.user),
          h('td', null, t(`role_${e.role}`)), h('td', null, e.address), h('td', null, e.action), h('td', null, e.target)))))
        : h('p', { class: 'empty' }, t('audit_none')));
  } catch (e) {
    if (!ctx.stale()) fill(box, ctx.errorBox(e));
  }
}

export async function render(ctx) {
  if (ctx.me.role !== 'admin') {
    fill(ctx.main, h('h1', { id: 'page-title' }, t('admin_title')), h('p', { class: 'note' }, t('admin_only')));
    return;
  }
  const tab = TABS.includes(ctx.extra.tab) ? ctx.extra.tab : 'catalogue';
  const box = h('div', { id: `admin-${tab}` });
  fill(ctx.main,
    h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('admin_title'))),
    h('nav', { class: 'tabs', 'aria-label': t('admin_title') },
      TABS.map((k) => h('a', { href: ctx.href({}, { tab: k }), id: `admin-tab-${k}`, class: 'tab',
        'aria-current': k === tab ? 'page' : null }, t(`admin_${k}`)))),
    box);
  if (tab === 'catalogue') await catalogueTab(ctx, box);
  else if (tab === 'import') importTab(ctx, box);
  else if (tab === 'templates') await templatesTab(ctx, box);
  else await auditTab(ctx, box);
}
