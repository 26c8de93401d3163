/* The offline basemap: vector packs (mapapp/basemap) drawn under everything, with
   labels that appear by zoom and give way when they would collide, the packs'
   credits in the attribution, and, online, OpenStreetMap tiles on top with a
   notice when they fail (the vectors then show through).

   payload: {v, ids: [id of a JSON script element], urls: [url], credits: [{text, url}], styles: {kind: style},
             tiles: {url, attribution, maxZoom} | null, notice: text}
   A pack's geometry: {"P": [[ring, ...], ...]} or {"L": [line, ...]}, each ring or
   line [x0, y0, dx1, dy1, ...] in 1/scale degrees (mapapp/basemap/codec.py). */
(function (lib) {
  "use strict";
  var KIND_RANK = {water: 0, prefecture: 1, city: 1, peninsula: 2, municipality: 2, place: 2};
  var NEAR_PX = 80;
  var ROOM_PX = 3;       /* labels keep this far from markers and other labels */
  var SHIFT_GAP_PX = 3;  /* a label moved off its place clears the place by this much */

  function path(p, scale) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < p.length; i += 2) {
      x += p[i]; y += p[i + 1];
      out.push([y / scale, x / scale]);
    }
    return out;
  }

  function shape(geometry, scale, style, renderer) {
    var opts = L.extend({renderer: renderer, pane: renderer.options.pane, interactive: false}, style);
    if (geometry.P) {
      return L.polygon(geometry.P.map(function (rings) {
        return rings.map(function (r) { return path(r, scale); });
      }), opts);
    }
    return L.polyline(geometry.L.map(function (l) { return path(l, scale); }), opts);
  }

  function credits(map, list) {
    var control = map.attributionControl;
    if (!control) { control = L.control.attribution().addTo(map); }
    list.forEach(function (c) {
      control.addAttribution('<a href="' + lib.esc(c.url) + '" lang="' +
        (/[\u3000-\u9fff]/.test(c.text) ? "ja" : "en") + '">' + lib.esc(c.text) + "</a>");
    });
  }

  function Basemap(map, payload) {
    this.map = map;
    this.styles = payload.styles;
    this.layers = [];        /* {id, kind, levels, drawn: {"level/part": L.Layer}, shown: {key: L.Layer}} */
    this.labels = [];        /* every pack's labels */
    this.focus = payload.focus || [];  /* [lat, lon] of the events */
    this.shownLabels = {};   /* "label index/offset" -> L.Marker */
    this.labelPane = lib.pane(map, "mvBaseLabels", 160);
    this.pending = false;    /* a label pass is scheduled */
    this.passes = 0;         /* label passes run so far */
    var self = this;
    map.on("moveend", function () { self.update(); });
    /* Labels are placed again after every zoom, pan or resize, and whenever an event
       marker or label, or a link's label, comes or goes: they give way to all of them. */
    map.on("zoomend moveend resize mvlinklabels", function () { self.scheduleLabels(); });
    map.on("layeradd layerremove", function (e) {
      var o = e.layer && e.layer.options;
      if (o && (o.eventIndex !== undefined || o.pane === "mvLabels")) { self.scheduleLabels(); }
    });
  }

  /* Two turns of the event loop: the events' labels are placed in the same map
     events, the links' labels one turn later (js/context.js), these after both. */
  Basemap.prototype.scheduleLabels = function () {
    var self = this;
    if (this.pending) { return; }
    this.pending = true;
    setTimeout(function () {
      setTimeout(function () { self.pending = false; self.placeLabels(self.map.getZoom()); }, 0);
    }, 0);
  };

  /* World layers first, regional ones over them; borders over land and water. */
  var ORDER = {"land": 0, "border-country": 1, "water": 2};
  function rank(layer) {
    var world = layer.id.indexOf("world-") === 0 ? 0 : 10;
    return world + (ORDER[layer.kind] === undefined ? 3 : ORDER[layer.kind]);
  }

  Basemap.prototype.add = function (pack) {
    var self = this, map = this.map;
    pack.layers.forEach(function (layer) {
      /* One canvas per layer, stacked by rank: parts added later as the map pans
         still paint under the layers above them. */
      var r = rank(layer);
      var pane = lib.pane(map, "mvBase" + r, 140 + r);
      self.layers.push({id: layer.id, kind: layer.kind, levels: layer.levels, drawn: {}, shown: {},
                        renderer: L.canvas({pane: pane, padding: 0.5})});
    });
    self.labels = self.labels.concat(pack.labels);
    self.update();
    self.scheduleLabels();
  };

  /* Draw the parts of each layer's current level that meet the view (padded). */
  Basemap.prototype.update = function () {
    var map = this.map, z = map.getZoom(), self = this;
    var view = map.getBounds().pad(0.5);
    function meets(part) {
      var b = part.bbox;
      return view.intersects([[b[1], b[0]], [b[3], b[2]]]);
    }
    this.layers.forEach(function (layer) {
      var want = {};
      var levels = layer.levels.map(function (lv, i) { return i; }).filter(function (i) {
        var lv = layer.levels[i];
        return lv.minzoom <= z && z <= lv.maxzoom && lv.parts.some(meets);
      });
      /* A standalone page carries the world's detailed cells near its trip only:
         elsewhere the coarsest level stands in. */
      if (!levels.length && layer.levels.length && layer.levels[0].parts.some(meets)) {
        levels = [0];
      }
      levels.forEach(function (i) {
        var lv = layer.levels[i];
        lv.parts.forEach(function (part, j) {
          if (!meets(part)) { return; }
          var key = i + "/" + j;
          if (!layer.drawn[key]) {
            layer.drawn[key] = shape(part.geometry, lv.scale, self.styles[layer.kind] || {},
                                     layer.renderer);
            layer.drawn[key].options.mvBasemap = layer.id;
          }
          want[key] = layer.drawn[key];
        });
      });
      Object.keys(layer.shown).forEach(function (key) {
        if (!want[key]) { map.removeLayer(layer.shown[key]); }
      });
      Object.keys(want).forEach(function (key) {
        if (!layer.shown[key]) { want[key].addTo(map); }
      });
      layer.shown = want;
    });
  };

  /* A label's width in pixels, measured in its font (see BASEMAP_CSS in
     mapapp/mapview/basemap_layer.py), with 3 px either side. */
  var FONT = " system-ui, -apple-system, \"Segoe UI\", sans-serif";
  var widths = {}, measure = null;
  function textWidth(text, font, spacing) {
    var key = font + "|" + text;
    if (widths[key] === undefined) {
      measure = measure || document.createElement("canvas").getContext("2d");
      measure.font = font + FONT;
      widths[key] = measure.measureText(text).width + spacing * text.length;
    }
    return widths[key];
  }
  function labelWidth(label, alt) {
    var kind = label.kind, big = kind === "city" || kind === "prefecture";
    var style = kind === "water" || kind === "peninsula" ? "italic 500 " : "600 ";
    var text = kind === "prefecture" ? label.text.toUpperCase() : label.text;
    var w = textWidth(text, style + (big ? "13px" : "11px"), kind === "prefecture" ? 1.04 : 0);
    if (alt) { w = Math.max(w, textWidth(label.alt, "400 10px", kind === "prefecture" ? 0.8 : 0)); }
    return Math.ceil(w) + 6;
  }

  /* Screen boxes of what the basemap's labels give way to, in layer pixels: event
     markers and their labels, the links' labels, and what other layers offer
     through map.mvObstacles (the capitals' dots, the HQ star: js/context.js). */
  Basemap.prototype.obstacles = function () {
    var map = this.map, container = map.getContainer();
    var origin = container.getBoundingClientRect();
    var shift = map.containerPointToLayerPoint(L.point(0, 0)), out = [];
    function add(x0, y0, x1, y1) {
      out.push([x0 + shift.x, y0 + shift.y, x1 + shift.x, y1 + shift.y]);
    }
    container.querySelectorAll(".mv-num, .mv-label, .mv-link-label").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height) {
        add(r.left - origin.left - ROOM_PX, r.top - origin.top - ROOM_PX,
            r.right - origin.left + ROOM_PX, r.bottom - origin.top + ROOM_PX);
      }
    });
    (map.mvObstacles || []).forEach(function (boxes) {
      boxes().forEach(function (b) { add(b.x0, b.y0, b.x1, b.y1); });
    });
    return out;
  };

  /* Labels in rank order, those near the trip's events first (the places the
     reader came for). Each goes on its place, or just above, below, right or left
     of it if that is taken; one that would overlap a placed label or an obstacle
     is left out. */
  Basemap.prototype.placeLabels = function (z) {
    var map = this.map, placed = this.obstacles(), self = this, keep = {};
    var focus = this.focus.map(function (ll) { return map.latLngToLayerPoint(ll); });
    var candidates = [];
    this.labels.forEach(function (label, i) {
      if (label.minzoom > z || z > label.maxzoom) { return; }
      var p = map.latLngToLayerPoint([label.lat, label.lon]);
      var near = NEAR_PX;  /* the closer to an event, the sooner placed */
      focus.forEach(function (f) { near = Math.min(near, Math.round(f.distanceTo(p))); });
      candidates.push({label: label, i: i, p: p,
                       key: [KIND_RANK[label.kind] || 0, near, label.minzoom, i]});
    });
    candidates.sort(function (a, b) {
      for (var k = 0; k < 4; k++) { if (a.key[k] !== b.key[k]) { return a.key[k] - b.key[k]; } }
      return 0;
    });
    function free(box) {
      for (var j = 0; j < placed.length; j++) {
        var o = placed[j];
        if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) { return false; }
      }
      return true;
    }
    candidates.forEach(function (c) {
      var label = c.label, p = c.p;
      /* Municipalities' Japanese names only from zoom 13: they would crowd the map. */
      var alt = label.alt && (label.kind !== "municipality" || z >= 13);
      var w = labelWidth(label, alt), h = alt ? 28 : 16;
      var up = h / 2 + SHIFT_GAP_PX, side = w / 2 + SHIFT_GAP_PX;
      var offsets = [[0, 0], [0, -up], [0, up], [side, 0], [-side, 0]];
      for (var k = 0; k < offsets.length; k++) {
        var dx = offsets[k][0], dy = offsets[k][1];
        var box = [p.x + dx - w / 2, p.y + dy - h / 2, p.x + dx + w / 2, p.y + dy + h / 2];
        if (!free(box)) { continue; }
        placed.push(box);
        var key = c.i + "/" + k + "/" + (alt ? 1 : 0);
        keep[key] = self.shownLabels[key] || self.labelMarker(label, alt, w, h, dx, dy);
        return;
      }
    });
    Object.keys(this.shownLabels).forEach(function (key) {
      if (!keep[key]) { map.removeLayer(self.shownLabels[key]); }
    });
    Object.keys(keep).forEach(function (key) {
      if (!keep[key]._map) { keep[key].addTo(map); }
    });
    this.shownLabels = keep;
    this.passes += 1;
  };

  Basemap.prototype.labelMarker = function (label, alt, w, h, dx, dy) {
    var html = '<span class="mv-bl-text">' + lib.esc(label.text) + "</span>" +
      (alt ? '<span class="mv-bl-alt" lang="ja">' + lib.esc(label.alt) + "</span>" : "");
    var marker = L.marker([label.lat, label.lon], {
      icon: L.divIcon({className: "mv-bl mv-bl-" + label.kind, html: html,
                       iconSize: [w, h], iconAnchor: [w / 2 - dx, h / 2 - dy]}),
      interactive: false, keyboard: false, pane: this.labelPane, mvBasemapLabel: label.text,
    });
    return marker;
  };

  function tiles(map, spec, noticeText) {
    var layer = L.tileLayer(spec.url, {attribution: spec.attribution, maxZoom: spec.maxZoom});
    var failed = 0, notice = null;
    layer.on("tileerror", function () {
      failed += 1;
      if (notice) { return; }
      notice = L.control({position: "topright"});
      notice.onAdd = function () {
        var div = lib.el(null, "div", "mv-tile-notice", noticeText);
        div.setAttribute("role", "status");
        return div;
      };
      notice.addTo(map);
    });
    layer.addTo(map);
    return layer;
  }

  lib.layer("basemap", 1, function (group, map, payload) {
    var base = new Basemap(map, payload);
    map.mvBasemap = base;
    L.DomUtil.addClass(map.getContainer(), "mv-has-basemap");
    credits(map, payload.credits);
    if (payload.tiles) { base.tiles = tiles(map, payload.tiles, payload.notice); }
    /* Embedded packs are drawn once this script (and the events after it) has
       run, so the geography never delays the events. */
    setTimeout(function () {
      payload.ids.forEach(function (id) {
        base.add(JSON.parse(document.getElementById(id).textContent));
      });
    }, 0);
    /* Served packs arrive after the events are drawn: they never delay them. */
    payload.urls.forEach(function (url) {
      fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
        return r.json();
      }).then(function (pack) { base.add(pack); })
        .catch(function (err) { console.warn("basemap pack not loaded:", err); });
    });
    return base;
  });
})(window.mvLib);
