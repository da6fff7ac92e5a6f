//! What the console shows and remembers: the list, the selected order, the edit form, the
//! schedule of each store, the log of what happened. Plain data: `update` changes it, the views
//! read it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, FixedOffset, Utc};
use tui_input::Input;

pub use super::edit_form::EditForm;
use crate::config::Language;
use crate::db::{AttemptRecord, ListedOrder, OrderPage};
use crate::domain::job::JobKind;
use crate::domain::{Store, Verdict};
pub use crate::scheduler::ScheduleView;
use crate::sync::SyncPlan;

/// How many log lines the console keeps (older ones are dropped, and counted).
pub const LOG_LINES: usize = 10_000;

/// A tab: one per store, and the log.
pub use super::command_line::TabName as Tab;

/// How the log tab shows the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogView {
    /// Follow the newest line; off (paused) while scrolled up.
    pub follow: bool,
    /// Lines scrolled up from the newest (when paused).
    pub scroll: usize,
    /// Lines that arrived while paused.
    pub unseen: usize,
    pub wrap: bool,
    pub errors_only: bool,
    /// Only this store's lines.
    pub store: Option<Store>,
}

impl Default for LogView {
    fn default() -> Self {
        LogView {
            follow: true,
            scroll: 0,
            unseen: 0,
            wrap: true,
            errors_only: false,
            store: None,
        }
    }
}

/// Which part of the screen has the keyboard.
#[derive(Debug, Clone)]
pub enum Mode {
    List,
    /// Typing in the search box.
    Search,
    /// The selected order, its verdict explained and its audit trail.
    Detail,
    /// Editing the shipping fields of the order in the detail.
    Edit(Box<EditForm>),
    /// The operational settings of one store.
    Settings {
        store: Store,
        row: usize,
    },
    /// The help, scrolled; any other key returns to `back`.
    Help {
        scroll: usize,
        back: Box<Mode>,
    },
    /// The `:` command line, with the error of the last command tried; `Esc` returns to
    /// `back`, and a command runs from there.
    Command {
        input: Input,
        error: Option<String>,
        back: Box<Mode>,
    },
    /// A plan waiting for the operator's `y`.
    Confirm(Box<Confirm>),
    /// A carrier file's changes waiting for the operator's `y`.
    ConfirmImport(Box<ImportConfirm>),
    /// A yes/no question (quit, stop a run, drop an edit); No is the answer of every key but `y`.
    Ask(Box<Ask>),
}

/// A plan shown before anything is sent; `y` runs it, anything else leaves it.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub plan: SyncPlan,
    /// The first order shown in the scrollable list.
    pub scroll: usize,
    /// Where `n` / `Esc` return.
    pub back: Box<Mode>,
    /// The plan is what turning this on writes now: `y` turns it on and runs the plan; anything
    /// else leaves it off (SPEC §3: switching on what writes by itself is a write).
    pub switch: Option<Switch>,
}

/// A setting that writes by itself once on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    AutoSync,
    Watch,
}

/// A carrier file read and planned, waiting for the operator's `y` to be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    pub path: std::path::PathBuf,
    pub summary: crate::shipments::FileSummary,
    pub plan: crate::shipments::ImportPlan,
}

/// The preview of an import on screen.
#[derive(Debug, Clone)]
pub struct ImportConfirm {
    pub preview: ImportPreview,
    /// The preview in words, made once when it arrived (a large file has a line per order;
    /// the screen is drawn far more often).
    pub lines: Vec<String>,
    /// Each order's line with its new values only, for a screen too narrow for the full one
    /// (the body of `lines`, line for line).
    pub short: Vec<String>,
    pub scroll: usize,
    pub back: Box<Mode>,
}

