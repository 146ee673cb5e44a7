/* Civic Widget map bundle (wasm-bindgen glue), loaded by /widget.js. */
(function () {
"use strict";
let wasm_bindgen = (function(exports) {
let script_src;
if (typeof document !== 'undefined' && document.currentScript !== null) {
script_src = new URL(document.currentScript.src, location.href).toString();
}
function mount(shadow, options) {
const ret = wasm.mount(shadow, options);
if (ret[1]) {
throw takeFromExternrefTable0(ret[0]);
}
}
exports.mount = mount;
function __wbg_get_imports() {
const import0 = {
__proto__: null,
__wbg___wbindgen_boolean_get_4f1baf9a00be3c74: function(arg0) {
const v = arg0;
const ret = typeof(v) === 'boolean' ? v : undefined;
return isLikeNone(ret) ? 0xFFFFFF : ret ? 1 : 0;
},
__wbg___wbindgen_debug_string_f249a2a76caa9a55: function(arg0, arg1) {
const ret = debugString(arg1);
const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg___wbindgen_is_falsy_d864b623500ae65d: function(arg0) {
const ret = !arg0;
return ret;
},
__wbg___wbindgen_is_function_741ff2bb612836f5: function(arg0) {
const ret = typeof(arg0) === 'function';
return ret;
},
__wbg___wbindgen_is_object_8b968c3ab8e96595: function(arg0) {
const val = arg0;
const ret = typeof(val) === 'object' && val !== null;
return ret;
},
__wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
const ret = arg0 === undefined;
return ret;
},
__wbg___wbindgen_jsval_eq_38d7bfbe4cc84039: function(arg0, arg1) {
const ret = arg0 === arg1;
return ret;
},
__wbg___wbindgen_number_get_934b640d0889af78: function(arg0, arg1) {
const obj = arg1;
const ret = typeof(obj) === 'number' ? obj : undefined;
getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, isLikeNone(ret) ? 0 : ret, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, !isLikeNone(ret), true);
},
__wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
const obj = arg1;
const ret = typeof(obj) === 'string' ? obj : undefined;
var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
var len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
throw new Error(getStringFromWasm0(arg0, arg1));
},
__wbg__wbg_cb_unref_09736879a3f67559: function(arg0) {
arg0._wbg_cb_unref();
},
__wbg_addEventListener_f2d27251d333a631: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.addEventListener(getStringFromWasm0(arg1, arg2), arg3, arg4);
}, arguments); },
__wbg_addLayer_6ea191f5a17f75e1: function(arg0, arg1) {
arg0.addLayer(arg1);
},
__wbg_addTo_d2d82f841b778e00: function(arg0, arg1) {
const ret = arg0.addTo(arg1);
return ret;
},
__wbg_adoptedStyleSheets_15ab6e3cbe28db32: function(arg0) {
const ret = arg0.adoptedStyleSheets;
return ret;
},
__wbg_appendChild_dbf7ad2f48413560: function() { return handleError(function (arg0, arg1) {
const ret = arg0.appendChild(arg1);
return ret;
}, arguments); },
__wbg_attributionControl_8580ee74535bec3a: function(arg0) {
const ret = arg0.attributionControl;
return ret;
},
__wbg_bubbles_d16d240e1d91bfa3: function(arg0) {
const ret = arg0.bubbles;
return ret;
},
__wbg_cache_key_b632302705d13aa5: function(arg0) {
const ret = arg0.__yew_subtree_cache_key;
return isLikeNone(ret) ? Number.MAX_SAFE_INTEGER : (ret) >>> 0;
},
__wbg_call_40b008ba32f73991: function() { return handleError(function (arg0, arg1) {
const ret = arg0.call(arg1);
return ret;
}, arguments); },
__wbg_cancelBubble_1164dd588f0c3481: function(arg0) {
const ret = arg0.cancelBubble;
return ret;
},
__wbg_checked_3f95ede4ece3a2c2: function(arg0) {
const ret = arg0.checked;
return ret;
},
__wbg_childNodes_4a28c927bffc821b: function(arg0) {
const ret = arg0.childNodes;
return ret;
},
__wbg_clearLayers_f5ebcb036d4f8eb0: function(arg0) {
arg0.clearLayers();
},
__wbg_cloneNode_36b90700fd8dbbb0: function() { return handleError(function (arg0) {
const ret = arg0.cloneNode();
return ret;
}, arguments); },
__wbg_composedPath_99300fc960717ac7: function(arg0) {
const ret = arg0.composedPath();
return ret;
},
__wbg_createElementNS_2f7464180077e8e4: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
const ret = arg0.createElementNS(arg1 === 0 ? undefined : getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
return ret;
}, arguments); },
__wbg_createElement_de4a31ed2fb252be: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.createElement(getStringFromWasm0(arg1, arg2));
return ret;
}, arguments); },
__wbg_createTextNode_2b48c3fc75dfcc67: function(arg0, arg1, arg2) {
const ret = arg0.createTextNode(getStringFromWasm0(arg1, arg2));
return ret;
},
__wbg_divIcon_e469c31d8dc842c9: function(arg0, arg1) {
const ret = arg0.divIcon(arg1);
return ret;
},
__wbg_document_3b5c3071b43e97ee: function(arg0) {
const ret = arg0.document;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_encodeURIComponent_e0d7769acee2dcb5: function(arg0, arg1) {
const ret = encodeURIComponent(getStringFromWasm0(arg0, arg1));
return ret;
},
__wbg_error_757e9472f8410341: function(arg0, arg1) {
let deferred0_0;
let deferred0_1;
try {
deferred0_0 = arg0;
deferred0_1 = arg1;
console.error(getStringFromWasm0(arg0, arg1));
} finally {
wasm.__wbindgen_free(deferred0_0, deferred0_1, 1);
}
},
__wbg_error_ffc0e69a0d7194d3: function(arg0, arg1) {
var v0 = getArrayJsValueFromWasm0(arg0, arg1);
wasm.__wbindgen_free(arg0, arg1 * 4, 4);
console.error(...(v0));
},
__wbg_fetch_21015a0a4570ab44: function(arg0, arg1, arg2, arg3) {
const ret = arg0.fetch(getStringFromWasm0(arg1, arg2), arg3);
return ret;
},
__wbg_fitBounds_d95fb799b5b10a9c: function(arg0, arg1) {
arg0.fitBounds(arg1);
},
__wbg_focus_d5e2fdbdb56416f0: function() { return handleError(function (arg0) {
arg0.focus();
}, arguments); },
__wbg_from_eac91875c8a5ffa4: function(arg0) {
const ret = Array.from(arg0);
return ret;
},
__wbg_geolocation_5c835f1fdd8dfb1a: function() { return handleError(function (arg0) {
const ret = arg0.geolocation;
return ret;
}, arguments); },
__wbg_getBounds_bc47beec841b598d: function(arg0) {
const ret = arg0.getBounds();
return ret;
},
__wbg_getCenter_35e3853ab2a1399a: function(arg0) {
const ret = arg0.getCenter();
return ret;
},
__wbg_getCurrentPosition_658c6d9ed20ef7f9: function() { return handleError(function (arg0, arg1, arg2, arg3) {
arg0.getCurrentPosition(arg1, arg2, arg3);
}, arguments); },
__wbg_getEast_8c1375ede11de93f: function(arg0) {
const ret = arg0.getEast();
return ret;
},
__wbg_getItem_49556a3e59cfb688: function() { return handleError(function (arg0, arg1, arg2, arg3) {
const ret = arg1.getItem(getStringFromWasm0(arg2, arg3));
var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
var len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
}, arguments); },
__wbg_getNorth_ff85463cac3103fd: function(arg0) {
const ret = arg0.getNorth();
return ret;
},
__wbg_getRootNode_6de097189559981d: function(arg0) {
const ret = arg0.getRootNode();
return ret;
},
__wbg_getSouth_4e49dbf24a6710cb: function(arg0) {
const ret = arg0.getSouth();
return ret;
},
__wbg_getWest_55579ebf9c5722ff: function(arg0) {
const ret = arg0.getWest();
return ret;
},
__wbg_getZoom_4db9dc118685a1aa: function(arg0) {
const ret = arg0.getZoom();
return ret;
},
__wbg_get_2080c49015e35254: function() { return handleError(function (arg0, arg1) {
const ret = Reflect.get(arg0, arg1);
return ret;
}, arguments); },
__wbg_get_d7176cfb76d71114: function(arg0, arg1) {
const ret = arg0[arg1 >>> 0];
return ret;
},
__wbg_get_unchecked_e6325ad374eff861: function(arg0, arg1) {
const ret = arg0[arg1 >>> 0];
return ret;
},
__wbg_host_64d73c152c626ec8: function(arg0) {
const ret = arg0.host;
return ret;
},
__wbg_insertBefore_10ab0c19b463c12b: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.insertBefore(arg1, arg2);
return ret;
}, arguments); },
__wbg_instanceof_Element_05dbb22ded594343: function(arg0) {
let result;
try {
result = arg0 instanceof Element;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
__wbg_instanceof_HtmlElement_ea32ea7121e0a496: function(arg0) {
let result;
try {
result = arg0 instanceof HTMLElement;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
__wbg_instanceof_ShadowRoot_cd78159e03fed884: function(arg0) {
let result;
try {
result = arg0 instanceof ShadowRoot;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
__wbg_instanceof_Window_5cf453f5639aa1a2: function(arg0) {
let result;
try {
result = arg0 instanceof Window;
} catch (_) {
result = false;
}
const ret = result;
return ret;
},
__wbg_invalidateSize_cf8d6b713be880d8: function(arg0) {
arg0.invalidateSize();
},
__wbg_isArray_bcf1376d0d732d08: function(arg0) {
const ret = Array.isArray(arg0);
return ret;
},
__wbg_is_2248ff2b575d60c7: function(arg0, arg1) {
const ret = Object.is(arg0, arg1);
return ret;
},
__wbg_json_8d1f3da8fcd11229: function() { return handleError(function (arg0) {
const ret = arg0.json();
return ret;
}, arguments); },
__wbg_lastChild_d03af7c29f69e2ad: function(arg0) {
const ret = arg0.lastChild;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_layerGroup_140331820cb674d6: function(arg0) {
const ret = arg0.layerGroup();
return ret;
},
__wbg_length_b03a0fabb109b1e9: function(arg0) {
const ret = arg0.length;
return ret;
},
__wbg_listener_id_95c264957ae03056: function(arg0) {
const ret = arg0.__yew_listener_id;
return isLikeNone(ret) ? Number.MAX_SAFE_INTEGER : (ret) >>> 0;
},
__wbg_localStorage_6827cfe6db14a9f6: function() { return handleError(function (arg0) {
const ret = arg0.localStorage;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
}, arguments); },
__wbg_map_52d91b160fcdedc9: function(arg0, arg1, arg2) {
const ret = arg0.map(arg1, arg2);
return ret;
},
__wbg_marker_c7a67804416bc0dd: function(arg0, arg1, arg2) {
const ret = arg0.marker(arg1, arg2);
return ret;
},
__wbg_matchMedia_b53687d22ec43649: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.matchMedia(getStringFromWasm0(arg1, arg2));
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
}, arguments); },
__wbg_matches_a47c420646498c64: function(arg0) {
const ret = arg0.matches;
return ret;
},
__wbg_namespaceURI_cf6df322f468ae4b: function(arg0, arg1) {
const ret = arg1.namespaceURI;
var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
var len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg_navigator_c17f443a6fe5d38d: function(arg0) {
const ret = arg0.navigator;
return ret;
},
__wbg_new_277c27c26f94cbc2: function() { return handleError(function () {
const ret = new Headers();
return ret;
}, arguments); },
__wbg_new_37eb45aaf5eeb820: function() {
const ret = new Array();
return ret;
},
__wbg_new_3e95cd7386bb9a6c: function(arg0) {
const ret = new Date(arg0);
return ret;
},
__wbg_new_959f4d5eafef3722: function() { return handleError(function () {
const ret = new CSSStyleSheet();
return ret;
}, arguments); },
__wbg_new_bb74001155cb8ca8: function() {
const ret = new Error();
return ret;
},
__wbg_new_cd4348290afae586: function() {
const ret = new Object();
return ret;
},
__wbg_nextSibling_91136dc7a8ec9b09: function(arg0) {
const ret = arg0.nextSibling;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_now_463ac581d2fc7ea3: function() {
const ret = Date.now();
return ret;
},
__wbg_of_e7ea0fcd535c1444: function(arg0, arg1) {
const ret = Array.of(arg0, arg1);
return ret;
},
__wbg_on_79d00417328c3133: function(arg0, arg1, arg2, arg3) {
arg0.on(getStringFromWasm0(arg1, arg2), arg3);
},
__wbg_on_db8a530f443d269f: function(arg0, arg1, arg2, arg3) {
arg0.on(getStringFromWasm0(arg1, arg2), arg3);
},
__wbg_panTo_6c3e8478bb1b0564: function(arg0, arg1) {
arg0.panTo(arg1);
},
__wbg_parentElement_300cdd39ce1d95f8: function(arg0) {
const ret = arg0.parentElement;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_parentNode_fe15bcc26df42856: function(arg0) {
const ret = arg0.parentNode;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_parse_c3f72b5a24f83c01: function() { return handleError(function (arg0, arg1) {
const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
return ret;
}, arguments); },
__wbg_preventDefault_cfb06b02e7406899: function(arg0) {
arg0.preventDefault();
},
__wbg_push_c9f4893fc209f768: function(arg0, arg1) {
const ret = arg0.push(arg1);
return ret;
},
__wbg_querySelector_1555c239948f2bf0: function() { return handleError(function (arg0, arg1, arg2) {
const ret = arg0.querySelector(getStringFromWasm0(arg1, arg2));
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
}, arguments); },
__wbg_queueMicrotask_1e8503a8a690f0a3: function(arg0) {
const ret = arg0.queueMicrotask;
return ret;
},
__wbg_queueMicrotask_4a1a4d8dd332373b: function(arg0) {
queueMicrotask(arg0);
},
__wbg_removeAttribute_735f25a801a701e1: function() { return handleError(function (arg0, arg1, arg2) {
arg0.removeAttribute(getStringFromWasm0(arg1, arg2));
}, arguments); },
__wbg_removeChild_d2dc6fc1d6db896b: function() { return handleError(function (arg0, arg1) {
const ret = arg0.removeChild(arg1);
return ret;
}, arguments); },
__wbg_removeEventListener_cc543e35b1012a27: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.removeEventListener(getStringFromWasm0(arg1, arg2), arg3, arg4 !== 0);
}, arguments); },
__wbg_removeItem_6db621e167d16a1c: function() { return handleError(function (arg0, arg1, arg2) {
arg0.removeItem(getStringFromWasm0(arg1, arg2));
}, arguments); },
__wbg_remove_7cb99a1ed297152b: function(arg0) {
arg0.remove();
},
__wbg_replaceSync_b98cbd82f95f549c: function() { return handleError(function (arg0, arg1, arg2) {
arg0.replaceSync(getStringFromWasm0(arg1, arg2));
}, arguments); },
__wbg_resolve_dbf78ab4942478b0: function(arg0) {
const ret = Promise.resolve(arg0);
return ret;
},
__wbg_setAttribute_f75317b2b5cabfb4: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.setAttribute(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
}, arguments); },
__wbg_setItem_cfa3cb31f271776a: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.setItem(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
}, arguments); },
__wbg_setPrefix_c87d0d056a1b71b2: function(arg0, arg1, arg2) {
arg0.setPrefix(getStringFromWasm0(arg1, arg2));
},
__wbg_setTimeout_a89fa3173dd1b518: function(arg0, arg1) {
const ret = setTimeout(arg0, arg1);
return ret;
},
__wbg_setView_7428c10b6e54654f: function(arg0, arg1, arg2, arg3) {
arg0.setView(arg1, arg2, arg3);
},
__wbg_set_2793479888329cb6: function() { return handleError(function (arg0, arg1, arg2) {
const ret = Reflect.set(arg0, arg1, arg2);
return ret;
}, arguments); },
__wbg_set_adoptedStyleSheets_76cf400b551c5fb0: function(arg0, arg1) {
arg0.adoptedStyleSheets = arg1;
},
__wbg_set_bcb0ec2400cfa22e: function() { return handleError(function (arg0, arg1, arg2, arg3, arg4) {
arg0.set(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
}, arguments); },
__wbg_set_body_877d5251e78ca815: function(arg0, arg1) {
arg0.body = arg1;
},
__wbg_set_cache_key_91e49caa7ae4d5b5: function(arg0, arg1) {
arg0.__yew_subtree_cache_key = arg1 >>> 0;
},
__wbg_set_capture_7526a72933d6e405: function(arg0, arg1) {
arg0.capture = arg1 !== 0;
},
__wbg_set_checked_91ac4f7dd0263c1a: function(arg0, arg1) {
arg0.checked = arg1 !== 0;
},
__wbg_set_credentials_bb5277b4006149d4: function(arg0, arg1) {
arg0.credentials = __wbindgen_enum_RequestCredentials[arg1];
},
__wbg_set_defaultValue_95416c50f9100f42: function() { return handleError(function (arg0, arg1, arg2) {
arg0.defaultValue = getStringFromWasm0(arg1, arg2);
}, arguments); },
__wbg_set_enable_high_accuracy_fb085dd79832741c: function(arg0, arg1) {
arg0.enableHighAccuracy = arg1 !== 0;
},
__wbg_set_headers_6d75a7df4eb22716: function(arg0, arg1) {
arg0.headers = arg1;
},
__wbg_set_innerHTML_a9d3a267967b5117: function(arg0, arg1, arg2) {
arg0.innerHTML = getStringFromWasm0(arg1, arg2);
},
__wbg_set_listener_id_fc5a5a59311dcc63: function(arg0, arg1) {
arg0.__yew_listener_id = arg1 >>> 0;
},
__wbg_set_maximum_age_cd621f16be1da9ff: function(arg0, arg1) {
arg0.maximumAge = arg1 >>> 0;
},
__wbg_set_method_639e69af35614d36: function(arg0, arg1, arg2) {
arg0.method = getStringFromWasm0(arg1, arg2);
},
__wbg_set_nodeValue_7e9217115013d873: function(arg0, arg1, arg2) {
arg0.nodeValue = arg1 === 0 ? undefined : getStringFromWasm0(arg1, arg2);
},
__wbg_set_once_ee3e8ed5823add1f: function(arg0, arg1) {
arg0.once = arg1 !== 0;
},
__wbg_set_passive_ac655beafedbb0a5: function(arg0, arg1) {
arg0.passive = arg1 !== 0;
},
__wbg_set_subtree_id_b14992cda6ba260e: function(arg0, arg1) {
arg0.__yew_subtree_id = arg1 >>> 0;
},
__wbg_set_textContent_0177b2a6d9293c2c: function(arg0, arg1, arg2) {
arg0.textContent = arg1 === 0 ? undefined : getStringFromWasm0(arg1, arg2);
},
__wbg_set_timeout_5dde0ab978582745: function(arg0, arg1) {
arg0.timeout = arg1 >>> 0;
},
__wbg_set_value_651c5a714f0a7b56: function(arg0, arg1, arg2) {
arg0.value = getStringFromWasm0(arg1, arg2);
},
__wbg_set_value_cb7e77c93a95e491: function(arg0, arg1, arg2) {
arg0.value = getStringFromWasm0(arg1, arg2);
},
__wbg_slice_984d22ab53865879: function(arg0, arg1) {
const ret = arg1.slice();
const ptr1 = passArrayJsValueToWasm0(ret, wasm.__wbindgen_malloc);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg_stack_575c4e0918581b9c: function(arg0, arg1) {
const ret = arg1.stack;
const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc: function() {
const ret = typeof globalThis === 'undefined' ? undefined : globalThis;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_static_accessor_GLOBAL_e4293fb22cbe77da: function() {
const ret = typeof global === 'undefined' ? undefined : global;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_static_accessor_SELF_53bb20457401453d: function() {
const ret = typeof self === 'undefined' ? undefined : self;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_static_accessor_WINDOW_b5e0810bfecb7feb: function() {
const ret = typeof window === 'undefined' ? undefined : window;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_status_cb85b6c8d1769fa1: function(arg0) {
const ret = arg0.status;
return ret;
},
__wbg_stringify_0a0fbf2ef722380a: function() { return handleError(function (arg0) {
const ret = JSON.stringify(arg0);
return ret;
}, arguments); },
__wbg_subtree_id_068c7f13aa377848: function(arg0) {
const ret = arg0.__yew_subtree_id;
return isLikeNone(ret) ? Number.MAX_SAFE_INTEGER : (ret) >>> 0;
},
__wbg_target_e5cd9c7aa87dd8df: function(arg0) {
const ret = arg0.target;
return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
},
__wbg_then_656f253a5dd7d8ea: function(arg0, arg1, arg2) {
const ret = arg0.then(arg1, arg2);
return ret;
},
__wbg_then_e3f7f2d365708be8: function(arg0, arg1) {
const ret = arg0.then(arg1);
return ret;
},
__wbg_tileLayer_a6333a40629c4cdf: function(arg0, arg1, arg2, arg3) {
const ret = arg0.tileLayer(getStringFromWasm0(arg1, arg2), arg3);
return ret;
},
__wbg_toFixed_eb145b9975417c18: function() { return handleError(function (arg0, arg1) {
const ret = arg0.toFixed(arg1);
return ret;
}, arguments); },
__wbg_toISOString_51ebc75332aba76a: function(arg0) {
const ret = arg0.toISOString();
return ret;
},
__wbg_unshift_93c39d0fce6b241b: function(arg0, arg1) {
const ret = arg0.unshift(arg1);
return ret;
},
__wbg_value_17829e61bdaa1ac5: function(arg0, arg1) {
const ret = arg1.value;
const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg_value_df0a0e29a4d182fe: function(arg0, arg1) {
const ret = arg1.value;
const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg_value_f61036dc298faa36: function(arg0, arg1) {
const ret = arg1.value;
const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
const len1 = WASM_VECTOR_LEN;
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
},
__wbg_zoomIn_4738bc65e11aa63b: function(arg0) {
arg0.zoomIn();
},
__wbg_zoomOut_09ce408506d850cf: function(arg0) {
arg0.zoomOut();
},
__wbindgen_generic_0000000000000001: function(arg0, arg1) {
const ret = makeMutClosure(arg0, arg1, wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke___wasm_bindgen_4df685ea75e43ad1___JsValue__core_c5930c85a12de822___result__Result_____wasm_bindgen_4df685ea75e43ad1___JsError___true_);
return ret;
},
__wbindgen_generic_0000000000000002: function(arg0, arg1) {
const ret = makeMutClosure(arg0, arg1, wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke___wasm_bindgen_4df685ea75e43ad1___JsValue______true_);
return ret;
},
__wbindgen_generic_0000000000000003: function(arg0, arg1) {
const ret = makeMutClosure(arg0, arg1, wasm_bindgen_4df685ea75e43ad1___convert__closures________invoke___web_sys_69e6b04d6ffcdb81___features__gen_Event__Event______true_);
return ret;
},
__wbindgen_generic_0000000000000004: function(arg0, arg1) {
const ret = makeClosure(arg0, arg1, wasm_bindgen_4df685ea75e43ad1___convert__closures________invoke___web_sys_69e6b04d6ffcdb81___features__gen_Event__Event______true__1_);
return ret;
},
__wbindgen_generic_0000000000000005: function(arg0, arg1) {
const ret = makeMutClosure(arg0, arg1, wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke_______true_);
return ret;
},
__wbindgen_generic_0000000000000006: function(arg0) {
const ret = arg0;
return ret;
},
__wbindgen_generic_0000000000000007: function(arg0, arg1) {
const ret = getStringFromWasm0(arg0, arg1);
return ret;
},
__wbindgen_init_externref_table: function() {
const table = wasm.__wbindgen_externrefs;
table.set(0, undefined);
table.set(1024, undefined);
table.set(1025, null);
table.set(1026, true);
table.set(1027, false);
},
};
return {
__proto__: null,
"./widget_bg.js": import0,
};
}
function wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke_______true_(arg0, arg1) {
wasm.wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke_______true_(arg0, arg1);
}
function wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke___wasm_bindgen_4df685ea75e43ad1___JsValue______true_(arg0, arg1, arg2) {
wasm.wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke___wasm_bindgen_4df685ea75e43ad1___JsValue______true_(arg0, arg1, arg2);
}
function wasm_bindgen_4df685ea75e43ad1___convert__closures________invoke___web_sys_69e6b04d6ffcdb81___features__gen_Event__Event______true_(arg0, arg1, arg2) {
wasm.wasm_bindgen_4df685ea75e43ad1___convert__closures________invoke___web_sys_69e6b04d6ffcdb81___features__gen_Event__Event______true_(arg0, arg1, arg2);
}
function wasm_bindgen_4df685ea75e43ad1___convert__closures________invoke___web_sys_69e6b04d6ffcdb81___features__gen_Event__Event______true__1_(arg0, arg1, arg2) {
wasm.wasm_bindgen_4df685ea75e43ad1___convert__closures________invoke___web_sys_69e6b04d6ffcdb81___features__gen_Event__Event______true__1_(arg0, arg1, arg2);
}
function wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke___wasm_bindgen_4df685ea75e43ad1___JsValue__core_c5930c85a12de822___result__Result_____wasm_bindgen_4df685ea75e43ad1___JsError___true_(arg0, arg1, arg2) {
const ret = wasm.wasm_bindgen_4df685ea75e43ad1___convert__closures_____invoke___wasm_bindgen_4df685ea75e43ad1___JsValue__core_c5930c85a12de822___result__Result_____wasm_bindgen_4df685ea75e43ad1___JsError___true_(arg0, arg1, arg2);
if (ret[1]) {
throw takeFromExternrefTable0(ret[0]);
}
}
const __wbindgen_enum_RequestCredentials = ["omit", "same-origin", "include"];
function addToExternrefTable0(obj) {
const idx = wasm.__externref_table_alloc();
wasm.__wbindgen_externrefs.set(idx, obj);
return idx;
}
const CLOSURE_DTORS = (typeof FinalizationRegistry === 'undefined')
? { register: () => {}, unregister: () => {} }
: new FinalizationRegistry(state => wasm.__wbindgen_destroy_closure(state.a, state.b));
function debugString(val) {
switch (typeof val) {
case 'number':
case 'boolean':
case 'undefined':
return `${val}`;
case 'string':
return JSON.stringify(val);
case 'bigint':
return `${val}n`;
case 'symbol':
return val.description !== undefined
? `Symbol(${val.description})`
: 'Symbol';
case 'function':
return typeof val.name === 'string' && val.name !== ''
? `Function(${val.name})`
: 'Function';
case 'object': {
if (val === null) {
return 'null';
}
if (Array.isArray(val)) {
return '[' + Array.from(val, debugString).join(', ') + ']';
}
if (val instanceof Error) {
return `${val.name}: ${val.message}\n${val.stack}`;
}
const toStringOutput = toString.call(val);
const className = /\[object ([^\]]+)\]/.exec(toStringOutput)?.[1];
if (className === undefined) {
return toStringOutput;
}
if (className === 'Object') {
try {
return 'Object(' + JSON.stringify(val) + ')';
} catch (_) {
return 'Object';
}
}
return className;
}
}
}
function getArrayJsValueFromWasm0(ptr, len) {
ptr = ptr >>> 0;
const mem = getDataViewMemory0();
const result = [];
for (let i = ptr; i < ptr + 4 * len; i += 4) {
result.push(wasm.__wbindgen_externrefs.get(mem.getUint32(i, true)));
}
wasm.__externref_drop_slice(ptr, len);
return result;
}
let cachedDataViewMemory0 = null;
function getDataViewMemory0() {
if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {
cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
}
return cachedDataViewMemory0;
}
function getStringFromWasm0(ptr, len) {
ptr = ptr >>> 0;
return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}
let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
}
return cachedUint8ArrayMemory0;
}
function handleError(f, args) {
try {
return f.apply(this, args);
} catch (e) {
const idx = addToExternrefTable0(e);
wasm.__wbindgen_exn_store(idx);
}
}
function isLikeNone(x) {
return x === undefined || x === null;
}
function makeClosure(arg0, arg1, f) {
const state = { a: arg0, b: arg1, cnt: 1 };
const real = (...args) => {
state.cnt++;
try {
return f(state.a, state.b, ...args);
} finally {
real._wbg_cb_unref();
}
};
real._wbg_cb_unref = () => {
if (--state.cnt === 0) {
wasm.__wbindgen_destroy_closure(state.a, state.b);
state.a = 0;
CLOSURE_DTORS.unregister(state);
}
};
CLOSURE_DTORS.register(real, state, state);
return real;
}
function makeMutClosure(arg0, arg1, f) {
const state = { a: arg0, b: arg1, cnt: 1 };
const real = (...args) => {
state.cnt++;
const a = state.a;
state.a = 0;
try {
return f(a, state.b, ...args);
} finally {
state.a = a;
real._wbg_cb_unref();
}
};
real._wbg_cb_unref = () => {
if (--state.cnt === 0) {
wasm.__wbindgen_destroy_closure(state.a, state.b);
state.a = 0;
CLOSURE_DTORS.unregister(state);
}
};
CLOSURE_DTORS.register(real, state, state);
return real;
}
function passArrayJsValueToWasm0(array, malloc) {
const ptr = malloc(array.length * 4, 4) >>> 0;
for (let i = 0; i < array.length; i++) {
const add = addToExternrefTable0(array[i]);
getDataViewMemory0().setUint32(ptr + 4 * i, add, true);
}
WASM_VECTOR_LEN = array.length;
return ptr;
}
function passStringToWasm0(arg, malloc, realloc) {
if (realloc === undefined) {
const buf = cachedTextEncoder.encode(arg);
const ptr = malloc(buf.length, 1) >>> 0;
getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
WASM_VECTOR_LEN = buf.length;
return ptr;
}
let len = arg.length;
let ptr = malloc(len, 1) >>> 0;
const mem = getUint8ArrayMemory0();
let offset = 0;
for (; offset < len; offset++) {
const code = arg.charCodeAt(offset);
if (code > 0x7F) break;
mem[ptr + offset] = code;
}
if (offset !== len) {
if (offset !== 0) {
arg = arg.slice(offset);
}
ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
const ret = cachedTextEncoder.encodeInto(arg, view);
offset += ret.written;
ptr = realloc(ptr, len, offset, 1) >>> 0;
}
WASM_VECTOR_LEN = offset;
return ptr;
}
function takeFromExternrefTable0(idx) {
const value = wasm.__wbindgen_externrefs.get(idx);
wasm.__externref_table_dealloc(idx);
return value;
}
let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
function decodeText(bytes) {
return cachedTextDecoder.decode(bytes);
}
const cachedTextEncoder = new TextEncoder();
if (!('encodeInto' in cachedTextEncoder)) {
cachedTextEncoder.encodeInto = function (arg, view) {
const buf = cachedTextEncoder.encode(arg);
view.set(buf);
return {
read: arg.length,
written: buf.length
};
};
}
let WASM_VECTOR_LEN = 0;
let wasmModule, wasmInstance, wasm;
function __wbg_finalize_init(instance, module) {
wasmInstance = instance;
wasm = instance.exports;
wasmModule = module;
cachedDataViewMemory0 = null;
cachedUint8ArrayMemory0 = null;
wasm.__wbindgen_start();
return wasm;
}
async function __wbg_load(module, imports) {
if (typeof Response === 'function' && module instanceof Response) {
if (!module.ok) {
throw new Error(`failed to fetch Wasm: ${module.status} ${module.statusText} fetching '${module.url}'`);
}
if (typeof WebAssembly.instantiateStreaming === 'function') {
try {
return await WebAssembly.instantiateStreaming(module, imports);
} catch (e) {
const validResponse = expectedResponseType(module.type);
if (validResponse && module.headers.get('Content-Type') !== 'application/wasm') {
console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);
} else { throw e; }
}
}
const bytes = await module.arrayBuffer();
return await WebAssembly.instantiate(bytes, imports);
} else {
const instance = await WebAssembly.instantiate(module, imports);
if (instance instanceof WebAssembly.Instance) {
return { instance, module };
} else {
return instance;
}
}
function expectedResponseType(type) {
switch (type) {
case 'basic': case 'cors': case 'default': return true;
}
return false;
}
}
function initSync(module) {
if (wasm !== undefined) return wasm;
if (module !== undefined) {
if (Object.getPrototypeOf(module) === Object.prototype) {
({module} = module)
} else {
console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
}
}
const imports = __wbg_get_imports();
if (!(module instanceof WebAssembly.Module)) {
module = new WebAssembly.Module(module);
}
const instance = new WebAssembly.Instance(module, imports);
return __wbg_finalize_init(instance, module);
}
let __wbg_init_promise;
async function __wbg_init(module_or_path) {
if (wasm !== undefined) return wasm;
if (__wbg_init_promise === undefined) {
__wbg_init_promise = __wbg_init_once(module_or_path);
__wbg_init_promise.catch(() => { __wbg_init_promise = undefined; });
}
return __wbg_init_promise;
}
async function __wbg_init_once(module_or_path) {
if (module_or_path !== undefined) {
if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
({module_or_path} = module_or_path)
} else {
console.warn('using deprecated parameters for the initialization function; pass a single object instead')
}
}
const imports = __wbg_get_imports();
if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
module_or_path = fetch(module_or_path);
}
const { instance, module } = await __wbg_load(await module_or_path, imports);
return __wbg_finalize_init(instance, module);
}
return Object.assign(__wbg_init, { initSync }, exports);
})({ __proto__: null });
var cw = window.CivicWidget = window.CivicWidget || {};
(cw.__bundles = cw.__bundles || {}).map = { init: wasm_bindgen, mount: wasm_bindgen.mount };
})();
