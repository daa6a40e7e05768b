/* The 12369 pages: picking a point on the map, the real-name fields, hotspot layers and reply
   templates. Maps are created by epb.js from data-map; this script adds to them when they are
   ready ("epb:map-ready"). It must load before epb.js runs its DOMContentLoaded handler, which
   a deferred script in the page head does. */
(function () {
  "use strict";
  function onMap(el, fn) {
    if (el._map) { fn(el._map); return; }
    el.addEventListener("epb:map-ready", function (e) { fn(e.detail); });
  }
  function byId(id) { return document.getElementById(id); }
  function setPoint(map, lat, lon, source, state) {
    var lonInput = byId("id_longitude"), latInput = byId("id_latitude"), src = byId("id_location_source");
    if (!lonInput || !latInput) return;
    lonInput.value = lon.toFixed(6); latInput.value = lat.toFixed(6);
    if (src) src.value = source;
    if (state.marker) { state.marker.setLatLng([lat, lon]); }
    else { state.marker = window.L.marker([lat, lon]).addTo(map); }
    var status = document.querySelector("[data-pick-status]");
    if (status) status.textContent = "已标注：" + lon.toFixed(5) + ", " + lat.toFixed(5);
    lonInput.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function initPick(el) {
    onMap(el, function (map) {
      var state = {};
      var lon0 = parseFloat((byId("id_longitude") || {}).value), lat0 = parseFloat((byId("id_latitude") || {}).value);
      if (!isNaN(lon0) && !isNaN(lat0)) { state.marker = window.L.marker([lat0, lon0]).addTo(map); }
      map.on("click", function (e) { setPoint(map, e.latlng.lat, e.latlng.lng, "map", state); });
      var locate = document.querySelector("[data-locate]");
      if (locate && navigator.geolocation) {
        locate.addEventListener("click", function () {
          navigator.geolocation.getCurrentPosition(function (pos) {
            setPoint(map, pos.coords.latitude, pos.coords.longitude, "gps", state);
            map.setView([pos.coords.latitude, pos.coords.longitude], 14);
          }, function () { alert("无法获取位置，请在地图上点击标注"); });
        });
      } else if (locate) { locate.hidden = true; }
    });
  }
  function initIdentity() {
    var radios = document.querySelectorAll("[data-identity] input[name=identity]");
    var block = document.querySelector(".real-only");
    if (!radios.length || !block) return;
    function update() {
      var real = document.querySelector("[data-identity] input[name=identity]:checked");
      block.hidden = !(real && real.value === "real");
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  }
  function initHotspots(el) {
    var points = JSON.parse(el.dataset.hotspots || "[]");
    onMap(el, function (map) {
      var L = window.L, overlays = {};
      // Without a tile layer (no tile server configured) the map has no maximum zoom, which
      // clustering needs to know.
      if (map.getMaxZoom() === Infinity) map.setMaxZoom(18);
      if (L.heatLayer) {
        var heat = L.heatLayer(points.map(function (p) { return [p.lat, p.lon, 1]; }), { radius: 22, blur: 18, maxZoom: 14 });
        heat.addTo(map); overlays["热力图"] = heat;
      }
      if (L.markerClusterGroup) {
        var cluster = L.markerClusterGroup();
        points.forEach(function (p) {
          var m = L.marker([p.lat, p.lon]);
          m.bindPopup('<a href="' + encodeURI(p.url) + '">' + window.epb.escapeHtml(p.label) + "</a>");
          cluster.addLayer(m);
        });
        cluster.addTo(map); overlays["聚合点"] = cluster;
      }
      if (Object.keys(overlays).length) L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      if (points.length) {
        var bounds = L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; }));
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
      }
      el.dataset.layers = Object.keys(overlays).join(",");
    });
  }
  function initTemplates(form) {
    var data = form.querySelector("script.reply-templates");
    var select = form.querySelector("select[name=template]");
    var text = form.querySelector("textarea[name=text]");
    var findings = form.querySelector("textarea[name=findings]");
    if (!data || !select || !text) return;
    var templates = JSON.parse(data.textContent);
    select.addEventListener("change", function () {
      var t = templates[select.value];
      if (!t) return;
      if (text.value.trim() && !confirm("用模板替换已填写的答复意见？")) return;
      text.value = t.split("{findings}").join(findings ? findings.value.trim() : "");
    });
  }
  document.querySelectorAll("[data-pick]").forEach(initPick);
  document.querySelectorAll("[data-hotspots]").forEach(initHotspots);
  document.querySelectorAll("form").forEach(initTemplates);
  initIdentity();
})();
