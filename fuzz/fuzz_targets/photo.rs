//! Any bytes uploaded as a photo: `civic_photo::process` answers a photo or a refusal, never a
//! panic, and what it stores is JPEG within the display size.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = civic_photo::process(data) {
        assert!(p.display.starts_with(&[0xFF, 0xD8]), "stored as JPEG");
        assert!(p.width <= civic_photo::DISPLAY_SIDE && p.height <= civic_photo::DISPLAY_SIDE);
        assert!(p.thumb_width <= civic_photo::THUMB_SIDE && p.thumb_height <= civic_photo::THUMB_SIDE);
    }
});
