//! Turns an uploaded photo into what is stored: [`process`] accepts JPEG, PNG and WebP only
//! (told by their first bytes, not by what the client claims), refuses more than
//! [`MAX_PIXELS`] or a side over [`MAX_SIDE`] before decoding the pixels, turns the picture
//! upright by its EXIF orientation, and re-encodes it as JPEG in two sizes. Nothing of the upload
//! but its pixels survives: EXIF, GPS, comments and any bytes after the image are gone.
//!
//! A crate of its own so that the fuzz target (`fuzz/fuzz_targets/photo.rs`) builds it without
//! the host service.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest upload accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels a photo may have (a 40-megapixel camera).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side accepted.
pub const MAX_SIDE: u32 = 12_000;
/// The longest side of the display size and of the thumbnail.
pub const DISPLAY_SIDE: u32 = 1600;
pub const THUMB_SIDE: u32 = 320;

/// Why an upload was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("not a JPEG, PNG or WebP image")]
    Unsupported,
    #[error("the image is larger than {MAX_PIXELS} pixels or {MAX_SIDE} pixels on a side")]
    TooLarge,
    #[error("the image could not be read")]
    Broken,
}

/// A photo ready to store: two JPEGs and their sizes.
#[derive(Debug)]
pub struct Processed {
    pub display: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
    pub thumb_width: u32,
    pub thumb_height: u32,
}

/// Turns uploaded bytes into a stored photo, or says why not. Never panics on any input (a
/// fuzz target, `fuzz/fuzz_targets/photo.rs`, holds it to that).
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
        _ => return Err(PhotoError::Unsupported),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(PhotoError::Broken);
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooLarge);
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    picture.apply_orientation(orientation);
    let display = fit(&picture, DISPLAY_SIDE);
    let thumb = fit(&picture, THUMB_SIDE);
    Ok(Processed {
        width: display.width(),
        height: display.height(),
        display: jpeg(&display, 82)?,
        thumb_width: thumb.width(),
        thumb_height: thumb.height(),
        thumb: jpeg(&thumb, 75)?,
    })
}

fn refusal(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooLarge,
        image::ImageError::Unsupported(_) => PhotoError::Unsupported,
        _ => PhotoError::Broken,
    }
}

/// `picture` scaled down to fit `side` (never up), as plain RGB.
fn fit(picture: &DynamicImage, side: u32) -> DynamicImage {
    let scaled = if picture.width() > side || picture.height() > side {
        picture.resize(side, side, image::imageops::FilterType::Triangle)
    } else {
        picture.clone()
    };
    DynamicImage::ImageRgb8(scaled.to_rgb8())
}

fn jpeg(picture: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    picture
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out, quality,
        ))
        .map_err(|_| PhotoError::Broken)?;
    Ok(out)
}
