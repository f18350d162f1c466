// The public results page (/ket-qua, /ket-qua/{office}): what a citizen
// sees from an office's QR poster. Reads GET /public/v1/results; shows the
// district's offices side by side (this month and last month) or one
// office month by month. Vietnamese first, English as a switch; no cookie,
// no sign-in, no personal data (the hub sends aggregates of offices only).
(function () {
  'use strict';

  var STRINGS = {
    vi: {
      heading_district: 'Kết quả đánh giá sự hài lòng',
      heading_office: 'Kết quả đánh giá sự hài lòng: {name}',
      loading: 'Đang tải kết quả…',
      failed: 'Không tải được kết quả. Vui lòng thử lại sau.',
      not_found: 'Không tìm thấy đơn vị này.',
      this_month: 'Tháng {month}',
      ratings: 'Lượt đánh giá',
      satisfaction: 'Tỷ lệ hài lòng',
      participation: 'Tỷ lệ tham gia đánh giá',
      on_time: 'Hồ sơ trả đúng hạn',
      d766: 'Chỉ số hài lòng (Quyết định 766)',
      target: 'chỉ tiêu: trên {pct}',
      met: 'đạt chỉ tiêu',
      not_met: 'chưa đạt chỉ tiêu',
      offices_title: 'Các đơn vị: tháng {current} và tháng {previous}',
      months_title: 'Từng tháng',
      office: 'Đơn vị',
      month: 'Tháng',
      previous: 'Hài lòng tháng trước',
      none: '—',
      note: 'Số liệu tổng hợp từ đánh giá của người dân tại Bộ phận Một cửa, cập nhật lúc {time}. ' +
            'Tỷ lệ hài lòng = số đánh giá hài lòng / tổng số đánh giá; ' +
            'không có dữ liệu cá nhân nào được công bố.',
      lang_switch: 'English'
    },
    en: {
      heading_district: 'Citizen satisfaction results',
      heading_office: 'Citizen satisfaction results: {name}',
      loading: 'Loading the results…',
      failed: 'The results could not be loaded. Please try again later.',
      not_found: 'No such office.',
      this_month: 'Month {month}',
      ratings: 'Ratings',
      satisfaction: 'Satisfaction rate',
      participation: 'Participation rate',
      on_time: 'Dossiers returned on time',
      d766: 'Satisfaction index (Decision 766)',
      target: 'target: above {pct}',
      met: 'target met',
      not_met: 'target not met',
      offices_title: 'Offices: {current} and {previous}',
      months_title: 'Month by month',
      office: 'Office',
      month: 'Month',
      previous: 'Satisfaction last month',
      none: '—',
      note: 'Figures from citizens\u2019 ratings at the one-stop office, updated {time}. ' +
            'Satisfaction rate = satisfied ratings / all ratings; no personal data is published.',
      lang_switch: 'Tiếng Việt'
    }
  };

  var params = new URLSearchParams(window.location.search);
  var lang = params.get('lang') === 'en' ? 'en' : 'vi';
  var doc = null;
  var status = 'loading';
  var match = /^\/ket-qua\/([A-Za-z0-9_.-]{1,64})\/?$/.exec(window.location.pathname);
  var office = match ? match[1] : '';

  function $(id) { return document.getElementById(id); }
  function t(key, p) {
    var s = STRINGS[lang][key];
    if (s === undefined) s = STRINGS.vi[key];
    return s.replace(/\{(\w+)\}/g, function (_, k) { return p && p[k] !== undefined ? p[k] : ''; });
  }
  function num(n) { return Number(n || 0).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US'); }
  function pct(f) {
    if (f === null || f === undefined) return t('none');
    return (f * 100).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US',
                                    { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + ' %';
  }
  // A rate only when it divides something: no dossiers is "—", not 0 %.
  function rate(f, key) {
    var base = { satisfaction_rate: 'ratings', participation_rate: 'dossiers',
                 decision766_rate: 'dossiers', on_time_rate: 'returned' }[key];
    return f && f[base] > 0 ? f[key] : null;
  }
  function month(m) {  // "2026-11" -> "11/2026"
    return m ? m.slice(5, 7) + '/' + m.slice(0, 4) : '';
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function row(cells, header) {
    var tr = el('tr');
    cells.forEach(function (c) {
      var cell = el(header ? 'th' : 'td');
      if (c instanceof Node) cell.appendChild(c); else cell.textContent = c;
      tr.appendChild(cell);
    });
    return tr;
  }

  // A card: a figure, its name, and against its target when it has one
  // ("trên 80 %": strictly above).
  function card(key, value, rate, target) {
    var c = el('div', undefined, 'pub-card');
    c.appendChild(el('div', value, 'v'));
    c.appendChild(el('div', t(key), 'k'));
    if (target !== undefined && rate !== null && rate !== undefined) {
      var met = rate > target;
      c.className += met ? ' good' : ' bad';
      c.appendChild(el('div', t('target', { pct: pct(target) }) + ' — ' + t(met ? 'met' : 'not_met'), 'k'));
    }
    c.setAttribute('data-figure', key);
    return c;
  }

  function renderSummary(figures, label, targets) {
    var s = $('pub-summary');
    s.textContent = '';
    s.appendChild(el('h2', label)).style.gridColumn = '1 / -1';
    if (!figures) figures = {};
    s.appendChild(card('ratings', num(figures.ratings)));
    var sat = rate(figures, 'satisfaction_rate');
    var part = rate(figures, 'participation_rate');
    s.appendChild(card('satisfaction', pct(sat), sat, targets && targets.satisfaction));
    s.appendChild(card('participation', pct(part), part, targets && targets.participation));
    s.appendChild(card('d766', pct(rate(figures, 'decision766_rate'))));
    s.hidden = false;
  }

  function renderMonths() {
    var table = $('pub-months-table');
    table.textContent = '';
    table.appendChild(row([t('month'), t('ratings'), t('satisfaction'), t('participation'),
                           t('on_time'), t('d766')], true));
    doc.months.slice().reverse().forEach(function (m) {
      var tr = row([month(m.month), num(m.ratings), pct(rate(m, 'satisfaction_rate')),
                    pct(rate(m, 'participation_rate')), pct(rate(m, 'on_time_rate')),
                    pct(rate(m, 'decision766_rate'))]);
      tr.setAttribute('data-month', m.month);
      table.appendChild(tr);
    });
    $('pub-months-title').textContent = t('months_title');
    $('pub-months').hidden = false;
  }

  function renderOffices() {
    var table = $('pub-offices-table');
    table.textContent = '';
    table.appendChild(row([t('office'), t('ratings'), t('satisfaction'), t('previous'),
                           t('participation'), t('d766')], true));
    doc.offices.forEach(function (o) {
      var a = el('a', o.name || o.id);
      a.href = '/ket-qua/' + encodeURIComponent(o.id) + (lang === 'en' ? '?lang=en' : '');
      var cur = o.current;
      var tr = row([a, num(cur ? cur.ratings : 0), pct(rate(cur, 'satisfaction_rate')),
                    pct(rate(o.previous, 'satisfaction_rate')), pct(rate(cur, 'participation_rate')),
                    pct(rate(cur, 'decision766_rate'))]);
      tr.setAttribute('data-office', o.id);
      table.appendChild(tr);
    });
    $('pub-offices-title').textContent =
        t('offices_title', { current: month(doc.current_month), previous: month(doc.previous_month) });
    $('pub-offices').hidden = false;
  }

  function render() {
    document.documentElement.lang = lang;
    $('pub-lang').textContent = t('lang_switch');
    var name = doc && doc.office ? (doc.office.name || doc.office.id) : office;
    var heading = office ? t('heading_office', { name: name }) : t('heading_district');
    $('pub-heading').textContent = heading;
    document.title = heading;
    $('pub-title').textContent = doc ? doc.title || '' : '';
    $('pub-status').textContent = status === 'ok' ? '' : t(status);
    if (!doc) return;
    var last = doc.months.length ? doc.months[doc.months.length - 1] : null;
    var currentMonth = doc.to.slice(0, 7);
    renderSummary(last && last.month === currentMonth ? last : null,
                  t('this_month', { month: month(currentMonth) }), doc.targets);
    if (doc.offices) renderOffices();
    renderMonths();
    $('pub-note').textContent =
        t('note', { time: new Date(doc.generated_at).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US',
                                                                     { timeZone: 'Asia/Ho_Chi_Minh' }) });
  }

  $('pub-lang').addEventListener('click', function () {
    lang = lang === 'vi' ? 'en' : 'vi';
    render();
  });

  render();
  var url = '/public/v1/results' + (office ? '?office=' + encodeURIComponent(office) : '');
  fetch(url, { credentials: 'omit' }).then(function (res) {
    if (res.status === 404) { status = 'not_found'; render(); return null; }
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return res.json();
  }).then(function (body) {
    if (!body) return;
    doc = body;
    status = 'ok';
    render();
  }).catch(function () {
    status = 'failed';
    render();
  });
})();
