//! Per-user kubeconfigs: the cluster's API server and certificate authority, and an exec
//! credential plugin (`kubectl oidc-login get-token`, from the kubelogin project) that signs the
//! user in at the identity provider. The file holds no token, key or certificate of the user.
//!
//! Source: Kubernetes' client-go credential plugins (`client.authentication.k8s.io/v1`, where
//! `interactiveMode` is required) and kubelogin's `get-token` flags.

use crate::oidc::OidcConfig;

/// Where a cluster's API server answers and the authority its certificate chains to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiEndpoint {
    pub server: String,
    /// The base64-encoded PEM certificate authority.
    pub certificate_authority_data: String,
    /// The name the server's certificate is for, when `server` is another address.
    pub tls_server_name: Option<String>,
}

impl ApiEndpoint {
    /// The first cluster's `server` and `certificate-authority-data` in a kubeconfig (block
    /// style YAML, as the provider hands them out); none when either is missing.
    pub fn from_kubeconfig(yaml: &str) -> Option<Self> {
        let value = |key: &str| {
            yaml.lines().find_map(|line| {
                let rest = line.trim_start().strip_prefix(key)?.strip_prefix(':')?;
                let value = rest.trim().trim_matches(|c| c == '"' || c == '\'');
                (!value.is_empty()).then(|| value.to_string())
            })
        };
        Some(Self {
            server: value("server")?,
            certificate_authority_data: value("certificate-authority-data")?,
            tls_server_name: value("tls-server-name"),
        })
    }
}

/// A kubeconfig for `cluster_name` that signs its user in through `oidc` with kubelogin, asking
/// for `scopes` besides `openid`.
pub fn user_kubeconfig(
    cluster_name: &str,
    endpoint: &ApiEndpoint,
    oidc: &OidcConfig,
    scopes: &[String],
) -> String {
    let user = format!("oidc@{cluster_name}");
    let mut args = vec![
        "oidc-login".to_string(),
        "get-token".to_string(),
        format!("--oidc-issuer-url={}", oidc.issuer_url.trim()),
        format!("--oidc-client-id={}", oidc.client_id.trim()),
    ];
    args.extend(scopes.iter().filter(|s| *s != "openid").map(|scope| format!("--oidc-extra-scope={scope}")));
    if let Some(ca) = oidc.ca_content.as_deref().map(str::trim).filter(|ca| !ca.is_empty()) {
        args.push(format!("--certificate-authority-data={}", ca.replace(['\n', '\r'], "")));
    }
    let args: String = args.iter().map(|arg| format!("      - {}\n", quoted(arg))).collect();
    format!(
        "apiVersion: v1\n\
         kind: Config\n\
         clusters:\n\
         - name: {cluster}\n  \
           cluster:\n    \
             server: {server}\n    \
             certificate-authority-data: {ca}\n\
         {server_name}\
         users:\n\
         - name: {user}\n  \
           user:\n    \
             exec:\n      \
               apiVersion: client.authentication.k8s.io/v1\n      \
               command: kubectl\n      \
               args:\n{args}      \
               interactiveMode: IfAvailable\n      \
               provideClusterInfo: false\n\
         contexts:\n\
         - name: {cluster}\n  \
           context:\n    \
             cluster: {cluster}\n    \
             user: {user}\n\
         current-context: {cluster}\n",
        cluster = quoted(cluster_name),
        server = quoted(&endpoint.server),
        ca = quoted(&endpoint.certificate_authority_data),
        user = quoted(&user),
        server_name = endpoint
            .tls_server_name
            .as_deref()
            .map(|name| format!("    tls-server-name: {}\n", quoted(name)))
            .unwrap_or_default(),
    )
}

/// `text` as a double-quoted YAML scalar.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: &str = "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: Q0EK\n    server: https://abc.c1.gra.k8s.example.net\n  name: prod\nusers:\n- name: kubernetes-admin-prod\n  user:\n    client-certificate-data: Q0VSVAo=\n    client-key-data: S0VZCg==\n";

    fn oidc() -> OidcConfig {
        OidcConfig {
            client_id: "kubernetes".into(),
            issuer_url: "https://login.example.com".into(),
            ..OidcConfig::default()
        }
    }

    #[test]
    fn reads_the_server_and_authority_of_an_admin_kubeconfig() {
        let endpoint = ApiEndpoint::from_kubeconfig(ADMIN).unwrap();
        assert_eq!(endpoint.server, "https://abc.c1.gra.k8s.example.net");
        assert_eq!(endpoint.certificate_authority_data, "Q0EK");
        assert_eq!(ApiEndpoint::from_kubeconfig("apiVersion: v1\n"), None);
        let quoted =
            ApiEndpoint::from_kubeconfig("server: \"https://x\"\ncertificate-authority-data: 'Q0EK'\n");
        assert_eq!(quoted.unwrap().server, "https://x");
    }

    #[test]
    fn the_user_kubeconfig_runs_kubelogin_and_carries_no_secret() {
        let endpoint = ApiEndpoint::from_kubeconfig(ADMIN).unwrap();
        let scopes = ["openid".to_string(), "email".to_string(), "groups".to_string()];
        let file = user_kubeconfig("prod", &endpoint, &oidc(), &scopes);
        for expected in [
            "apiVersion: client.authentication.k8s.io/v1",
            "interactiveMode: IfAvailable",
            "- \"oidc-login\"",
            "- \"--oidc-issuer-url=https://login.example.com\"",
            "- \"--oidc-client-id=kubernetes\"",
            "- \"--oidc-extra-scope=email\"",
            "server: \"https://abc.c1.gra.k8s.example.net\"",
            "certificate-authority-data: \"Q0EK\"",
            "current-context: \"prod\"",
        ] {
            assert!(file.contains(expected), "{expected} missing from\n{file}");
        }
        assert!(!file.contains("extra-scope=openid"));
        for secret in ["client-key-data", "client-certificate-data", "token:", "password", "S0VZ", "Q0VSVA"] {
            assert!(!file.contains(secret), "{secret} in\n{file}");
        }
    }

    #[test]
    fn the_issuers_authority_goes_to_kubelogin() {
        let endpoint = ApiEndpoint {
            server: "https://x".into(),
            certificate_authority_data: "Q0EK".into(),
            tls_server_name: None,
        };
        let config = OidcConfig { ca_content: Some("TUlJ\nQkFE\n".into()), ..oidc() };
        let file = user_kubeconfig("a", &endpoint, &config, &[]);
        assert!(file.contains("- \"--certificate-authority-data=TUlJQkFE\""), "{file}");
    }

    #[test]
    fn the_servers_certificate_name_is_kept() {
        let admin = format!("{ADMIN}    tls-server-name: abc.c1.gra.k8s.example.net\n");
        let endpoint = ApiEndpoint::from_kubeconfig(&admin).unwrap();
        assert_eq!(endpoint.tls_server_name.as_deref(), Some("abc.c1.gra.k8s.example.net"));
        let file = user_kubeconfig("prod", &endpoint, &oidc(), &[]);
        assert!(file.contains("    tls-server-name: \"abc.c1.gra.k8s.example.net\"\n"), "{file}");
    }

    #[test]
    fn names_are_quoted_safely() {
        assert_eq!(quoted("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
