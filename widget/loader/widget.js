// Civic Widget loader, served as /widget.js and, after a site's first screen, as /w/<site>.js.
// Plain ES2017, no modules, no eval, no inline styles.
// Embed: <script src="https://HOST/w/demo.js" async></script>, or
// <script src="https://HOST/widget.js" data-site="demo" async></script>,
// and optionally <div data-civic-widget></div> where the widget should appear.
// `cargo xtask dist` replaces the file names below with the content-hashed ones. A basic widget
// shows the host's first screen and loads the form bundle, which takes it over; an extended one
// (data-mode="extended") loads the map bundle, Leaflet and the site's configuration at once.
(function () {
  'use strict';
  // Each bundle once per language: a visitor downloads the words of theirs only.
  var FILES = {
    basic_ru: ['__CIVIC_BASIC_RU_JS__', '__CIVIC_BASIC_RU_WASM__'],
    basic_en: ['__CIVIC_BASIC_EN_JS__', '__CIVIC_BASIC_EN_WASM__'],
    map_ru: ['__CIVIC_MAP_RU_JS__', '__CIVIC_MAP_RU_WASM__'],
    map_en: ['__CIVIC_MAP_EN_JS__', '__CIVIC_MAP_EN_WASM__']
  };
  var LEAFLET = '__CIVIC_LEAFLET_JS__';
  // Only valid while this script runs for the first time, so it is read right away.
  var me = document.currentScript || document.querySelector('script[src*="widget.js"][data-site]');
  if (!me || !me.src) return;
  // `/widget.js`, or a site's own loader `/w/<site>.js` (with its first screen inside).
  var own = /\/w\/([^\/]+)\.js$/.exec(new URL(me.src).pathname);
  var base = new URL(own ? '../widget/' : 'widget/', me.src).href;
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
  // The glue script and the wasm are fetched at once, not one after the other.
  function bundle(kind) {
    return once(kind, function () {
      var wasm = fetch(base + FILES[kind][1]);
      wasm.catch(function () {});
      return script(FILES[kind][0]).then(function () {
        var b = (cw.__bundles || {})[kind];
        if (!b) throw new Error('Civic Widget: cannot load ' + kind);
        return b.init({ module_or_path: wasm }).then(function () { return b; });
      });
    });
  }

  // The widget's stylesheet (the bundles carry none), made by the host with the widget's accent:
  // a basic widget's comes with its first screen, any other is fetched beside the bundle. Without
  // it the widget still works, unstyled.
  function sheet(css) {
    var s = new CSSStyleSheet();
    s.replaceSync(css);
    return s;
  }
  function style(kind, o) {
    return fetch(api + '/widget/style.css?mode=' + kind + '&accent=' + encodeURIComponent(o.accent))
      .then(function (r) { return r.ok ? r.text() : ''; }).then(sheet, function () { return null; });
  }

  // A basic widget's first screen, rendered by the host (the form, in the visitor's language,
  // with the site's categories and accent), shown as soon as it arrives: the visitor can fill it
  // in while the bundle loads, which then takes it over. A submit pressed before that is kept
  // (o.submitted) and carried out once the bundle has taken over. Any failure here only means
  // the bundle builds the form itself, as it always could.
  function firstScreen(shadow, o) {
    var e = encodeURIComponent;
    var url = api + '/api/v1/sites/' + e(o.site) + '/widget?lang=' + e(o.lang) + '&page_lang=' +
      e(o.pageLang) + '&accent=' + e(o.accent) + '&id=' + o.id;
    // A site's own loader brought its first widget's screen along (keyed as the host made it).
    var key = [o.site, code(o.lang) || code(o.pageLang) || 'ru', o.accent, o.id].join('|');
    var brought = (cw.__first || {})[key];
    // Else the copy this browser kept, while the host lets it be reused (a minute, its
    // Cache-Control), read at once rather than through the network: going from page to page of
    // the city's site, the form shows as soon as a static one.
    var kept = 'civic-first ' + url, now = Date.now(), c;
    try { c = JSON.parse(localStorage.getItem(kept)); } catch (x) { /* no storage */ }
    if (!brought && c && now >= c.t && now - c.t < 6e4) brought = c.a;
    return (brought ? Promise.resolve(brought) : fetch(url).then(function (r) {
      if (!r.ok) throw new Error('Civic Widget: first screen ' + r.status);
      return r.json();
    }).then(function (a) {
      try { localStorage.setItem(kept, JSON.stringify({ t: now, a: a })); } catch (x) { /* full */ }
      return a;
    })).then(function (a) {
      if (shadow.firstChild) return;
      var root = document.createElement('div');
      root.setAttribute('data-civic-first', '');
      // The host's own rendering of the widget's components (Yew escapes every text).
      root.innerHTML = a.html;
      root.civicConfig = a.config;
      shadow.adoptedStyleSheets = [sheet(a.css)];
      shadow.appendChild(root);
      // Before the bundle has taken over: a submit is kept for it; a button pressed is pressed
      // again in its form; either makes it take over at once.
      // The first screen's form is never submitted by the browser itself (that would put what
      // was typed into the page's URL).
      shadow.addEventListener('submit', function (ev) {
        if (root.isConnected) ev.preventDefault();
        if (!o.live) { o.sent = 1; o.now(); }
      }, true);
      shadow.addEventListener('click', function (ev) {
        var b = !o.live && ev.target.closest && ev.target.closest('button[type=button]');
        if (b) { root.civicClicked = b.className; o.now(); }
        // The bundle could not be loaded: the visitor's next press tries again.
        if (o.retry && (b || ev.target.type == 'submit')) { var r = o.retry; o.retry = null; r(); }
      }, true);
    }).catch(function (err) { console.warn(err); });
  }

  // What the visitor did in the first screen so far, for the bundle (`options.first`), and
  // `shown(el)`, which the bundle calls once its own form (in `el`) is rendered: it takes the
  // first screen's place, the focus (and a text field's caret) stays where it was, and a button
  // pressed there is pressed again.
  function takeOver(shadow, o) {
    var root = shadow.querySelector('[data-civic-first]');
    if (!root) return;
    var f = { config: root.civicConfig };
    ['category', 'description', 'address', 'name', 'email', 'phone', 'website', 'consent',
      'share_with_agency', 'photos'].forEach(function (n) {
      var el = root.querySelector('[name=' + n + ']');
      if (el) f[n] = el.type == 'checkbox' ? el.checked : el.type == 'file' ? Array.from(el.files) : el.value;
    });
    o.first = f;
    o.shown = function (el) {
      var a = shadow.activeElement, at = a && a.id, s = a && a.selectionStart, e = a && a.selectionEnd;
      root.remove();
      el.hidden = false;
      a = at && shadow.getElementById(at);
      if (a) {
        a.focus();
        if (s != null) try { a.setSelectionRange(s, e); } catch (x) { /* not a text field */ }
      }
      var b = root.civicClicked && el.querySelector('button.' + root.civicClicked.split(' ')[0]);
      if (b) setTimeout(function () { b.click(); });
    };
  }

  // Whether the visitor is typing or choosing in a field of the first screen: the bundle takes
  // over only once they leave it (or send, or press a button), so that no field is swapped under
  // their fingers (a phone would close its keyboard).
  function typing(shadow) {
    var a = shadow.activeElement;
    return !!a && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName) && !/^(checkbox|file)$/.test(a.type);
  }
  // The map library, for the map bundle: {L, css}.
  function leaflet() {
    return once('leaflet', function () {
      return script(LEAFLET).then(function () { return cw.__leaflet; });
    });
  }

  // `ru` or `en` from a language tag (as the widget reads `data-lang` and the page's `lang`).
  function code(tag) {
    var t = (tag || '').trim().split(/[-_]/)[0].toLowerCase();
    return t == 'ru' || t == 'en' ? t : '';
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
    // A site's own loader: the site from its path, the language and accent from its query.
    if (own) {
      if (!o.site) o.site = decodeURIComponent(own[1]);
      ['lang', 'accent'].forEach(function (k) { o[k] = o[k] || new URL(me.src).searchParams.get(k) || ''; });
    }
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

  // Which `<div data-civic-widget>` placeholders are this tag's. Every loader tag on the page
  // decides from the same document, so the answer does not depend on the order async tags run
  // in: a div right next to a loader tag is that tag's; any other div is the nearest tag's
  // before it (else the first tag's). A tag given no div mounts its widget right after itself.
  function ours(s) {
    try { var u = new URL(s.src, location.href); } catch (e) { return false; }
    return u.origin == api && /\/(widget|w\/[^\/]+)\.js$/.test(u.pathname);
  }
  function spotsOf(tag) {
    var tags = Array.from(document.querySelectorAll('script[src]')).filter(ours);
    if (tags.indexOf(tag) < 0) tags.push(tag);
    var all = Array.from(document.querySelectorAll('script[src],div[data-civic-widget]'));
    var mine = [], before = null;
    all.forEach(function (el) {
      if (el.tagName == 'SCRIPT') {
        if (tags.indexOf(el) >= 0) before = el;
        return;
      }
      var prev = el.previousElementSibling, next = el.nextElementSibling;
      var owner = tags.indexOf(next) >= 0 ? next : tags.indexOf(prev) >= 0 ? prev : before || tags[0];
      if (owner === tag) mine.push(el);
    });
    return mine;
  }

  function start() {
    var spots = spotsOf(me);
    if (!spots.length) {
      if (me.civicMounted) return;
      me.civicMounted = 1;
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
      o.id = 'civic' + (cw.__n = (cw.__n || 0) + 1);
      o.submitted = function () { var s = o.sent; o.sent = 0; return !!s; };
      o.now = function () { o.go = 1; if (o.check) o.check(); };
      var lang = code(o.lang) || code(o.pageLang) || 'ru';
      function mount(kind, o, first) {
        if (kind == 'map') {
          leaflet();
          // The map bundle's configuration, asked for beside the bundle (the bundle takes this
          // request over when it asks the same).
          o.configUrl = api + '/api/v1/sites/' + encodeURIComponent(o.site) + '?lang=' + lang;
          o.config = fetch(o.configUrl);
          o.config.catch(function () {});
        }
        // A first screen shown brought the stylesheet.
        var css = Promise.resolve(first).then(function () {
          return kind == 'map' || !shadow.firstChild ? style(kind, o) : null;
        });
        return Promise.all([bundle(kind + '_' + lang), css]).then(function (r) {
          return new Promise(function (go) {
            function later() { setTimeout(o.check, 0); }
            o.check = function () {
              if (!o.go && first && typing(shadow)) return;
              shadow.removeEventListener('focusout', later);
              go(r);
            };
            shadow.addEventListener('focusout', later);
            o.check();
          });
        }).then(function (r) {
          var b = r[0];
          if (o.live) return;
          if (r[1]) shadow.adoptedStyleSheets = [r[1]];
          if (!first) shadow.replaceChildren();
          else takeOver(shadow, o);
          o.live = 1;
          b.mount(shadow, o);
        });
      }
      // "Choose on the map" ('pin') or "My reports" ('mine') in a basic widget: the map bundle
      // takes its place (the draft is in localStorage, so the text typed goes along).
      o.upgrade = function (mode) {
        mount('map', Object.assign({}, o, { mode: mode, live: 0 })).catch(console.error);
      };
      var kind = o.mode == 'extended' ? 'map' : 'basic';
      var first = kind == 'basic' && firstScreen(shadow, o);
      (function go() {
        mount(kind, o, first).catch(function (e) {
          console.error(e);
          // With the first screen shown, what was typed stays, and the next press retries.
          if (first && shadow.querySelector('[data-civic-first]')) o.retry = go;
          else el.removeAttribute('data-civic-mounted');
        });
      })();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
