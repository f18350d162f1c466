// The trend chart: satisfaction rate (line, left axis, with the target as a
// dashed line) and the number of ratings (bars, right axis) per day or
// month. Chart.js comes from the npm registry (hub/web/node_modules, served
// by the hub at /assets/vendor/chart.umd.min.js); if it cannot be loaded the
// same figures are shown as a table. The table is always there too, folded,
// for screen readers and for copying.

import { h } from './dash-dom.js';
import { day, num, pct, t } from './dash-i18n.js';

export const CHART_URL = '/assets/vendor/chart.umd.min.js';
let loading = null;

export function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = CHART_URL;
      s.onload = () => resolve(window.Chart || null);
      s.onerror = () => resolve(null);
      document.head.appendChild(s);
    });
  }
  return loading;
}

function table(rows, group) {
  return h('table', { class: 'data compact', id: 'trend-table' },
    h('caption', { class: 'sr-only' }, t('trend_title')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t(group === 'month' ? 'month' : 'day')),
      h('th', { scope: 'col', class: 'num' }, t('ratings')),
      h('th', { scope: 'col', class: 'num' }, t('satisfaction_rate')),
      h('th', { scope: 'col', class: 'num' }, t('participation_rate')))),
    h('tbody', null, rows.map((r) => h('tr', null,
      h('td', null, day(r[group])),
      h('td', { class: 'num' }, num(r.ratings)),
      h('td', { class: 'num' }, r.ratings ? pct(r.satisfaction_rate) : '—'),
      h('td', { class: 'num' }, r.dossiers ? pct(r.participation_rate) : '—')))));
}

// Fills `box` with the trend of `rows` (group "day" or "month"). Returns a
// function that frees the chart.
export async function trendChart(box, rows, group, target, isStale) {
  const details = h('details', { class: 'trend-table' },
    h('summary', null, t('show_as_table')), table(rows, group));
  if (!rows.length) {
    box.appendChild(h('p', { class: 'empty' }, t('no_data_period')));
    return () => {};
  }
  const Chart = await loadChartJs();
  if (isStale()) return () => {};
  if (!Chart) {
    box.appendChild(h('p', { class: 'note' }, t('chart_unavailable')));
    details.open = true;
    box.appendChild(details);
    return () => {};
  }
  const canvas = h('canvas', { id: 'trend-canvas', role: 'img', 'aria-label': t('trend_aria') });
  box.appendChild(h('div', { class: 'chart-wrap' }, canvas));
  box.appendChild(details);
  const labels = rows.map((r) => day(r[group]));
  const chart = new Chart(canvas, {
    data: {
      labels,
      datasets: [
        {
          type: 'line', label: t('satisfaction_rate'), yAxisID: 'rate', borderColor: '#0b6e4f',
          backgroundColor: '#0b6e4f', borderWidth: 3, pointRadius: rows.length > 60 ? 0 : 3,
          data: rows.map((r) => (r.ratings ? +(r.satisfaction_rate * 100).toFixed(2) : null)),
          spanGaps: true, order: 1,
        },
        {
          type: 'line', label: t('participation_rate'), yAxisID: 'rate', borderColor: '#1f5fa8',
          backgroundColor: '#1f5fa8', borderWidth: 2, pointRadius: 0, borderDash: [2, 3],
          data: rows.map((r) => (r.dossiers ? +(r.participation_rate * 100).toFixed(2) : null)),
          spanGaps: true, order: 2, hidden: !rows.some((r) => r.dossiers),
        },
        {
          type: 'line', label: t('target_satisfaction_line', { p: pct(target, 0) }), yAxisID: 'rate',
          borderColor: '#b3261e', borderWidth: 1.5, borderDash: [6, 4], pointRadius: 0,
          data: rows.map(() => target * 100), order: 3,
        },
        {
          type: 'bar', label: t('ratings'), yAxisID: 'count', backgroundColor: 'rgba(120,120,120,0.28)',
          maxBarThickness: 48,
          data: rows.map((r) => r.ratings), order: 4,
        },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { labels: { font: { size: 14 } } },
        tooltip: { callbacks: { label: (c) => (c.dataset.yAxisID === 'count'
          ? `${c.dataset.label}: ${num(c.parsed.y)}`
          : `${c.dataset.label}: ${pct(c.parsed.y / 100)}`) } },
      },
      scales: {
        x: { ticks: { font: { size: 13 }, maxRotation: 0, autoSkip: true } },
        rate: { position: 'left', min: 0, max: 100, ticks: { callback: (v) => `${v}%`, font: { size: 13 } } },
        count: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
          ticks: { precision: 0, font: { size: 13 } } },
      },
    },
  });
  return () => chart.destroy();
}
