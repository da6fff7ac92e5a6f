//! The key bar at the bottom and the help screen.

use super::*;

/// The keys of the mode shown, most needed first; `?` and `q` (or Esc) always show.
pub(super) fn draw_keys(frame: &mut Frame, app: &App, area: Rect) {
    let back = ("Esc", Phrase::Back.get(app.lang));
    type Keys<'a> = Vec<(&'a str, &'a str)>;
    let (keys, always): (Keys, Keys) = match &app.mode {
        Mode::List if app.tab == Tab::Log => (
            vec![
                ("f", Phrase::FollowPause.get(app.lang)),
                ("↑↓", Phrase::Scroll.get(app.lang)),
                ("e", Phrase::ErrorsOnly.get(app.lang)),
                ("c", Phrase::Store.get(app.lang)),
                ("w", Phrase::Wrap.get(app.lang)),
                ("Tab", Phrase::Tab.get(app.lang)),
                (":", Phrase::Command.get(app.lang)),
            ],
            vec![
                ("?", Phrase::Help.get(app.lang)),
                ("q", Phrase::Quit.get(app.lang)),
            ],
        ),
        Mode::Command { .. } => (vec![], vec![]),
        Mode::List => (
            vec![
                ("Enter", Phrase::Open.get(app.lang)),
                ("s", Phrase::Sync.get(app.lang)),
                ("e", Phrase::Edit.get(app.lang)),
                ("/", Phrase::Search.get(app.lang)),
                ("Tab", Phrase::Tab.get(app.lang)),
                (":", Phrase::Command.get(app.lang)),
                ("0-5", Phrase::Verdict.get(app.lang)),
                ("+-", Phrase::Period.get(app.lang)),
                ("S", Phrase::SyncOne.get(app.lang)),
                ("d", Phrase::DryRun.get(app.lang)),
                ("p", Phrase::Pull.get(app.lang)),
                ("o", Phrase::Settings.get(app.lang)),
                ("x", Phrase::Stop.get(app.lang)),
            ],
            vec![
                ("?", Phrase::Help.get(app.lang)),
                ("q", Phrase::Quit.get(app.lang)),
            ],
        ),
        Mode::Search => (
            vec![("Enter", Phrase::Search.get(app.lang))],
            vec![("Esc", Phrase::Clear.get(app.lang))],
        ),
        Mode::Detail => (
            vec![
                ("e", Phrase::Edit.get(app.lang)),
                ("s", Phrase::SyncThisOrder.get(app.lang)),
                ("r", Phrase::ReadTheStore.get(app.lang)),
                ("d", Phrase::DryRun.get(app.lang)),
                ("v", Phrase::RawExchange.get(app.lang)),
            ],
            vec![back],
        ),
        Mode::Edit(_) => (
            vec![
                ("Tab/↑↓", Phrase::Field.get(app.lang)),
                ("←→", Phrase::Choose.get(app.lang)),
                ("Enter", Phrase::Save.get(app.lang)),
            ],
            vec![("Esc", Phrase::Cancel.get(app.lang))],
        ),
        Mode::Settings { .. } => (
            vec![
                ("↑↓", Phrase::Row.get(app.lang)),
                ("Space", Phrase::Toggle.get(app.lang)),
                ("←→", Phrase::Change.get(app.lang)),
                ("Tab", Phrase::Store.get(app.lang)),
            ],
            vec![back],
        ),
        Mode::ConfirmImport(_) => (
            vec![("↑↓", Phrase::Scroll.get(app.lang))],
            vec![
                ("y", if app.ja() { "保存" } else { "save" }),
                ("n/Esc", Phrase::DontSend.get(app.lang)),
            ],
        ),
        Mode::Confirm(_) => (
            vec![("↑↓", Phrase::Scroll.get(app.lang))],
            vec![
                ("y", Phrase::Send.get(app.lang)),
                ("n/Esc", Phrase::DontSend.get(app.lang)),
            ],
        ),
        Mode::Ask(_) => (
            vec![],
            vec![
                ("y", Phrase::Yes.get(app.lang)),
                ("n/Esc", Phrase::No.get(app.lang)),
            ],
        ),
        Mode::Help => (
            vec![],
            vec![(Phrase::AnyKey.get(app.lang), Phrase::Back.get(app.lang))],
        ),
    };
    let bar = text::key_bar(&keys, &always, area.width as usize);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            bar,
            Style::default().add_modifier(Modifier::DIM),
        ))),
        area,
    );
}

