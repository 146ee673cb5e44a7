//! The injection corpus the XSS tests send as user text, and the check that none of it became
//! live markup.

/// Payloads from the usual filter-evasion lists: tags, attribute breakouts, URLs, encodings.
pub const PAYLOADS: &[&str] = &[
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "\"><img src=x onerror=window.__pwned=1>",
    "'><svg onload=window.__pwned=1>",
    "<svg><script>window.__pwned=1</script></svg>",
    "<iframe src=\"javascript:window.__pwned=1\"></iframe>",
    "<a href=\"javascript:window.__pwned=1\">click</a>",
    "javascript:window.__pwned=1",
    "<body onload=window.__pwned=1>",
    "<input autofocus onfocus=window.__pwned=1>",
    "<details open ontoggle=window.__pwned=1>",
    "<marquee onstart=window.__pwned=1>",
    "<video><source onerror=window.__pwned=1></video>",
    "<object data=\"javascript:window.__pwned=1\"></object>",
    "<embed src=\"javascript:window.__pwned=1\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<style>@import 'javascript:window.__pwned=1';</style>",
    "<link rel=stylesheet href=\"javascript:window.__pwned=1\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=1\">",
    "<base href=\"javascript:window.__pwned=1//\">",
    "<form action=\"javascript:window.__pwned=1\"><button>x</button></form>",
    "<textarea></textarea><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    "</td></tr></table><script>window.__pwned=1</script>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.__pwned=1&#62;",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
    "<SCRIPT SRC=//example.invalid/x.js></SCRIPT>",
    "<img src=\"x\" onerror=\"&#119;indow.__pwned=1\">",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "${window.__pwned=1}",
    "<div style=\"background:url(javascript:window.__pwned=1)\">x</div>",
];

/// What a payload could have made inside the widget's shadow root (the page's own check does
/// not see into it): elements with handlers or `javascript:` URLs, scripts, frames, images other
/// than map tiles and the problems' photos.
pub const INJECTED_IN_WIDGET: &str = "
    const root = document.querySelector('[data-civic-mounted]').shadowRoot;
    const all = [...root.querySelectorAll('*')];
    const bad = all.filter(e =>
        [...e.attributes].some(a => a.name.startsWith('on')
            || /^\\s*javascript:/i.test(a.value) && ['href', 'src', 'action', 'data', 'formaction'].includes(a.name)));
    const frames = root.querySelectorAll('script, iframe, object, embed, math, marquee, video, base, meta, img:not(.leaflet-tile):not(.civic-card-photos img), svg:not(.civic-icon)');
    return { pwned: window.__pwned === 1, handlers: bad.map(e => e.outerHTML.slice(0, 120)), frames: frames.length };";
