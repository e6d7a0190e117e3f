// A session that ended (idle limit, account disabled, signed out in another tab) makes Dash's own
// requests answer 401: go to the sign-in page, which comes back here after signing in. Not on the
// wall display (assets/present.js), which nobody signs in at: it shows why it stopped instead.
(function () {
  var fetchOriginal = window.fetch;
  var leaving = false;
  window.fetch = function (input, init) {
    return fetchOriginal.apply(this, arguments).then(function (response) {
      var url = typeof input === "string" ? input : (input && input.url) || "";
      if (response.status === 401 && url.indexOf("/_dash-") !== -1 && !leaving && !window.iocPresent) {
        leaving = true;
        window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search));
      }
      return response;
    });
  };
})();
