/* An uploaded foreign FeatureCollection (see mapapp/mapview/overlay_layer.py): its
   shapes in their own pane, above the events' canvas, and a popup that is a table
   of the feature's properties, each key and value set as text.
   O = {v, style, point_px, rows: [[[key, text], ...] per feature], fc: FeatureCollection
        whose features carry only their geometry and their index in `rows`} */
(function (lib) {
  "use strict";

  function table(rows) {
    var t = lib.el(null, "table", "mv-overlay-popup");
    if (!rows.length) {
      lib.el(lib.el(t, "tr"), "td", null, "(no properties)");
    }
    rows.forEach(function (row) {
      var tr = lib.el(t, "tr");
      lib.el(tr, "th", null, row[0]);
      lib.el(tr, "td", null, row[1]);
    });
    return t;
  }

  lib.layer("overlayLayer", 1, function (group, map, O) {
    // Above the events' canvas (z 450), which would otherwise take every click,
    // and below the numbered markers (z 600), which stay clickable.
    var pane = lib.pane(map, "mvOverlay", 460);
    L.geoJSON(O.fc, {
      pane: pane,
      style: function () { return O.style; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {radius: O.point_px, pane: pane});
      },
      onEachFeature: function (feature, layer) {
        var rows = O.rows[feature.properties.i] || [];
        layer.bindPopup(function () { return table(rows); }, {maxWidth: 360});
      }
    }).addTo(group);
  });
})(window.mvLib);
