//! `hassou auth|pull|sync colorme` from the real binary against the sandbox カラーミー: the
//! out-of-band sign-in (following the printed URL, pasting the landing URL), the token kept for
//! its owner only and never printed, token-endpoint errors shown as they are, then pull and sync
//! with the stored token.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use hassou::sandbox::colorme::{ColormeSandboxOptions, SandboxColorme};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

fn command(config: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::from(common::hassou_command(config));
    cmd.args(args);
    cmd.env("HASSOU_NOW", "2026-11-24T11:00:00+09:00");
    cmd
}

/// Runs hassou with `input` on its standard input.
async fn hassou(config: &Path, args: &[&str], input: &str) -> std::process::Output {
    let mut child = command(config, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hassou");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).await.expect("write");
    drop(stdin);
    child.wait_with_output().await.expect("hassou output")
}

struct Setup {
    _dir: tempfile::TempDir,
    config: PathBuf,
    token_file: PathBuf,
    sandbox: SandboxColorme,
}

async fn setup(client_secret: &str) -> Setup {
    let sandbox = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[colorme]\napi_base = \"{}\"\nclient_id = \"sandbox_client\"\nclient_secret = \"{client_secret}\"\ntoken_file = \"secrets/colorme-token\"\n",
            dir.path().join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    let token_file = dir.path().join("secrets").join("colorme-token");
    Setup {
        _dir: dir,
        config,
        token_file,
        sandbox,
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn sign_in_by_following_the_printed_url_then_pull_and_sync() {
    let s = setup("sandbox_secret").await;
    let mut child = command(&s.config, &["auth", "colorme"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hassou");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut authorize = None;
    while let Some(line) = stdout.next_line().await.expect("read") {
        if let Some(url) = line.trim().strip_prefix("http") {
            authorize = Some(format!("http{url}"));
        }
        // The prompt to paste (in the shop's language: ja here) ends what is printed first.
        if line.contains("(…/oauth/authorize/CODE)") {
            break;
        }
    }
    let authorize = authorize.expect("an authorize URL is printed");
    assert!(
        authorize.contains("scope=read_sales%20write_sales"),
        "{authorize}"
    );
    assert!(authorize.contains("redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"));
    // The operator opens it; the sandbox approves and lands on …/oauth/authorize/CODE.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let landing = browser.get(&authorize).send().await.expect("authorize");
    assert_eq!(landing.status().as_u16(), 302);
    let location = landing
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    let pasted = s.sandbox.url().join(&location).expect("landing URL");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{pasted}\n").as_bytes())
        .await
        .expect("paste");
    drop(stdin);
    let mut rest = Vec::new();
    while let Some(line) = stdout.next_line().await.expect("read") {
        rest.push(line);
    }
    let output = child.wait_with_output().await.expect("exit");
    let said = rest.join("\n");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{said}\n{}",
        text(&output.stderr)
    );
    assert!(said.contains("checked: the token reads sales"), "{said}");

    let token = std::fs::read_to_string(&s.token_file).expect("token file");
    let token = token.trim();
    assert!(
        s.sandbox.token_scopes(token).is_some(),
        "a token the store issued"
    );
    assert!(
        !said.contains(token) && !text(&output.stderr).contains(token),
        "never printed"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&s.token_file)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The stored token is what pull and sync use.
    let made = chrono::Utc::now() - chrono::Duration::days(12);
    s.sandbox.add_sale(30_001, "田中 健", made, 1);
    s.sandbox.add_sale(30_002, "伊藤 さくら", made, 2);
    let out = hassou(
        &s.config,
        &["pull", "colorme", "--days", "30", "--json"],
        "",
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(summary["new"], 2, "{summary}");
    // The operator enters the slips (both お届け先 of 30002) and marks them processed.
    for (number, tracking) in [
        ("30001", "444413758703"),
        ("30002", "390459983082;483484399683"),
    ] {
        let out = hassou(
            &s.config,
            &[
                "order",
                number,
                "set",
                "--status",
                "processed",
                "--carrier",
                "yamato",
                "--tracking",
                tracking,
                "--shipped-on",
                "2026-11-24",
            ],
            "",
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let out = hassou(&s.config, &["sync", "colorme", "--json"], "").await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["written"], 2, "{report}");
    let sale = s.sandbox.sale(30_002).expect("sale");
    let slips: Vec<_> = sale
        .deliveries
        .iter()
        .map(|d| (d.slip_number.clone().unwrap_or_default(), d.delivered))
        .collect();
    assert_eq!(
        slips,
        [
            ("390459983082".to_owned(), true),
            ("483484399683".to_owned(), true)
        ]
    );
    let out = hassou(&s.config, &["sync", "colorme", "--json"], "").await;
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["already_synced"], 2, "{report}");
}

#[tokio::test]
async fn a_used_code_is_refused_in_the_stores_words() {
    let s = setup("sandbox_secret").await;
    let code = s.sandbox.issue_code(&["read_sales", "write_sales"]);
    let first = hassou(&s.config, &["auth", "colorme"], &format!("{code}\n")).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let before = std::fs::read_to_string(&s.token_file).expect("token");
    let again = hassou(&s.config, &["auth", "colorme"], &format!("{code}\n")).await;
    assert_eq!(again.status.code(), Some(2));
    let stderr = text(&again.stderr);
    assert!(stderr.contains("HTTP 400"), "{stderr}");
    assert!(stderr.contains("invalid_grant"), "{stderr}");
    assert!(
        stderr.contains("指定された認可グラントは不正か"),
        "{stderr}"
    );
    // The token already stored is left as it was.
    assert_eq!(
        std::fs::read_to_string(&s.token_file).expect("token"),
        before
    );
}

#[tokio::test]
async fn a_wrong_secret_is_refused_in_the_stores_words() {
    let s = setup("not-the-secret").await;
    let code = s.sandbox.issue_code(&["read_sales", "write_sales"]);
    let out = hassou(&s.config, &["auth", "colorme"], &format!("{code}\n")).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("HTTP 401"), "{stderr}");
    assert!(stderr.contains("invalid_client"), "{stderr}");
    assert!(
        stderr.contains("クライアント認証が失敗しました"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("not-the-secret"),
        "the secret is never shown"
    );
    assert!(!s.token_file.exists());
}

#[tokio::test]
async fn a_missing_scope_is_said_and_nothing_pasted_is_bad_input() {
    let s = setup("sandbox_secret").await;
    let code = s.sandbox.issue_code(&["read_sales"]);
    let out = hassou(&s.config, &["auth", "colorme"], &format!("{code}\n")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        // Said in the shop's language (ja here), as every CLI message is.
        text(&out.stdout).contains("トークンに write_sales の権限がありません"),
        "{}",
        text(&out.stdout)
    );
    let out = hassou(&s.config, &["auth", "colorme"], "\n").await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nothing was pasted"));
}

#[tokio::test]
async fn a_token_file_others_can_read_is_refused() {
    let s = setup("sandbox_secret").await;
    let code = s.sandbox.issue_code(&["read_sales", "write_sales"]);
    let out = hassou(&s.config, &["auth", "colorme"], &format!("{code}\n")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&s.token_file, std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        let out = hassou(&s.config, &["pull", "colorme"], "").await;
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("chmod 600"), "{stderr}");
        assert!(stderr.contains("[colorme] token_file"), "{stderr}");
    }
}

/// Issue 23: a 2xx to the mail POST whose body could not be read was shown as "REFUSED by the
/// store, not sent — send it with send-mail", and `send-mail --yes` mailed the customer again.
/// Now `order N show` says the mail is uncertain and `send-mail` sends nothing.
#[tokio::test]
async fn an_unreadable_mail_answer_is_shown_uncertain_and_never_resent() {
    use hassou::sandbox::colorme::ColormeFaultTarget;
    use hassou::sandbox::shopify::Fault;
    let sandbox = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[colorme]\napi_base = \"{}\"\naccess_token = \"{}\"\nsend_shipping_mail = true\n",
            dir.path().join("h.db").display(),
            sandbox.url(),
            hassou::sandbox::colorme::SANDBOX_TOKEN
        ),
    )
    .expect("config");
    sandbox.add_sale(
        31_001,
        "田中 健",
        chrono::Utc::now() - chrono::Duration::days(12),
        1,
    );
    let out = hassou(&config, &["pull", "colorme", "--days", "30"], "").await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let set = [
        "order",
        "31001",
        "set",
        "--status",
        "processed",
        "--carrier",
        "yamato",
        "--tracking",
        "444413758703",
        "--shipped-on",
        "2026-11-24",
    ];
    let out = hassou(&config, &set, "").await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    sandbox.inject(ColormeFaultTarget::Mails, Fault::UnreadableAfterApplied);
    let out = hassou(&config, &["sync", "colorme"], "").await;
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let shown = text(
        &hassou(&config, &["order", "31001", "show"], "")
            .await
            .stdout,
    );
    assert!(shown.contains("UNCERTAIN"), "{shown}");
    assert!(!shown.contains("refused"), "{shown}");
    let out = hassou(&config, &["order", "31001", "send-mail", "--yes"], "").await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("hassou は二度送りません"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sandbox.sale(31_001).expect("sale").mails, ["delivered"]);
}

/// Issue 22: `auth STORE` signs one カラーミー store in; each keeps its token in its own file
/// (mode 600), which its runs use. A Shopify store is told its token comes from its admin.
#[tokio::test]
async fn each_colorme_store_signs_in_to_its_own_token_file() {
    let main = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let outlet = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n\
             [colorme]\napi_base = \"{}\"\nclient_id = \"sandbox_client\"\nclient_secret = \"sandbox_secret\"\ntoken_file = \"secrets/colorme-token\"\n\
             [stores.outlet]\nchannel = \"colorme\"\napi_base = \"{}\"\nclient_id = \"sandbox_client\"\nclient_secret = \"sandbox_secret\"\ntoken_file = \"secrets/outlet-token\"\n\
             [stores.jp]\nchannel = \"shopify\"\nshop_url = \"https://jp.myshopify.com\"\n",
            dir.path().join("h.db").display(),
            main.url(),
            outlet.url()
        ),
    )
    .expect("config");
    let code = outlet.issue_code(&["read_sales", "write_sales"]);
    let out = hassou(&config, &["auth", "outlet"], &format!("{code}\n")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let outlet_file = dir.path().join("secrets").join("outlet-token");
    let token = std::fs::read_to_string(&outlet_file).expect("outlet's token file");
    assert!(outlet.token_scopes(token.trim()).is_some());
    assert!(
        !dir.path().join("secrets").join("colorme-token").exists(),
        "the other store's file is not touched"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&outlet_file)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    outlet.add_sale(
        30_001,
        "田中 健",
        chrono::Utc::now() - chrono::Duration::days(2),
        1,
    );
    let out = hassou(&config, &["pull", "outlet", "--days", "30", "--json"], "").await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pulled: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (pulled["store"].clone(), pulled["new"].clone()),
        ("outlet".into(), 1.into())
    );
    // The other カラーミー store has no token yet: not configured, named with its variable.
    let out = hassou(&config, &["pull", "colorme"], "").await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("HASSOU_COLORME_TOKEN"));
    let out = hassou(&config, &["auth", "jp"], "").await;
    assert_eq!(out.status.code(), Some(2));
}
