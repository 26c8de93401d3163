/* The day routes: one canvas polyline per route, coloured by day.
   R = {v, palette, coord_scale, s: dates, c: {day, date, km}, xy: [[lat, lon, lat, lon, ...]]} */
mvLib.layer("routeLayer", 1, function (group, map, R) {
  "use strict";
  var C = R.c;
  // Above the partner outlines (SVG), below the events.
  var pane = mvLib.pane(map, "mvRoutes", 440);
  var renderer = L.canvas({padding: 0.5, tolerance: 4, pane: pane});
  var lines = [];  /* for js/playback.js: {line, pts, day}, so a day's route can grow */
  R.xy.forEach(function (flat, i) {
    var pts = [];
    for (var j = 0; j + 1 < flat.length; j += 2) {
      pts.push(mvLib.latLng(flat[j], flat[j + 1], R.coord_scale));
    }
    var day = C.day[i];
    var line = L.polyline(pts, {renderer: renderer, pane: pane, weight: 4, opacity: 0.75,
                                color: mvLib.dayColor(R.palette, day), routeDay: day});
    line.bindTooltip(mvLib.esc("Day " + day + " route, " + R.s[C.date[i]] + ", " +
                               C.km[i].toFixed(1) + " km"), {sticky: true});
    line.addTo(group);
    lines.push({line: line, pts: pts, day: day});
  });
  (mvLib.routeLayers = mvLib.routeLayers || []).push({map: map, group: group, lines: lines});
});
