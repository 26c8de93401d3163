/* "Filter events" by day and by actor, in a standalone page of many events (js/events.js,
   WebGL mode; the app filters in its sidebar, on the server). The day is a number from
   1 to the trip's last day, the actor one of the trip's actors: their names come from
   the payload's details (d.al, line-ups of indices into d.s; d.ac[i], event i's
   line-up) and are set with textContent. Events outside the filter are hidden from
   sight, from clicks and from the search, together with the playback's time filter.

   mvLib.eventFilter(map, D, opts): opts.apply(mask) with a Uint8Array (1: shown),
   or null when every event passes. */
mvLib.eventFilter = function (map, D, opts) {
  "use strict";
  var lib = mvLib, C = D.c, n = D.n, WAIT_MS = 200;
  var uid = "mv-filter-" + Math.random().toString(36).slice(2, 8);
  var lastDay = 0;
  for (var i = 0; i < n; i++) { if (C.day[i] > lastDay) { lastDay = C.day[i]; } }
  var control = L.control({position: "topleft"});
  var day, actor, status, mask = null, asked = 0;
  function number(k) { return k.toLocaleString("en"); }

  control.onAdd = function () {
    var box = lib.el(null, "div", "mv-filter leaflet-bar");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Filter events");
    lib.el(box, "div", "mv-filter-title", "Filter events");
    var dayLabel = lib.el(box, "label", null, "Day (1 to " + number(lastDay) + ")");
    dayLabel.htmlFor = uid + "-day";
    day = lib.el(box, "input");
    day.id = uid + "-day";
    day.type = "number";
    day.min = "1";
    day.max = String(lastDay);
    day.placeholder = "every day";
    var actorLabel = lib.el(box, "label", null, "Actor");
    actorLabel.htmlFor = uid + "-actor";
    actor = lib.el(box, "select");
    actor.id = uid + "-actor";
    lib.el(actor, "option", null, "Every actor").value = "";
    status = lib.el(box, "div", "mv-filter-status");
    status.setAttribute("aria-live", "polite");
    var now = lib.typed(box, day, WAIT_MS, run);
    L.DomEvent.on(day, "keydown", function (ev) {
      if (ev.key === "Enter") { L.DomEvent.preventDefault(ev); now(); }
    });
    L.DomEvent.on(actor, "change", function () { now(); });
    return box;
  };

  /* The actors, by name, once the details are inflated (shortly after loading). */
  function fillActors(d) {
    var seen = {}, codes = [];
    d.al.forEach(function (lineup) {
      lineup.forEach(function (code) {
        if (!seen[code]) { seen[code] = true; codes.push(code); }
      });
    });
    codes.sort(function (a, b) { return d.s[a].localeCompare(d.s[b]); });
    codes.forEach(function (code) { lib.el(actor, "option", null, d.s[code]).value = String(code); });
  }

  /* Apply the day and actor chosen; the status says how many events pass. */
  function run() {
    var ticket = ++asked;
    var wanted = parseInt(day.value, 10), who = actor.value === "" ? -1 : Number(actor.value);
    if (!(wanted >= 1)) { wanted = 0; }
    if (!wanted && who < 0) {
      opts.apply(null);
      status.textContent = "";
      return Promise.resolve(n);
    }
    return lib.details(D).then(function (d) {
      if (ticket !== asked) { return -1; }  /* a newer choice is on its way */
      var inLineup = null;
      if (who >= 0) {
        inLineup = new Uint8Array(d.al.length);
        for (var k = 0; k < d.al.length; k++) { inLineup[k] = d.al[k].indexOf(who) >= 0 ? 1 : 0; }
      }
      mask = mask || new Uint8Array(n);
      var count = 0;
      for (var j = 0; j < n; j++) {
        var on = (!wanted || C.day[j] === wanted) && (!inLineup || inLineup[d.ac[j]]) ? 1 : 0;
        mask[j] = on;
        count += on;
      }
      opts.apply(mask);
      status.textContent = number(count) + " of " + number(n) + " events";
      return count;
    }, function (err) {
      status.textContent = "Filter unavailable: " + (err && err.message ? err.message : err);
      return -1;
    });
  }

  control.addTo(map);
  lib.details(D).then(fillActors, function () {});
  return {control: control, run: run};
};
