// Hài Lòng counter touchscreen, served at /kiosk/{counter}.
//
// Screens: welcome (officer on duty, dossier, start / look up) -> one
// criterion per screen (big option buttons coloured by polarity) ->
// thank-you -> welcome. Also: dossier look-up on a numeric keypad.
// - The counter's session (officer, template, dossier from the one-stop
//   software) is polled every 2 s from GET /api/v1/counters/{c}/session and
//   cached, so a reload without network still shows the last one.
// - A receipt barcode scanner (a USB keyboard typing the number then Enter)
//   ties the next rating to that dossier; the citizen types nothing.
// - Ratings go through HL.Outbox: kept in localStorage and resent with the
//   same id until the edge answers.
// - After `idle` seconds (URL ?idle=N, default 30) without a touch, the
//   screen goes back to the start in Vietnamese and forgets the dossier.
// - "Cán bộ" (staff): an officer signs in with their id and personal PIN
//   (set at the hub by a manager), or the officer on duty signs out with
//   theirs: POST /api/v1/counters/{c}/sign-in | sign-out. The PIN is typed
//   on the on-screen keypad (or a keyboard), shown as dots, and forgotten
//   after each try and at the idle reset.
// - Enrollment: only a kiosk enrolled by a technician may send ratings. The
//   one-time link `hailongctl kiosk enroll` prints (/kiosk/{c}#enroll=CODE)
//   is redeemed once at POST /api/v1/kiosks/enroll for the kiosk's
//   credential, kept in localStorage and sent as `Authorization: Bearer`
//   with every rating; the kiosk id is the ratings' device. Without a
//   credential (or once the edge says it is revoked) the page shows how to
//   enroll and takes no ratings.
(function () {
  'use strict';
  var HL = window.HL;
  var i18n = HL.i18n;
  var t = i18n.t;

  var params = new URLSearchParams(window.location.search);
  var parts = window.location.pathname.split('/').filter(Boolean);
  var counter = params.get('counter') ||
      (parts[0] === 'kiosk' && parts[1] ? decodeURIComponent(parts[1]) : '');
  var idleMs = Math.max(1, Number(params.get('idle')) || 30) * 1000;
  var thanksMs = Math.min(8000, idleMs);
  var POLL_MS = 2000;
  var SESSION_KEY = 'hailong.kiosk.session.' + counter;
  var RATED_KEY = 'hailong.kiosk.rated.' + counter;
  var CREDENTIAL_KEY = 'hailong.kiosk.credential.' + counter;

  var $ = function (id) { return document.getElementById(id); };

  var state = {
    screen: 'loading',
    session: null,        // last session answer (or the cached one)
    known: null,          // true: counter exists; false: 404; null: not asked yet
    online: true,
    counterName: '',
    template: null,       // frozen when a rating starts
    question: 0,
    answers: {},
    scanned: '',          // receipt from the barcode scanner
    lastTouch: Date.now(),
    thanksTimer: null,
    lookupDigits: '',
  };

  // {kiosk, token} once enrolled, else null.
  function loadCredential() {
    try {
      var c = JSON.parse(localStorage.getItem(CREDENTIAL_KEY) || 'null');
      return c && c.kiosk && c.token ? c : null;
    } catch (e) {
      return null;
    }
  }
  var credential = loadCredential();
  function authHeaders() {
    return credential ? { Authorization: 'Bearer ' + credential.token } : {};
  }

  var outbox = new HL.Outbox('hailong.kiosk.outbox.v1', { headers: authHeaders });

  // Dossiers already rated here, so that the one-stop software's current
  // dossier is not given to the next citizen too.
  function ratedList() {
    try { return JSON.parse(localStorage.getItem(RATED_KEY) || '[]'); } catch (e) { return []; }
  }
  function markRated(receipt) {
    var l = ratedList().filter(function (r) { return r !== receipt; });
    l.push(receipt);
    try { localStorage.setItem(RATED_KEY, JSON.stringify(l.slice(-50))); } catch (e) { /* */ }
  }

  function currentDossier() {
    if (state.scanned) return state.scanned;
    var d = state.session && state.session.dossier;
    if (d && d.receipt && ratedList().indexOf(d.receipt) < 0) return d.receipt;
    return '';
  }

  // ---- screens -----------------------------------------------------------
  var SCREENS = ['loading', 'unknown', 'unenrolled', 'welcome', 'question', 'thanks', 'lookup',
                 'dossier', 'staff'];

  function show(name) {
    // A kiosk that is not enrolled takes no ratings: it says how to enroll.
    if (name === 'welcome' && !credential) name = 'unenrolled';
    state.screen = name;
    SCREENS.forEach(function (s) { $('screen-' + s).hidden = s !== name; });
    document.body.setAttribute('data-screen', name);
    render();
  }

  function render() {
    i18n.apply(document);
    document.title = t('page_title_kiosk');
    var name = state.counterName || counter;
    $('counter-name').textContent = t('counter_name', { name: name });
    renderNet();
    if (state.screen === 'unknown') {
      $('unknown-title').textContent = t('unknown_counter_title', { counter: counter });
    } else if (state.screen === 'unenrolled') {
      renderUnenrolled();
    } else if (state.screen === 'welcome') {
      renderWelcome();
    } else if (state.screen === 'question') {
      renderQuestion();
    } else if (state.screen === 'lookup') {
      renderLookup();
    } else if (state.screen === 'dossier') {
      renderDossier();
    } else if (state.screen === 'thanks') {
      renderThanks();
    } else if (state.screen === 'staff') {
      renderStaff();
    }
  }

  function renderNet() {
    var n = outbox.pending();
    $('net').hidden = state.online;
    $('net').textContent = t('offline_banner');
    $('pending').hidden = n === 0;
    $('pending').textContent = t('pending_n', { n: n });
  }

  function initials(name) {
    var words = String(name || '').trim().split(/\s+/).filter(Boolean);
    if (!words.length) return '?';
    var first = words[0].charAt(0);
    var last = words.length > 1 ? words[words.length - 1].charAt(0) : '';
    return (first + last).toUpperCase();
  }

  function renderWelcome() {
    var officer = state.session && state.session.officer;
    $('officer').hidden = !officer;
    $('no-officer').hidden = !!officer;
    if (officer) {
      $('officer-name').textContent = officer.name || officer.id;
      var url = officer.photo_url ||
          (HL.API + '/officers/' + encodeURIComponent(officer.id) + '/photo');
      var img = $('officer-photo');
      if (img.getAttribute('data-src') !== url) {
        img.setAttribute('data-src', url);
        img.hidden = false;
        $('officer-initials').hidden = true;
        img.onerror = function () {
          img.hidden = true;
          $('officer-initials').hidden = false;
        };
        img.src = url;
      }
      $('officer-initials').textContent = initials(officer.name || officer.id);
    }
    var d = currentDossier();
    $('welcome-dossier').hidden = !d;
    $('welcome-dossier').textContent = t('dossier_label', { receipt: d });
  }

  // ---- rating ------------------------------------------------------------
  function startRating() {
    if (!credential) return;
    var tpl = state.session && state.session.template;
    if (!tpl || !tpl.criteria || !tpl.criteria.length) return;
    state.template = tpl;
    state.question = 0;
    state.answers = {};
    show('question');
  }

  function renderQuestion() {
    var tpl = state.template;
    var c = tpl.criteria[state.question];
    $('q-progress').textContent = t('question_n', { n: state.question + 1, total: tpl.criteria.length });
    var d = currentDossier();
    $('q-dossier').hidden = !d;
    $('q-dossier').textContent = t('dossier_label', { receipt: d });
    $('q-label').textContent = i18n.label(c);
    var box = $('q-options');
    box.textContent = '';
    box.setAttribute('data-count', String(c.options.length));
    c.options.forEach(function (o) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'option ' + (o.polarity || 'neutral');
      b.setAttribute('data-option', o.id);
      if (state.answers[c.id] === o.id) b.classList.add('chosen');
      b.appendChild(HL.face(o.polarity, 96));
      var span = document.createElement('span');
      span.textContent = i18n.label(o);
      b.appendChild(span);
      b.addEventListener('click', function () { choose(c.id, o.id); });
      box.appendChild(b);
    });
  }

  function choose(criterion, option) {
    state.answers[criterion] = option;
    if (state.question + 1 < state.template.criteria.length) {
      state.question += 1;
      render();
      return;
    }
    submit();
  }

  function back() {
    if (state.question === 0) {
      show('welcome');
      return;
    }
    state.question -= 1;
    render();
  }

  var thanks = { state: 'sending', error: '' };

  function submit() {
    var rating = {
      id: HL.newId(),
      counter: counter,
      template: state.template.id,
      answers: state.answers,
      at: new Date().toISOString(),
      channel: 'touchscreen',
      device: credential ? credential.kiosk : undefined,
    };
    var d = currentDossier();
    if (d) {
      rating.dossier = d;
      markRated(d);
    }
    state.scanned = '';
    state.template = null;
    thanks = { state: 'sending', error: '', id: rating.id };
    show('thanks');
    armThanksTimer();
    outbox.add(rating).then(function (res) {
      if (thanks.id !== rating.id) return;
      thanks.state = res.state;
      thanks.error = res.error || '';
      if (res.state === 'rejected') checkEnrollment();
      if (state.screen === 'thanks') render();
    });
  }

  function armThanksTimer() {
    clearTimeout(state.thanksTimer);
    var delay = thanks.state === 'rejected' ? Math.max(thanksMs, idleMs) : thanksMs;
    state.thanksTimer = setTimeout(function () {
      if (state.screen === 'thanks') resetToStart();
    }, delay);
  }

  function renderThanks() {
    var icon = $('thanks-icon');
    icon.textContent = '';
    var rejected = thanks.state === 'rejected';
    icon.className = 'thanks-icon ' + thanks.state;
    icon.appendChild(rejected ? HL.alertMark(140) :
                     thanks.state === 'queued' ? HL.clockMark(140) : HL.checkMark(140));
    var title = $('thanks-title');
    title.textContent = rejected ? t('sorry_title') : t('thanks_title');
    title.className = 'thanks-title ' + thanks.state;
    var s = $('thanks-status');
    s.className = 'status ' + thanks.state;
    s.textContent = t(thanks.state);
    $('thanks-reason').hidden = !rejected || !thanks.error;
    $('thanks-reason').textContent = t('reason', { reason: thanks.error });
    $('thanks-hint').hidden = !rejected;
    if (rejected) armThanksTimer();
  }

  // ---- dossier look-up ---------------------------------------------------
  var lookupMsg = '';

  function openLookup() {
    state.lookupDigits = '';
    lookupMsg = '';
    show('lookup');
  }

  function renderLookup() {
    $('lookup-display').textContent = state.lookupDigits || '\u00a0';
    $('lookup-message').textContent = lookupMsg ? t(lookupMsg.key, lookupMsg.params) : '';
  }

  function key(k) {
    if (k === 'del') state.lookupDigits = state.lookupDigits.slice(0, -1);
    else if (k === 'clear') state.lookupDigits = '';
    else if (state.lookupDigits.length < 40) state.lookupDigits += k;
    lookupMsg = '';
    renderLookup();
  }

  var dossierShown = null;

  function lookup(receipt) {
    receipt = String(receipt || '').trim();
    if (!receipt) {
      lookupMsg = { key: 'lookup_empty' };
      renderLookup();
      return;
    }
    state.lookupDigits = receipt;
    lookupMsg = { key: 'lookup_searching' };
    renderLookup();
    HL.getJson(HL.API + '/dossiers/' + encodeURIComponent(receipt), 8000).then(function (res) {
      if (state.screen !== 'lookup') return;
      if (res.status === 200 && res.body) {
        dossierShown = res.body;
        show('dossier');
      } else if (res.status === 404 || res.status === 400) {
        lookupMsg = { key: 'lookup_not_found', params: { receipt: receipt } };
        renderLookup();
      } else {
        lookupMsg = { key: 'lookup_error' };
        renderLookup();
      }
    }, function () {
      if (state.screen !== 'lookup') return;
      lookupMsg = { key: 'lookup_error' };
      renderLookup();
    });
  }

  function renderDossier() {
    var d = dossierShown || {};
    $('dossier-receipt').textContent = d.receipt || '';
    var stage = $('dossier-stage');
    var due = d.due ? new Date(d.due) : null;
    var key = 'stage_unknown';
    if (d.stage === 'returned') key = 'stage_returned';
    else if (d.stage === 'received') key = due && due < new Date() ? 'stage_overdue' : 'stage_received';
    stage.textContent = t(key);
    stage.className = 'stage ' + key;
    var dl = $('dossier-details');
    dl.textContent = '';
    function row(k, v) {
      if (!v) return;
      var dt = document.createElement('dt');
      dt.textContent = t(k);
      var dd = document.createElement('dd');
      dd.textContent = v;
      dl.appendChild(dt);
      dl.appendChild(dd);
    }
    row('dossier_procedure', d.procedure_name || d.procedure);
    row('dossier_field', d.field_name || d.field);
    row('dossier_received_at', i18n.dateTime(d.received_at));
    row('dossier_due', i18n.dateTime(d.due));
    row('dossier_returned_at', i18n.dateTime(d.returned_at));
    if (d.stage === 'returned' && d.due && d.returned_at) {
      var r = new Date(d.returned_at), u = new Date(d.due);
      var sameDay = i18n.dateTime(d.returned_at, false) === i18n.dateTime(d.due, false);
      var verdict = sameDay ? 'returned_on_time' : r < u ? 'returned_early' : 'returned_late';
      var p = document.createElement('dd');
      p.className = 'verdict ' + verdict;
      p.textContent = t(verdict);
      dl.appendChild(p);
    }
  }

  // ---- reset, idle, scanner ----------------------------------------------
  // ---- officer sign-in and sign-out ---------------------------------------
  var staff = { pin: '', officers: [], msg: null, ok: false, busy: false };

  function openStaff() {
    staff.pin = '';
    staff.msg = null;
    staff.busy = false;
    show('staff');
    HL.getJson(HL.API + '/officers', 5000).then(function (res) {
      staff.officers = (res.body && res.body.officers) || [];
      if (state.screen === 'staff') renderStaff();
    }, function () { /* the id field is shown instead */ });
  }

  function onDuty() {
    return state.session && state.session.officer;
  }

  function renderStaff() {
    var duty = onDuty();
    $('staff-on-duty').textContent = duty ? t('staff_on_duty', { name: duty.name || duty.id })
                                          : t('staff_nobody');
    $('staff-signout').hidden = !duty;
    var select = $('staff-officer');
    var input = $('staff-officer-id');
    var chosen = select.value;
    select.textContent = '';
    staff.officers.forEach(function (o) {
      var opt = document.createElement('option');
      opt.value = o.id;
      opt.textContent = (o.name || o.id) + (o.has_pin ? '' : ' ' + t('staff_no_pin_mark'));
      select.appendChild(opt);
    });
    if (chosen) select.value = chosen;
    select.hidden = staff.officers.length === 0;
    input.hidden = staff.officers.length > 0;
    input.placeholder = t('staff_officer_placeholder');
    $('staff-pin').textContent = staff.pin.replace(/./g, '\u25cf') || '\u00a0';
    var m = $('staff-message');
    m.textContent = staff.msg ? (staff.msg.text || t(staff.msg.key, staff.msg.params)) : '';
    m.className = 'lookup-message' + (staff.ok ? ' ok' : '');
    $('staff-signin').disabled = staff.busy;
    $('staff-signout').disabled = staff.busy;
  }

  function staffKey(k) {
    if (k === 'del') staff.pin = staff.pin.slice(0, -1);
    else if (k === 'clear') staff.pin = '';
    else if (staff.pin.length < 8) staff.pin += k;
    staff.msg = null;
    renderStaff();
  }

  function staffSend(action) {
    if (staff.busy) return;
    var officer = staff.officers.length ? $('staff-officer').value
                                        : $('staff-officer-id').value.trim();
    staff.ok = false;
    if (action === 'sign-in' && !officer) {
      staff.msg = { key: 'staff_need_officer' };
      return renderStaff();
    }
    if (!/^[0-9]{4,8}$/.test(staff.pin)) {
      staff.msg = { key: 'staff_need_pin' };
      return renderStaff();
    }
    var body = { pin: staff.pin };
    if (action === 'sign-in') body.officer = officer;
    staff.pin = '';  // never kept after a try
    staff.busy = true;
    staff.msg = { key: 'staff_sending' };
    renderStaff();
    HL.postJson(HL.API + '/counters/' + encodeURIComponent(counter) + '/' + action, body, 10000)
        .then(function (res) {
          staff.busy = false;
          if (res.status === 200 && res.body) {
            state.session = res.body;
            staff.ok = true;
            var o = res.body.officer;
            staff.msg = action === 'sign-in' && o
                ? { key: 'staff_signed_in', params: { name: o.name || o.id } }
                : { key: 'staff_signed_out' };
          } else {
            var b = res.body || {};
            var text = i18n.lang() === 'en' ? (b.error_en || b.error) : b.error;
            staff.msg = { text: text || ('HTTP ' + res.status) };
          }
          if (state.screen === 'staff') renderStaff();
        }, function () {
          staff.busy = false;
          staff.msg = { key: 'staff_offline' };
          if (state.screen === 'staff') renderStaff();
        });
  }

  function resetToStart() {
    clearTimeout(state.thanksTimer);
    staff.pin = '';
    staff.msg = null;
    state.template = null;
    state.answers = {};
    state.question = 0;
    state.scanned = '';
    state.lookupDigits = '';
    i18n.setLang('vi');
    show(state.known === false ? 'unknown' : state.session ? 'welcome' : 'loading');
  }

  function touched() {
    state.lastTouch = Date.now();
  }

  setInterval(function () {
    if (Date.now() - state.lastTouch < idleMs) return;
    var idleScreen = state.screen === 'welcome' || state.screen === 'loading' ||
                     state.screen === 'unknown' || state.screen === 'unenrolled';
    if (idleScreen && !state.scanned && i18n.lang() === 'vi') return;
    if (state.screen === 'thanks') return;  // the thank-you timer handles it
    resetToStart();
  }, 500);

  var scan = { buf: '', last: 0 };

  function onScan(code) {
    if (state.screen === 'lookup') {
      lookup(code);
      return;
    }
    if (state.screen === 'dossier') {
      show('lookup');
      lookup(code);
      return;
    }
    state.scanned = code;
    if (state.screen === 'thanks' || state.screen === 'loading') {
      clearTimeout(state.thanksTimer);
      show(state.session ? 'welcome' : 'loading');
    } else {
      render();
    }
  }

  document.addEventListener('keydown', function (e) {
    touched();
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    if (state.screen === 'staff') {  // a keyboard types the PIN, never a scan
      if (/^[0-9]$/.test(e.key)) staffKey(e.key);
      else if (e.key === 'Backspace') staffKey('del');
      else if (e.key === 'Enter') staffSend('sign-in');
      return;
    }
    var now = Date.now();
    if (now - scan.last > 1000) scan.buf = '';
    scan.last = now;
    if (e.key === 'Enter') {
      var code = scan.buf;
      scan.buf = '';
      if (code.length >= 1) {
        e.preventDefault();
        onScan(code);
      }
      return;
    }
    if (e.key && e.key.length === 1 && /[0-9A-Za-z.\-\/]/.test(e.key) && scan.buf.length < 64) {
      scan.buf += e.key;
    }
  });
  ['pointerdown', 'touchstart', 'mousedown'].forEach(function (ev) {
    document.addEventListener(ev, touched, { passive: true });
  });

  // ---- session polling ---------------------------------------------------
  function loadCachedSession() {
    try {
      var s = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
      if (s && s.template) state.session = s;
    } catch (e) { /* none cached */ }
  }

  function sameJson(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function poll() {
    HL.getJson(HL.API + '/counters/' + encodeURIComponent(counter) + '/session', 5000)
        .then(function (res) {
          state.online = true;
          if (res.status === 404 || res.status === 400) {
            state.known = false;
            state.session = null;
            if (state.screen !== 'unknown') show('unknown');
            else renderNet();
            return;
          }
          if (res.status !== 200 || !res.body) {
            state.online = false;
            renderNet();
            return;
          }
          var changed = !sameJson(res.body, state.session);
          state.known = true;
          state.session = res.body;
          if (res.body.name || res.body.counter_name) {
            state.counterName = res.body.name || res.body.counter_name;
          }
          try { localStorage.setItem(SESSION_KEY, JSON.stringify(res.body)); } catch (e) { /* */ }
          if (state.screen === 'loading' || state.screen === 'unknown') show('welcome');
          else if (changed && (state.screen === 'welcome' || state.screen === 'staff')) render();
          else renderNet();
        }, function () {
          state.online = false;
          if (state.screen === 'loading' && state.session) show('welcome');
          else renderNet();
        })
        .then(function () { setTimeout(poll, POLL_MS); });
  }

  function loadCounterName() {
    HL.getJson(HL.API + '/counters', 5000).then(function (res) {
      var list = (res.body && res.body.counters) || [];
      for (var i = 0; i < list.length; i++) {
        if (list[i].id === counter && list[i].name) {
          state.counterName = list[i].name;
          render();
        }
      }
    }, function () { /* the id is shown instead */ });
  }

  // Fills `pad` with the 12 keys of a phone keypad (1-9, clear, 0, delete);
  // a press calls onKey with the key's name ('0'..'9', 'clear', 'del').
  // The dossier look-up and the officers' PIN share it.
  function buildKeypad(pad, onKey) {
    var keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'del'];
    var labels = { clear: 'key_clear', del: 'key_delete' };
    keys.forEach(function (k) {
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('data-key', k);
      if (labels[k]) {
        b.className = 'fn';
        b.setAttribute('data-i18n', labels[k]);
      } else {
        b.textContent = k;
      }
      b.addEventListener('click', function () { onKey(k); });
      pad.appendChild(b);
    });
  }

  // ---- wiring ------------------------------------------------------------
  $('lang').addEventListener('click', function () {
    i18n.setLang(i18n.lang() === 'vi' ? 'en' : 'vi');
    render();
  });
  $('start').addEventListener('click', startRating);
  $('lookup').addEventListener('click', openLookup);
  $('q-back').addEventListener('click', back);
  $('thanks-home').addEventListener('click', resetToStart);
  $('lookup-back').addEventListener('click', function () { show('welcome'); });
  $('lookup-go').addEventListener('click', function () { lookup(state.lookupDigits); });
  $('dossier-again').addEventListener('click', openLookup);
  $('dossier-home').addEventListener('click', resetToStart);
  $('staff').addEventListener('click', openStaff);
  $('staff-back').addEventListener('click', resetToStart);
  $('staff-signin').addEventListener('click', function () { staffSend('sign-in'); });
  $('staff-signout').addEventListener('click', function () { staffSend('sign-out'); });
  buildKeypad($('keypad'), key);
  buildKeypad($('staff-keypad'), staffKey);
  outbox.onChange(renderNet);
  window.addEventListener('offline', function () { state.online = false; renderNet(); });

  // ---- enrollment --------------------------------------------------------
  var enrollError = '';

  function renderUnenrolled() {
    $('unenrolled-title').textContent =
        enrollError ? t('enroll_failed_title') : t('unenrolled_title', { counter: counter });
    $('unenrolled-reason').hidden = !enrollError;
    $('unenrolled-reason').textContent = enrollError;
    $('unenrolled-body').textContent = t('unenrolled_body', { counter: counter });
  }

  function setCredential(c) {
    credential = c;
    try {
      if (c) localStorage.setItem(CREDENTIAL_KEY, JSON.stringify(c));
      else localStorage.removeItem(CREDENTIAL_KEY);
    } catch (e) { /* kept in memory only */ }
  }

  // Redeems the one-time code of an enrollment link; resolves true when
  // this browser now holds the counter's credential.
  function enroll(code) {
    // The code leaves the address bar at once (and was never sent in a URL).
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return HL.postJson(HL.API + '/kiosks/enroll', { code: code }, 8000).then(function (res) {
      var body = res.body || {};
      if (res.status === 200 && body.token && body.counter === counter) {
        setCredential({ kiosk: body.kiosk, token: body.token });
        enrollError = '';
        return true;
      }
      enrollError = (i18n.lang() !== 'en' && body.message) || body.error || ('HTTP ' + res.status);
      return false;
    }, function () {
      enrollError = t('lookup_error');
      return false;
    });
  }

  // Asks the edge whether the credential still holds; a revoked or unknown
  // one is forgotten. Without network the kiosk keeps working offline.
  function checkEnrollment() {
    if (!credential) return Promise.resolve(false);
    return HL.getJson(HL.API + '/kiosks/me', 5000, authHeaders()).then(function (res) {
      if (res.status === 401 || res.status === 403) {
        setCredential(null);
        if (state.screen === 'welcome') show('welcome');  // now: how to enroll
        return false;
      }
      return true;
    }, function () { return true; });
  }

  function startKiosk() {
    loadCachedSession();
    show('loading');
    loadCounterName();
    poll();
  }

  i18n.setLang(params.get('lang') === 'en' ? 'en' : 'vi');
  if (!counter) {
    state.known = false;
    show('unknown');
    return;
  }
  var enrollMatch = /(?:^#|&)enroll=([0-9A-Za-z]+)/.exec(window.location.hash || '');
  show('loading');
  (enrollMatch ? enroll(enrollMatch[1]) : checkEnrollment()).then(startKiosk);
})();
