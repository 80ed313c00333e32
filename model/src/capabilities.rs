//! What the creation wizard offers, and the provider request it would send.
//!
//! Sources: provider-api.md §5 (regions, flavors and versions come from the project's
//! capabilities) and §4.1 (the creation request).

use serde::{Deserialize, Serialize};

use crate::cost::PriceList;
use crate::region::Region;
use crate::version::KubeVersion;

/// What a project can create: its regions (with their zones), the offered Kubernetes minors, and
/// the prices estimates use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Capabilities {
    pub regions: Vec<Region>,
    /// Offered minors, oldest first; the last is the default.
    pub versions: Vec<KubeVersion>,
    pub prices: PriceList,
}

/// A provider request, shown so that a user can send it themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiRequest {
    pub method: String,
    /// The full address, API root included.
    pub url: String,
    /// The JSON body, pretty-printed.
    pub body: String,
}

impl ApiRequest {
    /// An equivalent curl command; the access token is read from `$OVH_ACCESS_TOKEN`, never
    /// written out.
    pub fn curl(&self) -> String {
        format!(
            "curl -X {} '{}' \\\n  -H \"Authorization: Bearer $OVH_ACCESS_TOKEN\" \\\n  -H 'Content-Type: application/json' \\\n  --data-binary @- <<'JSON'\n{}\nJSON",
            self.method, self.url, self.body
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_sends_the_body_as_it_is_and_no_secret() {
        let request = ApiRequest {
            method: "POST".into(),
            url: "http://127.0.0.1:3001/1.0/cloud/project/abc/kube".into(),
            body: "{\n  \"name\": \"it's\"\n}".into(),
        };
        let curl = request.curl();
        assert!(curl.starts_with("curl -X POST 'http://127.0.0.1:3001/1.0/cloud/project/abc/kube'"));
        assert!(curl.contains("$OVH_ACCESS_TOKEN"));
        assert!(curl.ends_with("<<'JSON'\n{\n  \"name\": \"it's\"\n}\nJSON"), "{curl}");
    }
}
