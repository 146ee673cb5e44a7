//! Key pairs and token minting for the SSO tests: what a host site's backend does.

#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

/// A site's signing key as its backend holds it, and what it registers with us.
pub struct SiteKey {
    pub alg: Algorithm,
    pub kid: String,
    /// PKCS#8 PEM of the private key (EdDSA, ES256) — what the site's backend signs with.
    pub private_pem: String,
    /// SPKI PEM (EdDSA, ES256) — what the site registers; for HS256 the secret itself.
    pub public_pem: String,
    pub secret: Vec<u8>,
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("randomness");
    b
}

impl SiteKey {
    pub fn ed25519(kid: &str) -> SiteKey {
        let seed = random::<32>();
        let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
        // PKCS#8 v1 (RFC 8410, the seed only), as `openssl genpkey -algorithm ed25519` writes
        // it: ed25519-dalek writes v2 (with the public key), which some libraries refuse.
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&seed);
        let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &der);
        SiteKey {
            alg: Algorithm::EdDSA,
            kid: kid.into(),
            private_pem: format!(
                "-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"
            ),
            public_pem: sk
                .verifying_key()
                .to_public_key_pem(Default::default())
                .unwrap(),
            secret: Vec::new(),
        }
    }

    pub fn p256(kid: &str) -> SiteKey {
        let sk = p256::SecretKey::from_slice(&random::<32>()).expect("a P-256 scalar");
        SiteKey {
            alg: Algorithm::ES256,
            kid: kid.into(),
            private_pem: sk
                .to_pkcs8_pem(Default::default())
                .unwrap()
                .as_str()
                .to_owned(),
            public_pem: sk
                .public_key()
                .to_public_key_pem(Default::default())
                .unwrap(),
            secret: Vec::new(),
        }
    }

    pub fn hs256(kid: &str) -> SiteKey {
        let secret: String = random::<24>().iter().map(|b| format!("{b:02x}")).collect();
        SiteKey {
            alg: Algorithm::HS256,
            kid: kid.into(),
            private_pem: String::new(),
            public_pem: String::new(),
            secret: secret.into_bytes(),
        }
    }

    /// The host's view of this key.
    pub fn registered(&self) -> host_service::sso::SsoKey {
        match self.alg {
            Algorithm::HS256 => host_service::sso::SsoKey::hs256(&self.secret).unwrap(),
            _ => host_service::sso::SsoKey::public_pem(&self.public_pem).unwrap(),
        }
    }

    pub fn encoding_key(&self) -> EncodingKey {
        match self.alg {
            Algorithm::HS256 => EncodingKey::from_secret(&self.secret),
            Algorithm::EdDSA => EncodingKey::from_ed_pem(self.private_pem.as_bytes()).unwrap(),
            Algorithm::ES256 => EncodingKey::from_ec_pem(self.private_pem.as_bytes()).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    /// A token as a well-behaved backend mints it.
    pub fn mint(&self, claims: &Value) -> String {
        let header = json!({"alg": alg_name(self.alg), "typ": "JWT", "kid": self.kid});
        sign_raw(&header, claims, &self.encoding_key(), self.alg)
    }
}

pub fn alg_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::EdDSA => "EdDSA",
        Algorithm::ES256 => "ES256",
        other => panic!("{other:?}"),
    }
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs any header and claims, as an attacker or a sloppy library could.
pub fn sign_raw(header: &Value, claims: &Value, key: &EncodingKey, alg: Algorithm) -> String {
    let message = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), key, alg).unwrap();
    format!("{message}.{signature}")
}

pub fn now() -> i64 {
    host_service::db::now()
}

/// Claims a site's backend puts in a token for `site`.
pub fn claims(site: &str, sub: &str) -> Value {
    let now = now();
    json!({
        "iss": site,
        "aud": format!("civic-widget:{site}"),
        "sub": sub,
        "iat": now,
        "exp": now + 300,
        "jti": format!("{:x}", u128::from_le_bytes(random::<16>())),
        "name": "Мария Канарейкина",
        "email": "sso-canary@example.ru",
        "phone": "+7 900 555-77-66",
    })
}
