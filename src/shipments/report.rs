//! What an import does, in the operator's language, one line per order reached and per row
//! left out: the `hassou shipments import` report and the console's preview.

use std::path::Path;

use super::{Change, FileSummary, ImportPlan};
use crate::config::Language;

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

/// The report line by line to `emit`, so a report of 100,000 orders is never held whole.
pub fn write(
    path: &Path,
    dry_run: bool,
    parsed: &FileSummary,
    plan: &ImportPlan,
    lang: Language,
    emit: &mut dyn FnMut(String),
) {
    let ja = lang == Language::Ja;
    emit(if ja {
        format!(
            "{}: 形式 {} · 文字コード {} · {}行",
            path.display(),
            parsed.format.code(),
            parsed.encoding.code(),
            parsed.rows
        )
    } else {
        format!(
            "{}: format {} · encoding {} · {} rows",
            path.display(),
            parsed.format.code(),
            parsed.encoding.code(),
            parsed.rows
        )
    });
    for o in &plan.orders {
        let word = match (o.change, ja) {
            (Change::Set, true) => "設定",
            (Change::Changed, true) => "変更",
            (Change::Unchanged, true) => "変更なし",
            (Change::Set, false) => "set",
            (Change::Changed, false) => "changed",
            (Change::Unchanged, false) => "unchanged",
        };
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
        emit(format!(
            "{word:<10} {} {}{bundle}  {shown}",
            o.channel,
            crate::text::visible(&o.number)
        ));
    }
    for (line, key) in &plan.unmatched {
        emit(if ja {
            format!("一致なし   {line}行目 {}", crate::text::visible(key))
        } else {
            format!("unmatched  line {line}: {}", crate::text::visible(key))
        });
    }
    for (line, key) in &plan.ambiguous {
        emit(if ja {
            format!(
                "曖昧       {line}行目 {}: 両方のストアにあります (--channel で指定)",
                crate::text::visible(key)
            )
        } else {
            format!(
                "ambiguous  line {line}: {} is in both stores (choose with --channel)",
                crate::text::visible(key)
            )
        });
    }
    for (line, message) in &parsed.warnings {
        emit(if ja {
            format!("注意       {line}行目 {message}")
        } else {
            format!("warning    line {line}: {message}")
        });
    }
    let (set, changed, same) = (
        plan.count(Change::Set),
        plan.count(Change::Changed),
        plan.count(Change::Unchanged),
    );
    emit(match (dry_run, ja) {
        (true, true) => format!(
            "設定 {set}件、変更 {changed}件、変更なし {same}件 — 確認のみ、何も書き込んでいません"
        ),
        (false, true) => format!("設定 {set}件、変更 {changed}件、変更なし {same}件を保存しました"),
        (true, false) => {
            format!("{set} set, {changed} changed, {same} unchanged — dry run, nothing written")
        }
        (false, false) => format!("{set} set, {changed} changed, {same} unchanged: saved"),
    });
}
