// Every text of the dashboard, Vietnamese first, English as a switch, and the
// number and date formats of each language (Vietnamese: 1.234 and 85,3%).
//
//   t(key, params)  -> the text in the current language, {name} filled in
//   setLang('vi'|'en'), lang(), onLang(fn)
//   apply(root)     -> fills [data-i18n] (textContent), [data-i18n-title],
//                      [data-i18n-aria-label], [data-i18n-placeholder]
//   num(n), pct(fraction, digits), day('YYYY-MM-DD'), dateTime(ms|string),
//   ago(ms), duration(seconds)
// A key missing in English falls back to Vietnamese; a key missing in both
// shows the key itself (the browser test checks that none is missing).

import { STRINGS } from './dash-strings.js';

const LANG_KEY = 'hailong.dash.lang';
let current = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
const listeners = [];

export function lang() {
  return current;
}

export function setLang(l) {
  current = l === 'en' ? 'en' : 'vi';
  localStorage.setItem(LANG_KEY, current);
  document.documentElement.lang = current;
  for (const fn of listeners) fn(current);
}

export function onLang(fn) {
  listeners.push(fn);
}

export function has(key) {
  return key in STRINGS.vi;
}

export function t(key, params) {
  let s = STRINGS[current][key];
  if (s === undefined) s = STRINGS.vi[key];
  if (s === undefined) return key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
  }
  return s;
}

export function apply(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}

function locale() {
  return current === 'en' ? 'en-GB' : 'vi-VN';
}

const TZ = 'Asia/Ho_Chi_Minh';

export function num(n) {
  return new Intl.NumberFormat(locale()).format(Number(n) || 0);
}

// A fraction 0..1 as a percentage: 0.8534 -> "85,3%" (vi) / "85.3%" (en).
export function pct(x, digits = 1) {
  const v = Number(x) || 0;
  return `${new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(v * 100)}%`;
}

// 'YYYY-MM-DD' -> "03/02/2025"; 'YYYY-MM' -> "02/2025" (vi) or "Feb 2025" (en).
export function day(s) {
  if (!s) return '';
  const [y, m, d] = s.split('-');
  if (!d) return current === 'en'
    ? new Date(Date.UTC(+y, +m - 1, 1)).toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' })
    : `${m}/${y}`;
  return current === 'en' ? `${d}/${m}/${y}` : `${d}/${m}/${y}`;
}

function toDate(v) {
  if (v === null || v === undefined || v === '' || v === 0) return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
}

// "14:05 03/02/2025" in Vietnam's time.
export function dateTime(v) {
  const d = toDate(v);
  if (!d) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

export function time(v) {
  const d = toDate(v);
  if (!d) return '';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).format(d);
}

// "5 phút trước" / "5 min ago".
export function ago(v, nowMs = Date.now()) {
  const d = toDate(v);
  if (!d) return t('never');
  const s = Math.max(0, Math.round((nowMs - d.getTime()) / 1000));
  if (s < 60) return t('ago_seconds', { n: s });
  if (s < 3600) return t('ago_minutes', { n: Math.floor(s / 60) });
  if (s < 86400) return t('ago_hours', { n: Math.floor(s / 3600) });
  return t('ago_days', { n: Math.floor(s / 86400) });
}

// 3725 -> "1 giờ 2 phút" / "1 h 2 min".
export function duration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return t('dur_seconds', { n: s });
  if (s < 3600) return t('dur_minutes', { n: Math.floor(s / 60) });
  if (s < 86400) return t('dur_hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return t('dur_days', { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

document.documentElement.lang = current;
