// survey-host.js at the hub (edge/web/survey-host.js is the edge's).
// The phone survey served by the hub (GET /s/{office}/{counter}), which
// faces the Internet: the same page as the edge's (edge/web/survey.*), but
// talking to the hub's public survey API of the counter in the path:
//   GET  /public/v1/survey/{office}/{counter} -> {office, office_name, counter,
//        counter_name, officer, template}
//   POST /public/v1/survey/{office}/{counter}  <- the edge's rating body
// Loaded before outbox.js and survey.js, which use HL.SESSION_URL and
// HL.RATINGS_URL instead of the edge's /api/v1 paths when they are set.
(function () {
  'use strict';
  var HL = (window.HL = window.HL || {});
  var parts = window.location.pathname.split('/').filter(Boolean);
  var query = new URLSearchParams(window.location.search);
  function decode(s) {
    try {
      return decodeURIComponent(s);
    } catch (e) {
      return s;
    }
  }
  var office = parts[0] === 's' && parts[1] ? decode(parts[1]) : '';
  var counter = query.get('counter') || (parts[0] === 's' && parts[2] ? decode(parts[2]) : '');
  if (office && counter) {
    HL.SESSION_URL = '/public/v1/survey/' + encodeURIComponent(office) + '/' + encodeURIComponent(counter);
    HL.RATINGS_URL = HL.SESSION_URL;
  }
})();
