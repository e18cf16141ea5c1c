//! Access tokens: short-lived JWTs of type `at+jwt` (RFC 9068), issued and checked by the book (RFC 8725):
//! one algorithm pinned by configuration, `typ`, `iss`, `aud`, `sub`, `exp`, `nbf` and `iat` all checked,
//! time from the injectable clock, keys chosen by `kid`, earlier keys still accepted while listed (rotation).

use crate::auth::secrets::{new_token, sha256_hex};
use crate::config::{Auth, JwtAlgorithm};
use crate::error::AppError;
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, OctetKeyPairParameters,
    OctetKeyPairType, PublicKeyUse, ThumbprintHash,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// Tolerated clock difference between this server and whoever checks its tokens.
const LEEWAY_SECS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    User,
    Service,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    /// Whether `sub` is a user or a service account.
    pub kind: SubjectKind,
    /// Role names at issue time (informative: the server reloads them on each request).
    pub roles: Vec<String>,
    /// The session family of a user's token; revoking it ends the token at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

/// The signing key and every key accepted for verification.
pub struct JwtKeys {
    algorithm: Algorithm,
    signing_key: EncodingKey,
    signing_kid: String,
    verifying_keys: Vec<(String, DecodingKey)>,
    public_keys: JwkSet,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl JwtKeys {
    /// Loads the keys of the configuration. With none configured, development gets an ephemeral key
    /// (tokens die with the process) and production refuses to start.
    pub fn from_config(auth: &Auth, production: bool) -> anyhow::Result<Self> {
        let (algorithm, signing_key, signing_kid, mut verifying_keys, mut public_keys) = match auth.jwt_algorithm {
            JwtAlgorithm::Hs256 => hmac_keys(auth, production)?,
            JwtAlgorithm::EdDsa | JwtAlgorithm::Rs256 => asymmetric_keys(auth, production)?,
        };
        if let Some(path) = &auth.jwt_previous_keys_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("IMPACT_JWT_PREVIOUS_KEYS_FILE: cannot read {}", path.display()))?;
            let set: JwkSet = serde_json::from_str(&text)
                .with_context(|| format!("IMPACT_JWT_PREVIOUS_KEYS_FILE: {} is not a JWKS", path.display()))?;
            for jwk in set.keys {
                let kid = jwk.common.key_id.clone().context("IMPACT_JWT_PREVIOUS_KEYS_FILE: every key needs a kid")?;
                let key = DecodingKey::from_jwk(&jwk).with_context(|| format!("previous key {kid} is unusable"))?;
                verifying_keys.push((kid, key));
                public_keys.keys.push(jwk);
            }
        }
        let mut validation = Validation::new(algorithm);
        validation.validate_exp = false; // checked against the injectable clock below
        validation.validate_nbf = false;
        validation.leeway = 0;
        validation.set_issuer(&[&auth.jwt_issuer]);
        validation.set_audience(&[&auth.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        Ok(Self {
            algorithm,
            signing_key,
            signing_kid,
            verifying_keys,
            public_keys,
            validation,
            issuer: auth.jwt_issuer.clone(),
            audience: auth.jwt_audience.clone(),
            ttl: Duration::seconds(auth.access_token_ttl_secs as i64),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The public keys, as served at `/.well-known/jwks.json` (empty for HS256: secrets are never published).
    pub fn public_keys(&self) -> &JwkSet {
        &self.public_keys
    }

    /// Signs an access token for `subject`; returns it with its expiry.
    pub fn issue(
        &self,
        now: DateTime<Utc>,
        subject: Uuid,
        kind: SubjectKind,
        roles: Vec<String>,
        session: Option<Uuid>,
    ) -> Result<(String, DateTime<Utc>), AppError> {
        let expires_at = now + self.ttl;
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: subject.to_string(),
            exp: expires_at.timestamp(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
            jti: Uuid::new_v4().to_string(),
            kind,
            roles,
            sid: session,
        };
        let mut header = Header::new(self.algorithm);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        header.kid = Some(self.signing_kid.clone());
        let token = encode(&header, &claims, &self.signing_key)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("signing an access token failed: {e}")))?;
        Ok((token, expires_at))
    }

    /// Checks a token this server issued. Every failure is `UNAUTHENTICATED`; the reason is only logged.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, AppError> {
        self.check(token, now).map_err(|reason| {
            tracing::debug!(%reason, "access token rejected");
            AppError::Unauthenticated
        })
    }

    fn check(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, String> {
        let header = decode_header(token).map_err(|e| format!("unreadable header: {e}"))?;
        if header.alg != self.algorithm {
            return Err(format!("algorithm {:?} is not the configured one", header.alg));
        }
        if !header.typ.as_deref().is_some_and(is_access_token_type) {
            return Err(format!("token type {:?} is not {ACCESS_TOKEN_TYPE}", header.typ));
        }
        let key = match &header.kid {
            Some(kid) => self.verifying_keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key),
            None => None,
        }
        .ok_or_else(|| format!("unknown key id {:?}", header.kid))?;
        let claims = decode::<AccessClaims>(token, key, &self.validation).map_err(|e| e.to_string())?.claims;
        check_times(claims.exp, claims.nbf, claims.iat, now)?;
        Ok(claims)
    }
}

/// `exp`, `nbf` and `iat` against `now`, with the leeway (shared with external tokens).
pub fn check_times(exp: i64, nbf: i64, iat: i64, now: DateTime<Utc>) -> Result<(), String> {
    let now = now.timestamp();
    if exp <= now - LEEWAY_SECS {
        return Err("expired".to_owned());
    }
    if nbf > now + LEEWAY_SECS {
        return Err("not valid yet".to_owned());
    }
    if iat > now + LEEWAY_SECS {
        return Err("issued in the future".to_owned());
    }
    Ok(())
}

fn is_access_token_type(typ: &str) -> bool {
    typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYPE) || typ.eq_ignore_ascii_case("application/at+jwt")
}

