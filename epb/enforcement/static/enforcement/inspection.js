/* The on-site record: the phone's position (when the officer allows it) goes to the record and
   to every photo taken; nothing here is needed for the form to work without JavaScript. */
(function () {
  "use strict";
  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function setStatus(el, text, bad) {
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("bad", !!bad);
  }
  function fillPhotoForms(lat, lon) {
    document.querySelectorAll("form.photo-form").forEach(function (form) {
      if (form.latitude) form.latitude.value = lat;
      if (form.longitude) form.longitude.value = lon;
    });
  }
  function locate(button) {
    var status = document.getElementById("geo-status");
    if (!("geolocation" in navigator)) {
      setStatus(status, button.dataset.unsupported, true);
      return;
    }
    setStatus(status, button.dataset.locating, false);
    navigator.geolocation.getCurrentPosition(function (pos) {
      var body = new FormData();
      body.append("latitude", pos.coords.latitude);
      body.append("longitude", pos.coords.longitude);
      if (pos.coords.accuracy != null) body.append("accuracy", pos.coords.accuracy);
      fetch(button.dataset.url, { method: "POST", body: body, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { setStatus(status, res.data.detail || button.dataset.failed, true); return; }
          var acc = res.data.accuracy != null ? " ±" + Math.round(res.data.accuracy) + "m" : "";
          setStatus(status, res.data.latitude.toFixed(5) + ", " + res.data.longitude.toFixed(5) + acc, false);
          fillPhotoForms(res.data.latitude, res.data.longitude);
          document.body.dataset.located = "1";
        })
        .catch(function () { setStatus(status, button.dataset.failed, true); });
    }, function (err) {
      setStatus(status, button.dataset.denied + (err && err.message ? "（" + err.message + "）" : ""), true);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("geo-button");
    if (!button) return;
    button.addEventListener("click", function () { locate(button); });
    if (button.dataset.auto === "1" && navigator.permissions) {
      navigator.permissions.query({ name: "geolocation" }).then(function (p) {
        if (p.state === "granted") locate(button);
      }).catch(function () {});
    }
  });
})();
