//! Credentials: MWT (`X-Mizan-Token`), Bearer JWT, and the signed session cookie, each HS256
//! or HMAC-SHA256 with its own secret.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::model::User;

type HmacSha256 = Hmac<Sha256>;

/// The `aud` every MWT must carry, and the key id its header names.
pub const MWT_AUDIENCE: &str = "mizan";
pub const MWT_KID: &str = "mwt-1";
/// Default MWT lifetime in seconds.
pub const MWT_LIFETIME: u64 = 300;

/// Secrets, one per purpose, from `MIZAN_*_SECRET` (development values when unset).
#[derive(Debug, Clone)]
pub struct Secrets {
    pub mwt: Vec<u8>,
    pub jwt: Vec<u8>,
    pub cache: Vec<u8>,
    pub session: Vec<u8>,
}

impl Secrets {
    pub fn from_env() -> Self {
        let get = |name: &str, dev: &str| {
            std::env::var(name)
                .unwrap_or_else(|_| dev.to_owned())
                .into_bytes()
        };
        Secrets {
            mwt: get("MIZAN_MWT_SECRET", "dev-mwt-secret"),
            jwt: get("MIZAN_JWT_SECRET", "dev-jwt-secret"),
            cache: get("MIZAN_CACHE_SECRET", "dev-cache-secret"),
            session: get("MIZAN_SESSION_SECRET", "dev-session-secret"),
        }
    }
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn mac(secret: &[u8], data: &[u8]) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    m.update(data);
    m
}

pub fn hmac_hex(secret: &[u8], data: &[u8]) -> String {
    hex::encode(mac(secret, data).finalize().into_bytes())
}

/// Signs `claims` as an HS256 JWT, with `kid` in the header when given.
pub fn sign_jwt(secret: &[u8], kid: Option<&str>, claims: &Value) -> String {
    let mut header = json!({ "alg": "HS256", "typ": "JWT" });
    if let Some(kid) = kid {
        header["kid"] = json!(kid);
    }
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = URL_SAFE_NO_PAD.encode(
        mac(secret, signing_input.as_bytes())
            .finalize()
            .into_bytes(),
    );
    format!("{signing_input}.{signature}")
}

/// Verifies an HS256 JWT: signature (constant time), `alg`, the `kid` and `aud` when expected,
/// `exp` and `nbf`. Returns its claims.
pub fn verify_jwt(
    secret: &[u8],
    token: &str,
    kid: Option<&str>,
    audience: Option<&str>,
    now: u64,
) -> Result<Value, &'static str> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed token");
    };
    let decode = |p: &str| {
        URL_SAFE_NO_PAD
            .decode(p)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    };
    let header = decode(h).ok_or("malformed token header")?;
    if header["alg"] != "HS256" {
        return Err("unsupported algorithm");
    }
    if let Some(kid) = kid {
        if header["kid"] != kid {
            return Err("unknown key id");
        }
    }
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| "malformed signature")?;
    mac(secret, format!("{h}.{c}").as_bytes())
        .verify_slice(&signature)
        .map_err(|_| "bad signature")?;
    let claims = decode(c).ok_or("malformed claims")?;
    let exp = claims["exp"].as_u64().ok_or("no expiry")?;
    if exp <= now {
        return Err("expired");
    }
    if claims["nbf"].as_u64().is_some_and(|nbf| nbf > now) {
        return Err("not valid yet");
    }
    if let Some(aud) = audience {
        if claims["aud"] != aud {
            return Err("wrong audience");
        }
    }
    Ok(claims)
}

/// An MWT for `user`, valid from `now` for `lifetime` seconds.
pub fn mwt_for(secret: &[u8], user: &User, now: u64, lifetime: u64) -> String {
    // pkey: a hash of the user's sorted permissions, so a permission change invalidates tokens.
    let mut perms: Vec<&str> = Vec::new();
    if user.is_staff {
        perms.push("staff");
    }
    if user.is_superuser {
        perms.push("superuser");
    }
    perms.sort_unstable();
    let pkey = hex::encode(Sha256::digest(perms.join(",").as_bytes()));
    let claims = json!({
        "sub": user.id.to_string(), "iat": now, "nbf": now, "exp": now + lifetime, "aud": MWT_AUDIENCE,
        "staff": user.is_staff, "super": user.is_superuser, "pkey": pkey,
    });
    sign_jwt(secret, Some(MWT_KID), &claims)
}

/// The session cookie's value for a user: `<id>.<hmac>`.
pub fn session_value(secret: &[u8], user_id: i64) -> String {
    format!(
        "{user_id}.{}",
        hmac_hex(secret, user_id.to_string().as_bytes())
    )
}

pub fn verify_session(secret: &[u8], value: &str) -> Option<i64> {
    let (id, sig) = value.split_once('.')?;
    let expected = hex::decode(sig).ok()?;
    mac(secret, id.as_bytes()).verify_slice(&expected).ok()?;
    id.parse().ok()
}

/// A fresh CSRF token: unpredictable enough for a development server (HMAC of time and `n`
/// under the session secret). `n` is new for every token the server hands out (a counter of
/// its state), so two tokens made in the same nanosecond still differ.
pub fn csrf_token(secret: &[u8], n: u64) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hmac_hex(secret, format!("csrf:{nanos}:{n}").as_bytes())[..32].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> User {
        User {
            id: 1,
            username: "ada".into(),
            email: "ada@example.com".into(),
            is_staff: false,
            is_superuser: false,
        }
    }

    #[test]
    fn mwt_round_trip_and_rejections() {
        let token = mwt_for(b"s", &ada(), 1000, 300);
        let claims =
            verify_jwt(b"s", &token, Some(MWT_KID), Some(MWT_AUDIENCE), 1100).expect("valid");
        assert_eq!(claims["sub"], "1");
        assert_eq!(
            verify_jwt(b"other", &token, Some(MWT_KID), Some(MWT_AUDIENCE), 1100),
            Err("bad signature")
        );
        assert_eq!(
            verify_jwt(b"s", &token, Some(MWT_KID), Some(MWT_AUDIENCE), 1300),
            Err("expired")
        );
        assert_eq!(
            verify_jwt(b"s", &token, Some("other-kid"), Some(MWT_AUDIENCE), 1100),
            Err("unknown key id")
        );
        assert_eq!(
            verify_jwt(b"s", &token, Some(MWT_KID), Some("other"), 1100),
            Err("wrong audience")
        );
        assert_eq!(
            verify_jwt(b"s", &token, Some(MWT_KID), Some(MWT_AUDIENCE), 999),
            Err("not valid yet")
        );
        assert_eq!(
            verify_jwt(b"s", "a.b", None, None, 0),
            Err("malformed token")
        );
    }

    #[test]
    fn session_cookies_are_signed() {
        let v = session_value(b"k", 7);
        assert_eq!(verify_session(b"k", &v), Some(7));
        assert_eq!(verify_session(b"other", &v), None);
        assert_eq!(verify_session(b"k", &v.replacen('7', "8", 1)), None);
    }
}
