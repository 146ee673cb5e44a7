// For the time-to-interactive benchmark: records when the report form can be used, the same way
// for the widget and for the static form, by polling from the page's first script; for the
// widget also when its bundle has taken over the host's first screen (__takeover), and for the
// map widget when its map is drawn.
(function () {
  var mode = document.currentScript.getAttribute("data-probe");
  function rootOf() {
    if (mode === "static") return document;
    var host = document.querySelector("[data-civic-widget]");
    return host && host.shadowRoot;
  }
  function usable(root) {
    // The map widget: its map is drawn.
    if (mode === "map") return !!root.querySelector(".civic-map[data-ready]");
    // Usable = the category list is filled and the submit button is there (a submit pressed
    // then is sent: by the bundle, or kept by the loader until the bundle has taken over).
    return !!(root.querySelector("select[name=category] option:nth-child(2)") &&
              root.querySelector("button[type=submit]"));
  }
  function bundled(root) {
    return !!root.querySelector("[data-state]") && !root.querySelector("[data-civic-first]");
  }
  window.__tti = null;
  window.__takeover = mode === "static" ? 0 : null;
  (function poll() {
    var root = rootOf();
    if (root && window.__tti === null && usable(root)) window.__tti = performance.now();
    if (root && window.__takeover === null && window.__tti !== null && bundled(root)) {
      window.__takeover = performance.now();
    }
    if (window.__tti === null || window.__takeover === null) setTimeout(poll, 2);
  })();
})();
