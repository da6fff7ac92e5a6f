//! カラーミー's OAuth 2.0 authorization-code grant with the out-of-band redirect
//! (`reference/colorme-api.md` §1): the authorize URL to open in any browser, the code read back
//! from what the operator pastes (the code, or the "authorization complete" URL whose last path
//! segment is the code), and the exchange at `/oauth/token`. The token never expires; there is
//! no refresh.

use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

/// The redirect URI of an application without a web server.
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";
/// What hassou asks for: read sales (pull, the check read) and write them (slips, 配送済み, mail).
pub const SCOPES: [&str; 2] = ["read_sales", "write_sales"];

fn encode(value: &str) -> String {
    // `%20` for spaces, as the documentation's example has it (not `+`).
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// `{api_base}/oauth/authorize?client_id=…&redirect_uri=urn:…:oob&response_type=code&scope=…&state=…`.
pub fn authorize_url(api_base: &url::Url, client_id: &str, state: &str) -> String {
    let base = api_base.as_str().trim_end_matches('/');
    format!(
        "{base}/oauth/authorize?client_id={}&redirect_uri={}&response_type=code&scope={}&state={}",
        encode(client_id),
        encode(OOB_REDIRECT),
        encode(&SCOPES.join(" ")),
        encode(state)
    )
}

/// The authorization code in what the operator pasted: the code itself, the landing URL
/// `…/oauth/authorize/CODE`, or a redirect URL with `?code=` (and then a `state` that must be
/// ours). A denial (`error=access_denied`) comes back as its description.
pub fn code_from_paste(pasted: &str, state: &str) -> Result<String, String> {
    let text = pasted.trim();
    if text.is_empty() {
        return Err("nothing was pasted: paste the code, or the URL the browser landed on".into());
    }
    let Ok(url) = url::Url::parse(text).map_err(|_| ()).and_then(|u| {
        if matches!(u.scheme(), "http" | "https") {
            Ok(u)
        } else {
            Err(())
        }
    }) else {
        let plain = text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' || c == '~');
        return if plain {
            Ok(text.to_owned())
        } else {
            Err(format!(
                "{text:?} is neither an authorization code nor the URL the browser landed on"
            ))
        };
    };
    let query = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    if let Some(error) = query("error") {
        return Err(format!(
            "カラーミー did not authorize: {error} {}",
            query("error_description").unwrap_or_default()
        )
        .trim_end()
        .to_owned());
    }
    if let Some(returned) = query("state")
        && returned != state
    {
        return Err(
            "the pasted URL belongs to another sign-in (its state does not match); start again"
                .into(),
        );
    }
    if let Some(code) = query("code").filter(|c| !c.is_empty()) {
        return Ok(code);
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    match segments.as_slice() {
        [.., "authorize", code] => Ok((*code).to_owned()),
        _ => Err(format!(
            "{text} has no code in it: after approving, the browser lands on …/oauth/authorize/CODE"
        )),
    }
}

/// What the token endpoint granted.
#[derive(Debug)]
pub struct Grant {
    pub access_token: SecretString,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    /// The token endpoint refused, in RFC 6749's words (shown as they are).
    #[error("カラーミー refused the code (HTTP {status}): {error}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        status: u16,
        error: String,
        description: Option<String>,
    },
    /// Could not reach the endpoint, or its answer made no sense.
    #[error("{0}")]
    Transport(String),
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    token_type: Option<String>,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    error_description: Option<String>,
}

/// `POST {api_base}/oauth/token` (form-encoded) for `code`. Not retried: a code works once.
pub async fn exchange(
    api_base: &url::Url,
    client_id: &str,
    client_secret: &str,
    code: &str,
) -> Result<Grant, ExchangeError> {
    let url = api_base
        .join("oauth/token")
        .map_err(|e| ExchangeError::Transport(format!("bad api_base: {e}")))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("hassou/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ExchangeError::Transport(format!("cannot start the HTTP client: {e}")))?;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("code", code),
        ("redirect_uri", OOB_REDIRECT),
    ];
    let response = http.post(url).form(&form).send().await.map_err(|e| {
        ExchangeError::Transport(format!(
            "cannot reach カラーミー's token endpoint: {}",
            e.without_url()
        ))
    })?;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(match serde_json::from_str::<TokenError>(&body) {
            Ok(e) => ExchangeError::Refused {
                status,
                error: e.error,
                description: e.error_description.filter(|d| !d.is_empty()),
            },
            Err(_) => ExchangeError::Refused {
                status,
                error: if body.trim().is_empty() {
                    "(no body)".into()
                } else {
                    body.trim().chars().take(300).collect()
                },
                description: (status == 403).then(|| {
                    "the token endpoint answers 403 with no body to an unsupported grant_type"
                        .to_owned()
                }),
            },
        });
    }
    let answer: TokenAnswer = serde_json::from_str(&body).map_err(|e| {
        ExchangeError::Transport(format!("the token endpoint's answer is not JSON ({e})"))
    })?;
    let token = answer
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ExchangeError::Transport("the token endpoint sent no access_token".into())
        })?;
    if let Some(kind) = answer.token_type
        && !kind.eq_ignore_ascii_case("bearer")
    {
        return Err(ExchangeError::Transport(format!(
            "the token endpoint sent a {kind:?} token; hassou speaks Bearer"
        )));
    }
    Ok(Grant {
        access_token: SecretString::from(token),
        scopes: answer
            .scope
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_has_the_oob_redirect_and_both_scopes() {
        let base = url::Url::parse("https://api.shop-pro.jp").expect("url");
        assert_eq!(
            authorize_url(&base, "abc123", "s1"),
            "https://api.shop-pro.jp/oauth/authorize?client_id=abc123&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&response_type=code&scope=read_sales%20write_sales&state=s1"
        );
    }

    #[test]
    fn the_code_is_found_in_whatever_is_pasted() {
        let cases: [(&str, Result<&str, &str>); 8] = [
            ("  d1e2f3  \n", Ok("d1e2f3")),
            (
                "https://api.shop-pro.jp/oauth/authorize/abcDEF123",
                Ok("abcDEF123"),
            ),
            (
                "https://api.shop-pro.jp/oauth/authorize/abcDEF123/",
                Ok("abcDEF123"),
            ),
            (
                "http://127.0.0.1:8702/oauth/authorize/xyz?state=s1",
                Ok("xyz"),
            ),
            ("https://example.jp/cb?code=C0DE&state=s1", Ok("C0DE")),
            (
                "https://example.jp/cb?code=C0DE&state=other",
                Err("another sign-in"),
            ),
            (
                "https://example.jp/cb?error=access_denied&error_description=%E8%AA%8D%E5%8F%AF%E3%82%92%E3%82%AD%E3%83%A3%E3%83%B3%E3%82%BB%E3%83%AB%E3%81%97%E3%81%BE%E3%81%97%E3%81%9F%E3%80%82",
                Err("access_denied 認可をキャンセルしました。"),
            ),
            (
                "https://api.shop-pro.jp/oauth/authorize",
                Err("has no code"),
            ),
        ];
        for (pasted, expected) in cases {
            match (code_from_paste(pasted, "s1"), expected) {
                (Ok(code), Ok(want)) => assert_eq!(code, want, "{pasted}"),
                (Err(message), Err(want)) => {
                    assert!(message.contains(want), "{pasted}: {message}");
                }
                (got, want) => panic!("{pasted}: got {got:?}, expected {want:?}"),
            }
        }
        assert!(code_from_paste("", "s1").is_err());
        assert!(code_from_paste("not a code!", "s1").is_err());
    }
}
