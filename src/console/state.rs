//! What the console shows and remembers: the list, the selected order, the edit form, the
//! schedule of each store, the log of what happened. Plain data: `update` changes it, the views
//! read it.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, FixedOffset, Utc};
use tui_input::Input;

use crate::config::Language;
use crate::db::{AttemptRecord, ListedOrder, OrderPage};
use crate::domain::job::JobKind;
use crate::domain::{Channel, Verdict};
pub use crate::scheduler::ScheduleView;

/// How many log lines the console keeps.
pub const LOG_LINES: usize = 200;

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
        channel: Channel,
        row: usize,
    },
    Help,
}

/// The edit form of one order: one input per field, the focused one, and the order's revision
/// when it was read (the save is refused if someone changed it since: no edit is lost).
#[derive(Debug, Clone)]
pub struct EditForm {
    pub order_id: i64,
    pub number: String,
    pub fields: [Input; EDIT_FIELDS],
    pub focus: usize,
    pub error: Option<String>,
}

pub const EDIT_FIELDS: usize = 4;
/// Field order of the form: status, carrier, tracking, shipped on.
pub const STATUS: usize = 0;
pub const CARRIER: usize = 1;
pub const TRACKING: usize = 2;
pub const SHIPPED_ON: usize = 3;

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
    pub planned: usize,
    pub done: usize,
    pub current: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: DateTime<Utc>,
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
    pub stores: Vec<Channel>,
    /// `None`: every store.
    pub tab: Option<Channel>,
    pub verdict: Option<Verdict>,
    pub search: Input,
    pub page: Option<OrderPage>,
    pub offset: u64,
    pub page_size: u64,
    pub selected: usize,
    /// Bumped by every page request: an answer to an older request is dropped.
    pub generation: u64,
    pub loading: bool,
    pub mode: Mode,
    pub detail: Option<Detail>,
    pub schedules: BTreeMap<Channel, ScheduleView>,
    pub progress: BTreeMap<Channel, Progress>,
    pub log: VecDeque<LogLine>,
    /// Runs seen of each job of this process, to tell when one ends.
    pub job_runs: BTreeMap<(Channel, JobKind), u64>,
    pub now: DateTime<Utc>,
    pub quit: bool,
}

impl App {
    pub fn new(
        lang: Language,
        color: bool,
        tz: FixedOffset,
        database: String,
        stores: Vec<Channel>,
        now: DateTime<Utc>,
    ) -> App {
        App {
            lang,
            color,
            tz,
            database,
            stores,
            tab: None,
            verdict: None,
            search: Input::default(),
            page: None,
            offset: 0,
            page_size: 100,
            selected: 0,
            generation: 0,
            loading: false,
            mode: Mode::List,
            detail: None,
            schedules: BTreeMap::new(),
            progress: BTreeMap::new(),
            log: VecDeque::new(),
            job_runs: BTreeMap::new(),
            now,
            quit: false,
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

    /// The store "sync now" and "pull" act on: the tab's, or the selected order's.
    pub fn target_store(&self) -> Option<Channel> {
        self.tab
            .or_else(|| self.selected_row().map(|r| r.stored.order.channel))
            .or_else(|| self.stores.first().copied())
    }

    pub fn push_log(&mut self, text: impl Into<String>, error: bool) {
        if self.log.len() == LOG_LINES {
            self.log.pop_front();
        }
        self.log.push_back(LogLine {
            at: self.now,
            text: text.into(),
            error,
        });
    }
}
