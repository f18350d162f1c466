// Where the dashboard is: the route and the filters, both kept in the URL's
// hash (#/overview?period=month&office=phuong-01&counter=q1) so a view can be
// bookmarked, reloaded and shared, and Back goes back a drill-down step.
//
// Periods are whole days in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7, no
// daylight saving), the days the hub's reports are keyed by.

export const FILTER_KEYS = ['period', 'from', 'to', 'office', 'field', 'procedure', 'counter',
  'officer', 'channel'];
export const PERIODS = ['month', 'last_month', 'quarter', 'last_quarter', 'year', 'last_year',
  'days30', 'custom'];
export const CHANNELS = ['button_box', 'touchscreen', 'phone', 'web'];

const VN_OFFSET_MS = 7 * 3600 * 1000;

function pad(n) {
  return String(n).padStart(2, '0');
}

// YYYY-MM-DD of a UTC-based Date that already holds Vietnam's wall time.
function ymd(d) {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function day(y, m, d) {
  return ymd(new Date(Date.UTC(y, m, d)));
}

// Today in Vietnam, as YYYY-MM-DD.
export function todayVn(nowMs = Date.now()) {
  return ymd(new Date(nowMs + VN_OFFSET_MS));
}

// {from, to} of a preset, inclusive, in Vietnam's days.
export function periodRange(period, nowMs = Date.now()) {
  const now = new Date(nowMs + VN_OFFSET_MS);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const q = Math.floor(m / 3) * 3;
  const today = ymd(now);
  switch (period) {
    case 'last_month':
      return { from: day(y, m - 1, 1), to: day(y, m, 0) };
    case 'quarter':
      return { from: day(y, q, 1), to: today };
    case 'last_quarter':
      return { from: day(y, q - 3, 1), to: day(y, q, 0) };
    case 'year':
      return { from: day(y, 0, 1), to: today };
    case 'last_year':
      return { from: day(y - 1, 0, 1), to: day(y - 1, 11, 31) };
    case 'days30':
      return { from: day(y, m, now.getUTCDate() - 29), to: today };
    case 'month':
    default:
      return { from: day(y, m, 1), to: today };
  }
}

export function isDay(s) {
  return /^\d{4}-\d{2}-\d{2}$/.test(s || '') && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

// Days between two YYYY-MM-DD, inclusive.
export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400e3) + 1;
}

// The route and its filters from location.hash.
export function parseHash(hash = window.location.hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const params = new URLSearchParams(query || '');
  const filters = {};
  for (const k of FILTER_KEYS) filters[k] = params.get(k) || '';
  const extra = {};
  for (const [k, v] of params) if (!FILTER_KEYS.includes(k)) extra[k] = v;
  return { route: path || 'overview', filters: normalise(filters), extra };
}

// Fills from/to of a preset (or checks a custom range).
export function normalise(f) {
  const out = { ...f };
  if (!PERIODS.includes(out.period)) out.period = isDay(out.from) && isDay(out.to) ? 'custom' : 'month';
  if (out.period === 'custom') {
    if (!isDay(out.from) || !isDay(out.to)) {
      out.period = 'month';
      Object.assign(out, periodRange('month'));
    } else if (out.to < out.from) {
      [out.from, out.to] = [out.to, out.from];
    }
  } else {
    Object.assign(out, periodRange(out.period));
  }
  if (!CHANNELS.includes(out.channel)) out.channel = '';
  // A counter or an officer belongs to an office.
  if (!out.office) {
    out.counter = '';
    out.officer = '';
  }
  return out;
}

export function buildHash(route, filters, extra) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = filters[k];
    if (!v) continue;
    if ((k === 'from' || k === 'to') && filters.period !== 'custom') continue;
    if (k === 'period' && v === 'month') continue;
    p.set(k, v);
  }
  for (const [k, v] of Object.entries(extra || {})) if (v) p.set(k, v);
  const qs = p.toString();
  return `#/${route}${qs ? `?${qs}` : ''}`;
}

// Drill-down level of the overview, from the filters.
export function level(f) {
  if (!f.office) return 'district';
  if (f.officer) return 'officer';
  if (f.counter) return 'counter';
  return 'office';
}
