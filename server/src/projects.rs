//! Console projects: each is one provider project (`serviceName`) with the credentials to reach
//! it, from the `[[projects]]` tables of the settings file; without any, one project on the
//! embedded emulator.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, bail};
use model::access::Role;
use provider::client::{self, Client, ClientConfig, Credentials};
use serde::{Deserialize, Serialize};

use crate::config::{Secret, Settings};

/// The embedded emulator's application secret when none is configured: the emulator is a local
/// stand-in for the provider, so its default credentials are printed at start-up for the user to
/// copy.
pub const DEFAULT_APPLICATION_SECRET: &str = "pilothouse-emulator-secret";

/// The id of the project the console creates on the embedded emulator.
pub const EMULATOR_PROJECT: &str = "default";

/// One `[[projects]]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSettings {
    /// The console's name for it in URLs (`team-a`): lowercase letters, digits and `-`.
    pub id: String,
    /// What people call it.
    pub name: String,
    /// `eu`, `ca`, `us`, `emulator` (the embedded one), or an API root URL ending in `/1.0`.
    pub endpoint: String,
    /// The provider's project id (`serviceName`); the emulator's when `endpoint = "emulator"`.
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub application_key: Option<String>,
    #[serde(default)]
    pub application_secret: Option<Secret>,
    #[serde(default)]
    pub consumer_key: Option<String>,
    /// An OAuth2 service account instead of an application.
    #[serde(default)]
    pub oauth2_client_id: Option<String>,
    #[serde(default)]
    pub oauth2_client_secret: Option<Secret>,
    /// The token URL for the service account; the endpoint's regional one by default.
    #[serde(default)]
    pub oauth2_token_url: Option<String>,
    /// Calls per second to the provider for this project.
    #[serde(default = "default_rate")]
    pub rate_per_second: f64,
    /// Identity-provider groups whose members get each role here.
    #[serde(default)]
    pub admin_groups: Vec<String>,
    #[serde(default)]
    pub operator_groups: Vec<String>,
    #[serde(default)]
    pub viewer_groups: Vec<String>,
    /// The namespaces whose workloads operators see in a cluster's Workloads tab and checks;
    /// every namespace when unset. Admins always see every namespace.
    #[serde(default)]
    pub operator_namespaces: Option<Vec<String>>,
    /// The same for viewers.
    #[serde(default)]
    pub viewer_namespaces: Option<Vec<String>>,
    /// Whether members may create API tokens that never expire (otherwise a year at most).
    #[serde(default)]
    pub tokens_never_expire: bool,
}

fn default_rate() -> f64 {
    10.0
}

/// A project the console can act in.
#[derive(Debug)]
pub struct Project {
    pub id: String,
    pub name: String,
    /// The provider's project id.
    pub service_name: String,
    pub client: Arc<Client>,
    /// Which identity-provider groups get which role here.
    pub groups: RoleGroups,
}

/// Identity-provider groups per role.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleGroups {
    pub admin: Vec<String>,
    pub operator: Vec<String>,
    pub viewer: Vec<String>,
    /// The namespaces operators see inside clusters; all when `None`.
    pub operator_namespaces: Option<Vec<String>>,
    /// The namespaces viewers see inside clusters; all when `None`.
    pub viewer_namespaces: Option<Vec<String>>,
    /// Whether API tokens here may never expire.
    pub tokens_never_expire: bool,
}

impl RoleGroups {
    /// The highest role `groups` give.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        let member = |list: &[String]| groups.iter().any(|g| list.contains(g));
        if member(&self.admin) {
            Some(Role::Admin)
        } else if member(&self.operator) {
            Some(Role::Operator)
        } else if member(&self.viewer) {
            Some(Role::Viewer)
        } else {
            None
        }
    }

    /// The namespaces `role` sees inside the project's clusters.
    pub fn namespaces(&self, role: Role) -> crate::services::workloads::Scope {
        use crate::services::workloads::Scope;
        let listed = match role {
            Role::Admin => None,
            Role::Operator => self.operator_namespaces.clone(),
            Role::Viewer => self.viewer_namespaces.clone(),
        };
        listed.map_or(Scope::All, Scope::Only)
    }
}

/// Every configured project, by id.
#[derive(Clone, Debug, Default)]
pub struct Projects(BTreeMap<String, Arc<Project>>);

