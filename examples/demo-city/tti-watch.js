// For the time-to-interactive benchmark: records when the report form can be used, the same way
// for the widget and for the static form, by polling from the page's first script.
(function () {
  var mode = document.currentScript.getAttribute("data-probe");
  function usable() {
    var root = document;
    if (mode === "widget") {
      var host = document.querySelector("[data-civic-widget]");
      root = host && host.shadowRoot;
      if (!root) return false;
    }
    // Usable = the category list is filled and the submit button is there.
    return !!(root.querySelector("select[name=category] option:nth-child(2)") &&
              root.querySelector("button[type=submit]"));
  }
  window.__tti = null;
  (function poll() {
    if (usable()) { window.__tti = performance.now(); return; }
    setTimeout(poll, 2);
  })();
})();
