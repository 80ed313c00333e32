//! The Access tab's single sign-on parts: the caller's own kubeconfig (kubectl signs them in at
//! the console's identity provider; no secret in the file) and the cluster's OIDC configuration,
//! which admins set (with a "use the console's identity provider" prefill), change or remove.

use leptos::prelude::*;
use model::oidc::{OidcAccess, OidcConfig, SigningAlgorithm};
use model::validation::FieldErrors;

use crate::api::{remove_cluster_oidc, set_cluster_oidc};
use crate::components::metadata_text::lines;
use crate::components::outcome::{outcome, outcome_beside_fields};
use crate::error::AppError;
use crate::pages::wizard::message_at;

/// The configuration as typed.
#[derive(Clone, Debug, Default, PartialEq)]
struct Draft {
    issuer_url: String,
    client_id: String,
    username_claim: String,
    username_prefix: String,
    groups_claim: String,
    groups_prefix: String,
    required_claims: String,
    signing_algorithms: String,
    ca_content: String,
}

impl Draft {
    fn from_config(config: &OidcConfig) -> Self {
        Draft {
            issuer_url: config.issuer_url.clone(),
            client_id: config.client_id.clone(),
            username_claim: config.username_claim.clone().unwrap_or_default(),
            username_prefix: config.username_prefix.clone().unwrap_or_default(),
            groups_claim: config.groups_claim.join(", "),
            groups_prefix: config.groups_prefix.clone().unwrap_or_default(),
            required_claims: config.required_claim.join("\n"),
            signing_algorithms: config
                .signing_algorithms
                .iter()
                .map(|a| a.as_wire())
                .collect::<Vec<_>>()
                .join(", "),
            ca_content: config.ca_content.clone().unwrap_or_default(),
        }
    }

    fn to_config(&self) -> OidcConfig {
        let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        let list = |text: &str| {
            text.split([',', ' ', '\n']).filter(|t| !t.is_empty()).map(str::to_string).collect::<Vec<_>>()
        };
        OidcConfig {
            client_id: self.client_id.trim().to_string(),
            issuer_url: self.issuer_url.trim().to_string(),
            username_claim: optional(&self.username_claim),
            username_prefix: optional(&self.username_prefix),
            groups_claim: list(&self.groups_claim),
            groups_prefix: optional(&self.groups_prefix),
            required_claim: lines(&self.required_claims).map(str::to_string).collect(),
            signing_algorithms: list(&self.signing_algorithms)
                .iter()
                .map(|a| SigningAlgorithm::from_wire(a))
                .collect(),
            ca_content: optional(&self.ca_content),
        }
    }
}

#[component]
pub fn UserKubeconfig(
    project: String,
    cluster: String,
    access: OidcAccess,
    username: String,
) -> impl IntoView {
    let action = format!("/api/projects/{project}/clusters/{cluster}/kubeconfig/user");
    let body = match (access.trusted_console(), &access.console) {
        (Some(console), _) => view! {
            <form method="post" action=action>
                <button type="submit" class="button">"Download your kubeconfig"</button>
            </form>
            <p class="muted">
                "kubectl signs you in as " <strong>{username}</strong> " at " <code>{console.issuer_url.clone()}</code>
                " whenever it needs a token. The file holds no secret; it needs kubectl's oidc-login plugin (kubelogin, "
                <code>"kubectl krew install oidc-login"</code> "). What you may do in the cluster is up to its RBAC rules."
            </p>
        }
        .into_any(),
        (None, Some(console)) => view! {
            <p class="muted">
                "Per-user kubeconfigs need the cluster to trust the console's identity provider ("
                <code>{console.issuer_url.clone()}</code> ", client " <code>{console.client_id.clone()}</code>
                "). An admin can set that in the OpenID Connect section below."
            </p>
        }
        .into_any(),
        (None, None) => view! {
            <p class="muted">"The console runs in local mode, without an identity provider: per-user kubeconfigs need single sign-on."</p>
        }
        .into_any(),
    };
    view! {
        <section class="card">
            <h2>"Your kubeconfig"</h2>
            {body}
        </section>
    }
}

