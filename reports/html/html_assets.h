// The HTML report's inline style sheet and script (internal to nsm_html).
#pragma once

#include <string_view>

namespace nsm::html_assets {

// Light by default, dark under prefers-color-scheme. Outcome classes: i isolated, l leaked,
// u unsupported, e error, x not run/unknown; f marks a failing cell.
inline constexpr std::string_view kStyle = R"css(
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#555e68;--line:#c9d1d9;
--head:#f1f3f5;--panel:#f8f9fa;--link:#0a53be;
--i-bg:#d9f2df;--i-fg:#0a4f1f;--l-bg:#fbdcdc;--l-fg:#8a1218;--u-bg:#e7eaed;--u-fg:#3d454d;
--e-bg:#ffedb8;--e-fg:#5c3b00;--x-bg:#fff;--x-fg:#555e68;
--fail:#b0001a;--ok:#0a6b2a;--warn-bg:#fff3cd;--warn-fg:#5c3b00;--warn-line:#c98a00}
@media (prefers-color-scheme:dark){:root{--bg:#0e1115;--fg:#e6e8eb;--muted:#a2acb6;
--line:#3a414a;--head:#1a1f25;--panel:#151a1f;--link:#8ab8ff;
--i-bg:#113d20;--i-fg:#9ae6b0;--l-bg:#4d161b;--l-fg:#ffbdbd;--u-bg:#2a3037;--u-fg:#c3cad1;
--e-bg:#4d3800;--e-fg:#ffd98a;--x-bg:#0e1115;--x-fg:#a2acb6;
--fail:#ff6b7a;--ok:#6fdc95;--warn-bg:#3b2f00;--warn-fg:#ffd98a;--warn-line:#c98a00}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0 auto;max-width:1500px;padding:1rem 1.5rem 3rem;background:var(--bg);
color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}
h2{font-size:1.25rem;margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
code,.mono,#mx tbody th{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;
font-size:.9em}
.muted,.meta{color:var(--muted)}
nav{margin:.5rem 0}nav a{margin-right:1rem}
.banner{font-size:1.35rem;font-weight:700;padding:.55rem 1rem;border-radius:6px;
border:2px solid;margin:.5rem 0}
.banner.pass{background:var(--i-bg);color:var(--i-fg);border-color:var(--ok)}
.banner.fail{background:var(--fail);color:var(--bg);border-color:var(--fail)}
.alert{background:var(--warn-bg);color:var(--warn-fg);border:2px solid var(--warn-line);
border-radius:6px;padding:.5rem 1rem;margin:.5rem 0;font-weight:600}
.alert.bad{background:var(--l-bg);color:var(--l-fg);border-color:var(--fail)}
.alert.good{background:var(--i-bg);color:var(--i-fg);border-color:var(--ok)}
.note{background:var(--panel);border-left:4px solid var(--line);padding:.4rem .8rem}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 2rem}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.4rem 0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
table.t{border-collapse:collapse;margin:.4rem 0;max-width:100%}
table.t th,table.t td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;
vertical-align:top}
table.t thead th{background:var(--head)}
table.t td.n,table.t th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.t td.d{white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,
"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.85em}
tr.bad>td{background:var(--l-bg);color:var(--l-fg)}
.c{display:inline-block;padding:0 .35rem;border-radius:3px;font-weight:600;white-space:nowrap}
.i{background:var(--i-bg);color:var(--i-fg)}.l{background:var(--l-bg);color:var(--l-fg)}
.u,.r{background:var(--u-bg);color:var(--u-fg)}.e{background:var(--e-bg);color:var(--e-fg)}
.x{background:var(--x-bg);color:var(--x-fg)}
.f{outline:3px solid var(--fail);outline-offset:-3px;font-weight:900}
.warn{background:var(--warn-bg);color:var(--warn-fg);font-weight:700}
.failn{color:var(--fail);font-weight:700}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.4rem;margin:.4rem 0}
ul.legend .c{min-width:2.2em;text-align:center}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-start;
background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.5rem .8rem;
margin:.6rem 0}
form.filters fieldset{border:1px solid var(--line);border-radius:4px;margin:0;padding:.2rem .5rem .4rem}
form.filters label{white-space:nowrap;margin-right:.5rem}
form.filters details{max-width:100%}
form.filters .plist{display:flex;flex-wrap:wrap;gap:.1rem .2rem;max-width:70rem}
.count{font-weight:600;margin:.4rem 0}
.mxw{overflow:auto;max-height:85vh;width:max-content;max-width:100%;border:1px solid var(--line)}
#mx{border-collapse:separate;border-spacing:0;font-size:13px;line-height:1.25}
#mx th,#mx td{border-right:1px solid var(--line);border-bottom:1px solid var(--line)}
#mx thead th{position:sticky;top:0;z-index:2;background:var(--head);vertical-align:bottom;
padding:.35rem .1rem;font-weight:600}
#mx thead th:first-child{left:0;z-index:3;text-align:left;padding-left:.5rem}
#mx thead th a{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;
color:var(--fg);text-decoration:none;font-family:ui-monospace,"DejaVu Sans Mono",Menlo,
Consolas,monospace;font-size:12px}
#mx thead th a:hover{text-decoration:underline}
#mx tbody th{position:sticky;left:0;z-index:1;background:var(--head);text-align:left;
font-weight:400;padding:.1rem .5rem;white-space:nowrap}
#mx tbody tr:hover>th{background:var(--fg);color:var(--bg)}
#mx td{text-align:center;min-width:2em;padding:.1rem .15rem;font-weight:700;cursor:default}
#mx td.dim{opacity:.22}
)css";

