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
  // Served by `stadtatlas serve` (the page says so; the bundle's page, as a
  // file or on any web server, has no server to ask): a clicked district
  // asks who is in it and near it, and offers the registration form unless
  // the server is read-only.
  var served = data.served;
  var asked = 0;
  function names(title, rows) {
    var L = data.labels, shown = 30;
    var h = document.createElement('h4');
    h.textContent = title + ': ' + rows.length;
    details.appendChild(h);
    var ul = document.createElement('ul');
    rows.slice(0, shown).forEach(function (r) {
      var li = document.createElement('li');
      li.textContent = r.distance_m ? r.name + ' (' + Math.round(r.distance_m) + ' m)' : r.name;
      ul.appendChild(li);
    });
    if (rows.length > shown) {
      var li = document.createElement('li');
      li.textContent = '… ' + (rows.length - shown) + ' ' + L.more;
      ul.appendChild(li);
    }
    details.appendChild(ul);
  }
  function question(path) {
    return fetch(path, { headers: { Accept: 'application/json' } }).then(function (r) {
      // An answer is a list (empty when nobody is there); a refusal is not.
      return r.json().then(function (body) {
        if (Array.isArray(body)) { return body; }
        throw new Error(path + ': ' + r.status);
      });
    });
  }
  function ask(d) {
    var L = data.labels, mine = ++asked;
    var place = 'level=' + encodeURIComponent(data.level) + '&';
    var id = encodeURIComponent(d.dataset.id);
    Promise.all([
      question('/in?' + place + 'district=' + id),
      question('/near?' + place + 'target=' + id + '&within=' + data.near_m)
    ]).then(function (answers) {
      if (mine !== asked) { return; }
      var nearby = answers[1].filter(function (r) { return r.distance_m > 0; });
      names(L.inside, answers[0]);
      names(L.near, nearby);
      document.body.dataset.inside = String(answers[0].length);
      document.body.dataset.nearby = String(nearby.length);
      document.body.dataset.asked = d.dataset.id;
    }).catch(function () {
      if (mine !== asked) { return; }
      var p = document.createElement('p');
      p.textContent = L.failed;
      details.appendChild(p);
    });
  }
  // The lon/lat of an SVG point, between the corners of the page's grid
  // (as `Picking::at` in src/report/svg.rs).
  function lonLat(x, y) {
    var g = data.pick;
    if (!g) { return null; }
    var u = (x - g.x0) / g.dx, v = (y - g.y0) / g.dy;
    if (!(u >= 0 && u <= g.n && v >= 0 && v <= g.n)) { return null; }
    var i = Math.min(Math.floor(u), g.n - 1), j = Math.min(Math.floor(v), g.n - 1);
    var fu = u - i, fv = v - j;
    function mix(t) {
      var top = t[j][i] * (1 - fu) + t[j][i + 1] * fu, bottom = t[j + 1][i] * (1 - fu) + t[j + 1][i + 1] * fu;
      return top * (1 - fv) + bottom * fv;
    }
    return [mix(g.lon), mix(g.lat)];
  }
  // The clicked point in the drawing's coordinates.
  function clicked(ev) {
    var m = svg.getScreenCTM();
    if (!m) { return null; }
    var p = svg.createSVGPoint();
    p.x = ev.clientX;
    p.y = ev.clientY;
    p = p.matrixTransform(m.inverse());
    return lonLat(p.x, p.y);
  }
  // A proposal for the place clicked (the form takes lon and lat).
  function proposeHere(at) {
    var a = document.createElement('a');
    a.id = 'propose-here';
    a.href = '/register' + (at ? '?lon=' + at[0].toFixed(5) + '&lat=' + at[1].toFixed(5) : '');
    a.textContent = data.labels.propose;
    var p = document.createElement('p');
    p.appendChild(a);
    details.appendChild(p);
  }
  function pick(d, at) {
    var L = data.labels;
    districts.forEach(function (x) { x.classList.toggle('chosen', x === d); });
    show(d.dataset.name, [[L.count, d.dataset.count], [L.population, d.dataset.population],
      [L.provisional, d.dataset.provisional === 'true' ? L.yes : '']]);
    if (served) {
      if (data.proposals) { proposeHere(at); }
      ask(d);
    }
  }
  var districts = Array.prototype.slice.call(svg.querySelectorAll('.district'));
  districts.forEach(function (d) {
    d.addEventListener('click', function (ev) {
      history.replaceState(null, '', '#district=' + encodeURIComponent(d.dataset.id));
      pick(d, clicked(ev));
    });
  });
  // A link to `…/map#district=ID` opens with that district chosen.
  var chosen = /^#district=(.+)$/.exec(location.hash);
  if (chosen) {
    districts.filter(function (d) { return d.dataset.id === decodeURIComponent(chosen[1]); })
      .forEach(function (d) { pick(d, null); });
  }
  apply();
  document.body.dataset.markers = String(markers.length);
  document.body.dataset.ready = '1';
}());
