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
    this.shownLabels = [];   /* L.Marker */
    this.labelPane = lib.pane(map, "mvBaseLabels", 160);
    var self = this;
    map.on("zoomend", function () { self.update(true); });
    map.on("moveend", function () { self.update(false); });
  }

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
    self.update(true);
  };

  /* Draw the parts of each layer's current level that meet the view (padded). */
  Basemap.prototype.update = function (zoomed) {
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
    if (zoomed) { this.placeLabels(z); }
  };

  /* Labels in rank order, those near the trip's events first (the places the
     reader came for); one that would overlap a placed one is left out. */
  Basemap.prototype.placeLabels = function (z) {
    var map = this.map, placed = [], self = this;
    this.shownLabels.forEach(function (m) { map.removeLayer(m); });
    this.shownLabels = [];
    var focus = this.focus.map(function (ll) { return map.latLngToLayerPoint(ll); });
    var candidates = this.labels.filter(function (label) {
      return label.minzoom <= z && z <= label.maxzoom;
    }).map(function (label, i) {
      var p = map.latLngToLayerPoint([label.lat, label.lon]);
      var near = NEAR_PX;  /* the closer to an event, the sooner placed */
      focus.forEach(function (f) { near = Math.min(near, Math.round(f.distanceTo(p))); });
      return {label: label, p: p, key: [KIND_RANK[label.kind] || 0, near, label.minzoom, i]};
    });
    candidates.sort(function (a, b) {
      for (var k = 0; k < 4; k++) { if (a.key[k] !== b.key[k]) { return a.key[k] - b.key[k]; } }
      return 0;
    });
    candidates.forEach(function (c) {
      var label = c.label, p = c.p;
      /* Municipalities' Japanese names only from zoom 13: they would crowd the map. */
      var alt = label.alt && (label.kind !== "municipality" || z >= 13);
      var w = Math.max(label.text.length, alt ? label.alt.length * 1.8 : 0) * 6.6 + 6;
      var h = alt ? 28 : 16;
      var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
      for (var i = 0; i < placed.length; i++) {
        var o = placed[i];
        if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) { return; }
      }
      placed.push(box);
      var html = '<span class="mv-bl-text">' + lib.esc(label.text) + "</span>" +
        (alt ? '<span class="mv-bl-alt" lang="ja">' + lib.esc(label.alt) + "</span>" : "");
      var marker = L.marker([label.lat, label.lon], {
        icon: L.divIcon({className: "mv-bl mv-bl-" + label.kind, html: html,
                         iconSize: [w, h], iconAnchor: [w / 2, h / 2]}),
        interactive: false, keyboard: false, pane: self.labelPane,
      });
      marker.options.mvBasemapLabel = label.text;
      marker.addTo(map);
      self.shownLabels.push(marker);
    });
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
