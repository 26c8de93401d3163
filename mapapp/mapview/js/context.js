/* The trip's context: partner countries and their capitals, NATO HQ, and the links
   from the home capital to the others (see mapapp/mapview/context_layer.py).
   Every string was worded in Python; here it is set as text (lib.el, textContent),
   or through lib.esc for Leaflet's tooltips, which take HTML strings. */
(function (lib) {
  "use strict";

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
  });

  /* K = {v, style, start, links: [{to, tip}]} */
  lib.layer("linkLayer", 1, function (group, map, K) {
    K.links.forEach(function (k) {
      L.polyline([K.start, k.to], K.style).bindTooltip(lib.esc(k.tip), {sticky: true})
        .addTo(group);
    });
  });
})(window.mvLib);
