/* Playback: watch the trip unfold (see mapapp/mapview/playback_layer.py).

   P = {n, tz, t0: "YYYY-MM-DDTHH:MM", cols (or cz: the same deflated, base64): {da:
   [minutes each event appears after the one before it], len: [minutes its period
   lasts], k: "one digit each: 0 clock time, 1 part of the day, 2 day only", rv:
   [vertex in its day's route]}}, in the event layer's order. Minutes count from t0
   on the trip's wall clock. Controls sit under the map; every text is set with textContent.
   Keyboard: Space plays and pauses, the arrow keys step through the events.
   Links: ?t=2025-04-09T14:00 opens at that moment, ?play=1 starts playing. */
mvLib.layer("playback", 1, function (group, map, P) {
  "use strict";
  var lib = mvLib, n = P.n, A, END, K, RV, ready = false;
  var E = null, R = null;
  (lib.eventLayers || []).forEach(function (x) { if (x.map === map) { E = x; } });
  (lib.routeLayers || []).forEach(function (x) { if (x.map === map) { R = x; } });
  if (!E || !n) { return null; }
  var numbered = n <= E.payload.label_max;
  var DWELL_MS = 700;         /* each event, one by one, while playing (numbered maps) */
  var MAX_QUIET_S = 1.5;      /* a stretch with no event passes in at most this long */
  var SPEEDS = [[60, "1 hour / s"], [180, "3 hours / s"], [720, "12 hours / s"],
                [1440, "1 day / s"], [10080, "1 week / s"], [43200, "30 days / s"]];
  var WINDOWS = [[0, "everything up to now"], [3, "the last 3 hours"], [6, "the last 6 hours"],
                 [12, "the last 12 hours"], [24, "the last 24 hours"], [72, "the last 3 days"]];
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"];

  /* Events in the order they appear; appearance minutes as a sorted array. */
  var order = [], sortedA = new Float64Array(n), first = 0, total = 0;
  function decode(cols) {
    A = new Float64Array(n);
    END = new Float64Array(n);
    K = new Uint8Array(n);
    RV = cols.rv;
    for (var i = 0, t = 0; i < n; i++) {
      t += cols.da[i];
      A[i] = t;
      END[i] = t + cols.len[i];
      K[i] = cols.k.charCodeAt(i) - 48;
    }
    order = sortByAppearance();
    for (var j = 0; j < n; j++) { sortedA[j] = A[order[j]]; }
    first = sortedA[0];
    total = sortedA[n - 1];
  }
  /* Event indices by appearance, then index: as one number each (A * M + i), sorted
     natively (a million events: no comparator calls), when the numbers stay exact. */
  function sortByAppearance() {
    var M = Math.pow(2, Math.ceil(Math.log2(n + 1))), lo = Infinity, hi = -Infinity, i;
    for (i = 0; i < n; i++) { lo = Math.min(lo, A[i]); hi = Math.max(hi, A[i]); }
    if (lo >= 0 && hi * M + M < Number.MAX_SAFE_INTEGER) {
      var keys = new Float64Array(n), out = new Int32Array(n);
      for (i = 0; i < n; i++) { keys[i] = A[i] * M + i; }
      keys.sort();
      for (i = 0; i < n; i++) { out[i] = keys[i] % M; }
      return out;
    }
    var list = [];
    for (i = 0; i < n; i++) { list.push(i); }
    return list.sort(function (x, y) { return A[x] - A[y] || x - y; });
  }
  var t0 = parseMoment(P.t0, 0);
  var base = t0 === null ? 0 : t0;

  function parseMoment(text, origin) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(String(text || ""));
    if (!m) { return null; }
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    return isNaN(ms) ? null : ms / 60000 - origin;
  }
  function pad(v) { return (v < 10 ? "0" : "") + v; }
  function clock(minute) {
    var d = new Date((base + minute) * 60000);
    return DAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " +
      d.getUTCFullYear() + ", " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  /* How many events have appeared by this minute (binary search). */
  function count(now) {
    var lo = 0, hi = n;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (sortedA[mid] <= now) { lo = mid + 1; } else { hi = mid; } }
    return lo;
  }
  function details() { return E.payload.d || E.payload._d; }
  function head(ev) { var d = details(); return d ? d.head[ev] : String(E.payload.c.order[ev]); }
  function when(ev) { var d = details(); return d ? d.s[d.c.when[ev]] : ""; }

  var speed = SPEEDS[SPEEDS.length - 1][0];
  var state = {now: 0, playing: false, mode: 0, follow: false, touched: false,
               current: -1, k: -1, stretch: 0, dwellUntil: 0, last: 0};
  var mask = new Uint8Array(n), previous = new Uint8Array(n), routeSpan = {};

  /* ------------------------------------------------------------ controls */
  var container = map.getContainer();
  var bar = lib.el(null, "div", "mv-playback");
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Trip playback");
  /* A button whose visible words begin its accessible name; the symbol is hidden. */
  function button(cls, icon, text, label) {
    var b = lib.el(bar, "button", cls);
    b.type = "button";
    b._mvIcon = lib.el(b, "span", "mv-pb-icon", icon);
    b._mvIcon.setAttribute("aria-hidden", "true");
    b._mvText = lib.el(b, "span", null, text);
    b.setAttribute("aria-label", label);
    return b;
  }
  var prevBtn = button("mv-pb-prev", "◀◀ ", "Previous", "Previous event");
  var playBtn = button("mv-pb-play", "▶ ", "Play", "Play");
  var nextBtn = button("mv-pb-next", "▶▶ ", "Next", "Next event");
  var timeBox = lib.el(bar, "div", "mv-pb-time");
  var slider = lib.el(timeBox, "input", "mv-pb-slider");
  slider.type = "range";
  slider.step = "1";
  slider.setAttribute("role", "slider");
  slider.setAttribute("aria-label", "Trip time (" + P.tz + ")");
  var clockOut = lib.el(timeBox, "span", "mv-pb-clock");
  clockOut.setAttribute("aria-hidden", "true");
  function choice(labelText, options, cls) {
    var label = lib.el(bar, "label", cls, labelText + " ");
    var select = lib.el(label, "select");
    select.setAttribute("aria-label", labelText);
    options.forEach(function (o) {
      var opt = lib.el(select, "option", null, o[1]);
      opt.value = String(o[0]);
    });
    return select;
  }
  var speedSel = choice("Speed", SPEEDS, "mv-pb-speed");
  var modeSel = choice("Show", WINDOWS, "mv-pb-mode");
  var followLabel = lib.el(bar, "label", "mv-pb-follow");
  var followBox = lib.el(followLabel, "input");
  followBox.type = "checkbox";
  followLabel.appendChild(document.createTextNode(" Follow the current event"));
  lib.el(bar, "span", "mv-pb-hint", "Space: play or pause · ← →: previous or next event");
  var status = lib.el(bar, "div", "mv-pb-status");
  status.setAttribute("aria-live", "polite");
  container.parentNode.insertBefore(bar, container.nextSibling);

  /* The credits move under the controls: readable, on one line where they fit,
     never over the scale bar or a marker (Leaflet keeps updating the same node). */
  if (map.attributionControl) { bar.appendChild(map.attributionControl.getContainer()); }

  /* A map of fixed height (the app's frame) gives up the bar's height, so the frame
     holds both; a map in a flexible page (the standalone file) just shrinks. The
     legend moves up above the bar. */
  var fixedHeight = /px$/.test(container.style.height) ? parseFloat(container.style.height) : 0;
  function fit() {
    if (fixedHeight) {
      container.style.height = Math.max(240, fixedHeight - bar.offsetHeight) + "px";
    }
    map.invalidateSize({animate: false});
    var legend = document.querySelector(".mv-legend");
    if (legend) { legend.style.bottom = (44 + bar.offsetHeight) + "px"; }
  }
  fit();  /* before the view is fitted, after this script */
  window.addEventListener("resize", fit);
  (function legendRow() {
    var list = document.querySelector(".mv-legend ul");
    if (list && !list.querySelector(".mv-coarse-demo")) {
      var row = lib.el(list, "li", "mv-row");
      lib.el(row, "span", "mv-swatch mv-coarse-demo").setAttribute("aria-hidden", "true");
      row.appendChild(document.createTextNode(
        "dashed ring: time known only to the day or part of the day; playback shows " +
        "the event from the start of that period, as some time that day"));
    }
  })();

  var marker = L.circleMarker([0, 0], {radius: 13, color: "#111111", weight: 2.5, fill: false,
    interactive: false, pane: lib.pane(map, "mvCurrent", 596), dashArray: null});

  /* ------------------------------------------------------------ drawing */
  function apply() {
    var now = state.now, k = count(now), lo = now - state.mode * 60, changed = false;
    mask.fill(0);
    for (var j = 0; j < k; j++) {
      var ev = order[j];
      if (!state.mode || j === k - 1 || Math.max(END[ev], A[ev]) > lo) { mask[ev] = 1; }
    }
    for (var q = 0; q < n; q++) { if (mask[q] !== previous[q]) { changed = true; break; } }
    var active = state.touched && !(k === n && !state.playing && !state.mode);
    if (changed || state.k === -1) {
      previous.set(mask);
      (E.filter || function () {})(active ? mask : null);
      growRoutes(active);
    }
    state.k = k;
    var current = k ? order[k - 1] : -1;
    if (numbered) { markCoarse(active); }
    if (active && current >= 0) {
      var at = E.layers[current].getLatLng();
      marker.setLatLng(at);
      if (!marker._map) { marker.addTo(map); }
      if (state.follow && current !== state.current) { map.panTo(at, {animate: state.playing}); }
    } else if (marker._map) {
      map.removeLayer(marker);
    }
    if (current !== state.current || !state.playing) { say(current, k); }
    tellApp(active && current >= 0 ? E.payload.c.order[current] : null, active ? moment(now) : "");
    state.current = current;
    slider.value = String(Math.round(now));
    var text = clock(now) + " " + P.tz;
    clockOut.textContent = text;
    slider.setAttribute("aria-valuetext", text + ", " + k + " of " + n + " events shown");
  }
  /* The app page marks the current event in its table, article and timeline
     (mapapp/app/js/follow.mjs). Only inside a frame of the same origin: a message
     of plain numbers and a moment, never text; at most 4 a second while playing. */
  var told = {seq: undefined, at: undefined, ms: 0};
  function moment(minute) {
    var d = new Date((base + minute) * 60000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      "T" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function tellApp(seq, at) {
    if (window.parent === window || !/^https?:$/.test(window.location.protocol)) { return; }
    var ms = Date.now();
    if (seq === told.seq && (at === told.at || (state.playing && ms - told.ms < 250))) { return; }
    told = {seq: seq, at: at, ms: ms};
    try {
      window.parent.postMessage({type: "mapapp.playback", v: 1, seq: seq, at: at},
                                window.location.origin);
    } catch (err) { /* a parent of another origin: it gets nothing */ }
  }
  function say(current, k) {
    if (current < 0) { status.textContent = "No event yet."; return; }
    var note = K[current] === 2 ? " (time known only to the day)"
             : K[current] === 1 ? " (time known only to part of the day)" : "";
    status.textContent = k + " of " + n + " · now: " + head(current) + " · " + when(current) + note;
  }
  function markCoarse(active) {
    E.layers.forEach(function (layer, ev) {
      var node = layer.getElement && layer.getElement();
      if (node) { node.classList.toggle("mv-coarse", active && K[ev] > 0); }
    });
  }
  /* Each day's route runs between its first and last shown stop. */
  function growRoutes(active) {
    if (!R) { return; }
    var span = {};
    if (active) {
      for (var ev = 0; ev < n; ev++) {
        if (!mask[ev] || RV[ev] < 0) { continue; }
        var day = E.payload.c.day[ev], v = RV[ev], sp = span[day];
        if (!sp) { span[day] = [v, v]; } else { sp[0] = Math.min(sp[0], v); sp[1] = Math.max(sp[1], v); }
      }
    }
    R.lines.forEach(function (r) {
      var sp = active ? span[r.day] : [0, r.pts.length - 1];
      var key = sp ? sp[0] + ":" + sp[1] : "none";
      if (routeSpan[r.day] === key) { return; }
      routeSpan[r.day] = key;
      if (!sp || sp[1] <= sp[0]) { R.group.removeLayer(r.line); return; }
      r.line.setLatLngs(r.pts.slice(sp[0], sp[1] + 1));
      if (!r.line._map) { R.group.addLayer(r.line); }
    });
  }

  /* ------------------------------------------------------------ playing */
  function seek(now) {
    if (!ready) { return; }
    state.touched = true;
    state.now = Math.max(first, Math.min(total, now));
    state.stretch = 0;
    apply();
  }
  function step(delta) {
    if (!ready) { return; }
    pause();
    var k = count(state.now);
    if (delta > 0) { seek(k < n ? sortedA[k] : total); } else { seek(sortedA[Math.max(0, k - 2)]); }
  }
  function setPlaying(on) {
    state.playing = on;
    playBtn._mvIcon.textContent = on ? "❚❚ " : "▶ ";
    playBtn._mvText.textContent = on ? "Pause" : "Play";
    playBtn.setAttribute("aria-label", on ? "Pause" : "Play");
    playBtn.setAttribute("aria-pressed", on ? "true" : "false");
    status.setAttribute("aria-live", on ? "off" : "polite");
  }
  function play() {
    if (state.playing || !ready) { return; }
    state.touched = true;
    if (state.now >= total) { state.now = first; }
    state.last = 0;
    state.stretch = 0;
    state.dwellUntil = 0;
    setPlaying(true);
    apply();
    requestAnimationFrame(frame);
  }
  function pause() { if (state.playing) { setPlaying(false); apply(); } }
  function toggle() { if (state.playing) { pause(); } else { play(); } }
  function frame(ts) {
    if (!state.playing) { return; }
    var dt = state.last ? Math.min(0.25, (ts - state.last) / 1000) : 0;
    state.last = ts;
    if (ts >= state.dwellUntil) {
      var k = count(state.now), next = k < n ? sortedA[k] : total;
      if (!state.stretch) { state.stretch = Math.max(speed, (next - state.now) / MAX_QUIET_S); }
      state.now = Math.min(total, state.now + dt * state.stretch);
      if (state.now >= next) {
        state.now = next;
        state.stretch = 0;
        if (numbered) { state.dwellUntil = ts + DWELL_MS; }
      }
      apply();
      if (state.now >= total) { pause(); return; }
    }
    requestAnimationFrame(frame);
  }

  /* ------------------------------------------------------------ wiring */
  L.DomEvent.disableClickPropagation(bar);
  playBtn.addEventListener("click", toggle);
  prevBtn.addEventListener("click", function () { step(-1); });
  nextBtn.addEventListener("click", function () { step(1); });
  slider.addEventListener("input", function () { pause(); seek(+slider.value); });
  speedSel.addEventListener("change", function () { speed = +speedSel.value; state.stretch = 0; });
  modeSel.addEventListener("change", function () { state.mode = +modeSel.value; seek(state.now); });
  followBox.addEventListener("change", function () {
    state.follow = followBox.checked;
    state.current = -1;
    apply();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var t = ev.target, tag = t && t.tagName;
    var free = t === document.body || t === document.documentElement || t === container;
    if (!free && !bar.contains(t)) { return; }  /* markers, popups, the legend keep their keys */
    if (tag === "SELECT" || (tag === "INPUT" && t.type === "checkbox")) { return; }
    var key = ev.key;
    if (key === " " || key === "Spacebar") { toggle(); }
    else if (key === "ArrowRight" || key === "ArrowUp") { step(1); }
    else if (key === "ArrowLeft" || key === "ArrowDown") { step(-1); }
    else if (t === slider && key === "Home") { pause(); seek(first); }
    else if (t === slider && key === "End") { pause(); seek(total); }
    else if (t === slider && key === "PageUp") { pause(); seek(state.now + 60); }
    else if (t === slider && key === "PageDown") { pause(); seek(state.now - 60); }
    else { return; }
    ev.preventDefault();
  });

  /* Links: the page's own, or (in the app's frame) the app's. */
  function param(name) {
    var found = null;
    [window, window.parent].forEach(function (w) {
      try {
        var v = new URLSearchParams(w.location.search).get(name);
        if (found === null && v !== null) { found = v; }
      } catch (err) { /* another origin: its address is not ours to read */ }
    });
    return found;
  }
  var api = {map: map, payload: P, seek: seek, step: step, play: play, pause: pause,
             apply: apply, state: state, total: 0};
  (lib.playbacks = lib.playbacks || []).push(api);
  setPlaying(false);
  /* Large trips ship their columns deflated: the controls wait for them. */
  var cols = P.cz ? lib.details({dz: P.cz}) : Promise.resolve(P.cols);
  cols.then(function (c) {
    decode(c);
    for (var s = SPEEDS.length - 1; s >= 0; s--) {
      if ((total - first) / SPEEDS[s][0] <= 20) { speed = SPEEDS[s][0]; }
    }
    speedSel.value = String(speed);
    slider.min = String(first);
    slider.max = String(total);
    state.now = total;
    api.total = total;
    ready = true;
    var at = parseMoment(param("t"), base);
    if (at !== null) { seek(at); } else { apply(); }
    if (param("play") === "1") { play(); }
  }, function (err) {
    status.textContent = "Playback unavailable: " + (err && err.message ? err.message : err);
  });
  return api;
});
