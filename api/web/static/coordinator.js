/* Coordinator page: the map of the rounds (vendored Leaflet) and the planning job button. */
(function () {
  "use strict";
  var S = JSON.parse(document.getElementById("strings").textContent);
  var COLOURS = JSON.parse(document.getElementById("round-colours").textContent);
  var HEADERS = { "Content-Type": "application/json", "X-Foodhub-Web": "1" };

  function text(value) { return String(value === undefined || value === null ? "" : value); }
  function esc(value) {
    return text(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ------------------------------------------------------------------ map
  var mapDiv = document.getElementById("map");
  var week = mapDiv.dataset.week;
  var map = L.map(mapDiv, { preferCanvas: false, zoomSnap: 0.25 });
  map.setView([46.5, 2.5], 5);
  var tiles = null;
  var bounds = L.latLngBounds([]);
  window.foodhubMap = { map: map, rounds: 0, ready: false };

  document.getElementById("online-tiles").addEventListener("change", function (event) {
    if (event.target.checked) {
      tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
        maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
      tiles.bringToBack();
    } else if (tiles) {
      map.removeLayer(tiles);
      tiles = null;
    }
  });

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  function fit() {
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20] }); }
  }

  var basemap = getJson("/web/basemap.geojson").then(function (data) {
    var layer = L.geoJSON(data, {
      interactive: false,
      style: { color: "#b9bcb6", weight: 1.2, opacity: 1, className: "fh-road" }
    }).addTo(map);
    if (layer.getBounds().isValid()) { bounds.extend(layer.getBounds()); }
  }).catch(function () { /* no basemap: the rounds still draw */ });

  var rounds = (mapDiv.dataset.hasPlan === "true" && week)
    ? getJson("/web/api/weeks/" + encodeURIComponent(week) + "/rounds.geojson")
    : Promise.resolve({ features: [] });

  Promise.all([basemap, rounds]).then(function (results) {
    var features = results[1].features || [];
    var lines = 0;
    features.forEach(function (f) {
      var p = f.properties || {};
      var key = p.day + "|" + p.vehicle_id;
      var colour = COLOURS[key] || p.colour || "#1b6ca8";
      var c = f.geometry.coordinates;
      if (p.feature === "trip") {
        var line = L.polyline(c.map(function (xy) { return [xy[1], xy[0]]; }), {
          color: colour, weight: 4, opacity: 0.9, className: "fh-round"
        }).addTo(map);
        line.getElement && line.getElement() && line.getElement().setAttribute("data-round", key);
        line.bindTooltip(esc(p.vehicle) + " — " + esc(p.day) + " (" + esc(p.distance_km) + " km)");
        bounds.extend(line.getBounds());
        lines += 1;
      } else if (p.feature === "stop" && p.site_kind !== "hub") {
        L.circleMarker([c[1], c[0]], {
          radius: 6, color: "#222", weight: 1, fillColor: colour, fillOpacity: 1, className: "fh-stop"
        }).addTo(map).bindPopup(
          "<strong>" + esc(p.site_name) + "</strong><br>" + esc(S["action_" + p.action] || p.action) +
          "<br>" + esc(S.eta) + " " + esc(p.eta) + "<br>" + esc(S.load) + " " + esc(p.load_kg));
      } else if (p.feature === "hub") {
        L.circleMarker([c[1], c[0]], {
          radius: 10, color: "#000", weight: 2, fillColor: "#ffd54f", fillOpacity: 1, className: "fh-hub"
        }).addTo(map).bindPopup("<strong>" + esc(S.hub) + "</strong><br>" + esc(p.name));
        bounds.extend([c[1], c[0]]);
      } else if (p.feature === "producer") {
        L.circleMarker([c[1], c[0]], {
          radius: 7, color: "#1b5e20", weight: 2, fillColor: "#a5d6a7", fillOpacity: 1, className: "fh-producer"
        }).addTo(map).bindPopup("<strong>" + esc(S.producers) + "</strong><br>" + esc(p.name));
      }
    });
    fit();
    window.foodhubMap.rounds = lines;
    window.foodhubMap.ready = true;
    mapDiv.dataset.rounds = String(lines);
    mapDiv.dataset.ready = "true";
  }).catch(function () {
    window.foodhubMap.ready = true;
    mapDiv.dataset.ready = "error";
  });

  // ------------------------------------------------------------ planning
  var form = document.getElementById("plan-form");
  var bar = document.getElementById("job-progress");
  var status = document.getElementById("job-status");
  var button = document.getElementById("plan-button");

  function poll(id) {
    getJson("/web/api/planning-jobs/" + encodeURIComponent(id)).then(function (job) {
      bar.value = job.progress;
      if (job.status === "queued" || job.status === "running") {
        status.textContent = S["job_" + job.status] + " " + text(job.message);
        setTimeout(function () { poll(id); }, 500);
        return;
      }
      button.disabled = false;
      if (job.status === "succeeded") {
        status.textContent = S.job_succeeded;
        var url = new URL(window.location.href);
        url.searchParams.set("week", job.week);
        url.searchParams.set("job", job.id);
        window.location.assign(url.toString());
      } else if (job.status === "failed") {
        status.textContent = S.job_failed + text(job.error);
      } else {
        status.textContent = S.job_cancelled;
      }
    }).catch(function (e) {
      button.disabled = false;
      status.textContent = S.err_generic + e.message;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {
      week: form.dataset.week,
      engine: document.getElementById("engine").value,
      time_limit_s: parseFloat(document.getElementById("time_limit_s").value) || undefined
    };
    var iterations = document.getElementById("max_iterations").value;
    if (iterations) { body.max_iterations = parseInt(iterations, 10); }
    button.disabled = true;
    bar.value = 0;
    status.textContent = S.job_queued;
    fetch("/web/api/planning-jobs", {
      method: "POST", credentials: "same-origin", headers: HEADERS, body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.message || r.status); }
        poll(data.id);
      });
    }).catch(function (e) {
      button.disabled = false;
      status.textContent = S.err_generic + e.message;
    });
  });
})();
