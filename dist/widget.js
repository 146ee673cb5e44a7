(function () {
'use strict';
var FILES = {
basic: ['civic-widget-c3697ebb81fd7679.js', 'civic-widget-c3697ebb81fd7679_bg.wasm'],
map: ['civic-map-06f957ef0927e581.js', 'civic-map-06f957ef0927e581_bg.wasm']
};
var LEAFLET = 'civic-leaflet-08b3caaf28838b99.js';
var me = document.currentScript || document.querySelector('script[src*="widget.js"][data-site]');
if (!me || !me.src) return;
var base = new URL('widget/', me.src).href;
var api = new URL(me.src).origin;
var cw = window.CivicWidget = window.CivicWidget || {};
var conf = cw.__o = cw.__o || {}, q = cw.q;
function tell(out) { conf.out = out; window.dispatchEvent(new Event('civic-widget-sso')); }
cw.configure = function (o) { for (var k in o) conf[k] = o[k]; tell(0); };
cw.logout = function () { tell(1); };
cw.q = { push: function (c) { if (cw[c[0]]) cw[c[0]](c[1]); } };
if (q && q.forEach) q.forEach(cw.q.push);
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
o.upgrade = function () {
mount('map', Object.assign({}, o, { mode: 'pin' })).catch(console.error);
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
