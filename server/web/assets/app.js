// kref serve: the pages work without this script. It adds search as you type (the server renders
// the results; this swaps them in), keeps the address a permalink, and makes `/` focus the box.
(function () {
  'use strict';
  var box = document.getElementById('q');
  document.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || !box) return;
    var t = e.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (typing) return;
    e.preventDefault();
    box.focus();
    box.select();
  });

  var form = document.getElementById('search');
  var results = document.getElementById('results');
  if (!form || !results || !box || !window.fetch || !window.DOMParser) return;
  var timer = null;
  var pending = null;
  var last = null;

  function params() {
    var p = new URLSearchParams();
    p.set('q', box.value.trim());
    var kind = document.getElementById('kind');
    var source = document.getElementById('source');
    if (kind && kind.value.trim()) p.set('kind', kind.value.trim());
    if (source && source.value) p.set('source', source.value);
    return p;
  }

  function run() {
    var p = params();
    var key = p.toString();
    if (key === last) return;
    last = key;
    if (pending) pending.abort();
    if (!p.get('q')) {
      history.replaceState(null, '', '/');
      return;
    }
    var url = '/search?' + key;
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('results');
        if (!fresh) return;
        results.replaceWith(fresh);
        results = fresh;
        history.replaceState(null, '', url);
        document.title = doc.title;
      })
      .catch(function () { /* aborted by the next keystroke, or the server said no: keep what is shown */ });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  }
  box.addEventListener('input', soon);
  form.addEventListener('change', soon);
  form.addEventListener('submit', function (e) {
    if (!box.value.trim()) return;
    e.preventDefault();
    clearTimeout(timer);
    last = null;
    run();
  });
})();