/// Every key and command, for the help screen (and the README's keymap, which a test keeps
/// equal to it). Each line fits 78 cells.
pub fn help_lines(lang: crate::config::Language) -> Vec<&'static str> {
    match lang {
        crate::config::Language::Ja => vec![
            "一覧 (ストアのタブ)",
            "  ↑↓ j k 移動  g G 先頭/末尾  PgUp PgDn ページ  Enter 詳細  e 編集",
            "  / 検索  0-5 判定で絞込  + - 作成期間  o 設定  r 再読込  Tab タブ",
            "書き込み (まず送信内容を表示し、y を押すまで何も送りません)",
            "  s このストアの未送信  S 選んだ注文だけ  F 失敗した注文を再送",
            "  d 確認 (表示のみ)  p 受注取得  x 実行中の更新を止める",
            "詳細: s この注文を更新  r ストアから読込  e 編集  v 送受信そのまま  Esc 一覧へ",
            "  m ストアが拒否した発送メールを送る (確認のうえ一度だけ)",
            "編集: Tab/↑↓ 項目  ←→ 選ぶ  t 今日 (出荷日)  Enter 保存  Esc 取消",
            "ログ: f 追従/停止  ↑↓ PgUp PgDn スクロール  e エラーのみ  c ストア  w 折返し",
            "コマンド (: で入力、Tab で補完、Enter で実行)",
            "  :period 1-13  :statuses processed|all-but-new-cancelled",
            "  :shipped-date-only on|off  :auto-sync on|off  :auto-sync-every 30m",
            "  :auto-pull on|off  :watch on|off  :sync  :dry-run  :pull",
            "  :filter pending|synced|waiting|failed|ineligible|all",
            "  :order 注文番号  :tab shopify|colorme|log  :help  :quit",
            "  :import ファイル  送り状ファイルを確認して取込 (y で保存)",
            "? ヘルプ  q/Ctrl-C 終了 (実行中・編集中は確認)  Esc 戻る",
            "判定: 未送信=次の更新で書込  送信済=ストアが同じ値  伝票待ち=伝票なし",
            "      失敗=ストアが拒否  対象外=理由を表示",
            "同じ注文が二度書き込まれることはありません (端末やデーモンが複数でも)",
        ],
        crate::config::Language::En => vec![
            "The list (a store's tab)",
            "  ↑↓ j k move  g G first/last  PgUp PgDn page  Enter open  e edit",
            "  / search  0-5 filter by verdict  + - period  o settings  r reload  Tab tab",
            "Writing (each shows its plan first; nothing is sent before you press y)",
            "  s the store's pending orders  S the selected order only  F failed again",
            "  d dry run (shows, sends nothing)  p pull orders  x stop a running sync",
            "Detail: s sync this order  r read the store  e edit  v raw exchange  Esc back",
            "  m send a shipping mail the store refused (asks first, goes once)",
            "Form: Tab/↑↓ field  ←→ choose  t today (shipped on)  Enter save  Esc cancel",
            "Log tab: f follow/pause  ↑↓ PgUp PgDn scroll  e errors only  c store  w wrap",
            "Commands (: opens the command line, Tab completes, Enter runs)",
            "  :period 1-13  :statuses processed|all-but-new-cancelled",
            "  :shipped-date-only on|off  :auto-sync on|off  :auto-sync-every 30m",
            "  :auto-pull on|off  :watch on|off  :sync  :dry-run  :pull",
            "  :filter pending|synced|waiting|failed|ineligible|all",
            "  :order NUMBER  :tab shopify|colorme|log  :help  :quit",
            "  :import FILE  a carrier file (B2 e飛伝 ゆうプリR generic): preview, y saves",
            "? help  q/Ctrl-C quit (asks during a run or an edit)  Esc back",
            "Verdicts: pending = the next sync writes it  synced = the store has it",
            "  waiting = no tracking yet  failed = refused  ineligible = see the reasons",
            "No order is ever written twice, whatever the number of consoles and daemons.",
        ],
    }
}

pub(super) fn draw_help(frame: &mut Frame, app: &App, area: Rect) {
    let lines = help_lines(app.lang);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x,
        y: area.y,
        width: area.width,
        height,
    };
    frame.render_widget(Clear, rect);
    let title = Phrase::HelpTitle.get(app.lang);
    frame.render_widget(
        Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>())
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}
