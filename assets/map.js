/*
 * Digital map (T10): functions dash-leaflet calls in the browser.
 *
 * The province and institution geometry is fetched once from the API; everything that changes
 * with the user's choices (colours, statuses, language, selection) arrives in the small `hideout`
 * dicts built by layouts/map.py, so a restyle never resends geometry.
 *
 * window.iocMap.*            -> referenced from Python as {"variable": "iocMap.<name>"}
 * window.dash_clientside.iocMap.* -> clientside callbacks (no server round trip)
 */
(function () {
  "use strict";

  function esc(text) {
    return String(text == null ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // dd/mm/yyyy in Vietnamese, "dd Mon yyyy" in English (as ioc_app.i18n.fmt_date).
  function fmtDate(iso, lang) {
    if (!iso) { return null; }
    var p = iso.split("-");
    if (lang === "en") { return p[2] + " " + MONTHS[parseInt(p[1], 10) - 1] + " " + p[0]; }
    return p[2] + "/" + p[1] + "/" + p[0];
  }

  function hideoutOf(context) {
    return (context && (context.hideout || (context.props && context.props.hideout))) || {};
  }

  function provinceStyle(feature, context) {
    var h = hideoutOf(context);
    var code = feature.properties.code;
    var row = (h.v || {})[code];
    var selected = h.sel === code;
    return {
      fillColor: row ? row[0] : (h.nd || "#b8b8b8"),
      fillOpacity: h.fo || 0.85,
      color: selected ? "#111111" : "#ffffff",
      weight: selected ? 3.5 : 0.8,
      opacity: 1,
      dashArray: selected ? null : null,
      className: "ioc-province ioc-province-" + code + (selected ? " ioc-province-selected" : ""),
    };
  }

  function provinceHover() {
    return { weight: 2.5, color: "#1b2430" };
  }

  function provinceTooltip(feature, h) {
    var code = feature.properties.code;
    var row = (h.v || {})[code];
    var name = (h.nm || {})[code] || feature.properties.name;  // the unit in full, in the page's language
    var html = '<div class="ioc-map-tip"><div class="ioc-map-tip-name">' + esc(name) + "</div>";
    if (!row) {
      html += '<div class="ioc-map-tip-value">' + esc(h.ndt) + "</div>";
      return html + "</div>";
    }
    html += '<div class="ioc-map-tip-value">' + esc(row[1]) + '</div>';
    if (row[2]) { html += '<div class="ioc-map-tip-ratio">' + esc(row[2]) + "</div>"; }
    var statuses = row[3] || [];
    for (var i = 0; i < statuses.length; i++) {
      var st = (h.st || {})[statuses[i]] || ["–", statuses[i], "#8A8F98"];
      html += '<div class="ioc-map-tip-status"><span class="ioc-map-tip-target">' + esc((h.tg || [])[i]) +
        '</span> <span class="ioc-status ioc-status-' + esc(statuses[i]) + '" style="--status-colour:' + esc(st[2]) +
        '"><span class="ioc-status-icon" aria-hidden="true">' + esc(st[0]) + '</span><span class="ioc-status-word">' +
        esc(st[1]) + "</span></span></div>";
    }
    if (h.note) { html += '<div class="ioc-map-tip-note">' + esc(h.note) + "</div>"; }
    return html + "</div>";
  }

  function provinceEach(feature, layer, context) {
    var h = hideoutOf(context);
    // A function: built when the tooltip opens, from the hideout of this rendering.
    layer.bindTooltip(function () { return provinceTooltip(feature, h); },
      { sticky: true, direction: "top", offset: [0, -8], className: "ioc-map-tooltip", opacity: 1 });
  }

  function pointToLayer(feature, latlng, context) {
    var h = hideoutOf(context);
    var p = feature.properties;
    var colour = (h.colours || {})[p.type] || "#444";
    var radius = (h.radius || {})[p.type] || 5;
    return L.circleMarker(latlng, {
      radius: radius, fillColor: colour, fillOpacity: 0.95, color: "#1b1b1b", weight: 1.2,
      pane: h.pane || "overlayPane",  // above the provinces, which are redrawn on every restyle
      className: "ioc-inst ioc-inst-" + p.type,
    });
  }

  function clusterToLayer(feature, latlng, index, context) {
    var h = hideoutOf(context);
    var n = feature.properties.point_count;
    var size = n < 10 ? 28 : (n < 50 ? 34 : (n < 200 ? 40 : 48));
    var icon = L.divIcon({
      html: "<div><span>" + esc(feature.properties.point_count_abbreviated) + "</span></div>",
      className: "ioc-cluster",
      iconSize: L.point(size, size),
    });
    return L.marker(latlng, { icon: icon, title: String(n), pane: h.pane || "markerPane" });
  }

  function row(label, value) {
    return "<tr><th>" + esc(label) + "</th><td>" + esc(value) + "</td></tr>";
  }

  function pointPopup(p, h) {
    var t = h.t || {};
    var lang = h.lang || "vi";
    var none = t.none || "—";
    // Short names by code ("TP. Hồ Chí Minh"); the point's own bare names if a code is unknown.
    var province = (t.p34 || {})[p.code34] || p.province_name || "";
    if (p.province63_name && p.province63_name !== p.province_name) {
      province += " (" + (t.legacy || "") + " " + ((t.p63 || {})[p.code63] || p.province63_name) + ")";
    }
    var html = '<div class="ioc-map-popup"><div class="ioc-map-popup-name">' + esc(p.name) + "</div>" +
      '<div class="ioc-map-popup-kind"><span class="ioc-map-dot" style="background:' +
      esc((h.colours || {})[p.type]) + '"></span>' + esc((t.types || {})[p.type]) + " · " +
      esc((t.ownerships || {})[p.ownership]) + "</div><table>" +
      row(t.province, province) +
      row(t.code, p.code) +
      row(t.infrastructure, fmtDate(p.infrastructure_on, lang) || none) +
      row(t.connected, p.connected ? fmtDate(p.connected_on, lang) : (t.not_connected || none)) +
      row(t.digital_school, p.digital_school ? fmtDate(p.digital_school_on, lang) : none) +
      row(t.profile, fmtDate(p.profile_updated_on, lang) || none) +
      "</table>" +
      '<a class="ioc-map-popup-link" href="/institution/' + encodeURIComponent(p.id) + '">' + esc(t.open) + " →</a></div>";
    return html;
  }

  function pointEach(feature, layer, context) {
    var p = feature.properties;
    if (p.cluster) { return; }
    var h = hideoutOf(context);
    layer.bindPopup(function () { return pointPopup(p, h); }, { maxWidth: 360, minWidth: 260 });
    layer.bindTooltip(esc(p.name), { direction: "top", offset: [0, -6], className: "ioc-map-tooltip" });
  }

  window.iocMap = {
    provinceStyle: provinceStyle,
    provinceHover: provinceHover,
    provinceEach: provinceEach,
    pointToLayer: pointToLayer,
    clusterToLayer: clusterToLayer,
    pointEach: pointEach,
  };

  // Clientside callbacks: no server round trip for what the browser already knows.
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    iocMap: {
      // The institution layer's URL from the filters; the server filters (clusters must be re-made).
      pointsUrl: function (instType, ownership, ready, show, base) {
        if (!show || show.length === 0) { return ""; }
        var q = [];
        if (instType) { q.push("type=" + encodeURIComponent(instType)); }
        if (ownership) { q.push("ownership=" + encodeURIComponent(ownership)); }
        if (ready === "true" || ready === "false") { q.push("connected=" + ready); }
        return base + (q.length ? "?" + q.join("&") : "");
      },
      // Clicking a province selects it for the whole dashboard; clicking it again clears it.
      // Runs in the browser so the clicked feature (with its geometry) is never sent to the server.
      selectProvince: function (clickData, selection) {
        var nu = window.dash_clientside.no_update;
        if (!clickData || !clickData.properties || !clickData.properties.code) { return nu; }
        var sel = Object.assign({ level: "34", province: null, type: null, ownership: null }, selection || {});
        var code = clickData.properties.code;
        sel.province = sel.province === code ? null : code;
        return sel;
      },
    },
  });

  // Links in popups navigate inside the app (like dcc.Link) instead of reloading the page.
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest("a.ioc-map-popup-link") : null;
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) { return; }
    ev.preventDefault();
    window.history.pushState({}, "", a.getAttribute("href"));
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  });
})();
