/* Many events with WebGL: leaflet.glify points from the payload's binary columns
   (see mapapp/mapview/event_layer.py, GL_MIN). Used by js/events.js; no DOM and no
   JS object per event.

   mvLib.glPoints(map, D, opts) draws every event of D (D.c already decoded into
   typed arrays) as one WebGL point layer under the map's Leaflet panes and returns
   {filter(mask), shown(i), latLng(i), show(on), drawn(), spots()}. A click on a point calls
   opts.click(i) with the event's index; events hidden by the filter take no clicks.

   glify builds its vertices and its click look-up from one JS array and one object
   per point (a string key, a LatLng, a projected point each): at a million events
   that was most of the first draw. Here the vertex buffer is written straight from
   the typed columns, and clicks are answered from a grid of point indices. */
mvLib.decodeColumns = function (D) {
  "use strict";
  function bytes(text) {
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var j = 0; j < bin.length; j++) { out[j] = bin.charCodeAt(j); }
    return out.buffer;
  }
  var FLOAT = {lat: true, lon: true};
  Object.keys(D.b || {}).forEach(function (name) {
    var buf = bytes(D.b[name]);
    D.c[name] = FLOAT[name] ? new Float32Array(buf) : new Int32Array(buf);
  });
  D.b = null;  /* the base64 text is no longer needed */
};

