//! `hassou auth colorme`: sign in to カラーミーショップ over SSH. Prints the authorize URL (open
//! it in any browser), reads the code or the landing URL from standard input (so it can be
//! piped), exchanges it, keeps the token in an owner-only file, and checks it with one read.
//! The token is never printed.

use chrono::{Duration, Utc};
use reqwest::Method;
use secrecy::ExposeSecret;
use tokio::io::AsyncBufReadExt;

use super::{Context, Failure, Out};
use crate::channels::colorme::client::{ClientOptions, ColormeClient, Repeat};
use crate::channels::colorme::model::SalesPage;
use crate::channels::colorme::oauth::{
    ExchangeError, SCOPES, authorize_url, code_from_paste, exchange,
};
use crate::config::{Secret, SecretSource};

/// A value the pasted URL must carry back if it carries one (the OAuth `state`).
fn fresh_state() -> String {
    let mut rng = crate::sample::Rng::from_clock(u64::from(std::process::id()) << 32);
    format!("{:016x}", rng.next_u64())
}

pub async fn colorme(ctx: &Context, out: &mut Out) -> Result<u8, Failure> {
    let config = &ctx.config.colorme;
    let client_id = config.client_id.as_deref().ok_or_else(|| {
        Failure::input(
            "[colorme] client_id is not set (or HASSOU_COLORME_CLIENT_ID): register an app at https://api.shop-pro.jp/oauth/applications/new with the redirect URL urn:ietf:wg:oauth:2.0:oob",
        )
    })?;
    let client_secret = config.client_secret.as_ref().ok_or_else(|| {
        Failure::input("no カラーミー client secret: set HASSOU_COLORME_CLIENT_SECRET or [colorme] client_secret")
    })?;
    let token_file = config.token_file.clone().ok_or_else(|| {
        Failure::input("no place to keep the token (no config dir): set [colorme] token_file")
    })?;
    let state = fresh_state();
    out.line("Open this URL in a browser, sign in to カラーミーショップ and approve hassou:");
    out.line("");
    out.line(format!(
        "  {}",
        authorize_url(&config.api_base, client_id, &state)
    ));
    out.line("");
    out.line(
        "Then paste the code, or the whole URL the browser lands on (…/oauth/authorize/CODE):",
    );
    out.flush();
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await
        .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
    let code = code_from_paste(&line, &state).map_err(Failure::input)?;
    let grant = exchange(
        &config.api_base,
        client_id,
        client_secret.value.expose_secret(),
        &code,
    )
    .await
    .map_err(|e| match e {
        ExchangeError::Refused { .. } => Failure::input(e.to_string()),
        ExchangeError::Transport(message) => Failure { code: 1, message },
    })?;
    // Stored before the check: the code is spent, so the token must not be lost to a blip.
    crate::token_file::write_owner_only(&token_file, grant.access_token.expose_secret()).map_err(
        |e| Failure {
            code: 1,
            message: format!(
                "{}: cannot store the token: {e} (sign in again once this is fixed)",
                token_file.display()
            ),
        },
    )?;
    out.line(format!(
        "signed in: the token is stored in {} (readable by you only; it does not expire — revoke it in カラーミー's 許可済みアプリケーション一覧)",
        token_file.display()
    ));
    let missing: Vec<&str> = SCOPES
        .iter()
        .copied()
        .filter(|s| !grant.scopes.iter().any(|g| g == s))
        .collect();
    if !missing.is_empty() {
        out.line(format!(
            "warning: the token lacks {}; pull or sync will be refused until you sign in again and approve them",
            missing.join(" ")
        ));
    }
    if let Some(Secret { source, .. }) = &config.access_token
        && *source != SecretSource::TokenFile
    {
        out.line(format!(
            "note: {} is set and is used instead of the token file",
            match source {
                SecretSource::Env(var) => *var,
                _ => "[colorme] access_token",
            }
        ));
    }
    out.flush();
    let client = ColormeClient::new(
        &config.api_base,
        grant.access_token,
        ClientOptions::default(),
    )
    .map_err(Failure::input)?;
    let format = |t: chrono::DateTime<Utc>| {
        t.with_timezone(&ctx.config.timezone.offset())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let now = Utc::now();
    let query = [
        ("make_date_min", format(now - Duration::days(30))),
        ("make_date_max", format(now)),
        ("limit", "1".to_owned()),
    ];
    match client
        .send::<SalesPage>(Method::GET, "/v1/sales", &query, None, Repeat::Safe)
        .await
    {
        Ok((page, _)) => {
            out.line(format!(
                "checked: the token reads sales ({} in the last 30 days)",
                page.meta.total
            ));
            Ok(0)
        }
        Err(e) => Err(Failure {
            code: 1,
            message: format!("the token is stored, but the check read failed: {e}"),
        }),
    }
}
