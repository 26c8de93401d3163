/* Shared helpers of mapapp's map layers: the layer registry, escaping, panes,
   colours, DOM nodes and payload decoding. Loaded once per page, before the
   layers' files; defining it twice is harmless. */
var mvLib = (function (existing) {
  "use strict";
  if (existing) { return existing; }
  var lib = {};
  var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};

  var registry = {};

  /* A layer's drawing function, with the payload version it reads (each layer's
     payload is declared once in Python, with the same version number). */
  lib.layer = function (name, version, draw) {
    registry[name] = {version: version, draw: draw};
  };

  /* A notice on the map, as text. */
  lib.notice = function (map, text) {
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var div = lib.el(null, "div", "mv-notice", text);
      div.setAttribute("role", "alert");
      return div;
    };
    control.addTo(map);
    return control;
  };

  /* The layers lay out their labels from the sizes of the map and of the labels.
     In the app the map's frame is drawn before Leaflet's stylesheet has loaded (a
     label is then a block as wide as the map: no room for it anywhere) and while
     the frame is 0 px high; and the map's element may change size without the
     window. Leaflet hears of none of this, so labels laid out too early stayed out
     (a third of the app's loads showed no place names). Each of these lays the
     layers out again, once a frame: they listen for "moveend". */
  function watchLayout(map) {
    if (map.mvRelayout) { return; }
    var pending = 0;
    function again() {
      pending = 0;
      map.invalidateSize();
      map.fire("moveend");
    }
    map.mvRelayout = function () {
      if (!pending) { pending = window.requestAnimationFrame(again); }
    };
    map.whenReady(function () {
      window.addEventListener("resize", map.mvRelayout);
      /* A stylesheet's load (added to the page now or later) does not bubble: caught
         on its way down. */
      document.addEventListener("load", function (e) {
        if (e.target && e.target.tagName === "LINK") { map.mvRelayout(); }
      }, true);
      if (document.fonts && document.fonts.status !== "loaded") {
        document.fonts.ready.then(map.mvRelayout);
      }
      if (typeof ResizeObserver === "undefined") { return; }
      var first = true;
      new ResizeObserver(function () {
        if (first) { first = false; return; }  /* called once on observe: nothing new */
        map.mvRelayout();
      }).observe(map.getContainer());
    });
  }

  /* Draw layer `name` from its payload: draw(group, map, payload, ...more). A
     payload of another version (a page made by another mapapp) is refused with a
     console error and a notice, never half-read. */
  lib.draw = function (name, group, map, payload) {
    watchLayout(map);
    var layer = registry[name], got = payload ? payload.v : undefined;
    if (!layer || got !== layer.version) {
      var message = "mapapp: the " + name + " layer was not drawn: " +
        (layer ? "its script reads payload version " + layer.version + ", this page has " + got
               : "its script is missing") + ". Make the page again with this mapapp.";
      console.error(message);
      lib.notice(map, message);
      return null;
    }
    return layer.draw.apply(null, Array.prototype.slice.call(arguments, 1));
  };

  /* A payload kept in a data block (<script type="application/json" id=...>),
     between the two comment markers the tools find it by: parsed as JSON, never
     compiled as script (mapapp/mapview/elements.py, JsLayer). */
  lib.island = function (id) {
    var node = document.getElementById(id), text = node ? node.textContent : "";
    var payload = JSON.parse(text.slice(text.indexOf("*/") + 2, text.lastIndexOf("/*")));
    if (node) { node.textContent = ""; }  /* the text is read: free it */
    return payload;
  };

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
  /* A control typed into (the search box, the day filter): its box keeps clicks and
     the wheel from the map, and `run` runs `wait` ms after the last key. Returns a
     function that runs it now (Enter, a choice made), dropping the one pending. */
  lib.typed = function (box, input, wait, run) {
    var timer = null;
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(input, "input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, wait);
    });
    return function () { clearTimeout(timer); return run(); };
  };

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

  /* The strings of event i's list `name` (actors, sources, discrepancies): offsets
     d.o[name] into the flat string indices d.x[name], then the table d.s. */
  lib.strings = function (d, name, i) {
    var o = d.o[name], x = d.x[name], out = [];
    for (var k = o[i]; k < o[i + 1]; k++) { out.push(d.s[x[k]]); }
    return out;
  };

  /* Event i's sources, then the source of its location: {text, href (or null), note}. */
  lib.sources = function (d, i) {
    var o = d.o.src, out = [], loc = d.c.loc[i];
    for (var k = o[i]; k < o[i + 1]; k++) {
      var h = d.sh[k];
      out.push({text: d.src[k], href: h === 1 ? d.src[k] : (typeof h === "string" ? h : null),
                note: ""});
    }
    if (loc >= 0) { out.push({text: d.s[loc], href: d.h[loc] >= 0 ? d.s[d.h[loc]] : null, note: d.ln}); }
    return out;
  };

  window.mvLib = lib;
  return lib;
})(window.mvLib);
