//! What an import does, in the operator's language, one line per order reached and per row
//! left out: the `hassou shipments import` report and the console's preview. Line by line, so a
//! report of 100,000 orders can be written as it is read back, never held whole.

use std::path::Path;

use crate::domain::Language;
use crate::shipments::{Change, FileSummary, ImportPlan, OrderChange};

/// The report in the operator's language: one line per order reached, then what was left out.
pub fn lines(
    path: &Path,
    dry_run: bool,
    parsed: &FileSummary,
    plan: &ImportPlan,
    lang: Language,
) -> Vec<String> {
    let mut lines = Vec::with_capacity(plan.orders.len() + 2);
    write(path, dry_run, parsed, plan, lang, &mut |line| {
        lines.push(line)
    });
    lines
}

/// The report line by line to `emit`.
pub fn write(
    path: &Path,
    dry_run: bool,
    parsed: &FileSummary,
    plan: &ImportPlan,
    lang: Language,
    emit: &mut dyn FnMut(String),
) {
    emit(header_line(path, parsed, lang));
    for o in &plan.orders {
        emit(order_line(o, lang));
    }
    for (line, key) in &plan.unmatched {
        emit(unmatched_line(*line, key, lang));
    }
    for (line, key) in &plan.ambiguous {
        emit(ambiguous_line(*line, key, lang));
    }
    for (line, message) in &parsed.warnings {
        emit(warning_line(*line, message, lang));
    }
    emit(summary_line(
        dry_run,
        plan.count(Change::Set),
        plan.count(Change::Changed),
        plan.count(Change::Unchanged),
        lang,
    ));
}

/// The file, its format, encoding and rows.
pub fn header_line(path: &Path, parsed: &FileSummary, lang: Language) -> String {
    match lang {
        Language::Ja => format!(
            "{}: 形式 {} · 文字コード {} · {}行",
            path.display(),
            parsed.format.code(),
            parsed.encoding.code(),
            parsed.rows
        ),
        Language::En => format!(
            "{}: format {} · encoding {} · {} rows",
            path.display(),
            parsed.format.code(),
            parsed.encoding.code(),
            parsed.rows
        ),
    }
}

/// One order reached: set, changed (before → after) or unchanged.
/// The same order in fewer cells, for a narrow screen: the new values only (what is saved),
/// never the old ones without the new.
pub fn order_line_short(o: &OrderChange, lang: Language) -> String {
    format!(
        "{} {} → {} {} {}",
        change_word(o.change, lang == Language::Ja),
        crate::text::visible(&o.number),
        o.tracking.join(", "),
        o.carrier.code(),
        o.shipped_on
    )
}

fn change_word(change: Change, ja: bool) -> &'static str {
    match (change, ja) {
        (Change::Set, true) => "設定",
        (Change::Changed, true) => "変更",
        (Change::Unchanged, true) => "変更なし",
        (Change::Set, false) => "set",
        (Change::Changed, false) => "changed",
        (Change::Unchanged, false) => "unchanged",
    }
}

pub fn order_line(o: &OrderChange, lang: Language) -> String {
    let ja = lang == Language::Ja;
    let word = change_word(o.change, ja);
    let after = format!(
        "{} {} {}",
        o.tracking.join(", "),
        o.carrier.code(),
        o.shipped_on
    );
    let shown = match &o.previous {
        Some(p) => format!(
            "{} {} {} → {after}",
            p.tracking.join(", "),
            p.carrier.as_deref().unwrap_or("—"),
            p.shipped_on
                .map_or_else(|| "—".to_owned(), |d| d.to_string())
        ),
        None => after,
    };
    let bundle = match (o.from_parent, ja) {
        (true, true) => " (同梱)",
        (true, false) => " (bundle)",
        _ => "",
    };
    format!(
        "{word:<10} {} {}{bundle}  {shown}",
        o.channel,
        crate::text::visible(&o.number)
    )
}

pub fn unmatched_line(line: usize, key: &str, lang: Language) -> String {
    match lang {
        Language::Ja => format!("一致なし   {line}行目 {}", crate::text::visible(key)),
        Language::En => format!("unmatched  line {line}: {}", crate::text::visible(key)),
    }
}

pub fn ambiguous_line(line: usize, key: &str, lang: Language) -> String {
    match lang {
        Language::Ja => format!(
            "曖昧       {line}行目 {}: 複数のストアにあります (--store で指定)",
            crate::text::visible(key)
        ),
        Language::En => format!(
            "ambiguous  line {line}: {} is in several stores (choose with --store)",
            crate::text::visible(key)
        ),
    }
}

pub fn warning_line(line: usize, message: &str, lang: Language) -> String {
    match lang {
        Language::Ja => format!("注意       {line}行目 {message}"),
        Language::En => format!("warning    line {line}: {message}"),
    }
}

/// The counts, and whether anything was written.
pub fn summary_line(
    dry_run: bool,
    set: usize,
    changed: usize,
    same: usize,
    lang: Language,
) -> String {
    match (dry_run, lang) {
        (true, Language::Ja) => format!(
            "設定 {set}件、変更 {changed}件、変更なし {same}件 — 確認のみ、何も書き込んでいません"
        ),
        (false, Language::Ja) => {
            format!("設定 {set}件、変更 {changed}件、変更なし {same}件を保存しました")
        }
        (true, Language::En) => {
            format!("{set} set, {changed} changed, {same} unchanged — dry run, nothing written")
        }
        (false, Language::En) => format!("{set} set, {changed} changed, {same} unchanged: saved"),
    }
}
