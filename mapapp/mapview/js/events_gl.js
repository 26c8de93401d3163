/* Many events with WebGL: leaflet.glify points from the payload's binary columns
   (see mapapp/mapview/event_layer.py, GL_MIN). Used by js/events.js; no DOM per event.

   mvLib.glPoints(map, D, opts) draws every event of D (D.c already decoded into
   typed arrays) as one WebGL point layer under the map's Leaflet panes and returns
   {filter(mask), shown(i), latLng(i), show(on), drawn()}. A click on a point calls
   opts.click(i) with the event's index; events hidden by the filter take no clicks. */
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
  var rgb = {};
  function color(i) {
    var day = C.day[i];
    if (!rgb[day]) {
      var hex = lib.dayColor(D.palette, day).replace("#", "");
      rgb[day] = {r: parseInt(hex.slice(0, 2), 16) / 255, g: parseInt(hex.slice(2, 4), 16) / 255,
                  b: parseInt(hex.slice(4, 6), 16) / 255, a: opacity};
    }
    return rgb[day];
  }
  function shown(i) { return !hidden || !hidden[i]; }
  /* glify keeps the row it was given with each point: [lat, lon, index]. */
  var rows = new Array(n);
  for (var i = 0; i < n; i++) { rows[i] = [C.lat[i], C.lon[i], i]; }

  /* The nearest shown event within the click radius, from glify's 0.01-degree
     buckets (the filter leaves hidden points in its lookup). */
  function nearestShown(latlng) {
    var best = -1, bestD = Infinity, at = map.latLngToLayerPoint(latlng);
    for (var dy = -3; dy <= 3; dy++) {
      for (var dx = -3; dx <= 3; dx++) {
        var key = (latlng.lat + dy / 100).toFixed(2) + "x" + (latlng.lng + dx / 100).toFixed(2);
        (points.latLngLookup[key] || []).forEach(function (v) {
          var k = v.feature[2];
          if (!shown(k)) { return; }
          var d = map.latLngToLayerPoint(v.latLng).distanceTo(at);
          if (d < bestD) { bestD = d; best = k; }
        });
      }
    }
    return bestD <= size ? best : -1;
  }

  var points = L.glify.points({
    map: map, pane: pane, data: rows, size: size, opacity: opacity, sensitivity: 1,
    className: "mv-gl-events",
    color: function (k) { return color(k); },
    click: function (e, row) {
      var k = row[2];
      if (!shown(k)) { k = nearestShown(e.latlng); }
      if (k < 0) { return; }
      opts.click(k);
      return true;
    }
  });
  rows = null;
  points.canvas.setAttribute("aria-hidden", "true");
  /* Every drawOnCanvas draws all points: count them for tools (the bench waits for it). */
  var draw = points.drawOnCanvas;
  points.drawOnCanvas = function (e) {
    var out = draw.call(this, e);
    drawnCount = this.allLatLngLookup.length;
    return out;
  };

  /* The playback's time filter: alpha and size 0 in the vertex buffer for hidden
     events, one upload and one redraw; no per-event objects are touched. */
  function filter(mask) {
    if (mask) {
      hidden = hidden || new Uint8Array(n);
      for (var j = 0; j < n; j++) { hidden[j] = mask[j] ? 0 : 1; }
    } else {
      hidden = null;
    }
    var v = points.typedVertices, gl = points.gl;
    for (var k = 0; k < n; k++) {
      var on = shown(k);
      v[k * STRIDE + ALPHA] = on ? opacity : 0;
      v[k * STRIDE + SIZE] = on ? size : 0;
    }
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
    glify: points
  };
};
