//! From a bearer token to a `Principal`: this server's own access tokens (checked against the live
//! session, so logout and password changes end them at once), service-account tokens, and tokens of
//! trusted external identity providers (their users linked to local users on first sight).

use crate::auth::external::ExternalIssuers;
use crate::auth::jwt::{JwtKeys, SubjectKind};
use crate::auth::{Principal, Role};
use crate::config::Config;
use crate::domain::{Services, accounts};
use crate::error::{AppError, AppResult};

use entity::{service_account, session, user_programme, user_role};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

pub struct Authenticator {
    keys: JwtKeys,
    external: ExternalIssuers,
}

impl Authenticator {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        Ok(Self {
            keys: JwtKeys::from_config(&config.auth, config.is_production())?,
            external: ExternalIssuers::from_config(config.auth.external_issuers.as_deref())?,
        })
    }

    pub fn keys(&self) -> &JwtKeys {
        &self.keys
    }

    /// The principal a bearer token stands for; `UNAUTHENTICATED` for anything not valid right now.
    pub async fn authenticate(&self, services: &Services, token: &str) -> AppResult<Principal> {
        let (db, now) = (&services.db, services.now());
        let issuer = jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(token)
            .ok()
            .and_then(|data| data.claims.get("iss").and_then(|v| v.as_str()).map(str::to_owned));
        if let Some(issuer) = issuer.filter(|iss| iss != self.keys.issuer() && self.external.trusts(iss)) {
            tracing::debug!(%issuer, "token of an external identity provider");
            let identity = self.external.verify(token, now).await?;
            let id = accounts::link_external(services, &identity).await?;
            let (mut roles, programmes) = roles_of(db, id).await?;
            roles.extend(identity.roles.iter().copied().filter(|r| *r != Role::Integrator));
            roles.sort();
            roles.dedup();
            return Ok(Principal { id, kind: SubjectKind::User, roles, programmes, session: None });
        }
        let claims = self.keys.verify(token, now)?;
        let id = Uuid::parse_str(&claims.sub).map_err(|_| AppError::Unauthenticated)?;
        match claims.kind {
            SubjectKind::User => {
                let family = claims.sid.ok_or(AppError::Unauthenticated)?;
                let live = session::Entity::find()
                    .filter(session::Column::FamilyId.eq(family))
                    .filter(session::Column::UserId.eq(id))
                    .filter(session::Column::RevokedAt.is_null())
                    .filter(session::Column::ExpiresAt.gt(now))
                    .count(db)
                    .await?;
                if live == 0 {
                    return Err(AppError::Unauthenticated);
                }
                let (roles, programmes) = roles_of(db, id).await?;
                Ok(Principal { id, kind: SubjectKind::User, roles, programmes, session: Some(family) })
            }
            SubjectKind::Service => {
                let active = service_account::Entity::find_by_id(id)
                    .filter(service_account::Column::RevokedAt.is_null())
                    .count(db)
                    .await?;
                if active == 0 {
                    return Err(AppError::Unauthenticated);
                }
                Ok(Principal {
                    id,
                    kind: SubjectKind::Service,
                    roles: vec![Role::Integrator],
                    programmes: Vec::new(),
                    session: None,
                })
            }
        }
    }
}

/// A user's roles and, for managing authorities, their programmes.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: Uuid) -> AppResult<(Vec<Role>, Vec<Uuid>)> {
    let mut roles: Vec<Role> = user_role::Entity::find()
        .select_only()
        .column(user_role::Column::Role)
        .filter(user_role::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    roles.sort();
    let programmes: Vec<Uuid> = if roles.contains(&Role::ManagingAuthority) {
        user_programme::Entity::find()
            .select_only()
            .column(user_programme::Column::ProgrammeId)
            .filter(user_programme::Column::UserId.eq(user_id))
            .into_tuple()
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    Ok((roles, programmes))
}