type KeyMaterial = (Algorithm, EncodingKey, String, Vec<(String, DecodingKey)>, JwkSet);

fn hmac_keys(auth: &Auth, production: bool) -> anyhow::Result<KeyMaterial> {
    let secret = match &auth.jwt_secret {
        Some(secret) if secret.len() >= 32 => secret.as_bytes().to_vec(),
        Some(_) => bail!("IMPACT_JWT_SECRET must be at least 32 bytes long"),
        None if production => bail!("IMPACT_JWT_SECRET (or an IMPACT_JWT_PRIVATE_KEY_FILE) is required in production"),
        None => {
            tracing::warn!("no IMPACT_JWT_SECRET: using an ephemeral key; tokens end when the process does");
            new_token().into_bytes()
        }
    };
    let kid = |secret: &[u8]| format!("hs256-{}", &sha256_hex(secret)[..16]);
    let signing_kid = auth.jwt_key_id.clone().unwrap_or_else(|| kid(&secret));
    let mut verifying = vec![(signing_kid.clone(), DecodingKey::from_secret(&secret))];
    for previous in auth.jwt_previous_secrets.iter().filter(|s| !s.is_empty()) {
        verifying.push((kid(previous.as_bytes()), DecodingKey::from_secret(previous.as_bytes())));
    }
    Ok((Algorithm::HS256, EncodingKey::from_secret(&secret), signing_kid, verifying, JwkSet { keys: Vec::new() }))
}

fn asymmetric_keys(auth: &Auth, production: bool) -> anyhow::Result<KeyMaterial> {
    let (algorithm, signing_key, mut jwk) = match (auth.jwt_algorithm, &auth.jwt_private_key_file) {
        (JwtAlgorithm::EdDsa, Some(path)) => {
            let pem = read_key(path)?;
            let key = SigningKey::from_pkcs8_pem(&pem)
                .with_context(|| format!("IMPACT_JWT_PRIVATE_KEY_FILE: {} is no Ed25519 PKCS#8 key", path.display()))?;
            ed25519_keys(&key)?
        }
        (JwtAlgorithm::EdDsa, None) if !production => {
            tracing::warn!(
                "no IMPACT_JWT_PRIVATE_KEY_FILE: using an ephemeral Ed25519 key; tokens end with the process"
            );
            ed25519_keys(&SigningKey::generate(&mut argon2::password_hash::rand_core::OsRng))?
        }
        (JwtAlgorithm::Rs256, Some(path)) => {
            let pem = read_key(path)?;
            let key = EncodingKey::from_rsa_pem(pem.as_bytes())
                .with_context(|| format!("IMPACT_JWT_PRIVATE_KEY_FILE: {} is no RSA key", path.display()))?;
            let jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).context("cannot derive the RSA public key")?;
            (Algorithm::RS256, key, jwk)
        }
        _ => bail!("IMPACT_JWT_ALGORITHM={:?} needs IMPACT_JWT_PRIVATE_KEY_FILE", auth.jwt_algorithm),
    };
    let kid = auth.jwt_key_id.clone().unwrap_or_else(|| jwk.thumbprint(ThumbprintHash::SHA256));
    jwk.common.key_id = Some(kid.clone());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    let decoding = DecodingKey::from_jwk(&jwk).context("cannot use the public key")?;
    Ok((algorithm, signing_key, kid.clone(), vec![(kid, decoding)], JwkSet { keys: vec![jwk] }))
}

fn ed25519_keys(key: &SigningKey) -> anyhow::Result<(Algorithm, EncodingKey, Jwk)> {
    let der = key.to_pkcs8_der().context("cannot encode the Ed25519 key")?;
    let jwk = Jwk {
        common: CommonParameters { key_algorithm: Some(KeyAlgorithm::EdDSA), ..Default::default() },
        algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
            key_type: OctetKeyPairType::OctetKeyPair,
            curve: EllipticCurve::Ed25519,
            x: URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        }),
    };
    Ok((Algorithm::EdDSA, EncodingKey::from_ed_der(der.as_bytes()), jwk))
}

fn read_key(path: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("IMPACT_JWT_PRIVATE_KEY_FILE: cannot read {}", path.display()))
}
