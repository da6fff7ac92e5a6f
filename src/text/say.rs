//! The console's sentences with values in them: each variant holds what it says in Japanese and
//! in English side by side, so a sentence without its translation does not compile, and no
//! operator-facing sentence lives in `console/` (a test keeps it so).

use crate::db::RunCounts;
use crate::domain::Language;

/// A sentence of the console, with its values.
#[derive(Debug, Clone, PartialEq)]
pub enum Say<'a> {
    /// A reconcile of this console is reading the store back.
    ReconcileRunning,
    /// Settle this order's drift with hassou's values (`ours`) or the store's?
    ResolveQuestion {
        number: &'a str,
        ours: bool,
    },
    /// A drift settled from the console.
    ResolvedInConsole {
        ours: bool,
        by: &'a str,
    },
    /// A reconcile from the console started.
    Reconciling(&'a str),
    /// A reconcile from the console ended.
    Reconciled {
        store: &'a str,
        checked: u64,
        agree: u64,
        drift: u64,
    },
    /// An order held or released from the console.
    HoldChanged {
        number: &'a str,
        held: bool,
        by: &'a str,
    },
    /// The confirmation's title: send to this store?
    SendTo(&'a str),
    /// The plan's summary: orders, and the notifications or mails that go with them.
    PlanSummary {
        orders: usize,
        mail_word: &'a str,
        mails: usize,
    },
    /// Of which were tried again.
    TriedAgain(usize),
    /// The confirmation's answer line: Cancel focused, and where the list is.
    ConfirmAnswer {
        from: usize,
        to: usize,
        of: usize,
    },
    /// The import preview's title.
    ImportTitle(&'a str),
    /// The import preview's answer line.
    ImportAnswer,
    QuitDuringRun,
    QuitDuringPull,
    /// Turning this on writes the plan shown now.
    SwitchWrites(crate::console::state::Switch),
    /// The switch was not turned on: the plan was cancelled.
    StaysOff {
        store: &'a str,
        switch: crate::console::state::Switch,
    },
    /// A pull of this process, as it reads.
    Pulling {
        pages: u32,
        orders: u64,
    },
    QuitWithEdits,
    StopRunOf(&'a str),
    StopAnyRunOf(&'a str),
    StopAsked(&'a str),
    DiscardEdits,
    SendMailOf {
        store: &'a str,
        number: &'a str,
    },
    /// The detail's line of what the store holds, with when it was confirmed.
    ConfirmedAt {
        what: &'a str,
        at: &'a str,
    },
    /// A shipping mail the store refused, and what to do.
    MailRefused {
        error: &'a str,
        number: &'a str,
    },
    /// The edit form's title.
    EditTitle(&'a str),
    TooLong(usize),
    TooManyNumbers(usize),
    /// A field's name, then what is wrong with it.
    FieldError {
        field: &'a str,
        why: &'a str,
    },
    /// A pull of this process finished.
    PullDone {
        store: &'a str,
        orders: u64,
        changed: u64,
    },
    /// A scheduled job of this store failed.
    JobFailed {
        store: &'a str,
        pull: bool,
        error: &'a str,
    },
    NothingToSend(&'a str),
    RunStarted {
        store: &'a str,
        dry_run: bool,
        planned: usize,
    },
    DryRunDone {
        store: &'a str,
        would_write: u64,
    },
    SyncDone {
        store: &'a str,
        counts: &'a RunCounts,
    },
    /// The last run's counts (the tab and `status`).
    LastRun(&'a RunCounts),
    /// The last run: when, and its counts (the tab).
    LastRunAt {
        at: &'a str,
        counts: &'a RunCounts,
    },
    /// Auto pull: on or off, and when it last pulled.
    AutoPull {
        on: bool,
        last: Option<&'a str>,
    },
    CarrierFileSaved(usize),
    CarrierFileCancelled,
    NoOrderNumbered(&'a str),
    NothingHeld,
    ReadFromStore(&'a str),
    MailSentNow,
    MailNotSent(&'a str),
    MailSentBefore,
    Following,
    Paused(usize),
    ErrorsOnly,
    Dropped(u64),
    NotConfigured(&'a str),
    NoStoreConfigured,
    /// `auth` of a Shopify store: its token is made in Shopify's admin, not signed in here.
    ShopifySignsInWithAToken,
    RunInProgress(&'a str),
    Cancelled(&'a str),
    StoppingAfterOrder(&'a str),
    TerminalTooSmall {
        width: u16,
        height: u16,
    },
    SettingsTitle(&'a str),
    /// The next scheduled run.
    NextRun(&'a str),
    /// Who runs the store's schedule: a console or the daemon, on which host.
    ScheduleRunBy {
        who: &'a str,
        host: &'a str,
    },
    NoScheduleRunner,
    /// A run's progress: done of planned, and the rate and time left once known.
    Progress {
        dry_run: bool,
        stopping: bool,
        done: usize,
        planned: usize,
        rate: Option<(f64, u64)>,
    },
}

fn switch_name(switch: crate::console::state::Switch, ja: bool) -> &'static str {
    use crate::console::state::Switch;
    match (switch, ja) {
        (Switch::AutoSync, true) => "自動更新",
        (Switch::AutoSync, false) => "auto sync",
        (Switch::Watch, true) => "即時更新",
        (Switch::Watch, false) => "watch",
    }
}

/// Failures first: the one count an operator must act on.
fn counts(c: &RunCounts, lang: Language) -> String {
    match lang {
        Language::Ja => format!(
            "失敗 {}件 · 書込 {}件 · 反映済み {}件 · 伝票待ち {}件",
            c.failed, c.written, c.already_synced, c.waiting
        ),
        Language::En => format!(
            "{} failed · {} written · {} already synced · {} waiting",
            c.failed, c.written, c.already_synced, c.waiting
        ),
    }
}

/// A run's counts in the one wording the tab, the log, `status` and the CLI share.
pub fn run_counts(c: &RunCounts, lang: Language) -> String {
    counts(c, lang)
}

impl Say<'_> {
    pub fn get(&self, lang: Language) -> String {
        let ja = lang == Language::Ja;
        let pick = |j: String, e: String| if ja { j } else { e };
        match self {
            Say::ReconcileRunning => pick("[照合中] ".into(), "[reconciling] ".into()),
            Say::ResolveQuestion { number, ours: true } => pick(
                format!("{number}: hassou の値を送信待ちに戻しますか (次の確認済みの更新で送ります)"),
                format!("{number}: make hassou's values pending again (the next confirmed run sends them)?"),
            ),
            Say::ResolveQuestion { number, ours: false } => pick(
                format!("{number}: ストアの値を hassou に取り込みますか (何も送りません)"),
                format!("{number}: take the store's values into hassou (nothing is sent)?"),
            ),
            Say::ResolvedInConsole { ours: true, by } => pick(
                format!("食違いを解決しました ({by}): hassou の値は送信待ちです"),
                format!("drift settled ({by}): hassou's values are pending"),
            ),
            Say::ResolvedInConsole { ours: false, by } => pick(
                format!("食違いを解決しました ({by}): ストアの値を取り込みました"),
                format!("drift settled ({by}): the store's values are hassou's"),
            ),
            Say::Reconciling(store) => pick(
                format!("{store} 照合を始めました: ストアから読み直します (書込みません)"),
                format!("{store} reconcile started: reading the store back (nothing is written)"),
            ),
            Say::Reconciled { store, checked, agree, drift } => pick(
                format!("{store} 照合: {checked}件を読み直し — 一致 {agree}件 · 食違い {drift}件 (ストアには書込んでいません)"),
                format!("{store} reconcile: read back {checked} — {agree} agree · {drift} drift (nothing written to the store)"),
            ),
            Say::HoldChanged { number, held: true, by } => pick(
                format!("{} を保留にしました ({by}) — 解除するまで書込みません", super::visible(number)),
                format!("{} held ({by}) — not written until released", super::visible(number)),
            ),
            Say::HoldChanged { number, held: false, by } => pick(
                format!("{} の保留を解除しました ({by})", super::visible(number)),
                format!("{} released ({by})", super::visible(number)),
            ),
            Say::SendTo(store) => pick(
                format!(" {store} に送信しますか "),
                format!(" Send to {store}? "),
            ),
            Say::PlanSummary {
                orders,
                mail_word,
                mails,
            } => pick(
                format!("{orders}件の注文 · {mail_word} {mails}件"),
                format!("{orders} orders · {mails} {mail_word}"),
            ),
            Say::TriedAgain(n) => pick(format!(" · うち再送 {n}件"), format!(" · {n} tried again")),
            Say::ConfirmAnswer { from, to, of } => pick(
                format!("[ キャンセル ]  y 送信する · n/Esc やめる · ↑↓ {from}–{to}/{of}"),
                format!("[ Cancel ]  y send · n/Esc cancel · ↑↓ {from}–{to}/{of}"),
            ),
            Say::ImportTitle(name) => pick(
                format!(" {name} を取り込みますか "),
                format!(" Import {name}? "),
            ),
            Say::ImportAnswer => pick(
                "[ キャンセル ]  y 保存する · n/Esc やめる · ↑↓ スクロール".into(),
                "[ Cancel ]  y save · n/Esc cancel · ↑↓ scroll".into(),
            ),
            Say::QuitDuringRun => pick(
                "実行中の更新があります。送信中の注文のあとで止めて終了しますか?".into(),
                "A sync is running. Stop it after the order in flight and quit?".into(),
            ),
            Say::SwitchWrites(switch) => {
                let name = switch_name(*switch, ja);
                pick(
                    format!("{name}をオンにすると、いま次を送信します · "),
                    format!("turning {name} on writes this now · "),
                )
            }
            Say::StaysOff { store, switch } => {
                let name = switch_name(*switch, ja);
                pick(
                    format!("{store}: {name}はオフのままです (何も送っていません)"),
                    format!("{store}: {name} stays off (nothing was sent)"),
                )
            }
            Say::QuitDuringPull => pick(
                "受注取得中です。読込中のページのあとで止めて終了しますか? (何も記録しません)".into(),
                "A pull is reading the store. Stop it after the page in flight and quit? (Nothing of it is recorded.)".into(),
            ),
            Say::Pulling { pages, orders } => pick(
                format!("[受注取得中 {pages}ページ {orders}件] "),
                format!("[pulling: {pages} pages, {orders} orders] "),
            ),
            Say::QuitWithEdits => pick(
                "保存していない編集があります。破棄して終了しますか?".into(),
                "The form has unsaved changes. Drop them and quit?".into(),
            ),
            Say::StopRunOf(store) => pick(
                format!(
                    "{store} への更新を、送信中の注文のあとで止めますか? 残りは未送信のままです。"
                ),
                format!(
                    "Stop the sync to {store} after the order in flight? The rest stay pending."
                ),
            ),
            Say::StopAnyRunOf(store) => pick(
                format!("{store} で実行中の更新 (スケジュール・即時更新・他の端末やプロセス) を、送信中の注文のあとで止めますか? 残りは未送信のままです。"),
                format!("Stop any sync running on {store} (the schedule, watch, another console or process) after its order in flight? The rest stay pending."),
            ),
            Say::StopAsked(store) => pick(
                format!("{store}: 実行中の更新に停止を依頼しました (送信中の注文のあとで止まります)"),
                format!("{store}: asked any running sync to stop (after its order in flight)"),
            ),
            Say::DiscardEdits => pick(
                "入力した内容を破棄しますか?".into(),
                "Drop what you typed?".into(),
            ),
            Say::SendMailOf { store, number } => pick(
                format!(
                    "{store} の注文 {number} の発送メールを、いまお客様に送りますか? (一度だけ送ります)"
                ),
                format!(
                    "Send the shipping mail of {store} order {number} to the customer now? (It goes once.)"
                ),
            ),
            Say::ConfirmedAt { what, at } => pick(
                format!("{what} · 確認 {at}"),
                format!("{what} · confirmed {at}"),
            ),
            Say::MailRefused { error, number } => pick(
                format!(
                    "ストアが拒否: {error} — m でストアを確認し未送信なら送信 (hassou order {number} send-mail)"
                ),
                format!(
                    "refused by the store: {error} — m checks the store and sends it if it has not gone (hassou order {number} send-mail)"
                ),
            ),
            Say::EditTitle(number) => pick(
                format!(" {number} を編集 (Enter 保存 · Esc 取消) "),
                format!(" edit {number} (Enter save · Esc cancel) "),
            ),
            Say::TooLong(max) => pick(
                format!("長すぎます（{max}文字まで）"),
                format!("too long ({max} characters at most)"),
            ),
            Say::TooManyNumbers(max) => pick(
                format!("伝票番号が多すぎます（{max}件まで）"),
                format!("too many numbers ({max} at most)"),
            ),
            Say::FieldError { field, why } => format!("{field}: {why}"),
            Say::PullDone {
                store,
                orders,
                changed,
            } => pick(
                format!("{store} 受注取得: {orders}件 (追加・変更 {changed}件)"),
                format!("{store} pull: {orders} orders ({changed} new or changed)"),
            ),
            Say::JobFailed { store, pull, error } => {
                let job = match (pull, ja) {
                    (true, true) => "受注取得",
                    (false, true) => "発送情報の更新",
                    (true, false) => "pull",
                    (false, false) => "sync",
                };
                format!("{store} {job}: {error}")
            }
            Say::NothingToSend(store) => pick(
                format!("{store}: 送信するものはありません (何も送っていません)"),
                format!("{store}: nothing to send (nothing was sent)"),
            ),
            Say::RunStarted {
                store,
                dry_run,
                planned,
            } => match (dry_run, ja) {
                (true, true) => format!("{store} 送信内容の確認: {planned}件"),
                (true, false) => format!("{store} dry run: {planned} orders"),
                (false, true) => format!("{store} 発送情報の更新を開始: {planned}件"),
                (false, false) => format!("{store} sync started: {planned} orders"),
            },
            Say::DryRunDone { store, would_write } => pick(
                format!("{store} 確認完了: 送信予定 {would_write}件 · 何も送っていません"),
                format!("{store} dry run done: {would_write} would be written · nothing was sent"),
            ),
            Say::SyncDone { store, counts: c } => pick(
                format!("{store} 更新完了: {}", counts(c, lang)),
                format!("{store} sync done: {}", counts(c, lang)),
            ),
            Say::LastRun(c) => pick(
                format!("前回 {}", counts(c, lang)),
                format!("last run: {}", counts(c, lang)),
            ),
            Say::LastRunAt { at, counts: c } => pick(
                format!("前回 {at} {}", counts(c, lang)),
                format!("last run {at}: {}", counts(c, lang)),
            ),
            Say::AutoPull { on, last } => match (on, last, ja) {
                (false, _, true) => "自動取得 オフ".to_owned(),
                (false, _, false) => "auto pull off".to_owned(),
                (true, Some(at), true) => format!("自動取得 {at}"),
                (true, Some(at), false) => format!("pulled {at}"),
                (true, None, true) => "自動取得 オン".to_owned(),
                (true, None, false) => "auto pull on".to_owned(),
            },
            Say::CarrierFileSaved(n) => pick(
                format!("送り状ファイル: {n}件の注文を保存しました"),
                format!("carrier file: {n} orders saved"),
            ),
            Say::CarrierFileCancelled => pick(
                "送り状ファイル: 取り消しました (何も保存していません)".into(),
                "carrier file: cancelled (nothing was saved)".into(),
            ),
            Say::NoOrderNumbered(number) => pick(
                format!("注文番号 {number} はありません"),
                format!("no order numbered {number}"),
            ),
            Say::NothingHeld => pick(
                "伝票番号なし・未発送".into(),
                "no tracking, not shipped".into(),
            ),
            Say::ReadFromStore(what) => pick(
                format!("ストアから読込: {what}"),
                format!("read from the store: {what}"),
            ),
            Say::MailSentNow => pick(
                "発送メールを送信しました".into(),
                "the shipping mail was sent".into(),
            ),
            Say::MailNotSent(why) => pick(
                format!("発送メール: {why}"),
                format!("shipping mail: {why}"),
            ),
            Say::MailSentBefore => pick(
                "発送メールは送信済みです (二度は送りません)".into(),
                "the shipping mail was sent before (never twice)".into(),
            ),
            Say::Following => pick("追従中".into(), "following".into()),
            Say::Paused(unseen) => pick(format!("一時停止 +{unseen}"), format!("PAUSED +{unseen}")),
            Say::ErrorsOnly => pick("エラーのみ".into(), "errors only".into()),
            Say::Dropped(n) => pick(format!("古い{n}行は破棄"), format!("{n} old lines dropped")),
            Say::NotConfigured(store) => pick(
                format!("{store} は設定されていません (接続先とトークン)"),
                format!("{store} is not configured (address and token)"),
            ),
            Say::NoStoreConfigured => pick(
                "設定されたストアがありません".into(),
                "no store is configured".into(),
            ),
            Say::ShopifySignsInWithAToken => pick(
                "Shopify はサインイン不要です: 管理画面で作ったアクセストークンを [shopify] access_token か HASSOU_SHOPIFY_TOKEN に設定してください".into(),
                "a Shopify store needs no sign-in: set the access token made in its admin as [shopify] access_token or HASSOU_SHOPIFY_TOKEN".into(),
            ),
            Say::RunInProgress(store) => pick(
                format!("{store}: 実行中です (x で停止)"),
                format!("{store}: a run is in progress (x stops it)"),
            ),
            Say::Cancelled(store) => pick(
                format!("{store}: 取り消しました (何も送っていません)"),
                format!("{store}: cancelled (nothing was sent)"),
            ),
            Say::StoppingAfterOrder(store) => pick(
                format!("{store}: 送信中の注文のあとで止めます"),
                format!("{store}: stopping after the order in flight"),
            ),
            Say::TerminalTooSmall { width, height } => pick(
                format!("端末が小さすぎます ({width}×{height}): 80×24 以上にしてください"),
                format!("terminal too small ({width}×{height}): make it 80×24 or more"),
            ),
            Say::SettingsTitle(store) => pick(
                format!(" {store} の設定 (全端末共通・即保存) Tab ストア切替 "),
                format!(" {store} settings (shared by every console, saved at once) Tab: store "),
            ),
            Say::NextRun(at) => pick(format!("次回 {at}"), format!("next {at}")),
            Say::ScheduleRunBy { who, host } => pick(
                format!("スケジュール: {host} の{who}"),
                format!("schedule run by {who} on {host}"),
            ),
            Say::NoScheduleRunner => pick(
                "スケジュールを実行するプロセスなし".into(),
                "no process runs the schedule".into(),
            ),
            Say::Progress {
                dry_run,
                stopping,
                done,
                planned,
                rate,
            } => {
                let word = match (dry_run, stopping, ja) {
                    (true, _, true) => "確認中",
                    (true, _, false) => "dry run",
                    (false, true, true) => "停止中",
                    (false, true, false) => "stopping",
                    (false, false, true) => "更新中",
                    (false, false, false) => "syncing",
                };
                let mut text = format!("[{word} {done}/{planned}");
                if let Some((rate, left)) = rate {
                    let (m, s) = (left / 60, left % 60);
                    text.push_str(&pick(
                        format!(" {rate:.1}件/秒 残り{m}分{s:02}秒"),
                        format!(" {rate:.1}/s {m}m{s:02}s left"),
                    ));
                }
                text.push_str("] ");
                text
            }
        }
    }
}
