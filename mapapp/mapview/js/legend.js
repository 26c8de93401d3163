/* The legend (see mapapp/mapview/legend_layer.py): built as DOM nodes beside the
   map, every text set with textContent. It starts open; events.js folds it on a
   small map and while a popup is open.
   G = {v, rows: [{color, text} for a day | {cls, mark, text} for a symbol]} */
(function (lib) {
  "use strict";
  lib.layer("legend", 1, function (group, map, G) {
    var section = lib.el(null, "section", "mv-legend");
    section.setAttribute("aria-label", "Map legend");
    var details = lib.el(section, "details");
    details.open = true;
    lib.el(details, "summary", "mv-legend-title", "Legend");
    var ul = lib.el(details, "ul");
    G.rows.forEach(function (row) {
      var li = lib.el(ul, "li", "mv-row");
      if (row.color) {
        lib.el(li, "span", "mv-swatch mv-day").style.background = row.color;
        lib.el(li, "span", "mv-line").style.background = row.color;
      } else {
        lib.el(li, "span", "mv-swatch " + row.cls, row.mark).setAttribute("aria-hidden", "true");
      }
      li.appendChild(document.createTextNode(row.text));
    });
    var container = map.getContainer();
    container.parentNode.insertBefore(section, container.nextSibling);
    return section;
  });
})(window.mvLib);
