//! The precompressed copies of `dist/`'s files: `<name>.br` (Brotli, quality 11) and
//! `<name>.gz` (gzip, best compression) beside every file, which the host serves by the
//! request's `Accept-Encoding` instead of compressing on the fly. Both are byte-for-byte
//! reproducible (fixed parameters, no file name, no time stamp), so `cargo xtask dist --check`
//! still proves `dist/` is what the sources build.

use std::collections::BTreeMap;
use std::io::Write as _;

use brotli::enc::BrotliEncoderParams;
use flate2::{Compression, GzBuilder};

/// The suffixes of the compressed copies, Brotli first.
pub const COPIES: [&str; 2] = [".br", ".gz"];

/// The smallest and largest window sizes (log2) of RFC 7932; larger ("large window") streams
/// are not Brotli that browsers decode.
const MIN_WINDOW_BITS: u32 = 10;
const MAX_WINDOW_BITS: u32 = 24;

/// The Brotli window for `len` bytes: the smallest that holds the whole file, so any earlier
/// byte can be referenced. A larger one compresses nothing better (the bundle's files come out
/// the same size, give or take the header's bits) and allows a decoder to ask for more memory;
/// files over 16 MiB get the format's largest.
pub fn window_bits(len: usize) -> u32 {
    (MIN_WINDOW_BITS..MAX_WINDOW_BITS)
        .find(|bits| (1usize << bits) - 16 >= len)
        .unwrap_or(MAX_WINDOW_BITS)
}

/// Brotli at quality 11 with [`window_bits`]; the same bytes on every run.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let params = BrotliEncoderParams {
        quality: 11,
        lgwin: window_bits(bytes.len()) as i32,
        size_hint: bytes.len(),
        ..BrotliEncoderParams::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("compressing in memory");
    out
}

/// gzip at the best level, with a header that names no file and no time (mtime 0, operating
/// system "unknown"): the same bytes on every run and every machine.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::with_capacity(bytes.len() / 3), Compression::best());
    gz.write_all(bytes).expect("compressing in memory");
    gz.finish().expect("compressing in memory")
}

/// Whether `path` is a compressed copy (by its suffix).
pub fn is_copy(path: &str) -> bool {
    COPIES.iter().any(|s| path.ends_with(s))
}

/// The file a copy was made from (`a.js.br` → `a.js`); any other path as it is.
pub fn original(path: &str) -> &str {
    COPIES
        .iter()
        .find_map(|s| path.strip_suffix(s))
        .unwrap_or(path)
}

/// `files` and, for each, its `.br` and `.gz` copies. The files are compressed in parallel
/// (Brotli 11 takes seconds for a wasm bundle).
pub fn with_copies(files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let copies: Vec<(String, Vec<u8>)> = std::thread::scope(|scope| {
        let jobs: Vec<_> = files
            .iter()
            .filter(|(path, _)| !is_copy(path))
            .map(|(path, bytes)| {
                scope.spawn(move || {
                    [
                        (format!("{path}.br"), brotli(bytes)),
                        (format!("{path}.gz"), gzip(bytes)),
                    ]
                })
            })
            .collect();
        jobs.into_iter()
            .flat_map(|job| job.join().expect("a compression thread panicked"))
            .collect()
    });
    let mut files = files;
    files.extend(copies);
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    /// Something like a bundle: repetitive text with some noise, 200 KiB.
    fn sample() -> Vec<u8> {
        let mut state = 0x2545_f491_u32;
        (0..200 * 1024)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                if i % 7 == 0 {
                    (state % 256) as u8
                } else {
                    b"function mount(el){return wasm.mount(el)}"[i % 41]
                }
            })
            .collect()
    }

    fn unbrotli(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::Decompressor::new(bytes, 4096)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// The window size (log2) a Brotli stream declares in its first bits (RFC 7932, 9.1).
    fn declared_window(stream: &[u8]) -> u32 {
        let bits = u32::from(stream[0]) | u32::from(stream[1]) << 8;
        if bits & 1 == 0 {
            return 16;
        }
        let n = (bits >> 1) & 0b111;
        if n != 0 {
            return 17 + n;
        }
        let m = (bits >> 4) & 0b111;
        assert!(m != 1, "a large-window stream");
        if m == 0 { 17 } else { 8 + m }
    }

    #[test]
    fn copies_decode_to_the_original() {
        for data in [sample(), Vec::new(), b"x".to_vec()] {
            let br = brotli(&data);
            let gz = gzip(&data);
            assert_eq!(unbrotli(&br), data);
            assert_eq!(gunzip(&gz), data);
            if data.len() > 1000 {
                assert!(br.len() < data.len() / 2 && gz.len() < data.len() / 2);
                assert!(br.len() < gz.len(), "brotli {} gzip {}", br.len(), gz.len());
            }
        }
    }

    #[test]
    fn copies_are_the_same_bytes_every_time() {
        let data = sample();
        assert_eq!(brotli(&data), brotli(&data));
        assert_eq!(gzip(&data), gzip(&data));
        let gz = gzip(&data);
        // Magic, deflate, no flags (so no file name), mtime 0, best level, OS unknown.
        assert_eq!(gz[..10], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
    }

    #[test]
    fn the_window_holds_the_whole_file_and_no_more() {
        assert_eq!(window_bits(0), 10);
        assert_eq!(window_bits(1008), 10);
        assert_eq!(window_bits(1009), 11);
        assert_eq!(window_bits(225_400), 18);
        assert_eq!(window_bits(319_643), 19);
        assert_eq!(window_bits((1 << 24) - 16), 24);
        assert_eq!(window_bits(100 << 20), 24);
        let data = sample();
        assert_eq!(window_bits(data.len()), 18);
        assert_eq!(declared_window(&brotli(&data)), 18);
        assert_eq!(declared_window(&brotli(&data[..1000])), 10);
    }

    #[test]
    fn every_file_gets_both_copies_and_only_files_do() {
        let files = BTreeMap::from([
            ("widget.js".to_owned(), b"var a = 1;".to_vec()),
            ("widget/civic-widget-1_bg.wasm".to_owned(), sample()),
        ]);
        let all = with_copies(files.clone());
        assert_eq!(
            all.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "widget.js",
                "widget.js.br",
                "widget.js.gz",
                "widget/civic-widget-1_bg.wasm",
                "widget/civic-widget-1_bg.wasm.br",
                "widget/civic-widget-1_bg.wasm.gz",
            ]
        );
        for (path, bytes) in &files {
            assert_eq!(unbrotli(&all[&format!("{path}.br")]), *bytes);
            assert_eq!(gunzip(&all[&format!("{path}.gz")]), *bytes);
        }
        assert_eq!(with_copies(all.clone()), all, "copies are not copied again");
        assert!(is_copy("widget.js.br") && is_copy("a.wasm.gz") && !is_copy("widget.js"));
        assert_eq!(original("widget/a_bg.wasm.gz"), "widget/a_bg.wasm");
        assert_eq!(original("widget.js"), "widget.js");
    }
}
