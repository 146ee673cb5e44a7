// Civic Widget loader, served as /widget.js. Plain ES2017, no modules, no eval, no inline styles.
// Embed: <script src="https://HOST/widget.js" data-site="demo" async></script>
// and optionally <div data-civic-widget></div> where the widget should appear.
// `cargo xtask dist` replaces the file names below with the content-hashed ones. A basic widget
// loads the form bundle; an extended one (data-mode="extended") the map bundle and Leaflet.
(function () {
  'use strict';
  var FILES = {
    basic: ['__CIVIC_BUNDLE_JS__', '__CIVIC_BUNDLE_WASM__'],
    map: ['__CIVIC_MAP_JS__', '__CIVIC_MAP_WASM__']
  };
  var LEAFLET = '__CIVIC_LEAFLET_JS__';
  // Only valid while this script runs for the first time, so it is read right away.
  var me = document.currentScript || document.querySelector('script[src*="widget.js"][data-site]');
  if (!me || !me.src) return;
  var base = new URL('widget/', me.src).href;
  var api = new URL(me.src).origin;
  var cw = window.CivicWidget = window.CivicWidget || {};
  // Single sign-on: configure({ssoToken}) and logout(), also queued before this ran in CivicWidget.q.
  var conf = cw.__o = cw.__o || {}, q = cw.q;
  function tell(out) { conf.out = out; window.dispatchEvent(new Event('civic-widget-sso')); }
  cw.configure = function (o) { for (var k in o) conf[k] = o[k]; tell(0); };
  cw.logout = function () { tell(1); };
  cw.q = { push: function (c) { if (cw[c[0]]) cw[c[0]](c[1]); } };
  if (q && q.forEach) q.forEach(cw.q.push);

  // Each file is fetched once per page however many loader tags and widgets there are.
  var loading = cw.__loading = cw.__loading || {};
  function once(key, make) {
    if (!loading[key]) {
      loading[key] = make();
      loading[key].catch(function () { loading[key] = null; });
    }
    return loading[key];
  }
  function script(name) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = base + name;
      s.async = true;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('Civic Widget: cannot load ' + s.src)); };
      document.head.appendChild(s);
    });
  }
  function bundle(kind) {
    return once(kind, function () {
      return script(FILES[kind][0]).then(function () {
        var b = (cw.__bundles || {})[kind];
        if (!b) throw new Error('Civic Widget: cannot load ' + kind);
        return b.init({ module_or_path: base + FILES[kind][1] }).then(function () { return b; });
      });
    });
  }
  // The map library, for the map bundle: {L, css}.
  function leaflet() {
    return once('leaflet', function () {
      return script(LEAFLET).then(function () { return cw.__leaflet; });
    });
  }

  function attr(el, name) {
    var v = el && el.getAttribute('data-' + name);
    return v == null ? '' : v;
  }

  function options(el) {
    var o = { api: api };
    ['site', 'lang', 'mode', 'accent'].forEach(function (k) {
      o[k] = attr(el, k) || attr(me, k);
    });
    o.mode = o.mode.trim().toLowerCase();
    o.leaflet = leaflet;
    var near = el.closest('[lang]') || me.closest('[lang]') || document.documentElement;
    o.pageLang = near.getAttribute('lang') || '';
    // A fresh token: the page's hook, else data-sso-token (once); none after logout().
    var once = attr(el, 'sso-token') || attr(me, 'sso-token');
    o.ssoToken = function () {
      return Promise.resolve().then(function () {
        var f = conf.ssoToken, t = once;
        once = '';
        return conf.out ? '' : f ? f() : t;
      }).then(function (t) { return t && typeof t == 'string' ? t : null; }, function () { return null; });
    };
    return o;
  }

  function start() {
    var spots = Array.from(document.querySelectorAll('div[data-civic-widget]'));
    if (!spots.length) {
      var div = document.createElement('div');
      var parent = me.parentNode;
      if (!parent || parent === document.head) document.body.appendChild(div);
      else parent.insertBefore(div, me.nextSibling);
      spots = [div];
    }
    spots.forEach(function (el) {
      if (el.shadowRoot || el.hasAttribute('data-civic-mounted')) return;
      el.setAttribute('data-civic-mounted', '');
      var shadow = el.attachShadow({ mode: 'open' });
      var o = options(el);
      function mount(kind, o) {
        if (kind == 'map') leaflet();
        return bundle(kind).then(function (b) {
          shadow.replaceChildren();
          b.mount(shadow, o);
        });
      }
      // "Choose on the map" ('pin') or "My reports" ('mine') in a basic widget: the map bundle
      // takes its place (the draft is in localStorage, so the text typed goes along).
      o.upgrade = function (mode) {
        mount('map', Object.assign({}, o, { mode: mode })).catch(console.error);
      };
      mount(o.mode == 'extended' ? 'map' : 'basic', o).catch(function (e) {
        el.removeAttribute('data-civic-mounted');
        console.error(e);
      });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
