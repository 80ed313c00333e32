//! Secrets kept in the database (webhook signing keys), encrypted with AES-256-GCM under a key
//! from `PILOTHOUSE_ENCRYPTION_KEY`, or one generated in the data directory on first use; and
//! the signatures webhooks carry.
//!
//! Signature scheme (documented in the README, "Notifications"): the headers
//! `Pilothouse-Timestamp: <unix seconds>` and
//! `Pilothouse-Signature: v1=<hex HMAC-SHA256(signing key, "<timestamp>.<body>")>`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// What encrypted values start with, so another scheme can follow.
const VERSION: &str = "v1:";
/// The generated key's file in the data directory.
const KEY_FILE: &str = "encryption.key";

/// Where the encryption key comes from.
#[derive(Debug)]
pub struct Keyring {
    configured: Option<String>,
    file: PathBuf,
    key: OnceLock<Result<[u8; 32], String>>,
}

impl Keyring {
    /// The key `configured` (base64 of 32 bytes), or the one kept in `data_dir`.
    pub fn new(configured: Option<String>, data_dir: &Path) -> Self {
        Self { configured, file: data_dir.join(KEY_FILE), key: OnceLock::new() }
    }

    fn key(&self) -> Result<[u8; 32], String> {
        self.key.get_or_init(|| self.load()).clone()
    }

    fn load(&self) -> Result<[u8; 32], String> {
        let decode = |text: &str, from: &str| -> Result<[u8; 32], String> {
            let bytes = STANDARD
                .decode(text.trim())
                .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim()))
                .map_err(|_| format!("{from} is not base64"))?;
            bytes.try_into().map_err(|_| format!("{from} must be 32 bytes"))
        };
        if let Some(text) = &self.configured {
            return decode(text, "PILOTHOUSE_ENCRYPTION_KEY");
        }
        if let Ok(text) = std::fs::read_to_string(&self.file) {
            return decode(&text, &self.file.display().to_string());
        }
        let mut key = [0u8; 32];
        SystemRandom::new().fill(&mut key).map_err(|_| "no random numbers".to_string())?;
        write_private(&self.file, &STANDARD.encode(key))
            .map_err(|e| format!("writing {}: {e}", self.file.display()))?;
        Ok(key)
    }

    /// `plain` encrypted: `v1:` and base64 of nonce, ciphertext and tag.
    pub fn seal(&self, plain: &str) -> Result<String, String> {
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.key()?).map_err(|_| "bad key")?);
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| "no random numbers")?;
        let mut data = plain.as_bytes().to_vec();
        key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .map_err(|_| "encryption failed")?;
        let mut out = nonce.to_vec();
        out.extend(data);
        Ok(format!("{VERSION}{}", STANDARD.encode(out)))
    }

    /// The plain text of a value [`Keyring::seal`] made.
    pub fn open(&self, sealed: &str) -> Result<String, String> {
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.key()?).map_err(|_| "bad key")?);
        let bytes = sealed
            .strip_prefix(VERSION)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or("not an encrypted value")?;
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| "bad nonce")?;
        let mut data = data.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::empty(), &mut data)
            .map_err(|_| "the value does not open with this key (PILOTHOUSE_ENCRYPTION_KEY changed?)")?;
        String::from_utf8(plain.to_vec()).map_err(|_| "not text".to_string())
    }

    /// Like [`Keyring::open`], but a value written before it was encrypted (no `v1:`) is
    /// taken as it is.
    pub fn open_or_plain(&self, value: &str) -> Result<String, String> {
        if value.starts_with(VERSION) { self.open(value) } else { Ok(value.to_string()) }
    }
}

/// Writes `text` to `path`, readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, text.as_bytes())
}

/// A new webhook signing key: `whsec_` and 32 random bytes, base64url.
pub fn new_signing_key() -> String {
    let mut bytes = [0u8; 32];
    SystemRandom::new().fill(&mut bytes).expect("the system gives random numbers");
    format!("whsec_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// `v1=<hex>`: the signature of `body` sent at `timestamp` under `key`.
pub fn signature(key: &str, timestamp: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes());
    let mut context = hmac::Context::with_key(&key);
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    format!("v1={}", hex::encode(context.sign().as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_the_same_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring::new(None, dir.path());
        let sealed = keyring.seal("whsec_abc").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("whsec_abc"));
        assert_eq!(keyring.open(&sealed).unwrap(), "whsec_abc");
        assert_eq!(keyring.open_or_plain(&sealed).unwrap(), "whsec_abc");
        assert_eq!(
            keyring.open_or_plain("https://hooks.example.com/x").unwrap(),
            "https://hooks.example.com/x"
        );
        // The generated key is kept, private: a restart opens what was sealed before.
        let again = Keyring::new(None, dir.path());
        assert_eq!(again.open(&sealed).unwrap(), "whsec_abc");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = Keyring::new(Some(STANDARD.encode([7u8; 32])), dir.path());
        assert!(other.open(&sealed).unwrap_err().contains("does not open"));
        assert!(Keyring::new(Some("short".into()), dir.path()).seal("x").is_err());
    }

    #[test]
    fn signatures_follow_the_documented_scheme() {
        // HMAC-SHA256("key", "1700000000.{}") computed independently (Python's hmac module).
        assert_eq!(
            signature("key", 1_700_000_000, b"{}"),
            "v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
        assert!(new_signing_key().starts_with("whsec_"));
        assert_ne!(new_signing_key(), new_signing_key());
    }
}
