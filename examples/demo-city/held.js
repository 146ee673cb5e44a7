// Holds the widget's basic bundle (in Russian) back until the test calls __release(glue, wasm),
// or makes it fail with __fail() (as a dropped connection would; the loader's next try then
// fetches the real bundle): the loader finds its bundle promise already made
// (CivicWidget.__loading) and waits for it.
(function () {
  var release, fail;
  var held = new Promise(function (ok, no) { release = ok; fail = no; });
  window.CivicWidget = { __loading: { basic_ru: held } };
  window.__release = function (glue, wasm) {
    var s = document.createElement('script');
    s.src = glue;
    s.onload = function () {
      var b = window.CivicWidget.__bundles.basic_ru;
      b.init({ module_or_path: wasm }).then(function () { release(b); });
    };
    document.head.appendChild(s);
  };
  window.__fail = function () {
    delete window.CivicWidget.__loading.basic_ru;
    fail(new Error('Civic Widget test: the bundle did not come'));
  };
})();
