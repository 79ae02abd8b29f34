/* HueBot operations centre: the map, the charts and live alert progress.
   Plain JavaScript on top of Leaflet, Leaflet.markercluster and Chart.js (vendor/). */
(function () {
  "use strict";

  var COLOURS = {
    received: "#64748b", assigned: "#2563eb", in_progress: "#d97706", need_info: "#7c3aed",
    resolved: "#16a34a", rejected: "#dc2626", transferred: "#0891b2", reopened: "#ea580c",
    closed: "#475569"
  };

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  // The offline base map: wards, main streets and landmarks from the gazetteer, drawn as
  // SVG vectors in their own panes (below the report points), so the map needs no network.
  function pane(map, name, zIndex) {
    map.createPane(name);
    map.getPane(name).style.zIndex = String(zIndex);
    map.getPane(name).style.pointerEvents = "none";
  }

  function wardLayer(feature, renderer, filled) {
    var label = feature.properties.label;
    var group = L.layerGroup();
    var shape = L.geoJSON(feature, {
      renderer: renderer, pane: "basemap", interactive: false,
      style: { color: "#8a8170", weight: 1.2, dashArray: "5 4", fillColor: "#f4efe3",
               fillOpacity: filled ? 0.9 : 0, className: "hb-ward" }
    });
    group.addLayer(shape);
    group.addLayer(L.marker([label[1], label[0]], {
      pane: "baselabels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "hb-ward-label", html: "", iconSize: null })
    }).on("add", function (event) {
      var icon = event.target.getElement();
      if (icon && !icon.firstChild) { icon.appendChild(element("span", feature.properties.short_name)); }
    }));
    group.shape = shape;
    return group;
  }

  function streetLayer(feature, renderer) {
    var line = feature.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
    var group = L.layerGroup();
    group.addLayer(L.polyline(line, { renderer: renderer, pane: "basemap", interactive: false,
                                      color: "#b9ad97", weight: 6, className: "hb-street-casing" }));
    group.addLayer(L.polyline(line, { renderer: renderer, pane: "basemap", color: "#ffffff",
                                      weight: 3.5, className: "hb-street" })
      .bindTooltip(feature.properties.name, { sticky: true }));
    return group;
  }

  function landmarkLayer(feature, renderer) {
    var c = feature.geometry.coordinates;
    return L.circleMarker([c[1], c[0]], {
      renderer: renderer, pane: "basemap", radius: 3.5, color: "#6b5e4b", weight: 1.5,
      fillColor: "#fffdf7", fillOpacity: 1, className: "hb-landmark"
    }).bindTooltip(feature.properties.name);
  }

  function offlineLayers(map, node, filled) {
    pane(map, "basemap", 250);
    pane(map, "baselabels", 390);
    var renderer = L.svg({ pane: "basemap", padding: 0.5 });
    var layers = { ward: L.layerGroup(), street: L.layerGroup(), landmark: L.layerGroup() };
    var wards = [];
    fetch(node.dataset.basemap, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        collection.features.forEach(function (feature) {
          var kind = feature.properties.layer;
          if (kind === "ward") {
            var ward = wardLayer(feature, renderer, filled());
            wards.push(ward.shape);
            layers.ward.addLayer(ward);
          } else if (kind === "street") { layers.street.addLayer(streetLayer(feature, renderer)); }
          else if (kind === "landmark") { layers.landmark.addLayer(landmarkLayer(feature, renderer)); }
        });
        node.setAttribute("data-basemap-loaded", String(collection.features.length));
      })
      .catch(function () { node.setAttribute("data-basemap-loaded", "failed"); });
    layers.fill = function () { wards.forEach(function (shape) { shape.setStyle({ fillOpacity: 0.9 }); }); };
    return layers;
  }

  function zoomClasses(map, node) {
    function update() {
      var zoom = map.getZoom();
      node.classList.toggle("hb-far", zoom < 12);
      node.classList.toggle("hb-near", zoom >= 15);
    }
    map.on("zoomend", update);
    update();
  }

  function layerControl(map, node, layers) {
    if (!node.dataset.layers) { return; }
    var names = node.dataset.layers.split("|");
    var overlays = {};
    overlays[names[0]] = layers.ward;
    overlays[names[1]] = layers.street;
    overlays[names[2]] = layers.landmark;
    L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
  }

  function tilesFailed(node, map, layers) {
    if (node.dataset.tilesFailed) { return; }
    node.dataset.tilesFailed = "1";
    node.classList.add("no-tiles");
    layers.fill();
    layers.street.addTo(map);
    layers.landmark.addTo(map);
    var notice = document.getElementById("map-notice");
    if (notice) { notice.textContent = node.dataset.noTiles; notice.hidden = false; }
  }

  function baseMap(node, center, zoom, interactive) {
    var map = L.map(node, { zoomControl: interactive, scrollWheelZoom: interactive, preferCanvas: true,
                            minZoom: 8, maxZoom: 19 });
    map.setView(center, zoom);
    var withTiles = Boolean(node.dataset.tiles);
    var layers = offlineLayers(map, node, function () { return !withTiles || Boolean(node.dataset.tilesFailed); });
    layers.ward.addTo(map);
    if (withTiles) {
      var tiles = L.tileLayer(node.dataset.tiles, {
        maxZoom: 19, attribution: node.dataset.attribution,
        referrerPolicy: "strict-origin-when-cross-origin"
      });
      tiles.on("tileerror", function () { tilesFailed(node, map, layers); });
      tiles.addTo(map);
    } else {
      node.classList.add("offline");
      layers.street.addTo(map);
      layers.landmark.addTo(map);
    }
    if (node.dataset.basemapNote) { map.attributionControl.addAttribution(node.dataset.basemapNote); }
    zoomClasses(map, node);
    layerControl(map, node, layers);
    return map;
  }

  function marker(status, latlng, radius) {
    return L.circleMarker(latlng, {
      radius: radius, color: "#fff", weight: 1.5, fillColor: COLOURS[status] || "#334155",
      fillOpacity: 0.95
    });
  }

  function popup(properties) {
    var box = element("div");
    var label = (properties.urgent ? "🆘 " : "") + properties.code;
    var link = element("a", label, { href: "/ops/reports/" + encodeURIComponent(properties.code) });
    var title = element("strong");
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(element("div", properties.status_label + " · " + properties.category));
    box.appendChild(element("div", properties.text, { "class": "muted" }));
    return box;
  }

  function bigMap(node) {
    var center = [parseFloat(node.dataset.lat), parseFloat(node.dataset.lng)];
    var map = baseMap(node, center, parseInt(node.dataset.zoom, 10), true);
    fetch(node.dataset.points, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (collection) {
        var cluster = L.markerClusterGroup({ maxClusterRadius: 45, showCoverageOnHover: false });
        var bounds = [];
        collection.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          // An SOS is never folded into a cluster: larger, ringed in red, always visible.
          var urgent = feature.properties.urgent === true;
          var point = marker(feature.properties.status, [c[1], c[0]], urgent ? 11 : 7);
          if (urgent) { point.setStyle({ color: "#dc2626", weight: 3 }); }
          point.bindPopup(popup(feature.properties));
          (urgent ? map : cluster).addLayer(point);
          bounds.push([c[1], c[0]]);
        });
        map.addLayer(cluster);
        if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 }); }
        else if (bounds.length === 1) { map.setView(bounds[0], 15); }
        var count = document.getElementById("map-count");
        if (count) { count.textContent = node.dataset.shown.replace("{count}", collection.features.length); }
        node.dataset.points_loaded = String(collection.features.length);
        node.setAttribute("data-loaded", String(collection.features.length));
      });
  }

  function miniMap(node) {
    var here = [parseFloat(node.dataset.lat), parseFloat(node.dataset.lng)];
    var map = baseMap(node, here, 16, true);
    marker(node.dataset.status, here, 9).addTo(map);
  }

  function chart(canvas, rows, names, weekly) {
    var labels = rows.map(function (row) {
      var parts = row.day.split("-");
      return parts[2] + "/" + parts[1];
    });
    function series(key) { return rows.map(function (row) { return row[key]; }); }
    function share(key) {
      return rows.map(function (row) { return row[key] === null ? null : Math.round(row[key] * 1000) / 10; });
    }
    return new Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "bar", label: names.received, data: series("received"), backgroundColor: "#93c5fd", yAxisID: "y" },
          { type: "bar", label: names.handled, data: series("handled"), backgroundColor: "#16a34a", yAxisID: "y" },
          { type: "bar", label: names.overdue, data: series("overdue"), backgroundColor: "#dc2626", yAxisID: "y" },
          { type: "line", label: names.on_time_share + " %", data: share("on_time_share"), borderColor: "#6a3596",
            backgroundColor: "#6a3596", yAxisID: "pct", spanGaps: true, tension: 0.25 },
          { type: "line", label: names.satisfaction_rate + " %", data: share("satisfaction_rate"), borderColor: "#d97706",
            backgroundColor: "#d97706", yAxisID: "pct", spanGaps: true, tension: 0.25, borderDash: [4, 3] }
        ]
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: {
          y: { beginAtZero: true, ticks: { precision: 0 } },
          pct: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
        }
      }
    });
  }

  function charts(block) {
    var data = JSON.parse(block.textContent);
    var daily = document.getElementById("chart-daily");
    var weekly = document.getElementById("chart-weekly");
    if (daily) { daily.parentNode.style.height = "280px"; chart(daily, data.daily, data.names, false); }
    if (weekly) { weekly.parentNode.style.height = "280px"; chart(weekly, data.weekly, data.names, true); }
    document.body.setAttribute("data-charts", "ready");
  }

  function paint(article, counts) {
    var total = 0;
    ["sent", "failed", "blocked", "remaining"].forEach(function (part) { total += counts[part] || 0; });
    ["sent", "failed", "blocked", "remaining"].forEach(function (part) {
      var bar = article.querySelector('[data-part="' + part + '"]');
      var number = article.querySelector('[data-count="' + part + '"]');
      if (bar) { bar.style.width = (total ? (100 * (counts[part] || 0) / total) : 0) + "%"; }
      if (number) { number.textContent = String(counts[part] || 0); }
    });
  }

  function alerts(list) {
    list.querySelectorAll("article[data-alert]").forEach(function (article) {
      article.querySelectorAll(".bar").forEach(function (bar) { bar.style.width = bar.dataset.width + "%"; });
    });
    function poll() {
      fetch(list.dataset.poll, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body) { return; }
          body.alerts.forEach(function (row) {
            var article = list.querySelector('article[data-alert="' + row.id + '"]');
            if (article) { paint(article, row); }
          });
        })
        .catch(function () { /* the next poll tries again */ });
    }
    window.setInterval(poll, 3000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var big = document.getElementById("map");
    var mini = document.getElementById("minimap");
    var series = document.getElementById("series");
    var list = document.getElementById("alert-list");
    if (big && window.L) { bigMap(big); }
    if (mini && window.L) { miniMap(mini); }
    if (series && window.Chart) { charts(series); }
    if (list) { alerts(list); }
  });
})();
