//! The widget's files served precompressed (`dist/<name>.br`, `.gz`): what a browser sees for
//! each `Accept-Encoding`, the loader's revalidation, and the copies' own URLs (none).

use crate::common;

use std::io::Read as _;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// A response with its body as bytes (the common helper's is text).
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as a browser hands it to the page: decoded by its `Content-Encoding`.
    fn decoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self.header("content-encoding") {
            None => out.clone_from(&self.body),
            Some("br") => {
                brotli::Decompressor::new(&self.body[..], 4096)
                    .read_to_end(&mut out)
                    .expect("a Brotli body");
            }
            Some("gzip") => {
                flate2::read::GzDecoder::new(&self.body[..])
                    .read_to_end(&mut out)
                    .expect("a gzip body");
            }
            Some(other) => panic!("unexpected Content-Encoding {other}"),
        }
        out
    }
}

async fn fetch(app: &TestApp, method: Method, uri: &str, headers: &[(&str, &str)]) -> Raw {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let response = app
        .router()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Raw {
        status,
        headers,
        body,
    }
}

async fn get(app: &TestApp, uri: &str, accept_encoding: Option<&str>) -> Raw {
    let headers: Vec<(&str, &str)> = accept_encoding
        .map(|v| vec![("accept-encoding", v)])
        .unwrap_or_default();
    fetch(app, Method::GET, uri, &headers).await
}

/// The basic bundle's wasm, `/widget/civic-widget-<hash>_bg.wasm`.
fn wasm_url() -> String {
    let path = host_service::assets::widget_files()
        .find(|p| p.starts_with("widget/civic-widget-") && p.ends_with("_bg.wasm"))
        .expect("dist/ holds the basic bundle: run cargo xtask dist");
    format!("/{path}")
}

fn assert_vary(r: &Raw, what: &str) {
    let vary: Vec<&str> = r
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        vary.iter()
            .any(|v| v.to_ascii_lowercase().contains("accept-encoding")),
        "{what}: Vary {vary:?}"
    );
}

#[tokio::test]
async fn the_wasm_comes_in_the_coding_the_browser_prefers_and_decodes_to_the_same_bytes() {
    let app = TestApp::new().await;
    let url = wasm_url();
    let identity = get(&app, &url, None).await;
    assert_eq!(identity.status, StatusCode::OK);
    assert_eq!(identity.header("content-encoding"), None);
    assert!(identity.body.starts_with(b"\0asm"), "a wasm module");
    let mut etags = Vec::new();
    for (accept, coding) in [
        (None, None),
        (Some("br, gzip"), Some("br")),
        // What Chrome and Firefox send.
        (Some("gzip, deflate, br, zstd"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("x-gzip"), Some("gzip")),
        (Some("br;q=0, gzip"), Some("gzip")),
        (Some("BR;Q=0 , GZIP"), Some("gzip")),
        (Some("gzip;q=0.8, br;q=0.5"), Some("gzip")),
        (Some("br;q=0.5, gzip;q=0.5"), Some("br")),
        (Some("identity"), None),
        (Some(""), None),
        (Some("deflate"), None),
        (Some("gzip;q=0.5, identity"), None),
        (Some("*"), Some("br")),
        (Some("br;q=0, *"), Some("gzip")),
        (Some("br;q=0, gzip;q=0"), None),
        (Some("*;q=0"), None),
        // The compression layer cannot make Brotli; it must not answer 406 over ours.
        (Some("identity;q=0, br"), Some("br")),
        (Some("br, *;q=0"), Some("br")),
        // A malformed weight is ignored with its coding.
        (Some("br;q=2, gzip"), Some("gzip")),
    ] {
        let what = format!("Accept-Encoding {accept:?}");
        let r = get(&app, &url, accept).await;
        assert_eq!(r.status, StatusCode::OK, "{what}");
        assert_eq!(r.header("content-encoding"), coding, "{what}");
        assert_eq!(
            r.header("content-length"),
            Some(r.body.len().to_string().as_str()),
            "{what}"
        );
        assert_eq!(r.decoded(), identity.body, "{what}");
        assert_vary(&r, &what);
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{what}"
        );
        assert_eq!(r.header("content-type"), Some("application/wasm"), "{what}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{what}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        if coding.is_some() {
            assert!(
                r.body.len() < identity.body.len() / 2,
                "{what}: {} bytes",
                r.body.len()
            );
        }
        let etag = r.header("etag").expect("an ETag").to_owned();
        assert!(!etag.starts_with("W/"), "{what}: a strong ETag");
        match coding {
            Some("br") => assert!(etag.ends_with("-br\""), "{etag}"),
            Some("gzip") => assert!(etag.ends_with("-gz\""), "{etag}"),
            _ => assert!(!etag.contains('-'), "{etag}"),
        }
        etags.push((coding, etag));
    }
    // One entity tag per representation, different between representations.
    for (a, tag_a) in &etags {
        for (b, tag_b) in &etags {
            assert_eq!(a == b, tag_a == tag_b, "{a:?} {tag_a} / {b:?} {tag_b}");
        }
    }
    let br = get(&app, &url, Some("br")).await;
    let gzip = get(&app, &url, Some("gzip")).await;
    assert!(
        br.body.len() < gzip.body.len(),
        "Brotli {} < gzip {}",
        br.body.len(),
        gzip.body.len()
    );
}