/// What a yes/no question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// Quit while a run is active or a form holds unsaved changes.
    Quit,
    /// Stop this console's run of the store after the order in flight.
    StopRun(Store),
    /// Stop whatever run of the store another console, the schedule, watch or another process
    /// is making, after its order in flight.
    StopAnyRun(Store),
    /// Leave the edit form, dropping what was typed.
    DiscardEdit,
    /// Send the shipping mail the store refused during a sync, now (the order's id).
    SendMail(Store, i64),
    /// Settle the order's drift: hassou's values (`true`) or the store's.
    Resolve { order_id: i64, ours: bool },
}

#[derive(Debug, Clone)]
pub struct Ask {
    pub question: Question,
    /// Where `n` / `Esc` return.
    pub back: Box<Mode>,
}

/// The order shown in the detail, as last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub row: ListedOrder,
    pub attempts: Vec<AttemptRecord>,
}

/// A run this console started or is watching, order by order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub dry_run: bool,
    /// When the run started (the console's clock), for the rate and the time left.
    pub started_at: DateTime<Utc>,
    /// A stop was asked: it ends after the order in flight.
    pub stopping: bool,
    pub planned: usize,
    pub done: usize,
    pub current: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: DateTime<Utc>,
    /// The store it is about, when it is about one.
    pub store: Option<Store>,
    pub text: String,
    pub error: bool,
}

/// Everything the console shows.
#[derive(Debug, Clone)]
pub struct App {
    pub lang: Language,
    pub color: bool,
    pub tz: FixedOffset,
    pub database: String,
    /// Stores this console can write to (configured with credentials).
    pub stores: Vec<Store>,
    /// Every store of the configuration, reachable or not (each has a tab).
    pub declared: Vec<Store>,
    pub tab: Tab,
    pub log_view: LogView,
    /// Log lines dropped because the log was full.
    pub log_dropped: u64,
    pub verdict: Option<Verdict>,
    pub search: Input,
    pub page: Option<OrderPage>,
    pub offset: u64,
    pub page_size: u64,
    /// The row of the selected order in the page shown; follows [`App::selected_id`].
    pub selected: usize,
    /// The selected order: it stays selected across reloads, re-sorts and other processes'
    /// edits (a row index alone would slide to another order).
    pub selected_id: Option<i64>,
    /// Bumped by every page request: an answer to an older request is dropped.
    pub generation: u64,
    pub loading: bool,
    /// Something was written since the page was read (by anyone): the next tick reads it again.
    pub data_changed: bool,
    /// When the clock last read the page (it also reads it now and then without a change, for
    /// verdicts that move with time alone).
    pub last_tick_reload: Option<DateTime<Utc>>,
    pub mode: Mode,
    pub detail: Option<Detail>,
    pub schedules: BTreeMap<Store, ScheduleView>,
    pub progress: BTreeMap<Store, Progress>,
    /// Runs this console started after a confirmation and that have not ended.
    pub runs: BTreeSet<Store>,
    pub log: VecDeque<LogLine>,
    /// Runs seen of each job of this process, to tell when one ends.
    pub job_runs: BTreeMap<(Store, JobKind), u64>,
    pub now: DateTime<Utc>,
    pub quit: bool,
    /// The detail shows each attempt's request and answer as sent (`v`), for support.
    pub show_raw: bool,
    /// The last command line run: a command whose error comes later (a file that cannot be
    /// read, an order not found) opens the command line again on it, with the error.
    pub last_command: Option<String>,
    /// A switch asked to be turned on, waiting for the plan of what it would write now.
    pub switching: Option<(Store, Switch)>,
    /// Each configured store's host, named in the errors where it helps.
    pub hosts: std::collections::BTreeMap<Store, String>,
    /// Pulls of this process in progress, and how far each has read.
    pub pulls: std::collections::BTreeMap<Store, crate::channels::PullProgress>,
    /// Who this console's operator is, as the settings and the audit trail record it.
    pub operator: String,
    /// `hassou demo`: the stores are the sandbox on this machine; said on screen.
    pub demo: bool,
    /// `--ascii` (or `[shop] ascii`): the chrome in ASCII, for terminals that draw East Asian
    /// Ambiguous glyphs two cells wide.
    pub ascii: bool,
    /// Whether a write of each store also notifies the customer (Shopify) or sends the
    /// 商品発送 mail (カラーミー), from the configuration; said on screen.
    pub mails: BTreeMap<Store, bool>,
    /// The time zone and `stale_after` a store's health is judged by.
    pub health_rules: crate::domain::health::HealthRules,
    /// Ring the terminal bell when a run fails (`[alerts] bell`).
    pub bell: bool,
    /// Stores this console is reconciling now (reading the store back).
    pub reconciling: BTreeSet<Store>,
}

