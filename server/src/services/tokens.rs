//! Creating, listing and revoking API tokens.

use chrono::{DateTime, Utc};
use model::access::{Role, User};
use model::activity::{AuditAction, Outcome, TargetKind};
use model::token::{CreatedToken, TokenRequest, TokenView, TokensView};

use super::{Actor, ServiceError, Services, invalid};
use crate::audit::{self, AuditEvent};
use crate::tokens::{self, store};

impl Services {
    /// Checks `request` against `user`'s role and the project's rules, and stores a new token;
    /// its secret is in the answer and nowhere else.
    pub async fn create_token(
        &self,
        user: &User,
        actor: &Actor,
        request: &TokenRequest,
        now: DateTime<Utc>,
    ) -> Result<CreatedToken, ServiceError> {
        let project = self
            .projects
            .get(&request.project_id)
            .ok_or_else(|| invalid("projectId", "There is no such project."))?;
        let errors = request.check(user.role_in(&project.id), project.groups.tokens_never_expire);
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let name = request.name.trim();
        if store::name_in_use(&self.db, &user.username, name, now).await? {
            return Err(invalid("name", "You already have a token with this name."));
        }
        let secret = tokens::new_secret();
        let id = uuid::Uuid::new_v4().to_string();
        let expires_at = request.expires_in_days.map(|days| now + chrono::Duration::days(days.into()));
        let new = store::NewToken {
            id: &id,
            username: &user.username,
            name,
            project_id: &project.id,
            role: request.role,
            secret_hash: &tokens::hash(&secret),
            hint: &tokens::hint(&secret),
            expires_at,
        };
        store::insert(&self.db, &new, now).await?;
        self.audit_token(actor, &project.id, AuditAction::CreateToken, &id, name, now).await?;
        let token =
            store::by_id(&self.db, &id).await?.ok_or_else(|| ServiceError::NotFound("token".into()))?;
        Ok(CreatedToken { token: token.view, secret })
    }

    /// `user`'s tokens, and the other users' tokens of the projects `user` administers.
    pub async fn tokens(&self, user: &User) -> Result<TokensView, ServiceError> {
        let own = store::of_user(&self.db, &user.username).await?.into_iter().map(|t| t.view).collect();
        let mut administered: Vec<TokenView> = Vec::new();
        for membership in user.memberships.iter().filter(|m| m.role == Role::Admin) {
            let theirs = store::of_project(&self.db, &membership.project_id).await?;
            administered.extend(theirs.into_iter().map(|t| t.view).filter(|t| t.username != user.username));
        }
        let never_expiring_projects =
            self.projects.iter().filter(|p| p.groups.tokens_never_expire).map(|p| p.id.clone()).collect();
        Ok(TokensView { own, administered, never_expiring_projects })
    }

    /// The token `id`, whoever it belongs to.
    pub async fn token(&self, id: &str) -> Result<TokenView, ServiceError> {
        let found = store::by_id(&self.db, id).await?;
        found.map(|t| t.view).ok_or_else(|| ServiceError::NotFound(format!("token {id}")))
    }

    /// Revokes the token `id` (the caller's right to has been checked).
    pub async fn revoke_token(
        &self,
        actor: &Actor,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenView, ServiceError> {
        let token = self.token(id).await?;
        if !store::revoke(&self.db, id, &actor.name(), now).await? {
            return Err(ServiceError::Conflict("This token was already revoked.".into()));
        }
        self.audit_token(actor, &token.project_id, AuditAction::RevokeToken, id, &token.name, now).await?;
        self.token(id).await
    }

    async fn audit_token(
        &self,
        actor: &Actor,
        project: &str,
        action: AuditAction,
        id: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let event = AuditEvent {
            project_id: Some(project.to_string()),
            actor: actor.name(),
            actor_address: actor.address.clone(),
            action,
            target_kind: Some(TargetKind::Token),
            target_id: Some(id.to_string()),
            target_name: Some(name.to_string()),
            outcome: Outcome::Succeeded,
            operation_id: None,
        };
        audit::record(&self.db, &event, now).await?;
        Ok(())
    }
}