mvLib.glPoints = function (map, D, opts) {
  "use strict";
  var lib = mvLib, C = D.c, n = D.n;
  var STRIDE = 7, ALPHA = 5, SIZE = 6;  /* glify's vertex: x, y, r, g, b, a, size */
  var size = 2 * D.point_px, opacity = 0.9;
  var hidden = null, drawnCount = 0;
  var pane = lib.pane(map, "mvEventsGl", 440);

  /* Each event's place in Leaflet's zoom-0 pixels (EPSG:3857, as map.project(ll, 0)),
     in double precision for picking. */
  var px = new Float64Array(n), py = new Float64Array(n);
  var MAX_LAT = 85.0511287798, D2R = Math.PI / 180;
  for (var i = 0; i < n; i++) {
    var lat = Math.max(Math.min(C.lat[i], MAX_LAT), -MAX_LAT), s = Math.sin(lat * D2R);
    px[i] = 256 * (0.5 + C.lon[i] / 360);
    py[i] = 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
  }

  /* The grid: point indices sorted by cell (counting sort), cells of the data's box. */
  var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (i = 0; i < n; i++) {
    if (px[i] < x0) { x0 = px[i]; } if (px[i] > x1) { x1 = px[i]; }
    if (py[i] < y0) { y0 = py[i]; } if (py[i] > y1) { y1 = py[i]; }
  }
  var G = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n / 4))));
  var cw = Math.max((x1 - x0) / G, 1e-9), ch = Math.max((y1 - y0) / G, 1e-9);
  function cellX(x) { return Math.max(0, Math.min(G - 1, Math.floor((x - x0) / cw))); }
  function cellY(y) { return Math.max(0, Math.min(G - 1, Math.floor((y - y0) / ch))); }
  var start = new Int32Array(G * G + 1), cellOf = new Int32Array(n), sorted = new Int32Array(n);
  for (i = 0; i < n; i++) { cellOf[i] = cellY(py[i]) * G + cellX(px[i]); start[cellOf[i] + 1]++; }
  for (var c = 0; c < G * G; c++) { start[c + 1] += start[c]; }
  var fill = start.slice(0, G * G);
  for (i = 0; i < n; i++) { sorted[fill[cellOf[i]]++] = i; }
  cellOf = fill = null;

  function shown(k) { return !hidden || !hidden[k]; }

  /* Events at one spot (one place, many visits) are stacked: only the top one (the
     last drawn) shows, so only it goes in the vertex buffer; the others would cost
     software WebGL their vertices and their whole fill for nothing (a million events
     at a few hundred places). spotOf[k] numbers each distinct position. */
  var spotOf = new Int32Array(n), spots = 0, byLat = new Map();
  var latBits = new Uint32Array(C.lat.buffer, C.lat.byteOffset, n);
  var lonBits = new Uint32Array(C.lon.buffer, C.lon.byteOffset, n);
  for (i = 0; i < n; i++) {
    var row = byLat.get(latBits[i]);
    if (!row) { row = new Map(); byLat.set(latBits[i], row); }
    var spot = row.get(lonBits[i]);
    if (spot === undefined) { spot = spots++; row.set(lonBits[i], spot); }
    spotOf[i] = spot;
  }
  byLat = null;
  var topOf = new Int32Array(spots), covered = 0;
  /* The top shown event of each spot, after the filter changed. */
  function stack() {
    topOf.fill(-1);
    covered = 0;
    for (var k = 0; k < n; k++) { if (shown(k)) { topOf[spotOf[k]] = k; covered++; } }
  }
  stack();

  /* The nearest shown event within `radius` zoom-0 pixels of (x, y); of events at
     one spot, the last drawn (on top). -1 for none. */
  function nearest(x, y, radius) {
    var best = -1, bestD = radius * radius;
    var cx0 = cellX(x - radius), cx1 = cellX(x + radius);
    var cy0 = cellY(y - radius), cy1 = cellY(y + radius);
    for (var cy = cy0; cy <= cy1; cy++) {
      for (var c = cy * G + cx0, end = cy * G + cx1; c <= end; c++) {
        for (var j = start[c]; j < start[c + 1]; j++) {
          var k = sorted[j], dx = px[k] - x, dy = py[k] - y, d = dx * dx + dy * dy;
          if (d <= bestD && shown(k) && (d < bestD || k > best)) { bestD = d; best = k; }
        }
      }
    }
    return best;
  }

  var palette = D.palette.map(function (hex) {
    hex = hex.replace("#", "");
    return [parseInt(hex.slice(0, 2), 16) / 255, parseInt(hex.slice(2, 4), 16) / 255,
            parseInt(hex.slice(4, 6), 16) / 255];
  });
  function color(day) {
    var m = palette.length;
    return palette[(((day - 1) % m) + m) % m];
  }

  var points = L.glify.points({
    map: map, pane: pane, data: [], size: size, opacity: opacity, sensitivity: 1,
    className: "mv-gl-events", color: {r: 0, g: 0, b: 0, a: 0},
    click: function (e, row) {
      opts.click(row[2]);
      return true;
    }
  });
  /* The vertex buffer, written from the columns (glify's render() uploads it): the top
     shown event of each spot only, so a frame draws as many points as there are spots
     in sight, not every event (software WebGL runs its vertex shader for each one). */
  var centre = null;
  function vertices() {
    var tops = topOf.filter(function (k) { return k >= 0; }).sort();  /* in drawing order */
    var v = new Float32Array(tops.length * STRIDE);
    for (var j = 0; j < tops.length; j++) {
      var k = tops[j], o = j * STRIDE, rgb = color(C.day[k]);
      v[o] = px[k] - centre.x; v[o + 1] = py[k] - centre.y;
      v[o + 2] = rgb[0]; v[o + 3] = rgb[1]; v[o + 4] = rgb[2];
      v[ALPHA + o] = opacity; v[SIZE + o] = size;
    }
    return v;
  }
  points.resetVertices = function () {
    centre = this.mapCenterPixels;
    this.vertices = vertices();
    this.latLngLookup = {};
    this.allLatLngLookup = {length: this.vertices.length / STRIDE};  /* drawOnCanvas draws these */
    return this;
  };
  /* glify asks each layer for its candidate under a click, then checks the distance
     in screen pixels (chosenSize): answer from the grid, shown events only. */
  points.lookup = function (latlng) {
    var at = map.project(latlng, 0), k = nearest(at.x, at.y, size / Math.pow(2, map.getZoom()));
    if (k < 0) { return null; }
    return {latLng: L.latLng(C.lat[k], C.lon[k]), key: "mv" + k, chosenSize: size,
            feature: [C.lat[k], C.lon[k], k]};
  };
  points.render();
  points.vertices = null;  /* uploaded (the filter uploads a new buffer) */
  points.canvas.setAttribute("aria-hidden", "true");
  /* Each drawOnCanvas draws every shown event (as the top of its spot): count them
     for tools (the bench waits for it). */
  var draw = points.drawOnCanvas;
  points.drawOnCanvas = function (e) {
    var out = draw.call(this, e);
    drawnCount = covered;
    return out;
  };

  /* The filters (the playback's time, the page's day and actor): a new vertex buffer
     of the shown spots' tops, one upload and one redraw; no per-event objects. */
  function filter(mask) {
    if (!mask && !hidden) { return; }  /* every event shown already */
    if (mask) {
      hidden = hidden || new Uint8Array(n);
      for (var j = 0; j < n; j++) { hidden[j] = mask[j] ? 0 : 1; }
    } else {
      hidden = null;
    }
    stack();
    var v = points.typedVertices = vertices(), gl = points.gl;
    points.allLatLngLookup = {length: v.length / STRIDE};
    gl.bindBuffer(gl.ARRAY_BUFFER, points.getBuffer("vertices"));
    gl.bufferData(gl.ARRAY_BUFFER, v, gl.STATIC_DRAW);
    points.layer.redraw();
  }
  /* The layer control hides the events' group: hide the canvas and its clicks. */
  function show(on) {
    points.active = on;
    points.canvas.style.display = on ? "" : "none";
    if (on) { points.layer.redraw(); }
  }
  return {
    filter: filter, shown: shown, show: show,
    latLng: function (k) { return L.latLng(C.lat[k], C.lon[k]); },
    drawn: function () { return drawnCount; },
    spots: function () { return spots; },
    glify: points
  };
};
