//! The `$1$` request signature of the provider's API (provider-api.md §1.3).
//!
//! The signature is `"$1$"` followed by the lowercase hex SHA-1 of six fields joined with `+`:
//! application secret, consumer key, upper-case method, the full URL as sent (scheme, host, API
//! prefix, path and query), the body bytes exactly as sent, and the timestamp. The secret is a
//! plain first field, not an HMAC key. Sources: go-ovh `ovh/ovh.go`, python-ovh `client.py`.

use sha1::{Digest, Sha1};

/// Everything that goes into one request's signature.
#[derive(Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The application secret (never sent; only hashed).
    pub application_secret: &'a str,
    /// The consumer key, also sent as `X-Ovh-Consumer`.
    pub consumer_key: &'a str,
    /// The HTTP method; upper-cased before hashing.
    pub method: &'a str,
    /// The full URL exactly as sent, including the query string.
    pub url: &'a str,
    /// The raw body bytes; empty when there is none.
    pub body: &'a [u8],
    /// Unix seconds, corrected to the server's clock, also sent as `X-Ovh-Timestamp`.
    pub timestamp: i64,
}

impl std::fmt::Debug for SignedRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

impl SignedRequest<'_> {
    /// The `X-Ovh-Signature` header value.
    pub fn signature(&self) -> String {
        let mut hasher = Sha1::new();
        hasher.update(self.application_secret.as_bytes());
        hasher.update(b"+");
        hasher.update(self.consumer_key.as_bytes());
        hasher.update(b"+");
        hasher.update(self.method.to_ascii_uppercase().as_bytes());
        hasher.update(b"+");
        hasher.update(self.url.as_bytes());
        hasher.update(b"+");
        hasher.update(self.body);
        hasher.update(b"+");
        hasher.update(self.timestamp.to_string().as_bytes());
        format!("$1${}", hex::encode(hasher.finalize()))
    }

    /// Whether `header` is this request's signature; compared without early exit, so timing
    /// does not reveal how much of a guess was right.
    pub fn verify(&self, header: &str) -> bool {
        let expected = self.signature();
        expected.len() == header.len()
            && expected.bytes().zip(header.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://eu.api.ovh.com/1.0/cloud/project/0123456789abcdef0123456789abcdef/kube";

    fn request<'a>(method: &'a str, body: &'a [u8]) -> SignedRequest<'a> {
        SignedRequest {
            application_secret: "EXAMPLEappSECRET000000000000000",
            consumer_key: "EXAMPLEconsumerKEY00000000000000",
            method,
            url: URL,
            body,
            timestamp: 1_767_225_600,
        }
    }

    #[test]
    fn matches_the_documented_test_vectors() {
        let post = request("POST", br#"{"name":"demo","region":"GRA11"}"#);
        assert_eq!(post.signature(), "$1$4439d04ad611b100088bef41947f0c8a50a4e648");
        assert_eq!(request("get", b"").signature(), "$1$367c71da63048dc0e9d2823295ebcf2fc4279659");
    }

    #[test]
    fn verify_refuses_any_change() {
        let get = request("GET", b"");
        assert!(get.verify("$1$367c71da63048dc0e9d2823295ebcf2fc4279659"));
        assert!(!get.verify("$1$367c71da63048dc0e9d2823295ebcf2fc4279658"));
        assert!(!get.verify(""));
        let reserialised = request("POST", br#"{"name": "demo", "region": "GRA11"}"#);
        assert!(!reserialised.verify("$1$4439d04ad611b100088bef41947f0c8a50a4e648"));
    }
}
