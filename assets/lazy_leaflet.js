/*
 * The map's library (dash_leaflet, ~300 kB of script) only where a map is drawn.
 *
 * The page does not load it (ioc_app.lazy_scripts names its address in a <meta>); until it is needed,
 * window.dash_leaflet hands the renderer stand-ins that load it the first time one of them is drawn
 * (the map page, the wall's map slide, in-app navigation to either) and then draw the real component.
 * The stand-ins stay: a component keeps one type from its first drawing on, so nothing is drawn twice.
 */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="ioc-lazy-leaflet"]');
  if (!meta || !window.React) {
    return;
  }
  var React = window.React;
  var src = meta.getAttribute("content");
  var real = null;
  var arrived = null;
  var loading = null;

  function load() {
    if (real) {
      return Promise.resolve(real);
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        arrived = resolve;
        var script = document.createElement("script");
        script.src = src;
        script.onerror = function () {
          loading = null; // a later drawing tries again
          reject(new Error("the map's library could not be loaded: " + src));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  var standIns = {};
  function standIn(name) {
    if (!standIns[name]) {
      var Inner = React.lazy(function () {
        return load().then(function (lib) {
          return { default: lib[name] };
        });
      });
      var StandIn = function (props) {
        return React.createElement(React.Suspense, { fallback: null }, React.createElement(Inner, props));
      };
      StandIn.displayName = "Lazy(" + name + ")";
      standIns[name] = StandIn;
    }
    return standIns[name];
  }

  var lazy = new Proxy(
    {},
    {
      get: function (_target, name) {
        if (typeof name !== "string") {
          return undefined;
        }
        return real && !(name in real) ? undefined : standIn(name);
      },
    }
  );

  // The library sets window.dash_leaflet as it runs: keep it, and keep handing out the stand-ins.
  Object.defineProperty(window, "dash_leaflet", {
    configurable: true,
    get: function () {
      return lazy;
    },
    set: function (lib) {
      real = lib;
      if (arrived) {
        arrived(lib);
      }
    },
  });
})();
