/* The trip's context: partner countries and their capitals, NATO HQ, and the links
   from the home capital to the others, each labelled with where it goes (see
   mapapp/mapview/context_layer.py). Every string was worded in Python; here it is
   set as text (lib.el, textContent), or through lib.esc for Leaflet's tooltips,
   which take HTML strings.

   Labels keep clear of markers: the capitals' dots and the HQ star are offered to
   other layers' label placement as screen boxes, through map.mvObstacles (a list
   of functions returning [{x0, y0, x1, y1}] in container pixels; js/events.js and
   js/basemap.js read it). */
(function (lib) {
  "use strict";
  var CAPITAL_BOX_PX = 9, HQ_BOX_PX = 13;  /* half the room a capital's dot or the HQ star takes */

  /* Screen boxes (container pixels) around points of a layer, while its group is on the map. */
  function offerRoom(map, group, points, half) {
    (map.mvObstacles = map.mvObstacles || []).push(function () {
      if (!group._map) { return []; }
      return points.map(function (at) {
        var p = map.latLngToContainerPoint(at);
        return {x0: p.x - half, y0: p.y - half, x1: p.x + half, y1: p.y + half};
      });
    });
  }

  function sourcesSection(root, list) {
    if (!list.length) { return; }
    lib.el(root, "div", "mv-sec", "Sources");
    var ul = lib.el(root, "ul");
    list.forEach(function (s) {
      var li = lib.el(ul, "li");
      if (s.href) {
        var a = lib.el(li, "a", null, s.text);
        a.href = s.href; a.target = "_blank"; a.rel = "noopener noreferrer";
      } else {
        li.textContent = s.text;
      }
    });
  }

  function popupNode(item) {
    var root = lib.el(null, "div", "mv-popup");
    lib.el(root, "h4", null, item.head);
    lib.el(root, "div", "mv-place", item.place);
    (item.quotes || []).forEach(function (q) { lib.el(root, "blockquote", null, q); });
    sourcesSection(root, item.sources);
    return root;
  }

  /* P = {v, outline_style, capital_style, partners: [{outline, at, tip, capital_tip, head,
          place, quotes, sources: [{text, href}]}]} */
  lib.layer("partnerLayer", 1, function (group, map, P) {
    P.partners.forEach(function (p) {
      var outline = L.geoJSON(p.outline, {style: function () { return P.outline_style; }});
      outline.bindTooltip(lib.esc(p.tip), {sticky: true});
      outline.bindPopup(function () { return popupNode(p); }, {maxWidth: 360});
      outline.addTo(group);
      L.circleMarker(p.at, P.capital_style)
        .bindTooltip(lib.esc(p.capital_tip), {sticky: true}).addTo(group);
    });
    offerRoom(map, group, P.partners.map(function (p) { return p.at; }), CAPITAL_BOX_PX);
  });

  /* H = {v, hqs: [{at, tip, head, place, sources}]} */
  lib.layer("hqLayer", 1, function (group, map, H) {
    H.hqs.forEach(function (h) {
      var icon = L.divIcon({html: "\u2605", iconSize: [22, 22], iconAnchor: [11, 11],
                            className: "mv-hq-icon"});
      L.marker(h.at, {icon: icon})
        .bindTooltip(lib.esc(h.tip), {sticky: true})
        .bindPopup(function () { return popupNode(h); }, {maxWidth: 320})
        .addTo(group);
    });
    offerRoom(map, group, H.hqs.map(function (h) { return h.at; }), HQ_BOX_PX);
  });

  /* ------------------------------------------------------------ link labels */
  var ARROWS = ["\u2192", "\u2198", "\u2193", "\u2199", "\u2190", "\u2196", "\u2191", "\u2197"];
  var EDGE_PX = 8;       /* labels keep this far inside the map's edge */
  var STEP_PX = 12;      /* a label that does not fit slides back along its line by steps */
  var EDGE_STEPS = 10;   /* or, at last, along the map's edge by as many steps either way */
  var END_GAP_PX = 15;   /* a label beside a capital in view starts this far from it */
  var ROOM_PX = 3;       /* and from markers, labels and controls */

  function meets(a, b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }

  /* The part of the segment a→b inside box r, as [t0, t1] along it, or null (Liang–Barsky). */
  function clip(a, b, r) {
    var t0 = 0, t1 = 1, dx = b.x - a.x, dy = b.y - a.y;
    var p = [-dx, dx, -dy, dy], q = [a.x - r.x0, r.x1 - a.x, a.y - r.y0, r.y1 - a.y];
    for (var i = 0; i < 4; i++) {
      if (p[i] === 0) {
        if (q[i] < 0) { return null; }
        continue;
      }
      var t = q[i] / p[i];
      if (p[i] < 0) { t0 = Math.max(t0, t); } else { t1 = Math.min(t1, t); }
      if (t0 > t1) { return null; }
    }
    return [t0, t1];
  }

  /* Boxes, in container pixels, of the elements on or over the map that labels must
     not touch: markers, event labels, controls, the legend beside the map, and the
     boxes other layers offer (capitals, HQ). */
  function roomTaken(map, selector) {
    var container = map.getContainer(), origin = container.getBoundingClientRect(), out = [];
    var nodes = Array.prototype.slice.call(container.querySelectorAll(selector));
    var legend = container.parentNode && container.parentNode.querySelector(".mv-legend");
    if (legend) { nodes.push(legend); }
    nodes.forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (!r.width || !r.height) { return; }
      out.push({x0: r.left - origin.left - ROOM_PX, y0: r.top - origin.top - ROOM_PX,
                x1: r.right - origin.left + ROOM_PX, y1: r.bottom - origin.top + ROOM_PX});
    });
    (map.mvObstacles || []).forEach(function (boxes) { out.push.apply(out, boxes()); });
    return out;
  }

  /* An event marker or an event's label (js/events.js) joining or leaving the map. */
  function eventish(layer) {
    var o = layer && layer.options;
    return Boolean(o && (o.eventIndex !== undefined || o.pane === "mvLabels"));
  }

  /* Where a w×h label of the link s→e goes (its top-left corner, container pixels),
     and its arrow; null if the link is out of view or no spot is free. A link whose
     far end is in view is labelled beside that end; one that leaves the view is
     labelled on its line where it leaves, or as near there as a free spot allows. */
  function spot(s, e, w, h, size, taken) {
    var inner = {x0: EDGE_PX, y0: EDGE_PX, x1: size.x - EDGE_PX, y1: size.y - EDGE_PX};
    var seg = clip(s, e, inner);
    if (!seg) { return null; }
    function free(x, y) {
      var box = {x0: x, y0: y, x1: x + w, y1: y + h};
      if (box.x0 < inner.x0 || box.y0 < inner.y0 || box.x1 > inner.x1 || box.y1 > inner.y1) {
        return null;
      }
      return taken.some(function (t) { return meets(box, t); }) ? null : box;
    }
    var i, box;
    if (seg[1] === 1) {
      var g = END_GAP_PX, r = e.x + g, l = e.x - g - w, a = e.y - g - h, b = e.y + g;
      var beside = [[r, e.y - h / 2], [l, e.y - h / 2], [e.x - w / 2, b], [e.x - w / 2, a],
                    [r - g / 2, a], [r - g / 2, b], [l + g / 2, a], [l + g / 2, b]];
      for (i = 0; i < beside.length; i++) {
        box = free(beside[i][0], beside[i][1]);
        if (box) { return {box: box, arrow: ""}; }
      }
    }
    var dx = e.x - s.x, dy = e.y - s.y, length = Math.sqrt(dx * dx + dy * dy);
    if (!length) { return null; }
    var sector = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
    var arrow = ARROWS[((sector % 8) + 8) % 8];
    /* From where the line leaves the view back towards its start: centred on the
       line, else just to one side of it (the line along the label's edge), pushed
       inside the map's edge. */
    var flat = Math.abs(dx) > Math.abs(dy);
    var sides = flat ? [[0, 0], [0, h / 2 - 1], [0, 1 - h / 2]]
                     : [[0, 0], [w / 2 - 1, 0], [1 - w / 2, 0]];
    for (var d = seg[1] * length; d >= seg[0] * length; d -= STEP_PX) {
      for (i = 0; i < sides.length; i++) {
        var x = s.x + (dx * d) / length - w / 2 + sides[i][0];
        var y = s.y + (dy * d) / length - h / 2 + sides[i][1];
        x = Math.min(Math.max(x, inner.x0), inner.x1 - w);
        y = Math.min(Math.max(y, inner.y0), inner.y1 - h);
        box = free(x, y);
        if (box) { return {box: box, arrow: arrow}; }
      }
    }
    /* No room on the line (another link runs close beside it): along the map's edge
       from where the line leaves, a little either way, in the first or second row. */
    var ex = s.x + dx * seg[1], ey = s.y + dy * seg[1];
    var side = Math.abs(ex - inner.x0) < 1 ? [1, 0] : Math.abs(ex - inner.x1) < 1 ? [-1, 0]
             : Math.abs(ey - inner.y0) < 1 ? [0, 1] : [0, -1];  /* inwards from the edge */
    for (var k = 0; k <= EDGE_STEPS; k++) {
      for (var row = 0; row < 2; row++) {
        for (i = -1; i <= 1; i += 2) {
          var slide = i * k * STEP_PX;
          var x2 = Math.min(Math.max(ex - w / 2 + (side[0] ? 0 : slide), inner.x0), inner.x1 - w);
          var y2 = Math.min(Math.max(ey - h / 2 + (side[1] ? 0 : slide), inner.y0), inner.y1 - h);
          box = free(x2 + side[0] * row * (w + 2), y2 + side[1] * row * (h + 2));
          if (box) { return {box: box, arrow: arrow}; }
        }
      }
    }
    return null;
  }

  /* K = {v, style, start, links: [{to, tip, label}]}. Each link gets a label, a button
     that fits the whole link in view; the legend names every link's end as well. */
  lib.layer("linkLayer", 2, function (group, map, K) {
    var pane = lib.pane(map, "mvLinkLabels", 595);
    var labels = K.links.map(function (k) {
      L.polyline([K.start, k.to], K.style).bindTooltip(lib.esc(k.tip), {sticky: true})
        .addTo(group);
      var node = lib.el(null, "button", "mv-link-label");
      node.type = "button";
      node.title = "Show the whole link: " + k.tip;
      var arrow = lib.el(node, "span", "mv-link-arrow");
      arrow.setAttribute("aria-hidden", "true");
      lib.el(node, "span", null, k.label);
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.on(node, "click", function () {
        map.fitBounds(L.latLngBounds([K.start, k.to]), {padding: [48, 48]});
      });
      var marker = L.marker(K.start, {pane: pane, interactive: false, keyboard: false,
        mvLinkLabel: k.label, mvLinkEnds: [K.start, k.to], icon: L.divIcon({className: "mv-link-label-icon", html: node,
                                                iconSize: null, iconAnchor: [0, 0]})});
      return {k: k, marker: marker, node: node, arrow: arrow};
    });

    /* After the events' own layout (which runs in the same map events), then the
       basemap's labels give way to these (js/basemap.js listens for mvlinklabels). */
    function place() {
      if (!group._map) { return; }
      var size = map.getSize(), s = map.latLngToContainerPoint(K.start);
      var taken = roomTaken(map, ".mv-num, .mv-label, .leaflet-control");
      labels.forEach(function (label) {
        var e = map.latLngToContainerPoint(label.k.to);
        if (!label.marker._map) { group.addLayer(label.marker); }
        var node = label.marker.getElement();
        label.arrow.hidden = false;
        label.arrow.textContent = ARROWS[0];  /* measured with an arrow: the widest case */
        var w = node.offsetWidth, h = node.offsetHeight;
        var found = spot(s, e, w, h, size, taken);
        if (!found) { group.removeLayer(label.marker); return; }
        label.arrow.textContent = found.arrow;
        label.arrow.hidden = !found.arrow;
        taken.push(found.box);
        label.marker.setLatLng(map.containerPointToLatLng(L.point(found.box.x0, found.box.y0)));
      });
      map.fire("mvlinklabels");
    }
    var pending = false;
    function schedule() {
      if (pending) { return; }
      pending = true;
      setTimeout(function () { pending = false; place(); }, 0);
    }
    map.on("zoomend moveend resize", schedule);
    map.on("layeradd layerremove", function (e) { if (eventish(e.layer)) { schedule(); } });
    group.on("add", function (e) { if (!e.propagatedFrom) { schedule(); } });
    group.on("remove", function (e) { if (!e.propagatedFrom) { map.fire("mvlinklabels"); } });
    schedule();
  });
})(window.mvLib);
