/* The app page follows the map's playback (issue 16): the itinerary table's row,
   the article's sentence and the timeline's cursor of the current event.

   The map runs in streamlit-folium's frame; js/playback.js posts
   {type: "mapapp.playback", v: 1, seq: <event number> | null, at: "YYYY-MM-DDTHH:MM" | ""}
   to this page. A message counts only if it comes from this page's origin, from one
   of this page's own frames, and has exactly that shape with a seq this page shows.
   Nothing in a message is ever written into the page: the seq picks elements the
   server rendered, and the words said come from `data` (JSON), set as textContent.

   data = {events: [{seq, head}], table: "st-key-…", param: "<the timeline's input name>"} */
const TYPE = "mapapp.playback";
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const ROW_PX = 35; /* Streamlit's dataframe: header and row height */
let installed = null;
let lastShown = null; /* the shown events' numbers, and the last message, across reruns */
let lastMessage = {seq: null, at: ""};

function ownFrame(source) {
  for (const frame of document.querySelectorAll("iframe")) {
    if (frame.contentWindow === source) { return true; }
  }
  return false;
}

/* The message, checked: {seq, at} or null (ignore it). `own`: it came from one
   of this page's frames. */
export function parse(event, origin, known, own) {
  if (event.origin !== origin || !own) { return null; }
  const m = event.data;
  if (!m || typeof m !== "object" || Array.isArray(m) || m.type !== TYPE || m.v !== 1) {
    return null;
  }
  const keys = Object.keys(m).sort().join(",");
  if (keys !== "at,seq,type,v") { return null; }
  if (m.seq !== null && !(Number.isInteger(m.seq) && known.has(m.seq))) { return null; }
  if (typeof m.at !== "string" || (m.at !== "" && !MOMENT.test(m.at))) { return null; }
  return {seq: m.seq, at: m.at};
}

function markArticle(seq) {
  document.querySelectorAll(".mapapp-article mark[data-seqs]").forEach((mark) => {
    const on = seq !== null && mark.dataset.seqs.split(" ").includes(String(seq));
    mark.classList.toggle("mapapp-now", on);
    if (on) { mark.setAttribute("aria-current", "true"); } else { mark.removeAttribute("aria-current"); }
  });
}

function markTimeline(param, at) {
  const input = document.querySelector(`input[name="${param}"]`);
  if (!input) { return; }
  input.value = at; /* the chart's rule reads it: toDate(), the trip's wall clock */
  input.dispatchEvent(new Event("input", {bubbles: true}));
}

/* The dataframe draws on a canvas: a frame drawn over the row (found by its "#"
   cell in the grid's accessible table, so a sorted table still works), and
   aria-current on that accessible row. */
function markTable(tableClass, seq, row) {
  const host = document.querySelector(`.${tableClass} [data-testid="stDataFrame"]`) ||
    document.querySelector(`.${tableClass}`);
  if (!host) { return; }
  host.querySelectorAll("[aria-current]").forEach((el) => el.removeAttribute("aria-current"));
  let box = host.querySelector(".mapapp-now-row");
  if (seq === null) { if (box) { box.hidden = true; } return; }
  let index = row; /* unsorted: the server's order */
  const head = [...host.querySelectorAll("table th[aria-colindex]")]
    .find((th) => th.textContent.trim() === "#");
  const column = head ? head.getAttribute("aria-colindex") : null;
  for (const td of host.querySelectorAll(`table td[aria-colindex="${column}"]`)) {
    const tr = td.closest("tr[aria-rowindex]");
    if (tr && td.textContent.trim() === String(seq)) {
      index = Number(tr.getAttribute("aria-rowindex")) - 2;
      tr.setAttribute("aria-current", "true");
      break;
    }
  }
  if (!box) {
    box = document.createElement("div");
    box.className = "mapapp-now-row";
    box.setAttribute("aria-hidden", "true");
    host.style.position = "relative";
    host.appendChild(box);
  }
  const scroller = host.querySelector(".dvn-scroller");
  const top = ROW_PX * (index + 1) - (scroller ? scroller.scrollTop : 0);
  box.hidden = top < ROW_PX || top > host.clientHeight - ROW_PX / 2;
  box.style.top = `${top}px`;
  box.dataset.seq = String(seq);
}

