// Report figures: fetching GET /api/v1/report, adding rows up and the rates
// computed the same way as the hub (hub/include/hailong/hub/report.h):
// satisfaction = satisfied / ratings with a Wilson 95% interval,
// participation = rated dossiers / dossiers (also at intake, at return and
// ratings / visits), Decision 766 = (dossiers -
// unsatisfied dossiers) / dossiers, on time = returned on time / returned.

import { api } from './dash-api.js';

export const COUNTS = ['ratings', 'satisfied', 'neutral', 'unsatisfied', 'unclassified', 'excluded',
  'with_comment', 'with_phone', 'dossiers', 'rated_dossiers', 'unsatisfied_dossiers', 'returned',
  'returned_on_time', 'intake_rated_dossiers', 'return_rated_dossiers', 'visits'];

export const DEFAULT_TARGETS = { satisfaction: 0.8, participation: 0.4 };
// Fewer ratings than this: the rate is shown as uncertain.
export const FEW_RATINGS = 30;

export function wilson(successes, n, z = 1.959963984540054) {
  if (!n) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const rate = (a, b) => (b > 0 ? a / b : 0);

// Rates of a row of counts (fills the fields the hub would have sent).
export function withRates(row) {
  const r = { ...row };
  for (const k of COUNTS) r[k] = Number(r[k]) || 0;
  const ci = wilson(r.satisfied, r.ratings);
  r.satisfaction_rate = rate(r.satisfied, r.ratings);
  r.satisfaction_ci_low = ci.low;
  r.satisfaction_ci_high = ci.high;
  r.participation_rate = rate(r.rated_dossiers, r.dossiers);
  r.on_time_rate = rate(r.returned_on_time, r.returned);
  // By stage and by visits (hub/src/report_participation.md).
  r.participation_intake_rate = rate(r.intake_rated_dossiers, r.dossiers);
  r.participation_return_rate = rate(r.return_rated_dossiers, r.returned);
  r.participation_visit_rate = rate(r.ratings, r.visits);
  r.decision766_rate = rate(r.dossiers - r.unsatisfied_dossiers, r.dossiers);
  return r;
}

export function sumRows(rows) {
  const total = {};
  for (const k of COUNTS) total[k] = 0;
  for (const row of rows) for (const k of COUNTS) total[k] += Number(row[k]) || 0;
  return withRates(total);
}

// The hub's own numbers when it sent them, else computed.
export function ensureRates(row) {
  if (row && typeof row.satisfaction_rate === 'number' && typeof row.satisfaction_ci_low === 'number') {
    return { ...withRates(row), ...row };
  }
  return withRates(row || {});
}

const cache = new Map();
const CACHE_MS = 15000;

// GET /api/v1/report, cached for a few seconds per query (the filter bar and
// the overview ask for the same groupings). `fresh` skips the cache.
export async function report(params, fresh = false) {
  const key = JSON.stringify(params);
  const hit = cache.get(key);
  if (!fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.promise;
  const promise = api.get('/report', params);
  cache.set(key, { at: Date.now(), promise });
  promise.catch(() => cache.delete(key));
  return promise;
}

export function forgetReports() {
  cache.clear();
}

// True when the hub says it applied `key`=`value` to the report (it echoes
// its filters at the top level or under "filters").
export function serverApplied(resp, key, value) {
  if (!value) return true;
  if (!resp) return false;
  const echo = resp.filters && typeof resp.filters === 'object' ? resp.filters[key] : resp[key];
  if (Array.isArray(echo)) return echo.includes(value);
  return echo === value;
}

// The key of a row in a grouping ("office", "counter", ...).
export function rowKey(row, group) {
  if (group === 'office') return row.office ?? row.key ?? '';
  return row[group] ?? row.key ?? '';
}
