//! What the client tells about its calls (for metrics), without depending on a metrics library.

use std::time::Duration;

use reqwest::Method;

/// Receives one report per try of a call and per wait for the rate limiter.
pub trait Observer: Send + Sync {
    /// One try of a call has ended.
    fn answered(&self, call: &Try<'_>);
    /// A call waited this long for the rate limiter before going out.
    fn waited(&self, wait: Duration);
}

/// One try of a call.
#[derive(Debug)]
pub struct Try<'a> {
    pub method: &'a Method,
    /// The path with its ids replaced by their names ([`endpoint_template`]).
    pub endpoint: &'a str,
    /// The provider's status; none when no answer came (transport error, timeout).
    pub status: Option<u16>,
    pub elapsed: Duration,
    /// 1 for the first try, 2 for the first retry, …
    pub attempt: u32,
    /// The provider's reference of the call (`X-Ovh-QueryId`), which its support asks for.
    pub query_id: Option<&'a str>,
}

/// The collection names whose next segment is an id, and the id's name in the provider's API.
const IDS: [(&str, &str); 11] = [
    ("project", "{serviceName}"),
    ("kube", "{kubeId}"),
    ("nodepool", "{nodePoolId}"),
    ("node", "{nodeId}"),
    ("ipRestrictions", "{ip}"),
    ("private", "{networkId}"),
    ("network", "{networkId}"),
    ("subnet", "{subnetId}"),
    ("region", "{regionName}"),
    ("operation", "{operationId}"),
    ("gateway", "{id}"),
];

/// Segments that follow a collection name without being an id (`/network/private`).
const NOT_IDS: [&str; 1] = ["private"];

/// `path` as the provider documents the endpoint, ids and query left out:
/// `/cloud/project/ab12/kube/c1/nodepool?x=1` → `/cloud/project/{serviceName}/kube/{kubeId}/nodepool`.
/// Metrics are labelled with it, so their number does not grow with the clusters.
pub fn endpoint_template(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    let mut template = Vec::with_capacity(segments.len());
    for (index, segment) in segments.iter().enumerate() {
        let previous = index.checked_sub(1).map(|i| segments[i]);
        // `/capabilities/kube/regions`: there `kube` is not followed by an id.
        let after_capabilities = index >= 2 && segments[index - 2] == "capabilities";
        match IDS.iter().find(|(collection, _)| Some(*collection) == previous) {
            Some((_, name)) if !after_capabilities && !segment.is_empty() && !NOT_IDS.contains(segment) => {
                template.push(*name)
            }
            _ => template.push(segment),
        }
    }
    template.join("/")
}

#[cfg(test)]
mod tests {
    use super::endpoint_template;

    #[test]
    fn ids_become_their_names() {
        let cases = [
            ("/cloud/project/ab12/kube", "/cloud/project/{serviceName}/kube"),
            (
                "/cloud/project/ab12/kube/c-1/nodepool/p-2",
                "/cloud/project/{serviceName}/kube/{kubeId}/nodepool/{nodePoolId}",
            ),
            ("/cloud/project/ab12/kube/c-1/node", "/cloud/project/{serviceName}/kube/{kubeId}/node"),
            (
                "/cloud/project/ab12/kube/c-1/ipRestrictions/10.0.0.0%2F8",
                "/cloud/project/{serviceName}/kube/{kubeId}/ipRestrictions/{ip}",
            ),
            (
                "/cloud/project/ab12/capabilities/kube/flavors?region=GRA7",
                "/cloud/project/{serviceName}/capabilities/kube/flavors",
            ),
            ("/auth/time", "/auth/time"),
            ("/cloud/project/ab12/network/private", "/cloud/project/{serviceName}/network/private"),
            (
                "/cloud/project/ab12/network/private/pn-1_0/subnet",
                "/cloud/project/{serviceName}/network/private/{networkId}/subnet",
            ),
            (
                "/cloud/project/ab12/region/GRA9/gateway",
                "/cloud/project/{serviceName}/region/{regionName}/gateway",
            ),
            (
                "/cloud/project/ab12/region/GRA9/network/os-1/subnet/s-1/gateway",
                "/cloud/project/{serviceName}/region/{regionName}/network/{networkId}/subnet/{subnetId}/gateway",
            ),
            ("/cloud/project/ab12/operation/op-1", "/cloud/project/{serviceName}/operation/{operationId}"),
            (
                "/cloud/project/ab12/region/GRA9/gateway/gw-1",
                "/cloud/project/{serviceName}/region/{regionName}/gateway/{id}",
            ),
        ];
        for (path, template) in cases {
            assert_eq!(endpoint_template(path), template, "{path}");
        }
    }
}
