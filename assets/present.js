// The wall display's controller (/present): rotation, prefetch, keyboard, clock, and riding out outages.
//
// The page holds one slot per slide. The slot about to be shown is loaded while the current one is
// on screen (by writing its request store, which runs the server callback that fills it), so a slide
// appears with its data already there. Only slots that have content are ever shown: a slide whose
// data fails keeps its last good content, and nothing blank reaches the wall.
//
// Outages: a Dash request that fails (server restarting, network down, 5xx) is answered here with
// "no update" (204) instead of an error, so the renderer keeps every slot as it was; a discreet mark
// says "reconnecting" until a request succeeds again. No reload is ever needed. A 401/403 (token
// revoked, playlist refused) stops the display behind a notice: it no longer shows any figure.
(function () {
  "use strict";
  if (!/^\/present\/?$/.test(window.location.pathname)) {
    return;
  }

  var TICK_MS = 200;
  var HISTORY_KEPT = 10;
  var PENDING_WAIT_MS = 5000;
  var RETRY_MS = 2000;
  var SHOWN_KEPT = 50;
  var W = (window.iocPresent = {
    config: null,
    current: -1,
    pending: -1,
    pendingSince: 0,
    pendingStep: 1,
    paused: false,
    stopped: false,
    online: true,
    stale: "",
    shownAt: 0,
    pausedFor: 0,
    seq: 0,
    rotations: 0,
    shown: [],
    bytes: 0,
    refused: 0,
    digits: "",
    digitsAt: 0,
  });

  // --- the network: failed Dash requests become "no update" -------------------------------------------
  var originalFetch = window.fetch;
  window.fetch = function (input) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    if (url.indexOf("/api/v1/geo/") !== -1) {
      return patiently(arguments);
    }
    var request = originalFetch.apply(this, arguments);
    if (url.indexOf("/_dash-update-component") === -1) {
      return request;
    }
    return request.then(
      function (response) {
        if (response.status === 401 || response.status === 403) {
          stop(response.status === 401 ? "revoked" : "forbidden");
          return new Response(null, { status: 204 });
        }
        if (response.status >= 500) {
          setOnline(false);
          return new Response(null, { status: 204 });
        }
        if (!response.ok) {
          W.refused += 1; // refused input: the slot keeps what it shows (the server logged why)
          return new Response(null, { status: 204 });
        }
        setOnline(true);
        return response;
      },
      function () {
        setOnline(false);
        return new Response(null, { status: 204 });
      }
    );
  };

  // The map's shapes are fetched by the map itself, which has no answer to a failed request: it is
  // asked again every few seconds until the server is back, and the map draws them then.
  function patiently(args) {
    return originalFetch.apply(window, args).then(
      function (response) {
        if (response.status >= 500) {
          return retryLater(args);
        }
        return response;
      },
      function () {
        return retryLater(args);
      }
    );
  }

  function retryLater(args) {
    setOnline(false);
    return new Promise(function (resolve) {
      window.setTimeout(resolve, RETRY_MS);
    }).then(function () {
      return patiently(args);
    });
  }

  // Bytes of every callback answer (compressed, as they crossed the network), for the benchmark.
  if (window.PerformanceObserver) {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (e.name.indexOf("/_dash-update-component") !== -1) {
          W.bytes += e.transferSize || 0;
        }
      });
      performance.clearResourceTimings(); // the browser's buffer would otherwise grow, then fill
    }).observe({ entryTypes: ["resource"] });
  }

  function setOnline(online) {
    if (W.online === online) {
      return;
    }
    W.online = online;
    mark();
  }

  function text(key) {
    return (W.config && W.config.texts[key]) || "";
  }

  function mark() {
    var el = document.getElementById("present-mark");
    if (!el) {
      return;
    }
    var words = [];
    if (W.stale) {
      words.push(W.stale);
    }
    if (!W.online) {
      words.push("↻ " + text("reconnecting"));
    }
    if (W.paused) {
      words.push("‖ " + text("paused"));
    }
    el.textContent = words.join("  ");
  }

  function stop(reason) {
    if (W.stopped) {
      return;
    }
    W.stopped = true;
    var el = document.getElementById("present-notice");
    if (el) {
      el.textContent = text(reason);
      el.hidden = false;
    }
  }

  // --- slots ---------------------------------------------------------------------------------------------
  function slotEl(i) {
    return document.querySelector('.present-slot[data-index="' + i + '"]');
  }

  function ready(i) {
    var el = slotEl(i);
    return !!(el && el.querySelector(".present-slide"));
  }

  function request(i) {
    if (W.stopped || !W.config) {
      return;
    }
    W.seq += 1;
    window.dash_clientside.set_props({ type: "present-request", index: i }, { data: { n: W.seq } });
    trimHistory();
  }

  // Dash keeps every input change for its undo history; a wall changes inputs for days, so only
  // the last few are kept (REVERT drops the newest entry of the past and changes nothing else).
  function trimHistory() {
    var store = window.store;
    if (!store || !store.getState) {
      return;
    }
    var guard = 1000;
    while (store.getState().history && store.getState().history.past.length > HISTORY_KEPT && guard-- > 0) {
      store.dispatch({ type: "REVERT" });
    }
  }

  function count() {
    return W.config ? W.config.slides.length : 0;
  }

  function seconds(i) {
    return W.config.slides[i].seconds;
  }

  // --- showing a slide -----------------------------------------------------------------------------------
  function show(i) {
    var n = count();
    var previous = slotEl(W.current);
    if (previous && W.current !== i) {
      previous.classList.remove("is-current");
    }
    var el = slotEl(i);
    el.classList.add("is-current");
    if (W.current !== -1 && W.current !== i) {
      W.rotations += 1;
    }
    W.shown.push(i); // the last slides shown, for whoever watches the wall from outside
    if (W.shown.length > SHOWN_KEPT) {
      W.shown.shift();
    }
    W.current = i;
    W.pending = -1;
    W.shownAt = Date.now();
    W.pausedFor = 0;
    var loading = document.getElementById("present-loading");
    if (loading) {
      loading.classList.add("is-hidden");
    }
    var slide = el.querySelector(".present-slide");
    var frame = el.querySelector(".present-slide-frame");
    W.stale = (frame && frame.getAttribute("data-stale")) || "";
    mark();
    var asof = document.getElementById("present-asof");
    if (asof && slide) {
      asof.textContent = slide.getAttribute("data-asof") || "";
    }
    var counter = document.getElementById("present-counter");
    if (counter) {
      counter.textContent = text("slide_of").replace("{i}", i + 1).replace("{n}", n);
    }
    restartProgress();
    writeUrl(i);
    // Prefetch: the next slide loads while this one is on screen (a one-slide playlist reloads itself).
    request((i + 1) % n);
  }

  function restartProgress() {
    var fill = document.getElementById("present-progress");
    if (!fill) {
      return;
    }
    fill.style.transition = "none";
    fill.style.width = "0";
    void fill.offsetWidth; // restart the transition from zero
    if (!W.paused) {
      fill.style.transition = "width " + seconds(W.current) + "s linear";
      fill.style.width = "100%";
    }
  }

  function writeUrl(i) {
    var params = new URLSearchParams(window.location.search);
    params.delete("token");
    params.set("playlist", W.config.playlist);
    params.set("slide", String(i + 1));
    window.history.replaceState(window.history.state, "", window.location.pathname + "?" + params.toString());
  }

  // The next slide in this direction. Not loaded yet (its request is in flight): wait for it a
  // moment; still nothing (its data failed): the next one that has content. None: stay.
  function advance(step) {
    var n = count();
    var next = (((W.current + step) % n) + n) % n;
    if (ready(next)) {
      show(next);
      return;
    }
    request(next);
    W.pending = next;
    W.pendingSince = Date.now();
    W.pendingStep = step;
  }

  function skipPending() {
    var n = count();
    for (var k = 1; k < n; k += 1) {
      var candidate = (((W.pending + W.pendingStep * k) % n) + n) % n;
      if (ready(candidate)) {
        show(candidate);
        return;
      }
    }
    W.pending = -1;
    W.shownAt = Date.now(); // nothing else to show: the current slide stays for another turn
  }

  function jump(i) {
    if (i < 0 || i >= count()) {
      return;
    }
    if (ready(i)) {
      show(i);
    } else {
      W.pending = i;
      W.pendingSince = Date.now();
      W.pendingStep = 1;
      request(i);
    }
  }

  function togglePause() {
    W.paused = !W.paused;
    if (W.paused) {
      // Paused, the slide on screen stays: a rotation step still waiting for its next slide is called
      // off (else that slide would replace it when it arrives). A slide asked for by key is still shown.
      if (W.current !== -1) {
        W.pending = -1;
      }
      W.pausedFor = Date.now() - W.shownAt;
      var fill = document.getElementById("present-progress");
      if (fill) {
        fill.style.width = getComputedStyle(fill).width;
        fill.style.transition = "none";
      }
    } else {
      W.shownAt = Date.now() - W.pausedFor;
      var left = Math.max(0, seconds(W.current) - W.pausedFor / 1000);
      var bar = document.getElementById("present-progress");
      if (bar) {
        bar.style.transition = "width " + left + "s linear";
        bar.style.width = "100%";
      }
    }
    mark();
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  // --- the clock (Vietnam's time, whatever the display machine is set to) --------------------------------
  var clockFormat = null;
  function clock() {
    var el = document.getElementById("present-clock");
    if (!el || !W.config) {
      return;
    }
    if (!clockFormat) {
      clockFormat = new Intl.DateTimeFormat(W.config.lang === "en" ? "en-GB" : "vi-VN", {
        timeZone: "Asia/Ho_Chi_Minh",
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
        day: "2-digit",
        month: "2-digit",
        year: "numeric",
      });
    }
    var parts = {};
    clockFormat.formatToParts(new Date()).forEach(function (p) {
      parts[p.type] = p.value;
    });
    el.textContent = parts.hour + ":" + parts.minute + " · " + parts.day + "/" + parts.month + "/" + parts.year;
  }

  // --- the loop ------------------------------------------------------------------------------------------
  // The frame is built by Dash after this script runs (and rebuilt on a language change): its
  // configuration is read from the root's data-config attribute when it appears or changes.
  var configText = null;
  function watchFrame() {
    var root = document.getElementById("present-root");
    var raw = root ? root.getAttribute("data-config") : null;
    if (raw && raw !== configText) {
      configText = raw;
      start(JSON.parse(raw));
    }
  }

  function tick() {
    watchFrame();
    clock();
    if (W.stopped || !W.config) {
      return;
    }
    if (W.pending !== -1) {
      if (ready(W.pending)) {
        show(W.pending);
      } else if (Date.now() - W.pendingSince > PENDING_WAIT_MS) {
        if (W.current !== -1) {
          skipPending();
        } else {
          // Nothing on screen yet and this slide will not load: try the next one.
          W.pending = (W.pending + 1) % count();
          W.pendingSince = Date.now();
          request(W.pending);
        }
      }
      return;
    }
    if (W.current === -1 || W.paused) {
      return;
    }
    if (Date.now() - W.shownAt >= seconds(W.current) * 1000) {
      advance(1);
    }
  }

  function start(config) {
    var restarting = W.config !== null;
    W.config = config;
    clockFormat = null;
    if (restarting) {
      return; // the frame was rebuilt (language): the loop carries on with the new slots
    }
    var n = count();
    var first = Math.min(Math.max(config.start || 0, 0), n - 1);
    W.pending = first;
    W.pendingSince = Date.now();
    request(first);
    if (n > 1) {
      request((first + 1) % n);
    }
  }
  window.setInterval(tick, TICK_MS);

  // --- keyboard (presenters' clickers send PageUp/PageDown) --------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if (W.stopped || !W.config || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    var key = event.key;
    var handled = true;
    if (/^[0-9]$/.test(key)) {
      W.digits = (Date.now() - W.digitsAt < 2000 ? W.digits : "") + key;
      W.digitsAt = Date.now();
    } else if (key === "Enter" && W.digits) {
      jump(parseInt(W.digits, 10) - 1);
      W.digits = "";
    } else if (key === "ArrowRight" || key === "PageDown" || key === "n") {
      advance(1);
    } else if (key === "ArrowLeft" || key === "PageUp" || key === "b") {
      advance(-1);
    } else if (key === " " || key === "p" || key === "k") {
      togglePause();
    } else if (key === "f") {
      toggleFullscreen();
    } else if (key === "Home") {
      jump(0);
    } else if (key === "End") {
      jump(count() - 1);
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });
})();
