//! `hassou auth colorme`: sign in to カラーミーショップ over SSH. Prints the authorize URL (open
//! it in any browser), reads the code or the landing URL from standard input (so it can be
//! piped), exchanges it, keeps the token in an owner-only file, and checks it with one read.
//! The token is never printed.

use crate::text::Tell;
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
use crate::config::{Secret, SecretSource, StoreConfig};
use crate::domain::Store;

/// A value the pasted URL must carry back if it carries one (the OAuth `state`).
fn fresh_state() -> String {
    let mut rng = crate::sample::Rng::from_clock(u64::from(std::process::id()) << 32);
    format!("{:016x}", rng.next_u64())
}

/// Signs `store` (a カラーミー store) in and keeps its token in its own file.
pub async fn colorme(ctx: &Context, store: Store, out: &mut Out) -> Result<u8, Failure> {
    let lang = ctx.config.language;
    // `hassou auth` calls this with a configured カラーミー store; any other store signs in
    // with a token from its admin.
    let Some(config) = ctx
        .config
        .store_config(store)
        .and_then(StoreConfig::colorme)
    else {
        return Err(Failure::input(
            crate::text::Say::ShopifySignsInWithAToken.get(lang),
        ));
    };
    let client_id = config
        .client_id
        .as_deref()
        .ok_or_else(|| Failure::input(Tell::ClientIdMissing.get(lang)))?;
    let client_secret = config
        .client_secret
        .as_ref()
        .ok_or_else(|| Failure::input(Tell::ClientSecretMissing.get(lang)))?;
    let token_file = config
        .token_file
        .clone()
        .ok_or_else(|| Failure::input(Tell::NoTokenPlace.get(lang)))?;
    let state = fresh_state();
    out.line(Tell::OpenThisUrl.get(lang));
    out.line("");
    out.line(format!(
        "  {}",
        authorize_url(&config.api_base, client_id, &state)
    ));
    out.line("");
    out.line(Tell::PasteTheCode.get(lang));
    out.flush();
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await
        .map_err(|e| Failure::input(Tell::CannotReadInput(&e.to_string()).get(lang)))?;
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
            message: Tell::CannotStoreToken {
                path: &token_file.display().to_string(),
                error: &e.to_string(),
            }
            .get(lang),
        },
    )?;
    out.line(Tell::SignedIn(&token_file.display().to_string()).get(lang));
    let missing: Vec<&str> = SCOPES
        .iter()
        .copied()
        .filter(|s| !grant.scopes.iter().any(|g| g == s))
        .collect();
    if !missing.is_empty() {
        out.line(Tell::TokenLacksScopes(&missing.join(" ")).get(lang));
    }
    if let Some(Secret { source, .. }) = &config.access_token
        && *source != SecretSource::TokenFile
    {
        out.line(
            Tell::TokenOverriddenBy(match source {
                SecretSource::Env(var) => var.as_str(),
                _ => "access_token",
            })
            .get(lang),
        );
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
