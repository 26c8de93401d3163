/* The offline basemap: vector packs (mapapp/basemap) drawn under everything, with
   labels that appear by zoom and give way when they would collide, the packs'
   credits in the attribution, and, online, OpenStreetMap tiles on top with a
   notice when they fail (the vectors then show through).

   payload: {packs: [pack], urls: [url], credits: [{text, url}], styles: {kind: style},
             tiles: {url, attribution, maxZoom} | null, notice: text}
   A pack's geometry: {"P": [[ring, ...], ...]} or {"L": [line, ...]}, each ring or
   line [x0, y0, dx1, dy1, ...] in 1/scale degrees (mapapp/basemap/codec.py). */
(function (lib) {
  "use strict";
  var KIND_RANK = {water: 0, peninsula: 0, prefecture: 1, city: 1, municipality: 2, place: 2};

  function path(p, scale) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < p.length; i += 2) {
      x += p[i]; y += p[i + 1];
      out.push([y / scale, x / scale]);
    }
    return out;
  }

  function shape(level, style, renderer, pane) {
    var g = level.geometry, s = level.scale;
    var opts = L.extend({renderer: renderer, pane: pane, interactive: false}, style);
    if (g.P) {
      return L.polygon(g.P.map(function (rings) {
        return rings.map(function (r) { return path(r, s); });
      }), opts);
    }
    return L.polyline(g.L.map(function (l) { return path(l, s); }), opts);
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
    this.layers = [];        /* {id, kind, levels, drawn: {level index: L.Layer}, shown} */
    this.labels = [];        /* pack labels, by rank */
    this.shownLabels = [];   /* L.Marker */
    this.renderer = L.canvas({pane: lib.pane(map, "mvBase", 150), padding: 0.5});
    this.labelPane = lib.pane(map, "mvBaseLabels", 160);
    var self = this;
    map.on("zoomend", function () { self.update(); });
  }

  Basemap.prototype.add = function (pack) {
    var self = this;
    pack.layers.forEach(function (layer) {
      self.layers.push({id: layer.id, kind: layer.kind, levels: layer.levels, drawn: {}, shown: null});
    });
    /* World layers first, regional ones over them; borders over land and water. */
    var order = {"land": 0, "border-country": 1, "water": 2};
    self.layers.sort(function (a, b) {
      var wa = a.id.indexOf("world-") === 0 ? 0 : 1, wb = b.id.indexOf("world-") === 0 ? 0 : 1;
      if (wa !== wb) { return wa - wb; }
      var oa = order[a.kind] === undefined ? 3 : order[a.kind];
      var ob = order[b.kind] === undefined ? 3 : order[b.kind];
      return oa - ob;
    });
    self.labels = self.labels.concat(pack.labels);
    self.labels.sort(function (a, b) {
      return (KIND_RANK[a.kind] || 0) - (KIND_RANK[b.kind] || 0) || a.minzoom - b.minzoom;
    });
    /* Layers must be re-added in order: canvas paints in insertion order. */
    self.layers.forEach(function (layer) {
      if (layer.shown) { self.map.removeLayer(layer.shown); layer.shown = null; }
    });
    self.update();
  };

  Basemap.prototype.update = function () {
    var z = this.map.getZoom(), self = this;
    this.layers.forEach(function (layer) {
      var index = -1;
      layer.levels.forEach(function (lv, i) { if (lv.minzoom <= z && z <= lv.maxzoom) { index = i; } });
      var want = null;
      if (index >= 0) {
        if (!layer.drawn[index]) {
          layer.drawn[index] = shape(layer.levels[index], self.styles[layer.kind] || {},
                                     self.renderer, "mvBase");
          layer.drawn[index].options.mvBasemap = layer.id;
        }
        want = layer.drawn[index];
      }
      if (layer.shown !== want) {
        if (layer.shown) { self.map.removeLayer(layer.shown); }
        if (want) { want.addTo(self.map); }
        layer.shown = want;
      }
    });
    this.placeLabels(z);
  };

  /* Labels in rank order; one that would overlap a placed one is left out. */
  Basemap.prototype.placeLabels = function (z) {
    var map = this.map, placed = [], self = this;
    this.shownLabels.forEach(function (m) { map.removeLayer(m); });
    this.shownLabels = [];
    this.labels.forEach(function (label) {
      if (z < label.minzoom || z > label.maxzoom) { return; }
      var p = map.latLngToLayerPoint([label.lat, label.lon]);
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

  lib.basemap = function (group, map, payload) {
    var base = new Basemap(map, payload);
    map.mvBasemap = base;
    L.DomUtil.addClass(map.getContainer(), "mv-has-basemap");
    credits(map, payload.credits);
    if (payload.tiles) { base.tiles = tiles(map, payload.tiles, payload.notice); }
    payload.packs.forEach(function (pack) { base.add(pack); });
    /* Served packs arrive after the events are drawn: they never delay them. */
    payload.urls.forEach(function (url) {
      fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
        return r.json();
      }).then(function (pack) { base.add(pack); })
        .catch(function (err) { console.warn("basemap pack not loaded:", err); });
    });
    return base;
  };
})(window.mvLib);