// Filters the matrix (#mx) from the form (#filters) and the URL fragment:
//   probe=<id>,<id>  columns shown ("probe=" alone: none; absent: all)
//   ns=+mnt,-pid     rows whose combination has mnt and lacks pid ("mnt" alone = "+mnt")
//   outcome=leaked   rows with a shown cell of that outcome (also iso, leak, na, err)
//   fail=1           rows with a shown failing cell (with outcome: a failing cell of it)
//   q=text           rows whose combination contains every space-separated term
// Hidden rows and cells get the `hidden` attribute; #shown-rows counts the rows shown.
inline constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  var mx = document.getElementById('mx'), form = document.getElementById('filters');
  if (!mx || !form || !mx.tHead || !mx.tBodies.length) return;
  var head = mx.tHead.rows[0].cells, rows = mx.tBodies[0].rows, probes = [], i;
  for (i = 1; i < head.length; i++) probes.push(head[i].getAttribute('data-p'));
  var outSel = document.getElementById('f-outcome'), failBox = document.getElementById('f-fail'),
      qIn = document.getElementById('f-q'), nsSels = form.querySelectorAll('select[data-ns]'),
      pBoxes = form.querySelectorAll('input[data-p]'),
      shownRows = document.getElementById('shown-rows'),
      shownCols = document.getElementById('shown-cols'),
      noRows = document.getElementById('no-rows');
  var CLS = {isolated: 'i', leaked: 'l', unsupported: 'u', refused: 'r', error: 'e'};
  var ALIAS = {iso: 'isolated', leak: 'leaked', na: 'unsupported', 'n/a': 'unsupported',
               ref: 'refused', err: 'error'};
  var last = null;

  function dec(x) {
    try { return decodeURIComponent(x); } catch (e) { return x; }
  }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function parse(h) {
    var s = {p: null, ns: {}, o: '', f: false, q: ''};
    h.split('&').forEach(function (kv) {
      if (!kv) return;
      var eq = kv.indexOf('='), k = dec(eq < 0 ? kv : kv.slice(0, eq)),
          v = eq < 0 ? '' : kv.slice(eq + 1);
      if (k === 'probe') {
        s.p = v ? v.split(',').map(dec) : [];
      } else if (k === 'ns') {
        v.split(',').forEach(function (t) {
          t = dec(t);
          var m = t.charAt(0);
          if (m === '-' || m === '!') s.ns[t.slice(1)] = '-';
          else if (m === '+' || m === ' ') s.ns[t.slice(1)] = '+';
          else if (t) s.ns[t] = '+';
        });
      } else if (k === 'outcome') {
        var o = dec(v).toLowerCase();
        o = ALIAS[o] || o;
        s.o = CLS.hasOwnProperty(o) ? o : '';
      } else if (k === 'fail') {
        s.f = v !== '0' && v !== 'false';
      } else if (k === 'q') {
        s.q = dec(v);
      }
    });
    return s;
  }

  function serialize(s) {
    var a = [], ns = [];
    if (s.p) a.push('probe=' + s.p.map(encodeURIComponent).join(','));
    each(nsSels, function (sel) {
      var n = sel.getAttribute('data-ns');
      if (s.ns[n]) ns.push(s.ns[n] + encodeURIComponent(n));
    });
    if (ns.length) a.push('ns=' + ns.join(','));
    if (s.o) a.push('outcome=' + s.o);
    if (s.f) a.push('fail=1');
    if (s.q) a.push('q=' + encodeURIComponent(s.q));
    return a.join('&');
  }

  function setControls(s) {
    each(pBoxes, function (b) { b.checked = !s.p || s.p.indexOf(b.value) >= 0; });
    each(nsSels, function (sel) {
      var n = sel.getAttribute('data-ns');
      sel.value = s.ns.hasOwnProperty(n) ? s.ns[n] : '';
    });
    outSel.value = s.o;
    failBox.checked = s.f;
    if (qIn.value !== s.q) qIn.value = s.q;
  }

  function read() {
    var s = {p: [], ns: {}, o: outSel.value, f: failBox.checked, q: qIn.value}, all = true;
    each(pBoxes, function (b) {
      if (b.checked) s.p.push(b.value); else all = false;
    });
    if (all) s.p = null;
    each(nsSels, function (sel) {
      if (sel.value) s.ns[sel.getAttribute('data-ns')] = sel.value;
    });
    return s;
  }

  function apply(s) {
    var show = [], ncols = 0, nrows = 0, oc = CLS[s.o] || '', cellFilter = !!(oc || s.f),
        terms = s.q.toLowerCase().split(/\s+/).filter(Boolean);
    for (i = 0; i < probes.length; i++) {
      show.push(!s.p || s.p.indexOf(probes[i]) >= 0);
      if (show[i]) ncols++;
      head[i + 1].hidden = !show[i];
    }
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r], cells = row.cells, name = cells[0].textContent.toLowerCase(),
          ns = (row.getAttribute('data-ns') || '').split(' '), ok = true, any = !cellFilter;
      terms.forEach(function (t) { if (name.indexOf(t) < 0) ok = false; });
      for (var n in s.ns) {
        if (s.ns.hasOwnProperty(n) && (ns.indexOf(n) >= 0) !== (s.ns[n] === '+')) ok = false;
      }
      for (var j = 1; j < cells.length; j++) {
        var c = cells[j], vis = !!show[j - 1],
            hit = vis && (!oc || c.classList.contains(oc)) && (!s.f || c.classList.contains('f'));
        c.hidden = !vis;
        c.classList.toggle('dim', cellFilter && !hit);
        if (hit) any = true;
      }
      row.hidden = !(ok && any);
      if (!row.hidden) nrows++;
    }
    shownRows.textContent = String(nrows);
    if (shownCols) shownCols.textContent = String(ncols);
    if (noRows) noRows.hidden = nrows > 0;
  }

  function fromHash() {
    var h = location.hash.replace(/^#/, '');
    if (h === last) return;
    last = h;
    setControls(parse(h));
    apply(read());
  }

  function fromControls() {
    var s = read(), h = serialize(s);
    apply(s);
    if (h === last) return;
    last = h;
    try {
      history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
    } catch (e) {
      location.replace('#' + h);
    }
  }

  function setAll(on) {
    each(pBoxes, function (b) { b.checked = on; });
    fromControls();
  }

  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('change', fromControls);
  form.addEventListener('input', fromControls);
  document.getElementById('f-all').addEventListener('click', function () { setAll(true); });
  document.getElementById('f-none').addEventListener('click', function () { setAll(false); });
  document.getElementById('f-reset').addEventListener('click', function () {
    setControls(parse(''));
    fromControls();
  });
  window.addEventListener('hashchange', fromHash);
  form.hidden = false;
  document.documentElement.classList.add('js');
  fromHash();
})();
)js";

}  // namespace nsm::html_assets