/// The stores with a tab for these configured stores: an old configuration (at most `[shopify]`
/// and `[colorme]`) shows both, the missing one saying it is not configured; otherwise each
/// configured store, in the configuration's order.
pub fn tab_stores_of(configured: &[Store]) -> Vec<Store> {
    if configured.iter().all(|s| s.is_default()) {
        Store::DEFAULTS.to_vec()
    } else {
        configured.to_vec()
    }
}

impl App {
    pub fn new(
        lang: Language,
        color: bool,
        tz: FixedOffset,
        database: String,
        stores: Vec<Store>,
        now: DateTime<Utc>,
    ) -> App {
        let first_store = stores.first().copied().unwrap_or(Store::SHOPIFY);
        App {
            lang,
            color,
            tz,
            database,
            stores,
            declared: Vec::new(),
            tab: Tab::Store(first_store),
            log_view: LogView::default(),
            log_dropped: 0,
            verdict: None,
            search: Input::default(),
            page: None,
            offset: 0,
            page_size: 100,
            selected: 0,
            selected_id: None,
            generation: 0,
            loading: false,
            data_changed: true,
            last_tick_reload: None,
            mode: Mode::List,
            detail: None,
            schedules: BTreeMap::new(),
            progress: BTreeMap::new(),
            runs: BTreeSet::new(),
            log: VecDeque::new(),
            job_runs: BTreeMap::new(),
            now,
            quit: false,
            show_raw: false,
            last_command: None,
            switching: None,
            hosts: Default::default(),
            pulls: Default::default(),
            operator: String::new(),
            demo: false,
            ascii: false,
            mails: BTreeMap::new(),
            health_rules: crate::domain::health::HealthRules {
                timezone: tz.into(),
                ..Default::default()
            },
            bell: false,
            reconciling: BTreeSet::new(),
        }
    }

    pub fn ja(&self) -> bool {
        self.lang == Language::Ja
    }

    /// The rows of the page now shown.
    pub fn rows(&self) -> &[ListedOrder] {
        self.page.as_ref().map_or(&[], |p| p.rows.as_slice())
    }

    pub fn selected_row(&self) -> Option<&ListedOrder> {
        self.rows().get(self.selected)
    }

    /// Selects the row at `index` of the page (clamped), and so its order.
    pub fn select_row(&mut self, index: usize) {
        let rows = self.rows().len();
        self.selected = index.min(rows.saturating_sub(1));
        self.selected_id = self.selected_row().map(|r| r.stored.id);
    }

    /// After a new page: the selected order's row if it is still shown, else the same row
    /// position (and so the order now there).
    pub fn follow_selection(&mut self) {
        match self
            .selected_id
            .and_then(|id| self.rows().iter().position(|r| r.stored.id == id))
        {
            Some(index) => self.selected = index,
            None => self.select_row(self.selected),
        }
    }

    /// A run is writing to a store in this process (started here, or scheduled).
    pub fn run_active(&self) -> bool {
        !self.runs.is_empty() || self.progress.values().any(|p| !p.dry_run)
    }

    /// A pull of this process is reading a store: quitting asks first, then stops it after
    /// the page in flight.
    pub fn pull_active(&self) -> bool {
        !self.pulls.is_empty()
    }

