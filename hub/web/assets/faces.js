// Hài Lòng web pages: the pictures on the rating buttons, drawn as inline
// SVG (no image files, no emoji font needed): a smiling face for a
// positive option, a straight face for neutral, a sad face for negative.
// HL.face(polarity, sizePx) -> an <svg> element coloured with currentColor.
// HL.checkMark(sizePx), HL.clockMark(sizePx): the thank-you pictures.
(function () {
  'use strict';
  var HL = (window.HL = window.HL || {});
  var NS = 'http://www.w3.org/2000/svg';

  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function svg(size) {
    return el('svg', {
      viewBox: '0 0 100 100', width: size, height: size, 'aria-hidden': 'true',
      fill: 'none', stroke: 'currentColor', 'stroke-width': '7', 'stroke-linecap': 'round',
    });
  }

  var MOUTHS = {
    positive: 'M30 60 Q50 80 70 60',
    neutral: 'M32 66 L68 66',
    negative: 'M30 72 Q50 52 70 72',
  };

  HL.face = function (polarity, size) {
    var s = svg(size || 64);
    s.appendChild(el('circle', { cx: 50, cy: 50, r: 44 }));
    s.appendChild(el('circle', { cx: 35, cy: 40, r: 5, fill: 'currentColor', stroke: 'none' }));
    s.appendChild(el('circle', { cx: 65, cy: 40, r: 5, fill: 'currentColor', stroke: 'none' }));
    s.appendChild(el('path', { d: MOUTHS[polarity] || MOUTHS.neutral }));
    return s;
  };

  HL.checkMark = function (size) {
    var s = svg(size || 120);
    s.appendChild(el('circle', { cx: 50, cy: 50, r: 44 }));
    s.appendChild(el('path', { d: 'M28 52 L44 68 L73 36' }));
    return s;
  };

  HL.clockMark = function (size) {
    var s = svg(size || 120);
    s.appendChild(el('circle', { cx: 50, cy: 50, r: 44 }));
    s.appendChild(el('path', { d: 'M50 24 L50 52 L68 62' }));
    return s;
  };

  HL.alertMark = function (size) {
    var s = svg(size || 120);
    s.appendChild(el('circle', { cx: 50, cy: 50, r: 44 }));
    s.appendChild(el('path', { d: 'M50 26 L50 58' }));
    s.appendChild(el('circle', { cx: 50, cy: 74, r: 4, fill: 'currentColor', stroke: 'none' }));
    return s;
  };
})();
