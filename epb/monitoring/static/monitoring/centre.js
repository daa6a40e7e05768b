/* The centre's map: outlets as clustered markers coloured by state, added to the map epb.js builds
   from data-map ("epb:map-ready"). Loaded deferred in the page head, before epb.js's handler runs. */
(function () {
  "use strict";
  function onMap(el, fn) {
    if (el._map) { fn(el._map); return; }
    el.addEventListener("epb:map-ready", function (e) { fn(e.detail); });
  }
  function addOutlets(el, map) {
    var points = JSON.parse(el.dataset.outlets || "[]");
    // Clustering needs a zoom range, which a map without base tiles does not have.
    if (map.options.maxZoom === undefined) { map.options.maxZoom = 18; }
    if (map.options.minZoom === undefined) { map.options.minZoom = 3; }
    var layer = window.L.markerClusterGroup ? window.L.markerClusterGroup({ maxClusterRadius: 40 }) : window.L.layerGroup();
    var bounds = [];
    points.forEach(function (p) {
      var marker = window.L.circleMarker([p.lat, p.lon], { radius: 8, color: p.color, fillColor: p.color, fillOpacity: 0.85, weight: 2 });
      marker.options.state = p.state;
      marker.bindPopup('<a href="' + encodeURI(p.url) + '">' + window.epb.escapeHtml(p.label) + "</a>");
      layer.addLayer(marker);
      bounds.push([p.lat, p.lon]);
    });
    layer.addTo(map);
    el.dataset.markers = String(points.length);
    if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 }); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-outlets]").forEach(function (el) { onMap(el, function (map) { addOutlets(el, map); }); });
  });
})();