/* Streamlit redraws the grid's accessible rows, the chart and its input when it
   likes (after a rerun, a resize, a scroll), and a redraw drops the marks: the
   current event is marked again whenever the page's nodes change and a mark is
   missing, at most once a frame. */
let current = null; /* {msg, param, tableClass, row}: what is marked now */
let watch = null;
let pending = 0;

function timelineStale(param, at) {
  const input = param ? document.querySelector(`input[name="${param}"]`) : null;
  return input !== null && input.value !== at;
}

function tableStale(tableClass) {
  const host = tableClass ? document.querySelector(`.${tableClass}`) : null;
  if (!host || host.querySelector("table td[aria-colindex]") === null) { return false; }
  return !host.querySelector(".mapapp-now-row") ||
    host.querySelector('tr[aria-current="true"]') === null;
}

function articleStale(seq) {
  return document.querySelector(".mapapp-article mark.mapapp-now") === null &&
    [...document.querySelectorAll(".mapapp-article mark[data-seqs]")]
      .some((mark) => mark.dataset.seqs.split(" ").includes(String(seq)));
}

function remark() {
  pending = 0;
  if (!current) { return; }
  const {msg, param, tableClass, row} = current;
  if (articleStale(msg.seq)) { markArticle(msg.seq); }
  if (timelineStale(param, msg.at)) { markTimeline(param, msg.at); }
  if (tableStale(tableClass)) { markTable(tableClass, msg.seq, row); }
}

function keepMarked(msg, param, tableClass, row) {
  current = msg.seq === null ? null : {msg, param, tableClass, row};
  if (watch || typeof MutationObserver === "undefined") { return; }
  watch = new MutationObserver(() => {
    if (current && !pending) { pending = requestAnimationFrame(remark); }
  });
  watch.observe(document.body, {childList: true, subtree: true});
}

export default function (component) {
  const {parentElement, data} = component;
  const events = new Map();
  ((data && Array.isArray(data.events)) ? data.events : []).forEach((e, row) => {
    if (e && Number.isInteger(e.seq)) { events.set(e.seq, {head: String(e.head), row}); }
  });
  const param = String((data && data.param) || "");
  const tableClass = String((data && data.table) || "");
  let note = parentElement.querySelector(".mapapp-now-note");
  if (!note) {
    note = document.createElement("p");
    note.className = "mapapp-now-note";
    note.setAttribute("role", "status");
    note.setAttribute("aria-live", "polite");
    parentElement.appendChild(note);
  }
  function apply(msg) {
    lastMessage = msg;
    const event = msg.seq === null ? null : events.get(msg.seq);
    note.textContent = event ? `Now: ${event.head}` : "";
    markArticle(msg.seq);
    if (param) { markTimeline(param, msg.at); }
    if (tableClass) { markTable(tableClass, msg.seq, event ? event.row : 0); }
    keepMarked(msg, param, tableClass, event ? event.row : 0);
  }
  function onMessage(event) {
    const msg = parse(event, window.location.origin, events, ownFrame(event.source));
    if (msg) { apply(msg); }
  }
  /* Another set of events (a new filter) comes with a new map whose playback starts
     afresh: nothing is current until it says so. The same events (a rerun for a
     click): the current event is marked again on what the rerun redrew. */
  const shownKey = [...events.keys()].join(",");
  apply(shownKey === lastShown ? lastMessage : {seq: null, at: ""});
  lastShown = shownKey;
  if (installed) { window.removeEventListener("message", installed); }
  installed = onMessage;
  window.addEventListener("message", onMessage);
  return () => {
    window.removeEventListener("message", onMessage);
    if (installed === onMessage) { installed = null; }
  };
}
