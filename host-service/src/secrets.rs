//! Random codes, tokens and passwords, and password hashing: everything that must be
//! unguessable lives here so its strength is decided in one place.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// Crockford's base32 alphabet: no I, L, O or U, so a code read over the phone is unambiguous.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Letters and digits a person can type from a printout without confusing 0/O or 1/l.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS generator failing means the machine cannot do cryptography at all; there is no
    // safe fallback, so stop rather than hand out guessable codes.
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    buf
}

/// A problem's tracking code: 12 Crockford base32 characters, 60 random bits.
pub fn tracking_code() -> String {
    let bits = u64::from_le_bytes(random_bytes::<8>());
    (0..12)
        .map(|i| CROCKFORD[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// Whether `code` has the shape of a tracking code (checked before touching the database).
pub fn is_tracking_code(code: &str) -> bool {
    code.len() == 12 && code.bytes().all(|b| CROCKFORD.contains(&b))
}

/// A 256-bit token in URL-safe hex, for session cookies and CSRF fields.
pub fn token() -> String {
    random_bytes::<32>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `token` has the shape [`token`] gives (checked before touching the database).
pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// SHA-256 of a session token: what the database stores instead of the token itself.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A generated password of 16 characters (about 93 bits).
pub fn password() -> String {
    let bytes = random_bytes::<16>();
    // 256 is not a multiple of the alphabet size; the bias is under 1 bit in total and
    // irrelevant for a password this long.
    bytes
        .iter()
        .map(|b| PASSWORD_ALPHABET[*b as usize % PASSWORD_ALPHABET.len()] as char)
        .collect()
}

/// Argon2id (the crate's defaults, as OWASP recommends) with a random salt, in PHC format.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    Ok(hash.to_string())
}

/// Constant-time check of `password` against a stored PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_are_distinct_and_well_formed() {
        let a = tracking_code();
        let b = tracking_code();
        assert_ne!(a, b);
        assert!(is_tracking_code(&a), "{a}");
        assert!(!is_tracking_code("0123456789AI"));
    }

    #[test]
    fn passwords_verify() {
        let pw = password();
        let phc = hash_password(&pw).unwrap();
        assert!(verify_password(&pw, &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password(&pw, "not a hash"));
    }
}
