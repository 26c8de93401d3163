/* Shared helpers of mapapp's map layers: escaping, panes, colours, DOM nodes and
   payload decoding. Loaded before every layer; defining it twice is harmless. */
var mvLib = (function (existing) {
  "use strict";
  if (existing) { return existing; }
  var lib = {};
  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};

  /* HTML-escaped text, for the few Leaflet APIs that take a string of HTML. */
  lib.esc = function (text) {
    return String(text).replace(/[&<>"']/g, function (ch) { return ESC[ch]; });
  };

  /* A map pane at a given z-index, created once. */
  lib.pane = function (map, name, zIndex) {
    if (!map.getPane(name)) { map.createPane(name).style.zIndex = zIndex; }
    return name;
  };

  /* The colour of a 1-based day; days past the palette's end cycle. */
  lib.dayColor = function (palette, day) {
    var n = palette.length;
    return palette[(((day - 1) % n) + n) % n];
  };

  /* A new element with a class and text (textContent: data is never HTML). */
  lib.el = function (parent, tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null && text !== "") { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  };

  /* Integer coordinates back to degrees: [lat, lon]. */
  lib.latLng = function (lat, lon, scale) { return [lat / scale, lon / scale]; };

  /* The payload's details: plain JSON for small trips, deflated + base64 for big
     ones (inflated once, on first use). Returns a Promise; once it resolves, the
     details are also at payload._d for synchronous use. */
  lib.details = function (payload) {
    if (!payload._details) {
      if (payload.d) {
        payload._details = Promise.resolve(payload.d);
      } else if (typeof DecompressionStream === "undefined") {
        payload._details = Promise.reject(new Error("this browser cannot inflate the details"));
      } else {
        var bin = atob(payload.dz), bytes = new Uint8Array(bin.length);
        for (var j = 0; j < bin.length; j++) { bytes[j] = bin.charCodeAt(j); }
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
        payload._details = new Response(stream).text().then(JSON.parse);
      }
      payload._details.then(function (d) { payload._d = d; }, function () {});
    }
    return payload._details;
  };

  /* Strings of a dictionary-encoded column: table `s`, list table `l`, index `k`. */
  lib.strings = function (d, k) {
    return d.l[k].map(function (i) { return d.s[i]; });
  };

  window.mvLib = lib;
  return lib;
})(window.mvLib);
