// Hài Lòng web pages: talking to the edge, and the rating outbox.
//
// HL.getJson(url, timeoutMs) -> Promise<{status, body}>; rejects only when
//   the edge cannot be reached (network error or timeout).
// HL.newId() -> a fresh id, [0-9a-z-], unique per device in practice.
// HL.Outbox(storageKey): ratings waiting for the edge's answer, kept in
//   localStorage so that a lost connection or a reload loses nothing.
//   add(rating) stores the rating first, then sends it; the promise tells
//   the first answer: {state:'stored', seq} | {state:'rejected', error} |
//   {state:'queued'} (no answer yet: it is resent with the SAME id, which
//   the edge uses to never store it twice, until the edge answers).
//   A rejection (4xx) is final and drops the rating; anything else (no
//   connection, 5xx, 507 storage full, 429) keeps it for a later try
//   ({state:'queued', error} carries the edge's words for a 429).
//   pending() -> how many wait; onChange(fn) is called after every change.
//   HL.Outbox(key, {headers: fn}) adds fn()'s headers to every try (the
//   kiosk's `Authorization: Bearer` credential).
// HL.getJson(url, timeoutMs, headers) and HL.postJson(url, body, timeoutMs,
//   headers) send JSON (Content-Type: application/json, which every write
//   to the edge must carry).
// Single-threaded (the page's event loop); several pages on one origin use
// separate storage keys.
(function () {
  'use strict';
  var HL = (window.HL = window.HL || {});
  var API = '/api/v1';
  // At the hub, survey-host.js sets HL.RATINGS_URL to the hub's public survey path.
  var RATINGS_URL = HL.RATINGS_URL || API + '/ratings';
  HL.API = API;

  function withTimeout(timeoutMs) {
    var ctl = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = setTimeout(function () {
      if (ctl) ctl.abort();
    }, timeoutMs);
    return { signal: ctl ? ctl.signal : undefined, done: function () { clearTimeout(timer); } };
  }

  function request(method, url, body, timeoutMs, headers) {
    var to = withTimeout(timeoutMs || 8000);
    var init = { method: method, cache: 'no-store', signal: to.signal, headers: {} };
    Object.keys(headers || {}).forEach(function (k) { init.headers[k] = headers[k]; });
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(
      function (res) {
        return res.text().then(function (text) {
          to.done();
          var parsed = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch (e) {
            parsed = null;
          }
          return { status: res.status, body: parsed };
        });
      },
      function (err) {
        to.done();
        throw err;
      });
  }

  HL.getJson = function (url, timeoutMs, headers) {
    return request('GET', url, undefined, timeoutMs, headers);
  };
  HL.postJson = function (url, body, timeoutMs, headers) {
    return request('POST', url, body, timeoutMs, headers);
  };

  HL.newId = function () {
    var bytes = new Uint8Array(8);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var hex = '';
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] + 0x100).toString(16).slice(1);
    return Date.now().toString(36) + '-' + hex;
  };

  // The longest wait between two tries of one rating, and the most ratings
  // kept (a full outbox drops the oldest: a week offline at a busy counter).
  var MAX_BACKOFF_MS = 10000;
  var MAX_ITEMS = 5000;

  function Outbox(storageKey, options) {
    this.key = storageKey;
    // options.headers(): extra request headers for each try (the kiosk's credential).
    this.headers = (options && options.headers) || function () { return {}; };
    this.items = this.load();
    this.busy = false;
    this.again = false;
    this.waiters = {};
    this.listeners = [];
    var self = this;
    setInterval(function () { self.flush(); }, 2000);
    window.addEventListener('online', function () {
      self.items.forEach(function (it) { it.next = 0; });
      self.flush();
    });
    if (this.items.length) setTimeout(function () { self.flush(); }, 0);
  }

  Outbox.prototype.load = function () {
    try {
      var v = JSON.parse(window.localStorage.getItem(this.key) || '[]');
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [];
    }
  };

  Outbox.prototype.save = function () {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(this.items));
    } catch (e) {
      // Storage full or disabled: the ratings stay in memory until sent.
    }
    for (var i = 0; i < this.listeners.length; i++) this.listeners[i](this.items.length);
  };

  Outbox.prototype.pending = function () {
    return this.items.length;
  };

  Outbox.prototype.onChange = function (fn) {
    this.listeners.push(fn);
  };

  Outbox.prototype.add = function (rating) {
    var self = this;
    this.items.push({ rating: rating, tries: 0, next: 0 });
    while (this.items.length > MAX_ITEMS) this.items.shift();
    this.save();
    var p = new Promise(function (resolve) { self.waiters[rating.id] = resolve; });
    this.flush();
    return p;
  };

  Outbox.prototype.settle = function (id, result) {
    var w = this.waiters[id];
    if (w) {
      delete this.waiters[id];
      w(result);
    }
  };

  // Sends every rating whose time has come, oldest first, one at a time.
  Outbox.prototype.flush = function () {
    var self = this;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    var now = Date.now();
    var due = this.items.filter(function (it) { return it.next <= now; });
    var chain = Promise.resolve();
    due.forEach(function (item) {
      chain = chain.then(function () { return self.sendOne(item); });
    });
    chain.then(function () {
      self.busy = false;
      if (self.again) {
        self.again = false;
        self.flush();
      }
    });
  };

  Outbox.prototype.remove = function (item) {
    var i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
    this.save();
  };

  Outbox.prototype.sendOne = function (item) {
    var self = this;
    var id = item.rating.id;
    return HL.postJson(RATINGS_URL, item.rating, 8000, this.headers()).then(
      function (res) {
        var body = res.body || {};
        if (res.status === 200 && body.status === 'stored') {
          self.remove(item);
          self.settle(id, { state: 'stored', seq: body.seq });
          return;
        }
        var final = (res.status >= 400 && res.status < 500 && res.status !== 408 &&
                     res.status !== 425 && res.status !== 429) ||
                    (res.status === 200 && body.status === 'rejected');
        if (final) {
          self.remove(item);
          // The edge adds "message" (Vietnamese) and "message_en" for citizens;
          // the hub's "error" is already in the page's language.
          var english = HL.i18n && HL.i18n.lang && HL.i18n.lang() === 'en';
          var reason = (english ? body.message_en : body.message) || body.error ||
              ('HTTP ' + res.status);
          self.settle(id, { state: 'rejected', error: reason });
          return;
        }
        // 429: the edge takes no more for now (too many from this phone or
        // counter); its Vietnamese words say so, and the rating waits.
        var english = HL.i18n && HL.i18n.lang && HL.i18n.lang() === 'en';
        var later = res.status === 429 ? ((!english && body.message) || body.error || '') : '';
        self.retryLater(item, later);
      },
      function () {
        self.retryLater(item, '');
      });
  };

  Outbox.prototype.retryLater = function (item, reason) {
    item.tries += 1;
    item.next = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, item.tries - 1));
    this.save();
    this.settle(item.rating.id, { state: 'queued', error: reason || '' });
  };

  HL.Outbox = Outbox;
})();
