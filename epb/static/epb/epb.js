/* Small, dependency-free helpers. Charts and maps are declared in HTML with data attributes,
   so pages stay server-rendered and htmx swaps re-initialise them. */
(function () {
  "use strict";
  function initCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-echarts]").forEach(function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = "1";
      var chart = window.echarts.init(el);
      chart.setOption(JSON.parse(el.dataset.echarts));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function initMaps(root) {
    if (!window.L) return;
    root.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = "1";
      var cfg = JSON.parse(el.dataset.map);
      var map = window.L.map(el).setView(cfg.center || [31.81, 119.97], cfg.zoom || 10);
      if (cfg.tiles) { window.L.tileLayer(cfg.tiles, { attribution: cfg.attribution || "" }).addTo(map); }
      var bounds = [];
      (cfg.polygons || []).forEach(function (p) {
        var layer = window.L.geoJSON(p.geometry, { style: { color: p.color || "#0b6e4f", weight: 1, fillOpacity: .08 } });
        if (p.label) layer.bindTooltip(p.label);
        layer.addTo(map); bounds.push(layer.getBounds());
      });
      (cfg.points || []).forEach(function (p) {
        var m = window.L.circleMarker([p.lat, p.lon], { radius: p.radius || 6, color: p.color || "#0b6e4f", fillOpacity: .8 });
        if (p.label) m.bindPopup(p.url ? '<a href="' + encodeURI(p.url) + '">' + escapeHtml(p.label) + "</a>" : escapeHtml(p.label));
        m.addTo(map); bounds.push(window.L.latLngBounds([[p.lat, p.lon], [p.lat, p.lon]]));
      });
      if (bounds.length && cfg.fit !== false) {
        var all = bounds[0]; bounds.slice(1).forEach(function (b) { all.extend(b); });
        if (all.isValid()) map.fitBounds(all, { padding: [20, 20], maxZoom: 14 });
      }
      el._map = map;
      el.dispatchEvent(new CustomEvent("epb:map-ready", { detail: map }));
    });
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  window.epb = { initCharts: initCharts, initMaps: initMaps, escapeHtml: escapeHtml };
  document.addEventListener("DOMContentLoaded", function () { initCharts(document); initMaps(document); });
  document.addEventListener("htmx:afterSwap", function (e) { initCharts(e.target); initMaps(e.target); });
})();
