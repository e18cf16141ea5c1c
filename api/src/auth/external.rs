//! Trusted external identity providers: a partner frontend keeps its own login, and this server accepts
//! its tokens. Each issuer is configured with its JWKS URL, audience and a mapping of its role claim to our
//! roles; its keys are fetched and cached, and fetched again on an unknown `kid` at most once a minute.

use crate::auth::Role;
use crate::auth::jwt::check_times;
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use tokio::sync::Mutex;

const REFETCH_UNKNOWN_KID_AFTER: Duration = Duration::minutes(1);
const REFRESH_KEYS_AFTER: Duration = Duration::hours(1);

/// One trusted issuer, as configured in `IMPACT_EXTERNAL_ISSUERS` (a JSON array of these).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuerConfig {
    /// The exact `iss` of its tokens.
    pub issuer: String,
    pub jwks_url: String,
    /// The `aud` its tokens must carry for this API.
    pub audience: String,
    /// Accepted algorithms (default RS256).
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<Algorithm>,
    /// The claim holding the user's roles at the provider (an array, or a space-separated string).
    #[serde(default = "default_roles_claim")]
    pub roles_claim: String,
    /// Provider role → our role; unmapped roles are ignored.
    #[serde(default)]
    pub role_map: HashMap<String, Role>,
}

fn default_algorithms() -> Vec<Algorithm> {
    vec![Algorithm::RS256]
}

fn default_roles_claim() -> String {
    "roles".to_owned()
}

/// Who an external token says the caller is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    pub issuer: String,
    pub subject: String,
    /// Present only when the provider vouches for it (`email_verified: true`), lower-cased.
    pub verified_email: Option<String>,
    pub name: Option<String>,
    pub roles: Vec<Role>,
}

struct KeyCache {
    keys: Vec<(String, DecodingKey)>,
    fetched_at: Option<DateTime<Utc>>,
    /// When an unknown key id last made us fetch again (rate-limited, so bogus kids cannot hammer the provider).
    refetched_for_unknown_kid_at: Option<DateTime<Utc>>,
}

struct Issuer {
    config: IssuerConfig,
    cache: Mutex<KeyCache>,
}

pub struct ExternalIssuers {
    issuers: Vec<Issuer>,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    exp: i64,
    iat: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<bool>,
    #[serde(default)]
    name: Option<String>,
    #[serde(flatten)]
    other: HashMap<String, Value>,
}

impl ExternalIssuers {
    /// Parses `IMPACT_EXTERNAL_ISSUERS`; an empty list when unset.
    pub fn from_config(json: Option<&str>) -> anyhow::Result<Self> {
        let configs: Vec<IssuerConfig> = match json.map(str::trim).filter(|s| !s.is_empty()) {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| anyhow::anyhow!("IMPACT_EXTERNAL_ISSUERS is not a valid list of issuers: {e}"))?,
            None => Vec::new(),
        };
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build()?;
        let issuers = configs
            .into_iter()
            .map(|config| Issuer {
                config,
                cache: Mutex::new(KeyCache { keys: Vec::new(), fetched_at: None, refetched_for_unknown_kid_at: None }),
            })
            .collect();
        Ok(Self { issuers, http })
    }

    /// Whether a token claiming issuer `iss` is one of ours to check.
    pub fn trusts(&self, iss: &str) -> bool {
        self.issuers.iter().any(|i| i.config.issuer == iss)
    }

    /// Checks a token of a trusted issuer. Every failure is `UNAUTHENTICATED`; the reason is only logged.
    pub async fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<ExternalIdentity, AppError> {
        self.check(token, now).await.map_err(|reason| {
            tracing::info!(%reason, "external token rejected");
            AppError::Unauthenticated
        })
    }

    async fn check(&self, token: &str, now: DateTime<Utc>) -> Result<ExternalIdentity, String> {
        let header = decode_header(token).map_err(|e| format!("unreadable header: {e}"))?;
        let unverified = jsonwebtoken::dangerous::insecure_decode::<Value>(token).map_err(|e| e.to_string())?;
        let iss = unverified.claims.get("iss").and_then(Value::as_str).unwrap_or_default();
        let issuer = self.issuers.iter().find(|i| i.config.issuer == iss).ok_or("untrusted issuer")?;
        if !issuer.config.algorithms.contains(&header.alg) {
            return Err(format!("algorithm {:?} not accepted for {iss}", header.alg));
        }
        let kid = header.kid.clone().ok_or("no key id")?;
        let key = self.key(issuer, &kid, now).await?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = issuer.config.algorithms.clone();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        validation.set_issuer(&[&issuer.config.issuer]);
        validation.set_audience(&[&issuer.config.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        let claims = decode::<Claims>(token, &key, &validation).map_err(|e| e.to_string())?.claims;
        check_times(claims.exp, claims.nbf.unwrap_or(claims.iat), claims.iat, now)?;
        let roles = role_names(claims.other.get(&issuer.config.roles_claim))
            .filter_map(|name| issuer.config.role_map.get(&name).copied())
            .collect();
        let verified_email = match (claims.email, claims.email_verified) {
            (Some(email), Some(true)) => Some(email.trim().to_lowercase()),
            _ => None,
        };
        Ok(ExternalIdentity { issuer: claims.iss, subject: claims.sub, verified_email, name: claims.name, roles })
    }

    /// The issuer's key `kid`, fetching the JWKS when none is cached, when it is old, or (at most once a
    /// minute) when the kid is unknown: the provider may have rotated its keys.
    async fn key(&self, issuer: &Issuer, kid: &str, now: DateTime<Utc>) -> Result<DecodingKey, String> {
        let mut cache = issuer.cache.lock().await;
        let find = |cache: &KeyCache| cache.keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key.clone());
        let stale = cache.fetched_at.is_none_or(|at| now - at >= REFRESH_KEYS_AFTER);
        if let Some(key) = find(&cache).filter(|_| !stale) {
            return Ok(key);
        }
        let may_refetch = cache.refetched_for_unknown_kid_at.is_none_or(|at| now - at >= REFETCH_UNKNOWN_KID_AFTER);
        if !stale && may_refetch {
            cache.refetched_for_unknown_kid_at = Some(now);
        }
        if stale || may_refetch {
            match self.fetch(&issuer.config.jwks_url).await {
                Ok(keys) => {
                    cache.keys = keys;
                    cache.fetched_at = Some(now);
                }
                Err(error) => {
                    tracing::warn!(issuer = %issuer.config.issuer, %error, "fetching the JWKS failed");
                    if cache.fetched_at.is_none() {
                        return Err(format!("no keys for {}: {error}", issuer.config.issuer));
                    }
                }
            }
        }
        find(&cache).ok_or_else(|| format!("unknown key id {kid}"))
    }

    async fn fetch(&self, url: &str) -> Result<Vec<(String, DecodingKey)>, String> {
        let set: JwkSet = self
            .http
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok(set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
            .collect())
    }
}

fn role_names(claim: Option<&Value>) -> impl Iterator<Item = String> {
    let names: Vec<String> = match claim {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(text)) => text.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    names.into_iter()
}
