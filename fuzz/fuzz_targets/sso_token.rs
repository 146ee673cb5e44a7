//! Any text presented as a single sign-on token: the steps the host runs on it (`sso.rs`:
//! `decode_header` for the `kid`, then `decode` with the algorithm pinned by the stored key and
//! the same validation) answer a refusal or verified claims, never a panic; and nothing
//! unsigned gets through.
#![no_main]

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzz-shared-secret-of-at-least-32-bytes!";

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        return;
    };
    let _ = header.kid;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 60;
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.set_issuer(&["demo"]);
    validation.set_audience(&["civic-widget:demo"]);
    let verified = jsonwebtoken::decode::<serde_json::Value>(
        token,
        &DecodingKey::from_secret(SECRET),
        &validation,
    );
    // The fuzzer does not know the secret: nothing it writes may verify.
    assert!(verified.is_err(), "an unsigned token was accepted: {token}");
});