#[component]
pub fn OidcEditor(project: String, cluster: String, access: OidcAccess, may_edit: bool) -> impl IntoView {
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let current = access.config.clone();
    let draft = RwSignal::new(current.as_ref().map(Draft::from_config).unwrap_or_default());
    let touched = RwSignal::new(false);
    let config = Memo::new(move |_| draft.with(Draft::to_config));
    let save = Action::new(move |config: &OidcConfig| {
        set_cluster_oidc(project.get_value(), cluster.get_value(), config.clone())
    });
    let remove = Action::new(move |_: &()| remove_cluster_oidc(project.get_value(), cluster.get_value()));
    let confirming = RwSignal::new(false);
    let sent = RwSignal::new(None::<OidcConfig>);
    // The model's rules as typed; the server's (the issuer's discovery check) after a save.
    let errors = Memo::new(move |_| {
        let mut errors = if touched.get() { config.with(OidcConfig::validate) } else { FieldErrors::new() };
        // The server's verdict holds for what was sent, not for what has been typed since.
        if let Some(Err(AppError::Invalid { errors: server })) = save.value().get()
            && sent.with(|sent| config.with(|c| sent.as_ref() == Some(c)))
        {
            errors.append(server);
        }
        errors
    });
    let error_at = move |field: &'static str| move || errors.with(|e| message_at(e, field));
    let prefill = access.console.clone().map(|console| {
        view! {
            <button
                type="button"
                class="button secondary"
                on:click=move |_| {
                    draft.set(Draft::from_config(&console.prefill()));
                    touched.set(true);
                }
            >
                "Use the console's identity provider"
            </button>
        }
    });
    // One labelled input (a textarea when `rows` is given) bound to a draft field, its error below.
    let field = move |id: &'static str,
                      label: &'static str,
                      hint: &'static str,
                      key: &'static str,
                      pick: fn(&mut Draft) -> &mut String,
                      rows: Option<u32>| {
        let error = error_at(key);
        let error_id = format!("{id}-error");
        let invalid = move || error().is_some().to_string();
        let value = move || draft.with(|d| pick(&mut d.clone()).clone());
        let input = move |ev| {
            draft.update(|d| *pick(d) = event_target_value(&ev));
            touched.set(true);
        };
        let control = match rows {
            None => view! {
                <input id=id type="text" disabled=!may_edit aria-invalid=invalid aria-describedby=error_id.clone() prop:value=value on:input=input />
            }
            .into_any(),
            Some(rows) => view! {
                <textarea id=id rows=rows disabled=!may_edit aria-invalid=invalid aria-describedby=error_id.clone() prop:value=value on:input=input></textarea>
            }
            .into_any(),
        };
        view! {
            <div class="field">
                <label for=id>{label}</label>
                {(!hint.is_empty()).then(|| view! { <span class="hint">{hint}</span> })}
                {control}
                <p class="field-error" id=error_id role="alert">{error}</p>
            </div>
        }
    };
    let outcome = move || {
        let saved =
            outcome_beside_fields(save.value().get(), "Change requested; follow it on the Overview tab.");
        saved.or_else(|| outcome(remove.value().get(), "Removal requested; follow it on the Overview tab."))
    };
    let summary = match &current {
        None => "None: the API server accepts only the kubeconfig's certificates.".to_string(),
        Some(config) => {
            format!("Tokens from {} for client {} are accepted.", config.issuer_url, config.client_id)
        }
    };
    let has_config = current.is_some();
    // The less common settings stay folded unless they are set.
    let has_more = draft.with_untracked(|d| {
        !(d.signing_algorithms.is_empty() && d.required_claims.is_empty() && d.ca_content.is_empty())
    });
    let form = may_edit.then(|| {
        view! {
            <form on:submit=move |ev| {
                ev.prevent_default();
                touched.set(true);
                if config.with(|c| c.validate().is_empty()) {
                    sent.set(Some(config.get()));
                    save.dispatch(config.get());
                }
            }>
                {prefill}
                <div class="field-grid">
                    {field("oidc-issuer", "Issuer URL", "https only; the API server checks it against each token.", "issuerUrl", |d| &mut d.issuer_url, None)}
                    {field("oidc-client", "Client ID", "The audience tokens must be issued for.", "clientId", |d| &mut d.client_id, None)}
                    {field("oidc-username-claim", "Username claim", "Default: sub.", "usernameClaim", |d| &mut d.username_claim, None)}
                    {field("oidc-username-prefix", "Username prefix", "Put before every user name; - for none.", "usernamePrefix", |d| &mut d.username_prefix, None)}
                    {field("oidc-groups-claim", "Groups claim", "Comma-separated.", "groupsClaim", |d| &mut d.groups_claim, None)}
                    {field("oidc-groups-prefix", "Groups prefix", "", "groupsPrefix", |d| &mut d.groups_prefix, None)}
                </div>
                <details class="oidc-more" open=has_more>
                    <summary>"Signing algorithms, required claims, CA certificate"</summary>
                    {field("oidc-algorithms", "Signing algorithms", "Comma-separated; default RS256.", "signingAlgorithms", |d| &mut d.signing_algorithms, None)}
                    {field("oidc-required-claims", "Required claims", "One key=value per line.", "requiredClaim", |d| &mut d.required_claims, Some(2))}
                    {field("oidc-ca", "Issuer's CA certificate", "Base64-encoded PEM, when the issuer's certificate is not from a public authority.", "caContent", |d| &mut d.ca_content, Some(2))}
                </details>
                <button type="submit" class="button" disabled=move || save.pending().get() || !errors.with(FieldErrors::is_empty)>
                    "Check the issuer and save"
                </button>
                {has_config.then(|| view! {
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! { <button type="button" class="button danger" on:click=move |_| confirming.set(true)>"Remove…"</button> }
                    >
                        <div class="confirm" role="group" aria-label="Confirm the removal">
                            <p>"Tokens from this issuer stop working; per-user kubeconfigs of this cluster stop working with them."</p>
                            <div class="confirm-buttons">
                                <button type="button" class="button danger" disabled=move || remove.pending().get() on:click=move |_| { remove.dispatch(()); }>
                                    "Remove it"
                                </button>
                                <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                            </div>
                        </div>
                    </Show>
                })}
                {outcome}
            </form>
        }
        .into_any()
    });
    view! {
        <section class="card">
            <h2>"OpenID Connect"</h2>
            <p data-testid="oidc-current">{summary}</p>
            {form}
            {(!may_edit).then(|| view! { <p class="muted">"Changing it needs the admin role."</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_survives_the_form() {
        let config = OidcConfig {
            client_id: "kubernetes".into(),
            issuer_url: "https://id.example.com".into(),
            username_claim: Some("email".into()),
            username_prefix: Some("-".into()),
            groups_claim: vec!["groups".into(), "roles".into()],
            groups_prefix: None,
            required_claim: vec!["hd=example.com".into()],
            signing_algorithms: vec![SigningAlgorithm::Rs256, SigningAlgorithm::Es256],
            ca_content: None,
        };
        assert_eq!(Draft::from_config(&config).to_config(), config);
    }

    #[test]
    fn blank_fields_are_left_out() {
        let draft = Draft {
            issuer_url: " https://id.example.com ".into(),
            client_id: "k".into(),
            ..Draft::default()
        };
        let config = draft.to_config();
        assert_eq!(config.issuer_url, "https://id.example.com");
        assert_eq!((config.username_claim, config.groups_claim.len(), config.ca_content), (None, 0, None));
    }
}
