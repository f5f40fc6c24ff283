/* The HTML report's script, inlined into every report; the report reads the same
   without it. Filters the matrix (#mx) from the form (#filters) and the URL fragment:
     probe=<id>,<id>  columns shown ("probe=" alone: none; absent: all)
     ns=+mnt,-pid     rows whose combination has mnt and lacks pid ("mnt" alone = "+mnt")
     outcome=leaked   rows with a shown cell of that outcome (also iso, leak, na, err)
     fail=1           rows with a shown failing cell (with outcome: a failing cell of it)
     q=text           rows whose combination contains every space-separated term
   Hidden rows and cells get the `hidden` attribute; #shown-rows counts the rows shown. */
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
