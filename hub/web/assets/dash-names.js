// Names of offices, counters, officers, fields and procedures: learnt from
// the catalogue (GET /api/v1/catalogue, when the user may read it) and from
// every report row that carries a "name". Ids are shown where no name is
// known. Counters, officers, fields and procedures are per office (two
// offices' "q1" are two counters); an entry without an office is the
// district-wide one, used where the office has none of its own.

import { api } from './dash-api.js';
import { t } from './dash-i18n.js';

const KINDS = ['office', 'counter', 'officer', 'field', 'procedure'];
const names = Object.fromEntries(KINDS.map((k) => [k, new Map()]));
let entries = [];  // catalogue entries as the hub sent them
let loaded = null;

function key(kind, id, office) {
  return kind === 'office' ? id : `${office || ''}|${id}`;
}

// kind -> id -> the names the offices' own entries give it (a district view
// names an id by them only when they agree).
const perOffice = Object.fromEntries(KINDS.map((k) => [k, new Map()]));

export function learn(kind, id, office, name) {
  if (!KINDS.includes(kind) || !id || !name) return;
  names[kind].set(key(kind, id, office), name);
  if (kind !== 'office' && office) {
    const m = perOffice[kind];
    if (!m.has(id)) m.set(id, new Map());
    m.get(id).set(office, name);
  }
}

// The one name every office gives `id`, else undefined.
function agreedName(kind, id) {
  const byOffice = perOffice[kind] && perOffice[kind].get(id);
  if (!byOffice) return undefined;
  const distinct = new Set(byOffice.values());
  return distinct.size === 1 ? [...distinct][0] : undefined;
}

export function learnRows(rows, group) {
  for (const r of rows || []) {
    if (group === 'office') learn('office', r.office, '', r.name);
    // Field and procedure rows sum over offices: their names come from the catalogue.
    else if (KINDS.includes(group) && r.office) learn(group, r[group], r.office, r.name);
  }
}

export function name(kind, id, office) {
  if (kind === 'officer' && !id) return t('no_officer');
  if (!id) return t('unknown');
  const m = names[kind];
  if (!m) return id;
  // An office sees its own entry, else the district-wide one; the district
  // view the district-wide one, else the name the offices agree on.
  return m.get(key(kind, id, office)) || m.get(key(kind, id, '')) ||
    (office ? undefined : agreedName(kind, id)) || id;
}

// Normalises the catalogue answer: {"entries":[...]} or {"offices":[...],
// "counters":[...], ...} or a plain array, each entry {kind?, id, name, office}.
function flatten(body) {
  if (!body) return [];
  if (Array.isArray(body)) return body;
  if (Array.isArray(body.entries)) return body.entries;
  const out = [];
  for (const k of KINDS) {
    const list = body[`${k}s`] || body[k];
    if (Array.isArray(list)) for (const e of list) out.push({ kind: k, ...e });
  }
  return out;
}

export function loadCatalogue(force = false) {
  if (loaded && !force) return loaded;
  loaded = api.get('/catalogue').then((body) => {
    entries = flatten(body);
    for (const e of entries) learn(e.kind, e.id, e.office, e.name);
    return entries;
  }, () => {
    entries = [];
    return entries;
  });
  return loaded;
}

export function catalogue(kind, office) {
  return entries.filter((e) => e.kind === kind && !e.retired &&
    (!office || !e.office || e.office === office));
}

// "Quầy 1 — Hộ tịch" from the catalogue, else "Quầy q1".
export function counterLabel(id, office) {
  const n = name('counter', id, office);
  return n === id ? `${t('counter')} ${id}` : n;
}
