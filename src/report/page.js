// Interactive map of the stadtatlas report: pan/zoom, toggles, details.
// Runs from file:// without network access; data comes from the page itself.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    document.body.dataset.errors = String(errors.length);
  });
  var data = JSON.parse(document.getElementById('atlas-data').textContent);
  var svg = document.getElementById('map');
  if (!svg) { document.body.dataset.ready = '1'; return; }
  var vb = svg.viewBox.baseVal;
  var home = [vb.x, vb.y, vb.width, vb.height];
  function setView(a) { svg.setAttribute('viewBox', a.join(' ')); }

  svg.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect(), v = svg.viewBox.baseVal;
    var k = ev.deltaY < 0 ? 0.8 : 1.25;
    var mx = v.x + (ev.clientX - r.left) / r.width * v.width;
    var my = v.y + (ev.clientY - r.top) / r.height * v.height;
    setView([mx - (mx - v.x) * k, my - (my - v.y) * k, v.width * k, v.height * k]);
  }, { passive: false });
  var drag = null;
  svg.addEventListener('pointerdown', function (e) { drag = [e.clientX, e.clientY]; });
  window.addEventListener('pointermove', function (e) {
    if (!drag) { return; }
    var r = svg.getBoundingClientRect(), v = svg.viewBox.baseVal;
    var dx = (e.clientX - drag[0]) / r.width * v.width, dy = (e.clientY - drag[1]) / r.height * v.height;
    drag = [e.clientX, e.clientY];
    setView([v.x - dx, v.y - dy, v.width, v.height]);
  });
  window.addEventListener('pointerup', function () { drag = null; });
  document.getElementById('reset').addEventListener('click', function () { setView(home); });

  var markers = Array.prototype.slice.call(svg.querySelectorAll('.marker'));
  var links = document.getElementById('links');
  document.getElementById('toggle-links').addEventListener('change', function (e) {
    links.style.display = e.target.checked ? '' : 'none';
  });
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#toggles input[value]'));
  function apply() {
    var kinds = {}, fields = {};
    boxes.forEach(function (b) { if (b.checked) { (b.dataset.kind ? kinds : fields)[b.value] = true; } });
    var shown = 0;
    markers.forEach(function (m) {
      var visible = kinds[m.dataset.kind] && m.dataset.fields.split(' ').some(function (f) { return fields[f]; });
      m.style.display = visible ? '' : 'none';
      if (visible) { shown += 1; }
    });
    document.body.dataset.visibleMarkers = String(shown);
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });

  var details = document.getElementById('details');
  function show(title, pairs) {
    details.textContent = '';
    var h = document.createElement('h3');
    h.textContent = title;
    details.appendChild(h);
    var dl = document.createElement('dl');
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') { return; }
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = p[0];
      dd.textContent = String(p[1]);
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    details.appendChild(dl);
  }
  markers.forEach(function (m) {
    m.addEventListener('click', function (ev) {
      ev.stopPropagation();
      var e = data.entities[m.dataset.id], L = data.labels;
      show(e.name, [[L.kind, e.kind], [L.category, e.category], [L.fields, e.fields], [L.districts, e.districts],
        [L.address, e.address], [L.website, e.website], [L.status, e.status], [L.source, e.source]]);
    });
  });
  Array.prototype.slice.call(svg.querySelectorAll('.district')).forEach(function (d) {
    d.addEventListener('click', function () {
      var L = data.labels;
      show(d.dataset.name, [[L.count, d.dataset.count], [L.population, d.dataset.population],
        [L.provisional, d.dataset.provisional === 'true' ? L.yes : '']]);
    });
  });
  apply();
  document.body.dataset.markers = String(markers.length);
  document.body.dataset.ready = '1';
}());
