/* The layer control (see mapapp/mapview/control_layer.py). Leaflet's own control
   sets each layer's name with innerHTML; names here come from the data (partner,
   capital and HQ names, an upload's file name), so each label is set as text.
   C = {v, position, collapsed, entries: [{name, base}]}; the layers follow the
   payload, in the entries' order. */
(function (lib) {
  "use strict";
  var Base = L.Control.Layers;
  var TextLayers = Base.extend({
    _addItem: function (obj) {
      var label = Base.prototype._addItem.call(this, {layer: obj.layer, name: "",
                                                      overlay: obj.overlay});
      var spans = label.getElementsByTagName("span");
      spans[spans.length - 1].textContent = " " + obj.name;
      return label;
    }
  });

  lib.layer("layerControl", 1, function (group, map, C) {
    var layers = Array.prototype.slice.call(arguments, 3);
    var control = new TextLayers(null, null, {position: C.position, collapsed: C.collapsed});
    C.entries.forEach(function (entry, k) {
      if (entry.base) { control.addBaseLayer(layers[k], entry.name); }
      else { control.addOverlay(layers[k], entry.name); }
    });
    control.addTo(map);
    lib.layerControl = control;
    return control;
  });
})(window.mvLib);