    /// The view under the dialogs, the help and the command line: what the main area shows.
    pub fn view_mode(&self) -> &Mode {
        let mut mode = &self.mode;
        loop {
            mode = match mode {
                Mode::Help { back, .. } | Mode::Command { back, .. } => back,
                Mode::Confirm(c) => &c.back,
                Mode::ConfirmImport(c) => &c.back,
                Mode::Ask(a) => &a.back,
                _ => return mode,
            };
        }
    }

    /// Which rows of the keymap answer the keyboard now.
    pub fn scope(&self) -> crate::console::keymap::Scope {
        use crate::console::keymap::Scope;
        match &self.mode {
            Mode::List if self.tab == Tab::Log => Scope::Log,
            Mode::List => Scope::List,
            Mode::Search => Scope::Search,
            Mode::Detail => Scope::Detail,
            Mode::Edit(_) => Scope::Form,
            Mode::Settings { .. } => Scope::Settings,
            Mode::Help { .. } => Scope::Help,
            Mode::Command { .. } => Scope::Command,
            Mode::Confirm(_) => Scope::Confirm,
            Mode::ConfirmImport(_) => Scope::ConfirmImport,
            Mode::Ask(_) => Scope::Ask,
        }
    }

    /// The stores with a tab, in the configuration's order. A configuration of the old form (at
    /// most `[shopify]` and `[colorme]`) shows both, the missing one saying it is not configured.
    pub fn tab_stores(&self) -> Vec<Store> {
        tab_stores_of(if self.declared.is_empty() {
            &self.stores
        } else {
            &self.declared
        })
    }

    /// The tabs in order: each store, then the log.
    pub fn tabs(&self) -> Vec<Tab> {
        let mut tabs: Vec<Tab> = self.tab_stores().into_iter().map(Tab::Store).collect();
        tabs.push(Tab::Log);
        tabs
    }

    /// The store of the tab shown (`None` on the log tab).
    pub fn store_tab(&self) -> Option<Store> {
        match self.tab {
            Tab::Store(channel) => Some(channel),
            Tab::Log => None,
        }
    }

    /// The store "sync" and "pull" act on: the tab's, or the selected order's.
    pub fn target_store(&self) -> Option<Store> {
        self.store_tab()
            .or_else(|| self.selected_row().map(|r| r.stored.order.store))
            .or_else(|| self.stores.first().copied())
    }

    /// A line of the log about no store in particular.
    pub fn push_log(&mut self, text: impl Into<String>, error: bool) {
        self.log_line(None, text.into(), error);
    }

    /// A line of the log about `store`.
    pub fn push_store_log(&mut self, store: Store, text: impl Into<String>, error: bool) {
        self.log_line(Some(store), text.into(), error);
    }

    /// What a failure about `store` is about, with its host.
    pub fn at(&self, store: Store) -> crate::text::At<'_> {
        crate::text::At::store(store, self.hosts.get(&store).map(String::as_str))
    }

    /// A failure, in the catalog's words for its kind (with the advice), about `store` if any;
    /// the words of whoever failed follow, kept inside the line.
    pub fn push_problem(&mut self, store: Option<Store>, problem: &crate::domain::Problem) {
        let at = crate::text::At {
            store,
            host: store.and_then(|s| self.hosts.get(&s)).map(String::as_str),
        };
        let text = crate::text::problem(problem, at, self.lang);
        let text = match store {
            Some(store) => format!("{store}: {text}"),
            None => text,
        };
        self.log_line(store, text, true);
    }

    fn log_line(&mut self, store: Option<Store>, text: String, error: bool) {
        if self.log.len() == LOG_LINES {
            self.log.pop_front();
            self.log_dropped += 1;
        }
        if !self.log_view.follow {
            // Paused: the view stays on the lines it shows.
            self.log_view.scroll += 1;
            self.log_view.unseen += 1;
        }
        self.log.push_back(LogLine {
            at: self.now,
            store,
            text,
            error,
        });
    }
}
