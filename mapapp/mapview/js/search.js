/* "Find an event": keyboard access to any event of a map too large for one
   marker per event (js/events.js, WebGL mode). Type an order number or words of
   the title; Enter opens the first match's details, the arrow keys move to the
   others (buttons: Enter or a click opens one). Every text is set with
   textContent; the headings are the payload's own ("N. title").

   mvLib.eventSearch(map, D, opts): opts.head(i) -> the heading, opts.shown(i),
   opts.open(i, back) opens event i's details (Escape gives the focus back to `back`). */
mvLib.eventSearch = function (map, D, opts) {
  "use strict";
  var lib = mvLib, n = D.n, MAX = 12, WAIT_MS = 150;
  var uid = "mv-search-" + Math.random().toString(36).slice(2, 8);
  var control = L.control({position: "topleft"});
  var input, list, status, lower = null;
  control.onAdd = function () {
    var box = lib.el(null, "div", "mv-search leaflet-bar");
    box.setAttribute("role", "search");
    var label = lib.el(box, "label", null, "Find an event");
    label.htmlFor = uid;
    input = lib.el(box, "input");
    input.id = uid;
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = "number or title words";
    input.setAttribute("aria-describedby", uid + "-status");
    status = lib.el(box, "div", "mv-search-status");
    status.id = uid + "-status";
    status.setAttribute("aria-live", "polite");
    list = lib.el(box, "ul", "mv-search-results");
    list.setAttribute("aria-label", "Matching events");
    var now = lib.typed(box, input, WAIT_MS, run);
    L.DomEvent.on(input, "keydown", function (ev) {
      if (ev.key === "Enter") {
        L.DomEvent.preventDefault(ev);
        now().then(function (found) { if (found.length) { opts.open(found[0], input); } });
      } else if (ev.key === "ArrowDown") {
        var first = list.querySelector("button");
        if (first) { L.DomEvent.preventDefault(ev); first.focus(); }
      }
    });
    L.DomEvent.on(list, "keydown", function (ev) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (at < 0) { return; }
      if (ev.key === "ArrowDown" && at + 1 < buttons.length) { buttons[at + 1].focus(); }
      else if (ev.key === "ArrowUp") { (at > 0 ? buttons[at - 1] : input).focus(); }
      else if (ev.key === "Escape") { input.focus(); }
      else { return; }
      L.DomEvent.preventDefault(ev);
    });
    return box;
  };

  /* The first MAX shown events whose heading starts with the number typed, or
     holds every word typed (case-insensitive). */
  function find(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean), out = [];
    if (!words.length) { return out; }
    var number = /^\d+$/.test(query.trim()) ? query.trim() + ". " : null;
    if (!lower) { lower = new Array(n); }
    for (var i = 0; i < n && out.length < MAX; i++) {
      if (!opts.shown(i)) { continue; }
      var text = opts.head(i);
      if (number) {
        if (text.lastIndexOf(number, 0) === 0) { out.push(i); }
        continue;
      }
      var low = lower[i] || (lower[i] = text.toLowerCase());
      if (words.every(function (w) { return low.indexOf(w) >= 0; })) { out.push(i); }
    }
    return out;
  }
  function run() {
    var query = input.value.trim();
    return lib.details(D).then(function () {
      var found = find(query);
      list.textContent = "";
      found.forEach(function (i) {
        var button = lib.el(lib.el(list, "li"), "button", null, opts.head(i));
        button.type = "button";
        button.setAttribute("data-event-id", D.ids[i]);
        L.DomEvent.on(button, "click", function () { opts.open(i, button); });
      });
      status.textContent = !query ? "" : found.length === 0 ? "No event matches."
        : found.length < MAX ? found.length + (found.length === 1 ? " event matches." : " events match.")
        : "The first " + MAX + " matching events:";
      return found;
    }, function (err) {
      status.textContent = "Search unavailable: " + (err && err.message ? err.message : err);
      return [];
    });
  }
  control.addTo(map);
  return control;
};
