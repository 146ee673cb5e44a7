// Holds the widget's basic bundle (in Russian) back until the test calls __release(glue, wasm): the loader
// finds its bundle promise already made (CivicWidget.__loading) and waits for it.
(function () {
  var release;
  window.CivicWidget = { __loading: { basic_ru: new Promise(function (r) { release = r; }) } };
  window.__release = function (glue, wasm) {
    var s = document.createElement('script');
    s.src = glue;
    s.onload = function () {
      var b = window.CivicWidget.__bundles.basic_ru;
      b.init({ module_or_path: wasm }).then(function () { release(b); });
    };
    document.head.appendChild(s);
  };
})();
