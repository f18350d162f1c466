// Hài Lòng phone survey, served at /s/{office}/{counter}[?r=receipt] (the QR
// code at the counter or on the receipt). All criteria of the counter's
// template on one scrolling page, an optional comment (at most 2,000
// characters) and an optional phone number for a call-back, each only when
// the template allows it (allow_comment, allow_phone: the edge and the hub
// refuse them otherwise), the phone number only with the citizen's consent
// ("consent": true and HL.CONSENT_VERSION, the consent text shown). Ratings go through HL.Outbox (channel "phone"):
// kept in localStorage and resent with the same id until the edge answers.
(function () {
  'use strict';
  var HL = window.HL;
  var i18n = HL.i18n;
  var t = i18n.t;

  var params = new URLSearchParams(window.location.search);
  var parts = window.location.pathname.split('/').filter(Boolean);
  var office = parts[0] === 's' && parts[1] ? decodeURIComponent(parts[1]) : '';
  var counter = params.get('counter') ||
      (parts[0] === 's' && parts[2] ? decodeURIComponent(parts[2]) : '');
  var receipt = (params.get('r') || '').trim().slice(0, 64);
  var MAX_COMMENT = 2000;
  var SESSION_KEY = 'hailong.survey.session.' + office + '.' + counter;

  var $ = function (id) { return document.getElementById(id); };
  var outbox = new HL.Outbox('hailong.survey.outbox.v1');

  var state = {
    screen: 'loading',
    session: null,
    counterName: '',
    answers: {},
    missing: {},
    error: '',
    online: true,
    thanks: { state: 'sending', error: '' },
  };

  var SCREENS = ['loading', 'unknown', 'form', 'thanks'];
  function show(name) {
    state.screen = name;
    SCREENS.forEach(function (s) { $('screen-' + s).hidden = s !== name; });
    render();
    window.scrollTo(0, 0);
  }

  function render() {
    i18n.apply(document);
    document.title = t('page_title_survey');
    var name = state.counterName || counter;
    $('counter-name').textContent = t('counter_name', { name: name });
    $('net').hidden = state.online && outbox.pending() === 0;
    $('net').textContent = state.online ? t('pending_n', { n: outbox.pending() }) :
                                          t('offline_banner');
    if (state.screen === 'unknown') {
      $('unknown-title').textContent = t('unknown_counter_title', { counter: counter });
    } else if (state.screen === 'form') {
      renderForm();
    } else if (state.screen === 'thanks') {
      renderThanks();
    }
  }

  function renderForm() {
    var s = state.session;
    $('intro').textContent = t('survey_intro', {
      place: t('survey_place_counter', { name: state.counterName || counter }),
    });
    $('officer-line').hidden = !(s && s.officer);
    if (s && s.officer) $('officer-line').textContent = t('survey_officer', { name: s.officer.name || s.officer.id });
    $('dossier').hidden = !receipt;
    $('dossier').textContent = t('dossier_label', { receipt: receipt });
    $('comment-field').hidden = !s.template.allow_comment;
    $('phone-field').hidden = !s.template.allow_phone;
    renderCriteria();
    updateCount();
    $('form-error').hidden = !state.error;
    $('form-error').textContent = state.error ? t(state.error) : '';
  }

  function renderCriteria() {
    var box = $('criteria');
    box.textContent = '';
    var tpl = state.session.template;
    tpl.criteria.forEach(function (c, i) {
      var fs = document.createElement('fieldset');
      fs.className = 'criterion' + (state.missing[c.id] ? ' missing' : '');
      fs.setAttribute('data-criterion', c.id);
      var lg = document.createElement('legend');
      lg.textContent = (i + 1) + '. ' + i18n.label(c);
      fs.appendChild(lg);
      var opts = document.createElement('div');
      opts.className = 'options';
      opts.setAttribute('role', 'radiogroup');
      c.options.forEach(function (o) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'option ' + (o.polarity || 'neutral');
        b.setAttribute('role', 'radio');
        b.setAttribute('data-option', o.id);
        var chosen = state.answers[c.id] === o.id;
        b.setAttribute('aria-checked', chosen ? 'true' : 'false');
        if (chosen) b.classList.add('chosen');
        b.appendChild(HL.face(o.polarity, 40));
        var span = document.createElement('span');
        span.textContent = i18n.label(o);
        b.appendChild(span);
        b.addEventListener('click', function () {
          state.answers[c.id] = o.id;
          delete state.missing[c.id];
          if (state.error === 'missing_answers' && !Object.keys(state.missing).length) state.error = '';
          updateChoices();
        });
        opts.appendChild(b);
      });
      fs.appendChild(opts);
      box.appendChild(fs);
    });
  }

  // Marks the chosen options and missing criteria without rebuilding the
  // form (keeps focus and scroll position on the phone).
  function updateChoices() {
    var sets = document.querySelectorAll('#criteria fieldset');
    Array.prototype.forEach.call(sets, function (fs) {
      var id = fs.getAttribute('data-criterion');
      fs.classList.toggle('missing', !!state.missing[id]);
      Array.prototype.forEach.call(fs.querySelectorAll('.option'), function (b) {
        var chosen = state.answers[id] === b.getAttribute('data-option');
        b.classList.toggle('chosen', chosen);
        b.setAttribute('aria-checked', chosen ? 'true' : 'false');
      });
    });
    $('form-error').hidden = !state.error;
    $('form-error').textContent = state.error ? t(state.error) : '';
  }

  function updateCount() {
    var n = $('comment').value.length;
    $('comment-count').textContent = t('chars_used', { n: n, max: MAX_COMMENT });
  }

  // Vietnamese mobile numbers: 10 digits from 0, or +84 / 84 and 9 digits.
  function normalisePhone(raw) {
    var p = String(raw || '').replace(/[\s.\-()]/g, '');
    if (!p) return '';
    if (/^\+84\d{9}$/.test(p)) return '0' + p.slice(3);
    if (/^84\d{9}$/.test(p)) return '0' + p.slice(2);
    if (/^0\d{9}$/.test(p)) return p;
    return null;
  }

  function submit(ev) {
    ev.preventDefault();
    var tpl = state.session.template;
    state.missing = {};
    tpl.criteria.forEach(function (c) {
      if (!state.answers[c.id]) state.missing[c.id] = true;
    });
    state.error = '';
    var phone = tpl.allow_phone ? normalisePhone($('phone').value) : '';
    if (Object.keys(state.missing).length) state.error = 'missing_answers';
    else if (phone === null) state.error = 'phone_invalid';
    else if (phone && !$('consent').checked) state.error = 'consent_needed';
    if (state.error) {
      render();
      var first = document.querySelector('.criterion.missing') || $('form-error');
      if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center' });
      return;
    }
    var rating = {
      id: HL.newId(),
      counter: counter,
      template: tpl.id,
      answers: state.answers,
      at: new Date().toISOString(),
      channel: 'phone',
    };
    if (receipt) rating.dossier = receipt;
    var comment = tpl.allow_comment ?
        $('comment').value.normalize('NFC').trim().slice(0, MAX_COMMENT) : '';
    if (comment) rating.comment = comment;
    if (phone) {
      rating.phone = phone;
      rating.consent = true;
      rating.consent_version = HL.CONSENT_VERSION;
    }
    state.thanks = { state: 'sending', error: '', id: rating.id };
    show('thanks');
    outbox.add(rating).then(function (res) {
      if (state.thanks.id !== rating.id) return;
      state.thanks.state = res.state;
      state.thanks.error = res.error || '';
      if (state.screen === 'thanks') render();
    });
  }

  function renderThanks() {
    var th = state.thanks;
    var icon = $('thanks-icon');
    icon.textContent = '';
    icon.className = 'thanks-icon ' + th.state;
    icon.appendChild(th.state === 'rejected' ? HL.alertMark(96) :
                     th.state === 'queued' ? HL.clockMark(96) : HL.checkMark(96));
    var title = $('thanks-title');
    title.textContent = th.state === 'rejected' ? t('sorry_title') : t('thanks_title');
    title.className = 'thanks-title ' + th.state;
    var s = $('thanks-status');
    s.className = 'status ' + th.state;
    s.textContent = t(th.state === 'queued' && th.error ? 'queued_later' : th.state);
    // A rejection says why; so does a rating the edge will take only later (429).
    $('thanks-reason').hidden = (th.state !== 'rejected' && th.state !== 'queued') || !th.error;
    $('thanks-reason').textContent = t('reason', { reason: th.error });
    $('thanks-hint').hidden = th.state === 'sending';
    $('thanks-hint').textContent = th.state === 'rejected' ? t('rejected_hint') : t('closed_hint');
  }

  function again() {
    state.answers = {};
    state.missing = {};
    state.error = '';
    $('comment').value = '';
    $('phone').value = '';
    $('consent').checked = false;
    show('form');
  }

  function load() {
    // At the hub, survey-host.js sets HL.SESSION_URL to the hub's public survey path.
    HL.getJson(HL.SESSION_URL || HL.API + '/counters/' + encodeURIComponent(counter) + '/session', 8000).then(
      function (res) {
        state.online = true;
        if (res.status === 404 || res.status === 400) {
          show('unknown');
          return;
        }
        if (res.status !== 200 || !res.body || !res.body.template) {
          useCachedOrRetry();
          return;
        }
        state.session = res.body;
        if (res.body.name || res.body.counter_name) state.counterName = res.body.name || res.body.counter_name;
        try { localStorage.setItem(SESSION_KEY, JSON.stringify(res.body)); } catch (e) { /* */ }
        show('form');
      },
      function () {
        state.online = false;
        useCachedOrRetry();
      });
  }

  function useCachedOrRetry() {
    var cached = null;
    try { cached = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null'); } catch (e) { /* */ }
    if (cached && cached.template) {
      state.session = cached;
      show('form');
      return;
    }
    render();
    setTimeout(load, 3000);
  }

  function loadCounterName() {
    if (HL.SESSION_URL) return;  // the hub's answer carries counter_name
    HL.getJson(HL.API + '/counters', 8000).then(function (res) {
      var list = (res.body && res.body.counters) || [];
      for (var i = 0; i < list.length; i++) {
        if (list[i].id === counter && list[i].name) {
          state.counterName = list[i].name;
          if (state.screen === 'form') renderForm(); else render();
        }
      }
    }, function () { /* the id is shown instead */ });
  }

  $('lang').addEventListener('click', function () {
    i18n.setLang(i18n.lang() === 'vi' ? 'en' : 'vi');
    render();
  });
  $('form').addEventListener('submit', submit);
  $('comment').addEventListener('input', updateCount);
  $('again').addEventListener('click', again);
  outbox.onChange(function () { render(); });
  window.addEventListener('offline', function () { state.online = false; render(); });
  window.addEventListener('online', function () { state.online = true; render(); });

  i18n.setLang(params.get('lang') === 'en' ? 'en' : 'vi');
  if (!counter) {
    show('unknown');
    return;
  }
  show('loading');
  loadCounterName();
  load();
})();