impl Projects {
    /// The projects of `settings`; `emulator_url` is the embedded emulator's base URL, if it runs.
    pub fn from_settings(settings: &Settings, emulator_url: Option<&str>) -> anyhow::Result<Self> {
        let mut projects = Projects::default();
        if settings.projects.is_empty() {
            let Some(url) = emulator_url else {
                bail!(
                    "no provider projects configured: add [[projects]] to the settings file or enable the emulator"
                );
            };
            let table = ProjectSettings {
                id: EMULATOR_PROJECT.into(),
                name: "Emulator".into(),
                endpoint: "emulator".into(),
                service_name: None,
                application_key: None,
                application_secret: None,
                consumer_key: None,
                oauth2_client_id: None,
                oauth2_client_secret: None,
                oauth2_token_url: None,
                // What a real project gets, so what runs locally is what users get.
                rate_per_second: default_rate(),
                admin_groups: Vec::new(),
                operator_groups: Vec::new(),
                viewer_groups: Vec::new(),
                operator_namespaces: None,
                viewer_namespaces: None,
                tokens_never_expire: false,
            };
            projects.insert(Project::from_settings(&table, settings, Some(url))?);
        }
        for table in &settings.projects {
            if projects.0.contains_key(&table.id) {
                bail!("project `{}` is configured twice", table.id);
            }
            let project = Project::from_settings(table, settings, emulator_url)
                .with_context(|| format!("project `{}`", table.id))?;
            projects.insert(project);
        }
        Ok(projects)
    }

    /// Projects from ready-made parts (tests, benchmarks).
    pub fn from_list(list: Vec<Project>) -> Self {
        let mut projects = Projects::default();
        for project in list {
            projects.insert(project);
        }
        projects
    }

    fn insert(&mut self, project: Project) {
        self.0.insert(project.id.clone(), Arc::new(project));
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Project>> {
        self.0.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Project>> {
        self.0.values()
    }
}

impl Project {
    fn from_settings(
        table: &ProjectSettings,
        settings: &Settings,
        emulator_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        if table.id.is_empty()
            || !table.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            bail!("the id must be lowercase letters, digits and `-`");
        }
        let emulator = table.endpoint == "emulator";
        let (base_url, token_url) = match table.endpoint.as_str() {
            "eu" => (client::EU.to_string(), client::EU_TOKEN_URL.to_string()),
            "ca" => (client::CA.to_string(), client::CA_TOKEN_URL.to_string()),
            "us" => (client::US.to_string(), client::US_TOKEN_URL.to_string()),
            "emulator" => {
                let url = emulator_url
                    .context("endpoint = \"emulator\" needs the embedded emulator (--emulator true)")?;
                (format!("{url}/1.0"), format!("{url}/auth/oauth2/token"))
            }
            url if url.starts_with("https://") || url.starts_with("http://") => {
                let root = url.trim_end_matches('/');
                let host = root.strip_suffix("/1.0").unwrap_or(root);
                (root.to_string(), format!("{host}/auth/oauth2/token"))
            }
            other => bail!("unknown endpoint `{other}`: use eu, ca, us, emulator or a URL"),
        };
        let secret = |s: &Option<Secret>| s.as_ref().map(|s| s.expose().to_string());
        let credentials = if let Some(client_id) = &table.oauth2_client_id {
            Credentials::OAuth2 {
                token_url: table.oauth2_token_url.clone().unwrap_or(token_url),
                client_id: client_id.clone(),
                client_secret: secret(&table.oauth2_client_secret)
                    .context("oauth2_client_secret is missing")?,
            }
        } else if emulator {
            Credentials::Application {
                application_key: table
                    .application_key
                    .clone()
                    .unwrap_or(settings.emulator_application_key.clone()),
                application_secret: secret(&table.application_secret)
                    .or(secret(&settings.emulator_application_secret))
                    .unwrap_or(DEFAULT_APPLICATION_SECRET.to_string()),
                consumer_key: table.consumer_key.clone().unwrap_or(settings.emulator_consumer_key.clone()),
            }
        } else {
            Credentials::Application {
                application_key: table.application_key.clone().context("application_key is missing")?,
                application_secret: secret(&table.application_secret)
                    .context("application_secret is missing")?,
                consumer_key: table.consumer_key.clone().context("consumer_key is missing")?,
            }
        };
        let service_name = match (&table.service_name, emulator) {
            (Some(name), _) => name.clone(),
            (None, true) => settings.emulator_project.clone(),
            (None, false) => bail!("service_name (the provider's project id) is missing"),
        };
        let mut config = ClientConfig::new(base_url, credentials);
        config.rate_per_second = table.rate_per_second;
        let mut groups = RoleGroups {
            admin: table.admin_groups.clone(),
            operator: table.operator_groups.clone(),
            viewer: table.viewer_groups.clone(),
            operator_namespaces: table.operator_namespaces.clone(),
            viewer_namespaces: table.viewer_namespaces.clone(),
            tokens_never_expire: table.tokens_never_expire,
        };
        // The PILOTHOUSE_ROLE_* settings name the groups of the project `default`.
        if table.id == EMULATOR_PROJECT {
            groups.admin.extend(settings.role_admin_groups.iter().cloned());
            groups.operator.extend(settings.role_operator_groups.iter().cloned());
            groups.viewer.extend(settings.role_viewer_groups.iter().cloned());
            groups.tokens_never_expire |= settings.tokens_never_expire;
        }
        Ok(Project {
            id: table.id.clone(),
            name: table.name.clone(),
            service_name,
            client: Arc::new(Client::new(config)?),
            groups,
        })
    }
}
