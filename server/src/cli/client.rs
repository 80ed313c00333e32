//! The CLI's side of the REST API: where the console is, the token, and requests whose
//! refusals become the console's own words (with each field's problem).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use reqwest::{Method, StatusCode, header};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where the console is, the token, and the project.
#[derive(Clone, Serialize, Deserialize)]
pub struct Profile {
    pub url: String,
    pub token: String,
    pub project: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("url", &self.url)
            .field("project", &self.project)
            .finish_non_exhaustive()
    }
}

impl Profile {
    /// `~/.config/pilothouse/cli.json` (or under `XDG_CONFIG_HOME`).
    fn path() -> anyhow::Result<PathBuf> {
        let base = match std::env::var_os("XDG_CONFIG_HOME") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".config"),
        };
        Ok(base.join("pilothouse").join("cli.json"))
    }

    /// The flags and environment over what `login` kept.
    pub fn resolve(
        url: Option<String>,
        token: Option<String>,
        project: Option<String>,
    ) -> anyhow::Result<Self> {
        let kept: Option<Profile> = Self::path()
            .ok()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| serde_json::from_str(&text).ok());
        let url = url.or_else(|| kept.as_ref().map(|k| k.url.clone()));
        let token = token.or_else(|| kept.as_ref().map(|k| k.token.clone()));
        let project = project.or_else(|| kept.as_ref().and_then(|k| k.project.clone()));
        match (url, token) {
            (Some(url), Some(token)) => Ok(Profile { url, token, project }),
            _ => bail!(
                "not signed in: run `pilothouse cli login --url <console>` or set PILOTHOUSE_CONSOLE_URL and PILOTHOUSE_TOKEN"
            ),
        }
    }

    /// Keeps the profile for the next commands, readable by its owner only; its path.
    pub fn save(&self) -> anyhow::Result<PathBuf> {
        let path = Self::path()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_private(&path, &serde_json::to_vec_pretty(self)?)?;
        Ok(path)
    }
}

/// Writes `bytes` to `path`, readable and writable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}

pub struct Client {
    http: reqwest::Client,
    profile: Profile,
}

impl Client {
    pub fn new(profile: Profile) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("pilothouse-cli/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http, profile: Profile { url: profile.url.trim_end_matches('/').to_string(), ..profile } })
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The project to act in: the one asked for, else the token's.
    pub async fn project(&self) -> anyhow::Result<String> {
        if let Some(project) = &self.profile.project {
            return Ok(project.clone());
        }
        let projects = self.get("/api/v1/projects").await?;
        Ok(projects[0]["id"].as_str().context("the token gives no project")?.to_string())
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<reqwest::Response> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.profile.url))
            .bearer_auth(&self.profile.token);
        if let Some(body) = body {
            request =
                request.header(header::CONTENT_TYPE, "application/json").body(serde_json::to_vec(body)?);
        }
        if method != Method::GET {
            // A retried change (after a lost answer) is then not made twice.
            request = request.header("idempotency-key", uuid::Uuid::new_v4().to_string());
        }
        let response =
            request.send().await.with_context(|| format!("{} did not answer", self.profile.url))?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(refusal(response).await)
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        Ok(self.send(Method::GET, path, None).await?.json().await?)
    }

    pub async fn get_text(&self, path: &str) -> anyhow::Result<String> {
        Ok(self.send(Method::GET, path, None).await?.text().await?)
    }

    pub async fn post_text(&self, path: &str) -> anyhow::Result<String> {
        Ok(self.send(Method::POST, path, None).await?.text().await?)
    }

    /// A change; the operation it started.
    pub async fn change(&self, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<Value> {
        let method = Method::from_bytes(method.as_bytes())?;
        Ok(self.send(method, path, body).await?.json().await?)
    }

    /// The id of the cluster named or numbered `cluster`.
    pub async fn cluster_id(&self, root: &str, cluster: &str) -> anyhow::Result<String> {
        let view = self.get(&format!("{root}/clusters")).await?;
        let rows = view["rows"].as_array().cloned().unwrap_or_default();
        let found: Vec<&Value> = rows.iter().filter(|r| r["id"] == cluster || r["name"] == cluster).collect();
        match found.as_slice() {
            [one] => Ok(one["id"].as_str().unwrap_or_default().to_string()),
            [] => bail!("there is no cluster {cluster}"),
            _ => bail!("several clusters are named {cluster}: use its id"),
        }
    }
}

/// A refused request in the console's words.
async fn refusal(response: reqwest::Response) -> anyhow::Error {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    let mut message = body["message"]
        .as_str()
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("refused"))
        .to_string();
    for error in body["errors"].as_array().into_iter().flatten() {
        message.push_str(&format!(
            "\n  {}: {}",
            error["field"].as_str().unwrap_or_default(),
            error["message"].as_str().unwrap_or_default()
        ));
    }
    if status == StatusCode::UNAUTHORIZED {
        message.push_str("\n(run `pilothouse cli login` with a valid token)");
    }
    anyhow::anyhow!("{} {message}", status.as_u16())
}