#[tokio::test]
async fn every_widget_file_decodes_to_its_bytes_in_every_coding() {
    let app = TestApp::new().await;
    let files: Vec<&str> = host_service::assets::widget_files().collect();
    assert!(files.contains(&"widget.js"), "{files:?}");
    for path in files {
        let url = format!("/{path}");
        let identity = get(&app, &url, Some("identity")).await;
        assert_eq!(identity.status, StatusCode::OK, "{path}");
        for coding in ["br", "gzip"] {
            let r = get(&app, &url, Some(coding)).await;
            assert_eq!(r.header("content-encoding"), Some(coding), "{path}");
            assert_eq!(r.decoded(), identity.body, "{path} {coding}");
            assert!(r.body.len() < identity.body.len(), "{path} {coding}");
            assert_vary(&r, path);
            assert_eq!(
                r.header("cache-control"),
                identity.header("cache-control"),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn the_loader_is_revalidated_by_its_etag() {
    let app = TestApp::new().await;
    let accept = ("accept-encoding", "br, gzip");
    let first = fetch(&app, Method::GET, "/widget.js", &[accept]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("content-encoding"), Some("br"));
    assert_eq!(first.header("cache-control"), Some("public, max-age=300"));
    let etag = first
        .header("etag")
        .expect("the loader has an ETag")
        .to_owned();
    assert!(etag.starts_with('"') && etag.ends_with("-br\""), "{etag}");

    for if_none_match in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"something-else\", {etag}"),
        "*".to_owned(),
    ] {
        let r = fetch(
            &app,
            Method::GET,
            "/widget.js",
            &[accept, ("if-none-match", &if_none_match)],
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED, "{if_none_match}");
        assert!(r.body.is_empty());
        assert_eq!(r.header("etag"), Some(etag.as_str()));
        assert_eq!(r.header("cache-control"), Some("public, max-age=300"));
        assert_vary(&r, "304");
        assert_eq!(r.header("content-encoding"), None, "no body, no coding");
    }

    // Another version, or the same file in another coding, is not what the browser has.
    let identity_etag = fetch(&app, Method::GET, "/widget.js", &[])
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    assert_ne!(identity_etag, etag);
    for other in ["\"0123456789abcdef\"", identity_etag.as_str()] {
        let r = fetch(
            &app,
            Method::GET,
            "/widget.js",
            &[accept, ("if-none-match", other)],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{other}");
        assert_eq!(r.body, first.body, "{other}");
        assert_eq!(r.header("etag"), Some(etag.as_str()));
    }
    // The identity representation revalidates by its own tag.
    let r = fetch(
        &app,
        Method::GET,
        "/widget.js",
        &[("if-none-match", &identity_etag)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);

    // HEAD: the same headers, the length of what GET would send, no body.
    let head = fetch(&app, Method::HEAD, "/widget.js", &[accept]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-encoding"), Some("br"));
    assert_eq!(
        head.header("content-length"),
        Some(first.body.len().to_string().as_str())
    );
    assert_eq!(head.header("etag"), Some(etag.as_str()));
}

#[tokio::test]
async fn the_compressed_copies_have_no_url_of_their_own() {
    let app = TestApp::new().await;
    let wasm = wasm_url();
    for url in [
        format!("{wasm}.br"),
        format!("{wasm}.gz"),
        "/widget.js.br".to_owned(),
        "/widget.js.gz".to_owned(),
    ] {
        let r = get(&app, &url, Some("br, gzip")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{url}");
    }
}

/// Reads one HTTP/1.1 response of a `Connection: close` exchange: status, headers, body.
async fn over_the_wire(addr: std::net::SocketAddr, request: &str) -> (u16, Vec<String>, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8(out[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n").map(str::to_owned);
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    (status, lines.collect(), out[split + 4..].to_vec())
}

fn header_of<'a>(headers: &'a [String], name: &str) -> Option<&'a str> {
    headers.iter().find_map(|h| {
        let (n, v) = h.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_server_sends_the_brotli_copy_with_its_length() {
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(host_service::serve(app.state.clone(), listener, async {
        let _ = stopped.await;
    }));
    let url = wasm_url();
    let request = |method: &str, extra: &str| {
        format!(
            "{method} {url} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: br, gzip\r\n{extra}Connection: close\r\n\r\n"
        )
    };
    let (status, headers, body) = over_the_wire(addr, &request("GET", "")).await;
    assert_eq!(status, 200);
    assert_eq!(header_of(&headers, "content-encoding"), Some("br"));
    assert_eq!(
        header_of(&headers, "content-length"),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(header_of(&headers, "transfer-encoding"), None);
    let mut wasm = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut wasm)
        .unwrap();
    assert!(wasm.starts_with(b"\0asm"));
    let etag = header_of(&headers, "etag").unwrap().to_owned();

    let (status, head_headers, head_body) = over_the_wire(addr, &request("HEAD", "")).await;
    assert_eq!(status, 200);
    assert!(head_body.is_empty());
    assert_eq!(
        header_of(&head_headers, "content-length"),
        Some(body.len().to_string().as_str())
    );

    let (status, _, not_modified) =
        over_the_wire(addr, &request("GET", &format!("If-None-Match: {etag}\r\n"))).await;
    assert_eq!(status, 304);
    assert!(not_modified.is_empty());

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
