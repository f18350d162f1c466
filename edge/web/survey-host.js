// survey-host.js: where the phone survey (survey.html) sends its requests.
// Loaded before outbox.js and survey.js. On the edge (this file) nothing is
// set, so they use the edge's own /api/v1 paths. The hub serves its own
// survey-host.js under the same name (hub/web/assets/survey-host.js), which
// sets HL.SESSION_URL and HL.RATINGS_URL to the hub's public survey API: one
// survey page for both.
(function () {
  'use strict';
  window.HL = window.HL || {};
})();
