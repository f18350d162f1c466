// Building the page without HTML strings. Every text goes in as a text node
// (textContent), so names, comments and anything else from the server can
// never become markup: the dashboard never parses a string as HTML.
//
//   h('a', {href: '#/x', class: 'link', on: {click: fn}}, 'text', child)
//   clear(el) removes every child; $(id) is getElementById.
// Attributes: class, text (textContent), on {event: handler}, data {k: v}
// (data-k), hidden/disabled/checked/selected/value (properties), anything
// else via setAttribute. A null or false attribute is left out. Children
// may be nodes, strings/numbers (text), arrays, or null (skipped).

export const $ = (id) => document.getElementById(id);

const PROPS = new Set(['hidden', 'disabled', 'checked', 'selected', 'value', 'open']);

export function h(tag, attrs, ...children) {
  const el = tag === 'svg' || tag === 'rect' || tag === 'line'
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      else if (k === 'text') el.textContent = String(v);
      else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (k === 'data') for (const [dk, dv] of Object.entries(v)) {
        if (dv !== null && dv !== undefined) el.setAttribute(`data-${dk}`, String(dv));
      }
      else if (PROPS.has(k)) el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Replaces the children of `el` with `children`.
export function fill(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// A <select> with [value, label] options, `value` chosen.
export function select(attrs, options, value) {
  const s = h('select', attrs);
  for (const [v, label] of options) {
    s.appendChild(h('option', { value: v, selected: String(v) === String(value ?? '') }, label));
  }
  return s;
}
