// The phone survey served by the hub (GET /s/{office}/{counter}), which
// faces the Internet: the same page as the edge's (edge/web/survey.*), but
// talking to the hub's public survey API of the office in the path:
//   GET  /api/v1/public/offices/{office}/counters/{counter}/session
//   GET  /api/v1/public/offices/{office}/counters
//   POST /api/v1/public/offices/{office}/ratings
// with the edge's request and answer shapes. Loaded before outbox.js.
(function () {
  'use strict';
  var HL = (window.HL = window.HL || {});
  var parts = window.location.pathname.split('/').filter(Boolean);
  if (parts[0] === 's' && parts[1]) {
    var office = '';
    try {
      office = decodeURIComponent(parts[1]);
    } catch (e) {
      office = parts[1];
    }
    HL.API_BASE = '/api/v1/public/offices/' + encodeURIComponent(office);
  }
})();
