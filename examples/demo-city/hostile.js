// Globals with names a careless bundle might use: the widget must neither use nor overwrite them.
window.wasm_bindgen = "host page value";
window.Yew = "host page value";
window.__hostileMarker = "intact";
