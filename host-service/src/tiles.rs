//! A generated base map: `GET /tiles/{z}/{x}/{y}.png`, plain land-coloured tiles with a faint
//! grid and their `z/x/y` written small in a corner. It lets the demo city and the tests show a
//! map with no internet (the demo site points its tile template here); real sites set a real
//! tile server with `host-service site set-tiles`.
//!
//! Each tile is a 256×256 PNG with a 4-colour palette, drawn and deflated in code: a few hundred
//! bytes, so no image library is needed.

use std::io::Write as _;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// The deepest zoom served.
pub const MAX_TILE_ZOOM: u32 = 18;
const SIZE: usize = 256;
/// Land, grid line, tile edge, label.
const PALETTE: [[u8; 3]; 4] = [
    [0xf2, 0xef, 0xe9],
    [0xe4, 0xdf, 0xd6],
    [0xd6, 0xcf, 0xc2],
    [0xa8, 0xa0, 0x92],
];
/// Generated tiles never change: let browsers keep them a week.
const CACHE_CONTROL: &str = "public, max-age=604800";

pub fn router() -> Router<AppState> {
    Router::new().route("/tiles/{z}/{x}/{file}", get(tile))
}

async fn tile(Path((z, x, file)): Path<(String, String, String)>) -> Response {
    let parsed = (|| {
        let z: u32 = z.parse().ok()?;
        let x: u32 = x.parse().ok()?;
        let y: u32 = file.strip_suffix(".png")?.parse().ok()?;
        (z <= MAX_TILE_ZOOM && x < (1 << z) && y < (1 << z)).then_some((z, x, y))
    })();
    let Some((z, x, y)) = parsed else {
        return (StatusCode::NOT_FOUND, "no such tile").into_response();
    };
    let mut response = png(z, x, y).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    response
}

/// 3×5 pixel digits and the slash, one row per `u8` (the low three bits, left to right).
fn glyph(c: char) -> [u8; 5] {
    match c {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 3, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 2, 2, 2],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        _ => [1, 1, 2, 4, 4],
    }
}

/// The palette index of every pixel of tile `z/x/y`.
fn pixels(z: u32, x: u32, y: u32) -> Vec<u8> {
    let mut px = vec![0u8; SIZE * SIZE];
    for row in 0..SIZE {
        for col in 0..SIZE {
            let i = row * SIZE + col;
            if row == 0 || col == 0 {
                px[i] = 2;
            } else if row % 64 == 0 || col % 64 == 0 {
                px[i] = 1;
            }
        }
    }
    // The label, scaled ×2, 6 px from the top-left corner.
    let label = format!("{z}/{x}/{y}");
    for (n, c) in label.chars().enumerate() {
        let g = glyph(c);
        for (gy, bits) in g.iter().enumerate() {
            for gx in 0..3 {
                if bits & (4 >> gx) != 0 {
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let row = 6 + gy * 2 + dy;
                        let col = 6 + n * 8 + gx * 2 + dx;
                        if col < SIZE {
                            px[row * SIZE + col] = 3;
                        }
                    }
                }
            }
        }
    }
    px
}

/// Tile `z/x/y` as PNG bytes: 2-bit palette, deflated.
pub fn png(z: u32, x: u32, y: u32) -> Vec<u8> {
    let px = pixels(z, x, y);
    // Scanlines: a filter byte (0: none), then 4 pixels per byte.
    let mut raw = Vec::with_capacity(SIZE * (SIZE / 4 + 1));
    for row in px.chunks(SIZE) {
        raw.push(0);
        for quad in row.chunks(4) {
            raw.push(quad[0] << 6 | quad[1] << 4 | quad[2] << 2 | quad[3]);
        }
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&raw).expect("writing to memory");
    let idat = encoder.finish().expect("writing to memory");

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&(SIZE as u32).to_be_bytes());
    ihdr.extend_from_slice(&(SIZE as u32).to_be_bytes());
    ihdr.extend_from_slice(&[2, 3, 0, 0, 0]); // bit depth 2, palette, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"PLTE", &PALETTE.concat());
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_iend_is_the_known_one() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
    }

    #[test]
    fn a_tile_is_a_small_png() {
        let bytes = png(12, 2460, 1290);
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(bytes.len() < 2048, "{} bytes", bytes.len());
        let mut d =
            flate2::read::ZlibDecoder::new(&bytes[8 + 12 + 13 + 12 + 12 + 8..bytes.len() - 12 - 4]);
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut d, &mut raw).unwrap();
        assert_eq!(raw.len(), SIZE * (SIZE / 4 + 1));
    }
}
