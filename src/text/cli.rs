//! The command line's sentences with values, in `[shop] language`: each variant holds its
//! Japanese and English side by side, as the console's [`super::Say`] does.

use crate::domain::Language;

/// A sentence of the command line, with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tell<'a> {
    /// `sync`: how many orders the run looks at.
    SyncTargets {
        store: &'a str,
        planned: usize,
        dry_run: bool,
    },
    /// A signal during a sync (its name).
    StoppingAfterOrder(&'a str),
    /// A signal during a pull.
    PullStopping(&'a str),
    PullStopped,
    /// One order's outcome, as the run goes.
    OrderOutcome {
        number: &'a str,
        outcome: &'a str,
    },
    /// A pull the store refused or never answered.
    PullFailed {
        store: &'a str,
        error: &'a str,
    },
    NothingRecordedTryLater,
    /// A run stopped because the store could not be reached, orders in a row.
    RunStoppedUnreachable {
        store: &'a str,
        in_a_row: u32,
    },
    RunStoppedTokenRejected {
        store: &'a str,
        advice: &'a str,
    },
    MailSent(&'a str),
    MailPerhapsSent {
        number: &'a str,
        error: &'a str,
    },
    MailNotSent {
        number: &'a str,
        error: &'a str,
    },
    MailAlreadySent {
        number: &'a str,
        at: &'a str,
    },
    StoreSaysMailSent(&'a str),
    ClientIdMissing,
    ClientSecretMissing,
    NoTokenPlace,
    OpenThisUrl,
    PasteTheCode,
    CannotReadInput(&'a str),
    CannotStoreToken {
        path: &'a str,
        error: &'a str,
    },
    SignedIn(&'a str),
    TokenLacksScopes(&'a str),
    TokenOverriddenBy(&'a str),
    DemoStarted {
        orders: usize,
        shopify: &'a str,
        outlet: &'a str,
        colorme: &'a str,
    },
    DaemonNoStore,
    /// A name that chose no configured store.
    NoSuchStore(&'a crate::domain::NoSuchStore),
    ShopifyNotifiesWithFulfillment(&'a str),
    /// `reconcile`: how the store compared.
    Reconciled {
        store: &'a str,
        checked: u64,
        agree: u64,
        drift: u64,
        busy: u64,
    },
    /// `status`: the store's last reconcile.
    LastReconcile {
        at: &'a str,
        by: &'a str,
        checked: u64,
        agree: u64,
        drift: u64,
        failed: bool,
    },
    /// `order N resolve`: the order has no drift.
    NoDrift(&'a str),
    /// `order N resolve`: what it will do.
    ResolvePlan {
        ours: bool,
        store: &'a str,
    },
    /// `order N resolve --yes`: done.
    Resolved {
        ours: bool,
    },
    /// `order N hold`: done.
    Held {
        store: &'a str,
        number: &'a str,
        by: &'a str,
        reason: &'a str,
    },
    /// `order N release`: done, or it was not held.
    Released {
        store: &'a str,
        number: &'a str,
        was_held: bool,
    },
    /// `order N hold --reason`: a line break or another control character.
    HoldReasonLine,
    /// `alerts test`: no destination in `[alerts]`.
    NoAlertDestination,
    /// `alerts test`: how one destination took the test alert.
    AlertTest {
        destination: &'a str,
        error: Option<&'a str>,
    },
    /// `settings`: a pair without `=`.
    SettingNeedsValue(&'a str),
    /// `settings`: a command that is not a setting.
    NotASetting(&'a str),
    /// `order N`: no order of that number (in that store).
    NoOrderNumbered {
        number: &'a str,
        store: Option<&'a str>,
    },
    /// `order N` without `--store`: the number is in several stores.
    OrderInSeveralStores {
        number: &'a str,
        stores: &'a [&'a str],
    },
    /// Turning auto sync or watch on writes this now.
    SwitchPlan {
        store: &'a str,
        orders: usize,
        mails: usize,
    },
    ConfirmationNeeded,
    /// The run was stopped by an operator's request (from a console).
    StoppedBy(&'a str),
    MailNeverTwice {
        number: &'a str,
        at: &'a str,
    },
    WouldSendMail {
        number: &'a str,
        refused_before: Option<&'a str>,
    },
}

impl Tell<'_> {
    pub fn get(&self, lang: Language) -> String {
        let ja = lang == Language::Ja;
        let pick = |j: String, e: String| if ja { j } else { e };
        match self {
            Tell::SyncTargets {
                store,
                planned,
                dry_run,
            } => match (dry_run, ja) {
                (false, true) => format!("{store}: 対象 {planned}件"),
                (true, true) => format!("{store}: 対象 {planned}件 (確認のみ: 何も送りません)"),
                (false, false) => format!("{store}: {planned} target orders"),
                (true, false) => {
                    format!("{store}: {planned} target orders (dry run: nothing is sent)")
                }
            },
            Tell::StoppingAfterOrder(signal) => pick(
                format!("送信中の注文のあとで止めます ({signal})"),
                format!("stopping after the order in flight ({signal})"),
            ),
            Tell::PullStopping(signal) => pick(
                format!("読込中のページのあとで受注取得を止めます ({signal})"),
                format!("stopping the pull after the page in flight ({signal})"),
            ),
            Tell::PullStopped => pick(
                "受注取得を途中で止めました。何も記録していません — もう一度実行してください".into(),
                "the pull was stopped before its end; nothing was recorded — run it again".into(),
            ),
            Tell::OrderOutcome { number, outcome } => format!("{number}: {outcome}"),
            Tell::PullFailed { store, error } => pick(
                format!("{store} 受注取得: {error}"),
                format!("pull {store}: {error}"),
            ),
            Tell::NothingRecordedTryLater => pick(
                "何も記録していません。しばらくしてからもう一度".into(),
                "nothing was recorded; try again later".into(),
            ),
            Tell::RunStoppedUnreachable { store, in_a_row } => pick(
                format!(
                    "{store}: {in_a_row}件続けてストアに接続できず、更新を止めました。残りは未送信のままです — しばらくしてからもう一度"
                ),
                format!(
                    "{store}: the store could not be reached for {in_a_row} orders in a row; the run stopped and the rest stay pending — try again later"
                ),
            ),
            Tell::RunStoppedTokenRejected { store, advice } => pick(
                format!(
                    "{store}: ストアがトークンを拒否したため更新を止めました。残りは未送信のままです — {advice}"
                ),
                format!(
                    "{store}: the store refused the access token; the run stopped and the rest stay pending — {advice}"
                ),
            ),
            Tell::MailSent(number) => pick(
                format!("{number}: 商品発送メールを送信しました"),
                format!("sale {number}: the 商品発送 mail was sent"),
            ),
            Tell::MailPerhapsSent { number, error } => pick(
                format!(
                    "{number}: メールは送られた可能性があります ({error})。送信済みとして記録し、二度と送りません"
                ),
                format!(
                    "sale {number}: the mail may have gone out ({error}); it is recorded as sent and will not be sent again"
                ),
            ),
            Tell::MailNotSent { number, error } => pick(
                format!("{number}: 商品発送メールは送信されませんでした: {error}"),
                format!("sale {number}: the 商品発送 mail was not sent: {error}"),
            ),
            Tell::MailAlreadySent { number, at } => pick(
                format!("{number}: 商品発送メールは {at} に送信済みです"),
                format!("sale {number}: the 商品発送 mail was already sent at {at}"),
            ),
            Tell::StoreSaysMailSent(number) => pick(
                format!(
                    "{number}: カラーミーでは商品発送メールは送信済みです。記録しました (再送しません)"
                ),
                format!(
                    "sale {number}: カラーミー says the 商品発送 mail was already sent; recorded, nothing sent again"
                ),
            ),
            Tell::ClientIdMissing => pick(
                "[colorme] client_id (または HASSOU_COLORME_CLIENT_ID) がありません: https://api.shop-pro.jp/oauth/applications/new でアプリを登録し、リダイレクト URL に urn:ietf:wg:oauth:2.0:oob を指定してください".into(),
                "[colorme] client_id is not set (or HASSOU_COLORME_CLIENT_ID): register an app at https://api.shop-pro.jp/oauth/applications/new with the redirect URL urn:ietf:wg:oauth:2.0:oob".into(),
            ),
            Tell::ClientSecretMissing => pick(
                "カラーミーのクライアントシークレットがありません: HASSOU_COLORME_CLIENT_SECRET か [colorme] client_secret に設定してください".into(),
                "no カラーミー client secret: set HASSOU_COLORME_CLIENT_SECRET or [colorme] client_secret".into(),
            ),
            Tell::NoTokenPlace => pick(
                "トークンの保存先がありません (設定フォルダなし): [colorme] token_file を設定してください".into(),
                "no place to keep the token (no config dir): set [colorme] token_file".into(),
            ),
            Tell::OpenThisUrl => pick(
                "この URL をブラウザで開き、カラーミーショップにログインして hassou を許可してください:".into(),
                "Open this URL in a browser, sign in to カラーミーショップ and approve hassou:".into(),
            ),
            Tell::PasteTheCode => pick(
                "表示されたコード、またはブラウザの URL (…/oauth/authorize/CODE) を貼り付けてください:".into(),
                "Then paste the code, or the whole URL the browser lands on (…/oauth/authorize/CODE):".into(),
            ),
            Tell::CannotReadInput(error) => pick(
                format!("標準入力を読めません: {error}"),
                format!("cannot read standard input: {error}"),
            ),
            Tell::CannotStoreToken { path, error } => pick(
                format!("{path}: トークンを保存できません: {error} (直したあとでサインインし直してください)"),
                format!("{path}: cannot store the token: {error} (sign in again once this is fixed)"),
            ),
            Tell::SignedIn(path) => pick(
                format!(
                    "サインインしました: トークンは {path} に保存しました (本人のみ読めます。期限はありません — カラーミーの「許可済みアプリケーション一覧」で取り消せます)"
                ),
                format!(
                    "signed in: the token is stored in {path} (readable by you only; it does not expire — revoke it in カラーミー's 許可済みアプリケーション一覧)"
                ),
            ),
            Tell::TokenLacksScopes(scopes) => pick(
                format!(
                    "注意: トークンに {scopes} の権限がありません。サインインし直して許可するまで、受注取得と更新は拒否されます"
                ),
                format!(
                    "warning: the token lacks {scopes}; pull or sync will be refused until you sign in again and approve them"
                ),
            ),
            Tell::TokenOverriddenBy(source) => pick(
                format!("注意: {source} が設定されているため、トークンファイルの代わりにそちらを使います"),
                format!("note: {source} is set and is used instead of the token file"),
            ),
            Tell::DemoStarted {
                orders,
                shopify,
                outlet,
                colorme,
            } => pick(
                format!("デモ: 見本の注文 {orders}件 · サンドボックス Shopify {shopify} · Shopify (outlet) {outlet} · カラーミー {colorme}"),
                format!("demo: {orders} sample orders; sandbox Shopify {shopify}, Shopify (outlet) {outlet} and カラーミー {colorme}"),
            ),
            Tell::NoSuchStore(why) => {
                use crate::domain::NoSuchStore;
                match why {
                    NoSuchStore::Unknown { typed, stores } => pick(
                        format!("{typed:?} というストアはありません (設定のストア: {})", stores.join(", ")),
                        format!("unknown store {typed:?} (stores: {})", stores.join(", ")),
                    ),
                    NoSuchStore::NoneOfChannel { channel, stores } => pick(
                        format!(
                            "{} のストアは設定されていません (設定のストア: {})",
                            crate::text::channel(*channel, lang),
                            stores.join(", ")
                        ),
                        format!(
                            "no {} store is configured (stores: {})",
                            crate::text::channel(*channel, lang),
                            stores.join(", ")
                        ),
                    ),
                    NoSuchStore::SeveralOfChannel { channel, stores } => pick(
                        format!(
                            "{} のストアは複数あります: {} のどれかを名前で指定してください",
                            crate::text::channel(*channel, lang),
                            stores.join(", ")
                        ),
                        format!(
                            "there are several {} stores: name one of {}",
                            crate::text::channel(*channel, lang),
                            stores.join(", ")
                        ),
                    ),
                }
            }
            Tell::ShopifyNotifiesWithFulfillment(number) => pick(
                format!(
                    "{number}: Shopify の発送通知は発送 (fulfillment) と一緒に送られます ([shopify] notify_customer)。hassou から別に送ることはできません"
                ),
                format!(
                    "order {number}: Shopify sends its shipping notification with the fulfillment ([shopify] notify_customer); hassou cannot send it separately"
                ),
            ),
            Tell::MailNeverTwice { number, at } => pick(
                format!(
                    "{number}: 商品発送メールは {at} に送信済み (または送信された可能性あり) です。hassou は二度送りません"
                ),
                format!(
                    "sale {number}: the 商品発送 mail was already sent (or perhaps sent) at {at}; hassou never sends it twice"
                ),
            ),
            Tell::WouldSendMail {
                number,
                refused_before,
            } => {
                let before = |j: bool| match refused_before {
                    Some(e) if j => format!(" (前回は拒否: {e})"),
                    Some(e) => format!(" (refused before: {e})"),
                    None => String::new(),
                };
                pick(
                    format!(
                        "{number} の商品発送メールをお客様に送ります{}。まだ何も送っていません — 送るには --yes を付けてください",
                        before(true)
                    ),
                    format!(
                        "would send カラーミー's 商品発送 mail for sale {number} to its customer{}; nothing sent — add --yes to send it",
                        before(false)
                    ),
                )
            }
            Tell::Reconciled { store, checked, agree, drift, busy } => {
                let busy_ja = if *busy > 0 { format!(" · 書込中のため次回 {busy}件") } else { String::new() };
                let busy_en = if *busy > 0 { format!(" · {busy} being written, next time") } else { String::new() };
                pick(
                    format!("{store}: ストアから {checked}件を読み直しました — 一致 {agree}件 · 食違い {drift}件{busy_ja} (ストアには何も書込んでいません)"),
                    format!("{store}: read back {checked} orders — {agree} agree · {drift} drift{busy_en} (nothing was written to the store)"),
                )
            }
            Tell::LastReconcile { at, by, failed: true, .. } => pick(
                format!("前回 {at} ({by}) 失敗または中断"),
                format!("last {at} ({by}) failed or stopped"),
            ),
            Tell::LastReconcile { at, by, checked, agree, drift, failed: false } => pick(
                format!("前回 {at} ({by}) {checked}件 · 一致 {agree}件 · 食違い {drift}件"),
                format!("last {at} ({by}) {checked} read · {agree} agree · {drift} drift"),
            ),
            Tell::NoDrift(number) => pick(
                format!("{number}: 食違いはありません (hassou reconcile で調べます)"),
                format!("{number}: no drift to settle (hassou reconcile finds them)"),
            ),
            Tell::ResolvePlan { ours: true, store } => pick(
                format!("  ストアは今 {store} — hassou の値を送信待ちに戻します (次の確認済みの更新で送ります。Shopify は既存の発送を修正し、2つ目は作りません)"),
                format!("  the store holds {store} — hassou's values become pending (the next confirmed run sends them; Shopify's fulfillment is updated, never a second one)"),
            ),
            Tell::ResolvePlan { ours: false, store } => pick(
                format!("  ストアの値 {store} を hassou に取り込みます (ストアには何も送りません)"),
                format!("  the store's values ({store}) are taken into hassou (nothing is sent)"),
            ),
            Tell::Resolved { ours: true } => pick(
                "解決しました: hassou の値は送信待ちです".into(),
                "settled: hassou's values are pending".into(),
            ),
            Tell::Resolved { ours: false } => pick(
                "解決しました: ストアの値を取り込みました".into(),
                "settled: the store's values are hassou's".into(),
            ),
            Tell::Held { store, number, by, reason } => {
                let why = if reason.is_empty() { String::new() } else { format!(" — {}", super::visible(reason)) };
                pick(
                    format!("{store} {number}: 保留にしました ({by}){why} — release するまで書込みません"),
                    format!("{store} {number}: held ({by}){why} — not written until released"),
                )
            }
            Tell::Released { store, number, was_held: true } => pick(
                format!("{store} {number}: 保留を解除しました — 次の更新で規則どおり書込みます"),
                format!("{store} {number}: released — the next run writes it if the rules say so"),
            ),
            Tell::Released { store, number, was_held: false } => pick(
                format!("{store} {number}: 保留されていません"),
                format!("{store} {number}: was not held"),
            ),
            Tell::HoldReasonLine => pick(
                "--reason: 改行や制御文字を含めないでください".into(),
                "--reason: no line breaks or control characters".into(),
            ),
            Tell::NoAlertDestination => pick(
                "通知先がありません: [alerts] に webhook_url か mail_to / mail_from / smtp_url を設定してください".into(),
                "no alert destination: set webhook_url, or mail_to, mail_from and smtp_url, in [alerts]".into(),
            ),
            Tell::AlertTest { destination, error: None } => pick(
                format!("{destination}: 送りました"),
                format!("{destination}: sent"),
            ),
            Tell::AlertTest { destination, error: Some(error) } => pick(
                format!("{destination}: 送れませんでした — {error}"),
                format!("{destination}: not sent — {error}"),
            ),
            Tell::SettingNeedsValue(pair) => pick(
                format!("{pair}: KEY=VALUE の形で指定してください (例 period=5)"),
                format!("{pair}: give KEY=VALUE (e.g. period=5)"),
            ),
            Tell::NoOrderNumbered { number, store } => match store {
                Some(store) => pick(
                    format!("{store} に注文番号 {number:?} の注文はありません"),
                    format!("no {store} order numbered {number:?}"),
                ),
                None => pick(
                    format!("注文番号 {number:?} の注文はありません"),
                    format!("no order numbered {number:?}"),
                ),
            },
            Tell::OrderInSeveralStores { number, stores } => pick(
                format!(
                    "注文番号 {number:?} は {} にあります: --store でストアを指定してください",
                    stores.join(" と ")
                ),
                format!(
                    "order {number:?} exists in {}; name its store with --store",
                    stores.join(" and ")
                ),
            ),
            Tell::NotASetting(key) => pick(
                format!("{key}: 設定の名前ではありません (period statuses shipped-date-only auto-sync auto-sync-every auto-pull watch active-hours active-days skip-holidays auto-reconcile-every)"),
                format!("{key}: not a setting (period statuses shipped-date-only auto-sync auto-sync-every auto-pull watch active-hours active-days skip-holidays auto-reconcile-every)"),
            ),
            Tell::SwitchPlan {
                store,
                orders,
                mails,
            } => pick(
                format!("{store}: オンにすると、いま {orders}件の注文を書き込みます (通知・メール {mails}件):"),
                format!("{store}: turning it on writes {orders} orders now ({mails} notifications or mails):"),
            ),
            Tell::ConfirmationNeeded => pick(
                "確認が必要です: 上の内容で良ければ --yes を付けてもう一度 (何も変更していません)".into(),
                "confirmation needed: run it again with --yes to write the above (nothing was changed)".into(),
            ),
            Tell::StoppedBy(who) => pick(
                format!("{who} の依頼で止めました (送信中の注文は記録済み、残りは未送信)"),
                format!("stopped on request by {who} (the order in flight recorded, the rest pending)"),
            ),
            Tell::DaemonNoStore => pick(
                "設定されたストアがありません: [shopify] shop_url とトークン、またはカラーミーのトークンを設定してください".into(),
                "no store is configured: set [shopify] shop_url and a token, or a カラーミー token".into(),
            ),
        }
    }
}
