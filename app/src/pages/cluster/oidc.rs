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
use crate::pages::wizard::{Bound, TextField};

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
    /// What the user may do inside the cluster.
    children: Children,
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
                <code>"kubectl krew install oidc-login"</code> "). What you may do in the cluster is up to its role bindings, below."
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
            {children()}
        </section>
    }
}

#[component]
pub fn OidcEditor(project: String, cluster: String, access: OidcAccess, may_edit: bool) -> impl IntoView {
    let summary = match &access.config {
        None => "None: the API server accepts only the kubeconfig's certificates.".to_string(),
        Some(config) => {
            format!("Tokens from {} for client {} are accepted.", config.issuer_url, config.client_id)
        }
    };
    view! {
        <section class="card">
            <h2>"OpenID Connect"</h2>
            <p data-testid="oidc-current">{summary}</p>
            {match may_edit {
                true => view! { <OidcForm project cluster access /> }.into_any(),
                false => view! { <p class="muted">"Changing it needs the admin role."</p> }.into_any(),
            }}
        </section>
    }
}

/// The configuration as a form (admins): the model's rules as typed, the server's (the issuer's
/// discovery check) after a save.
#[component]
fn OidcForm(project: String, cluster: String, access: OidcAccess) -> impl IntoView {
    let (project, cluster) = (StoredValue::new(project), StoredValue::new(cluster));
    let draft = RwSignal::new(access.config.as_ref().map(Draft::from_config).unwrap_or_default());
    let touched = RwSignal::new(false);
    let config = Memo::new(move |_| draft.with(Draft::to_config));
    let save = Action::new(move |config: &OidcConfig| {
        set_cluster_oidc(project.get_value(), cluster.get_value(), config.clone())
    });
    let remove = Action::new(move |_: &()| remove_cluster_oidc(project.get_value(), cluster.get_value()));
    let sent = RwSignal::new(None::<OidcConfig>);
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
    let prefill = access.console.clone().map(|console| {
        let use_it = move |_| {
            draft.set(Draft::from_config(&console.prefill()));
            touched.set(true);
        };
        view! { <button type="button" class="button secondary" on:click=use_it>"Use the console's identity provider"</button> }
    });
    let outcome = move || {
        let saved =
            outcome_beside_fields(save.value().get(), "Change requested; follow it on the Overview tab.");
        saved.or_else(|| outcome(remove.value().get(), "Removal requested; follow it on the Overview tab."))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if config.with(|c| c.validate().is_empty()) {
            sent.set(Some(config.get()));
            save.dispatch(config.get());
        }
    };
    view! {
        <form on:submit=submit>
            {prefill}
            <OidcFields draft touched errors />
            <button type="submit" class="button" disabled=move || save.pending().get() || !errors.with(FieldErrors::is_empty)>
                "Check the issuer and save"
            </button>
            {access.config.is_some().then(|| view! { <RemoveOidc remove /> })}
            {outcome}
        </form>
    }
}

/// The configuration's fields; the less common settings stay folded unless they are set.
#[component]
fn OidcFields(draft: RwSignal<Draft>, touched: RwSignal<bool>, errors: Memo<FieldErrors>) -> impl IntoView {
    let field = move |id: &'static str,
                      label: &'static str,
                      hint: &'static str,
                      path: &'static str,
                      pick: fn(&mut Draft) -> &mut String,
                      multiline: bool| {
        let value = Bound::place(draft, move |d| Some(pick(d)), move || touched.set(true));
        view! { <TextField id=id.to_string() label hint value errors path=path.to_string() multiline /> }
    };
    let has_more = draft.with_untracked(|d| {
        !(d.signing_algorithms.is_empty() && d.required_claims.is_empty() && d.ca_content.is_empty())
    });
    view! {
        <div class="field-grid">
            {field("oidc-issuer", "Issuer URL", "https only; the API server checks it against each token.", "issuerUrl", |d| &mut d.issuer_url, false)}
            {field("oidc-client", "Client ID", "The audience tokens must be issued for.", "clientId", |d| &mut d.client_id, false)}
            {field("oidc-username-claim", "Username claim", "Default: sub.", "usernameClaim", |d| &mut d.username_claim, false)}
            {field("oidc-username-prefix", "Username prefix", "Put before every user name; - for none.", "usernamePrefix", |d| &mut d.username_prefix, false)}
            {field("oidc-groups-claim", "Groups claim", "Comma-separated.", "groupsClaim", |d| &mut d.groups_claim, false)}
            {field("oidc-groups-prefix", "Groups prefix", "", "groupsPrefix", |d| &mut d.groups_prefix, false)}
        </div>
        <details class="oidc-more" open=has_more>
            <summary>"Signing algorithms, required claims, CA certificate"</summary>
            {field("oidc-algorithms", "Signing algorithms", "Comma-separated; default RS256.", "signingAlgorithms", |d| &mut d.signing_algorithms, false)}
            {field("oidc-required-claims", "Required claims", "One key=value per line.", "requiredClaim", |d| &mut d.required_claims, true)}
            {field("oidc-ca", "Issuer's CA certificate", "Base64-encoded PEM, when the issuer's certificate is not from a public authority.", "caContent", |d| &mut d.ca_content, true)}
        </details>
    }
}

/// "Remove…", then a confirmation naming what stops working.
#[component]
fn RemoveOidc(remove: Action<(), Result<String, AppError>>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    view! {
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
