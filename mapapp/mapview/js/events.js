/* The events, drawn from one columnar payload (see mapapp/mapview/event_layer.py).

   Up to D.label_max events, each is a numbered marker a keyboard can reach (Tab,
   then Enter opens its details), with its place name as a label where one fits.
   Markers closer than SEP_PX on screen are spread on a small circle around their
   true spot, with a leader line back to it, so every event takes a real click.
   Beyond label_max, events are canvas dots (mouse only). Uncertainty circles are
   drawn to scale, only when they are larger than a marker, and never take clicks.
   A payload marked `gl` (tens of thousands of events and more) is drawn with WebGL
   instead (js/events_gl.js), with a search box for the keyboard (js/search.js). */
mvLib.layer("eventLayer", 5, function (group, map, D) {
  "use strict";
  if (D.gl) { mvLib.decodeColumns(D); }
  var lib = mvLib, C = D.c, n = D.n, scale = D.coord_scale;
  var gl = null;  /* the WebGL points (js/events_gl.js), for a `gl` payload */
  var SEP_PX = 24, RING_MIN_PX = 12, LABEL_GAP_PX = 17, LEGEND_OPEN_MIN_HEIGHT = 760;
  var numbered = n <= D.label_max;
  var ringPane = lib.pane(map, "mvRings", 430);
  var linkPane = lib.pane(map, "mvLeaders", 445);
  var dotPane = lib.pane(map, "mvEvents", 450);
  var labelPane = lib.pane(map, "mvLabels", 590);
  var ringRenderer = L.canvas({padding: 0.5, pane: ringPane});
  var linkRenderer = L.canvas({padding: 0.5, pane: linkPane});
  var dotRenderer = L.canvas({padding: 0.5, tolerance: 6, pane: dotPane});
  var layers = new Array(n), rings = [], leaders = new Array(n), labels = [];
  var popup = L.popup({maxWidth: 360, minWidth: 220, autoPanPadding: [24, 24]});
  var hidden = null;  /* the playback's time filter (see filter): hidden[i] = 1 */
  function shown(i) { return !hidden || !hidden[i]; }

  function color(i) { return lib.dayColor(D.palette, C.day[i]); }
  /* "N. title", from the details (inflated at once for small trips, shortly after
     loading for big ones); the bare number until then. */
  function head(i) {
    var d = D.d || D._d;
    return d ? d.head[i] : String(C.order[i]);
  }
  function trueLatLng(i) { return L.latLng(C.lat[i] / scale, C.lon[i] / scale); }

  function listSection(root, title, items, render) {
    if (!items.length) { return; }
    lib.el(root, "div", "mv-sec", title);
    var ul = lib.el(root, "ul");
    items.forEach(function (item, k) { render(lib.el(ul, "li"), item, k); });
  }
  function textItem(li, text) { li.textContent = text; }

  /* The popup: every string was computed in Python (mapapp/presentation/wording.py). */
  function popupNode(i, d) {
    function str(col) { return d.s[d.c[col][i]]; }
    function strs(col) { return lib.strings(d, col, i); }
    var root = lib.el(null, "div", "mv-popup");
    root.setAttribute("data-event-id", D.ids[i]);
    var title = lib.el(root, "h4", null, head(i));
    title.tabIndex = -1;
    lib.el(root, "div", "mv-when", str("when"));
    lib.el(root, "div", "mv-place", str("place"));
    if (str("pnote")) { lib.el(root, "div", "mv-note", str("pnote")); }
    if (d.quote[i]) { lib.el(root, "blockquote", null, d.quote[i]); }
    listSection(root, "Actors", strs("who"), textItem);
    listSection(root, "Sources", lib.sources(d, i), function (li, src) {
      if (src.href) {
        var a = lib.el(li, "a", null, src.text);
        a.href = src.href; a.target = "_blank"; a.rel = "noopener noreferrer";
      } else {
        li.textContent = src.text;
      }
      if (src.note) { lib.el(li, "small", null, " (" + src.note + ")"); }
    });
    listSection(root, "Discrepancies", strs("disc"), textItem);
    return root;
  }
  function fallbackNode(i, err) {
    var root = lib.el(null, "div", "mv-popup");
    lib.el(root, "h4", null, head(i));
    lib.el(root, "div", "mv-when",
           "Details unavailable: " + (err && err.message ? err.message : err));
    return root;
  }
  /* Event i's details in the popup; with `focus`, the keyboard moves into them and
     Escape gives it back to `back` (default: the event's marker). */
  function openDetails(i, focus, back) {
    var layer = layers[i], at;
    if (gl) {
      at = gl.latLng(i);
    } else {
      if (!layer || !layer._map) { return; }
      at = layer.getLatLng();
    }
    lib.details(D).then(function (d) { return popupNode(i, d); },
                        function (err) { return fallbackNode(i, err); })
      .then(function (node) {
        popup.options.offset = numbered ? [0, -8] : [0, 0];
        // Long details scroll inside the popup, so its close button stays in view.
        popup.options.maxHeight = Math.max(160, map.getSize().y - 90);
        popup._mvIndex = i;
        popup.setLatLng(at).setContent(node).openOn(map);
        if (focus) {
          var h = node.querySelector("h4");
          if (h) { h.focus({preventScroll: true}); }
          // Escape closes the details and gives the focus back to the marker.
          L.DomEvent.on(node, "keydown", function (ev) {
            if (ev.key !== "Escape") { return; }
            map.closePopup(popup);
            var to = back || (layer && layer.getElement && layer.getElement());
            if (to) { to.focus({preventScroll: true}); }
          });
        }
      });
  }

  /* The tooltip is escaped text, not a node: streamlit-folium reads it back
     (last_object_clicked_tooltip) as a string, and the app finds the event by it. */
  function tip(layer) {
    if (!layer.getTooltip() && (D.d || D._d)) {
      layer.bindTooltip(lib.esc(head(layer.options.eventIndex)),
                        {direction: "top", offset: [0, numbered ? -10 : -6]});
    }
  }
  function onClick(e) {
    var layer = e.target;
    tip(layer);
    select(layer.options.eventIndex);
    openDetails(layer.options.eventIndex, Boolean(e.keyboard));
  }
  function onOver(e) {
    var layer = e.target;
    if (D.d || D._d) { tip(layer); layer.openTooltip(); return; }
    lib.details(D).then(function () { tip(layer); layer.openTooltip(); }, function () {});
  }

  function select(i) {
    layers.forEach(function (layer, k) {
      var node = layer && layer.getElement && layer.getElement();
      if (node) { node.classList.toggle("mv-selected", k === i); }
    });
  }

  function numberIcon(i) {
    var span = lib.el(null, "span", null, String(C.order[i]));
    span.style.background = color(i);
    return L.divIcon({className: "mv-num", html: span, iconSize: [20, 20], iconAnchor: [10, 10]});
  }
  function decorate(e) {
    var layer = e.target, node = layer.getElement(), i = layer.options.eventIndex;
    node.setAttribute("aria-label", head(i));
    node.setAttribute("data-event-id", D.ids[i]);
    if (node._mvWired) { return; }
    node._mvWired = true;
    // Focus follows the keyboard only: a mouse focus could scroll the page in the
    // app's iframe between mousedown and mouseup, and the click would be lost.
    L.DomEvent.on(node, "mousedown", L.DomEvent.preventDefault);
    L.DomEvent.on(node, "keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") {
        L.DomEvent.preventDefault(ev);
        // A click event, so streamlit-folium reports it like a mouse click.
        layer.fire("click", {latlng: layer.getLatLng(), originalEvent: ev, keyboard: true});
      }
    });
  }

  // The legend sits above the map's panes, popups included: fold it while one is
  // open, and from the start on a small map, where it would cover a quarter of it.
  var legend = document.querySelector(".mv-legend details");
  if (legend && map.getSize().y < LEGEND_OPEN_MIN_HEIGHT) { legend.open = false; }
  map.on("popupopen", function () { if (legend) { legend.open = false; } });

  if (D.gl) { return drawGl(); }
  /* Every event as one WebGL point; the playback reaches them through a list of
     light stand-ins built on demand (no object per event is kept). */
  function drawGl() {
    gl = lib.glPoints(map, D, {click: function (i) { openDetails(i, false); report(i); }});
    group.on("add remove", function (e) {
      if (!e.propagatedFrom) { gl.show(e.type === "add"); }
    });
    lib.eventSearch(map, D, {head: head, shown: gl.shown,
                             open: function (i, back) {
                               openDetails(i, true, back);
                               report(i);
                             }});
    /* Two filters hide events: the playback's time (timeFilter) and, in a standalone
       page, the day and actor chosen (js/filter.js); an event shows if both pass. */
    var timeMask = null, userMask = null, both = null;
    function combined() {
      if (!timeMask || !userMask) { return timeMask || userMask; }
      both = both || new Uint8Array(n);
      for (var k = 0; k < n; k++) { both[k] = timeMask[k] && userMask[k] ? 1 : 0; }
      return both;
    }
    function timeFilter(mask) { timeMask = mask; gl.filter(combined()); }
    var chosen = D.fl ? lib.eventFilter(map, D, {apply: function (mask) {
      userMask = mask;
      gl.filter(combined());
      if (userMask && popup.isOpen() && popup._mvIndex >= 0 && !gl.shown(popup._mvIndex)) {
        map.closePopup(popup);
      }
    }}) : null;
    setTimeout(function () {
      var sel = D.ids.indexOf(D.sel);
      if (sel >= 0) { openDetails(sel, false); }
    }, 0);
    if (D.dz) { setTimeout(function () { lib.details(D).catch(function () {}); }, 300); }
    var standIns = new Proxy([], {get: function (target, key) {
      if (key === "length") { return n; }
      if (key === "forEach") { return function () {}; }  /* no per-event nodes to touch */
      var i = typeof key === "string" && /^\d+$/.test(key) ? Number(key) : -1;
      if (i < 0 || i >= n) { return undefined; }
      return {getLatLng: function () { return gl.latLng(i); },
              getElement: function () { return null; }, options: {eventIndex: i}};
    }});
    (lib.eventLayers = lib.eventLayers || []).push({map: map, payload: D, layers: standIns,
      rings: [], labels: [], filter: timeFilter, gl: gl, chosen: chosen});
    return gl;
  }
  /* A WebGL point is no Leaflet layer, so nothing outside this file hears its click:
     tell the group's listeners as a marker's click would (streamlit-folium's among
     them, and the app then shows the event's details beside the map), from a marker
     that is never drawn, with its latlng and its escaped "N. title" tooltip. */
  function report(i) {
    lib.details(D).then(function () {
      var at = gl.latLng(i);
      var stand = L.marker(at, {eventIndex: i, eventId: D.ids[i]}).bindTooltip(lib.esc(head(i)));
      group.fire("click", {latlng: at, sourceTarget: stand});
    }, function () {});
  }

  var order = [];
  for (var k = 0; k < n; k++) { order.push(k); }
  order.sort(function (a, b) { return C.order[a] - C.order[b]; });
  order.forEach(function (i) {
    var ll = trueLatLng(i), col = color(i);
    var common = {eventId: D.ids[i], eventIndex: i};
    if (C.unc[i] > 0) {
      rings.push({i: i, layer: L.circle(ll, {radius: C.unc[i], renderer: ringRenderer, eventIndex: i,
        pane: ringPane, interactive: false, color: col, weight: 1.5, dashArray: "4 3",
        fillColor: col, fillOpacity: 0.12})});
    }
    var layer;
    if (numbered) {
      layer = L.marker(ll, L.extend({icon: numberIcon(i), keyboard: true, riseOnHover: true},
                                     common));
      layer.on("add", decorate);
      tip(layer);
      leaders[i] = L.polyline([ll, ll], {renderer: linkRenderer, pane: linkPane,
        interactive: false, color: "#333333", weight: 1.2, opacity: 0.9});
    } else {
      layer = L.circleMarker(ll, L.extend({radius: D.point_px, renderer: dotRenderer,
        pane: dotPane, color: "#ffffff", weight: 1, fillColor: col, fillOpacity: 0.9}, common));
      layer.on("mouseover", onOver);
    }
    layer.on("click", onClick);
    layer.addTo(group);
    layers[i] = layer;
  });
  if (numbered) {
    var seenPlace = {};
    order.forEach(function (i) {
      if (seenPlace[C.pl[i]]) { return; }
      seenPlace[C.pl[i]] = true;
      var span = lib.el(null, "span", null, D.s[C.pl[i]]);
      span.setAttribute("aria-hidden", "true");
      labels.push({i: i, layer: L.marker(trueLatLng(i), {pane: labelPane, interactive: false,
        keyboard: false, icon: L.divIcon({className: "mv-label", html: span, iconSize: null})})});
    });
  }

  /* Spread markers that would overlap on screen; union-find over close pairs. */
  function spread() {
    var pts = order.map(function (i) { return map.latLngToLayerPoint(trueLatLng(i)); });
    var root = order.map(function (_, a) { return a; });
    function find(a) { while (root[a] !== a) { a = root[a] = root[root[a]]; } return a; }
    for (var a = 0; a < pts.length; a++) {
      for (var b = a + 1; b < pts.length; b++) {
        if (pts[a].distanceTo(pts[b]) < SEP_PX) { root[find(a)] = find(b); }
      }
    }
    var clusters = {};
    order.forEach(function (_, a) { (clusters[find(a)] = clusters[find(a)] || []).push(a); });
    Object.keys(clusters).forEach(function (key) {
      var members = clusters[key], m = members.length;
      var cx = 0, cy = 0;
      members.forEach(function (a) { cx += pts[a].x / m; cy += pts[a].y / m; });
      var r = m > 1 ? Math.max(SEP_PX * 0.75, (SEP_PX / 2 + 2) / Math.sin(Math.PI / m)) : 0;
      members.forEach(function (a, j) {
        var i = order[a], angle = -Math.PI / 2 + (2 * Math.PI * j) / m;
        var at = m > 1 ? map.layerPointToLatLng(L.point(cx + r * Math.cos(angle),
                                                        cy + r * Math.sin(angle)))
                       : trueLatLng(i);
        layers[i].setLatLng(at);
        var node = layers[i].getElement();
        if (node) { node.setAttribute("data-spread", m > 1 ? "1" : "0"); }
        leaders[i].setLatLngs([trueLatLng(i), at]);
        if (m > 1 && shown(i)) { leaders[i].addTo(group); } else { group.removeLayer(leaders[i]); }
      });
    });
  }

  /* Circles only where they are larger than a marker at this zoom. */
  function showRings() {
    rings.forEach(function (ring) {
      var ll = trueLatLng(ring.i);
      var a = map.latLngToLayerPoint(ll);
      var b = map.latLngToLayerPoint([ll.lat + C.unc[ring.i] / 111320, ll.lng]);
      if (a.y - b.y >= RING_MIN_PX && (shown(ring.i) || !numbered)) {
        ring.layer.addTo(group);
      } else {
        group.removeLayer(ring.layer);
      }
    });
  }

  /* Place names beside their marker, right or left (or half a line up or down),
     where they hit no marker, no other label and nothing another layer offers
     through map.mvObstacles (partner capitals, NATO HQ). */
  function placeLabels() {
    var size = map.getSize(), taken = [];
    function box(p, w, h) { return {x0: p.x, y0: p.y, x1: p.x + w, y1: p.y + h}; }
    function hits(r) {
      if (r.x0 < 0 || r.y0 < 0 || r.x1 > size.x || r.y1 > size.y) { return true; }
      return taken.some(function (t) {
        return r.x0 < t.x1 && t.x0 < r.x1 && r.y0 < t.y1 && t.y0 < r.y1;
      });
    }
    order.forEach(function (i) {
      if (!shown(i)) { return; }
      var p = map.latLngToContainerPoint(layers[i].getLatLng());
      taken.push(box(L.point(p.x - 14, p.y - 14), 28, 28));  // a marker and a 3 px margin
    });
    // Other layers' markers take room too: partner capitals, NATO HQ (js/context.js).
    (map.mvObstacles || []).forEach(function (boxes) { taken.push.apply(taken, boxes()); });
    labels.forEach(function (label) {
      if (!shown(label.i)) { group.removeLayer(label.layer); return; }
      var layer = label.layer.setLatLng(layers[label.i].getLatLng()).addTo(group);
      var node = layer.getElement(), w = node.offsetWidth, h = node.offsetHeight;
      var p = map.latLngToContainerPoint(layer.getLatLng());
      var fit = null;  // right or left of the marker; else half a line up or down
      [0, -(h / 2 + 3), h / 2 + 3].some(function (dy) {
        var right = box(L.point(p.x + LABEL_GAP_PX, p.y - h / 2 + dy), w, h);
        var left = box(L.point(p.x - LABEL_GAP_PX - w, p.y - h / 2 + dy), w, h);
        fit = !hits(right) ? right : (!hits(left) ? left : null);
        return fit;
      });
      if (!fit) { group.removeLayer(layer); return; }
      taken.push(fit);
      node.style.marginLeft = (fit.x0 - p.x) + "px";
      node.style.marginTop = (fit.y0 - p.y) + "px";
    });
  }

  function relayout() {
    if (!group._map) { return; }
    if (numbered) { spread(); }
    showRings();
  }
  function relabel() { if (numbered && group._map) { placeLabels(); } }
  map.on("zoomend viewreset", relayout);
  map.on("zoomend moveend resize", relabel);
  group.on("add", function (e) {
    // Children's "add" events bubble up to the group: only the group's own counts.
    if (!e.propagatedFrom) { relayout(); relabel(); }
  });
  // After the rest of the page's script: the group joins the map and the view is fitted.
  setTimeout(function () {
    relayout();
    relabel();
    var sel = D.ids.indexOf(D.sel);
    if (sel >= 0) { select(sel); openDetails(sel, false); }
  }, 0);
  if (D.dz) { setTimeout(function () { lib.details(D).catch(function () {}); }, 300); }
  /* The playback's time filter (js/playback.js): only events whose mask entry is
     non-zero stay drawn; null draws them all. Numbered markers (at most label_max)
     leave and rejoin the map; canvas dots and rings stay in their layers and are
     skipped by their renderers (Leaflet 1.9's _updateCircle), one redraw each,
     so a frame touches no DOM per event. */
  function skipHidden(renderer) {
    var draw = renderer._updateCircle;
    renderer._updateCircle = function (layer) {
      if (shown(layer.options.eventIndex)) { draw.call(this, layer); }
    };
  }
  if (!numbered) { skipHidden(dotRenderer); skipHidden(ringRenderer); }
  function filter(mask) {
    if (mask) {
      hidden = hidden || new Uint8Array(n);
      for (var i = 0; i < n; i++) { hidden[i] = mask[i] ? 0 : 1; }
    } else {
      hidden = null;
    }
    if (numbered) {
      layers.forEach(function (layer, k) {
        if (shown(k) && !layer._map) { group.addLayer(layer); }
        if (!shown(k) && layer._map) { group.removeLayer(layer); }
      });
      relayout();
      relabel();
      return;
    }
    for (var j = 0; j < n; j++) { layers[j].options.interactive = shown(j); }
    [dotRenderer, ringRenderer].forEach(function (r) { if (r._map) { r._redraw(); } });
  }
  (lib.eventLayers = lib.eventLayers || []).push({map: map, payload: D, layers: layers,
                                                  rings: rings, labels: labels, filter: filter});
});
