//! `hassou order NUMBER show` and `hassou order NUMBER set`.

use crate::text::Tell;
use serde_json::json;

use super::orders::order_json;
use super::{Context, Failure, Out};
use crate::cli::{RuleOverrides, SetArgs};
use crate::db::{Db, DbError, ListedOrder, OrderEdit, StoredOrder};
use crate::domain::time::parse_date;
use crate::domain::{Carrier, OrderStatus, Store, Tracking, tracking};
use crate::text;

/// The one order with this number, or a message saying why there is not exactly one.
pub(super) async fn find_one(
    ctx: &Context,
    db: &Db,
    number: &str,
    store: Option<Store>,
) -> Result<StoredOrder, Failure> {
    let lang = ctx.config.language;
    let mut found = db.find_orders(number, store).await?;
    match found.len() {
        0 => Err(Failure::input(
            Tell::NoOrderNumbered {
                number,
                store: store.map(Store::name),
            }
            .get(lang),
        )),
        1 => Ok(found.remove(0)),
        _ => {
            let stores: Vec<&str> = found.iter().map(|s| s.order.store.name()).collect();
            Err(Failure::input(
                Tell::OrderInSeveralStores {
                    number,
                    stores: &stores,
                }
                .get(lang),
            ))
        }
    }
}

async fn judged(
    ctx: &Context,
    db: &Db,
    stored: StoredOrder,
    overrides: &RuleOverrides,
) -> Result<ListedOrder, Failure> {
    let rules = ctx.rules(db, &[stored.order.store], overrides).await?;
    let evaluation = rules[0].evaluate(&stored.order, &stored.remote);
    Ok(ListedOrder { stored, evaluation })
}

pub async fn show(
    ctx: &Context,
    number: &str,
    channel: Option<Store>,
    overrides: &RuleOverrides,
    json_out: bool,
    out: &mut Out,
) -> Result<u8, Failure> {
    let db = ctx.open_db().await?;
    let stored = find_one(ctx, &db, number, channel).await?;
    let attempts = db.attempts_for_order(stored.id).await?;
    let row = judged(ctx, &db, stored, overrides).await?;
    let lang = ctx.config.language;
    if json_out {
        let mut value = order_json(&row);
        value["attempts"] = json!(
            attempts
                .iter()
                .map(|a| json!({
                    "run_id": a.run_id,
                    "started_at": a.started_at.to_rfc3339(),
                    "finished_at": a.finished_at.map(|t| t.to_rfc3339()),
                    "request": a.request,
                    "response": a.response,
                    "outcome": a.outcome,
                    "error": a.error,
                }))
                .collect::<Vec<_>>()
        );
        value["mail_sent_at"] = json!(row.stored.remote.mail_sent_at.map(|t| t.to_rfc3339()));
        value["mail_error"] = json!(row.stored.remote.mail_error);
        value["mail_uncertain"] = json!(row.stored.remote.mail_uncertain);
        value["hold"] = json!(row.stored.remote.hold.as_ref().map(|h| json!({
            "at": h.at.to_rfc3339(),
            "by": h.by,
            "reason": h.reason,
        })));
        out.json(&value);
        return Ok(0);
    }
    let o = &row.stored.order;
    let e = &row.evaluation;
    let tz = ctx.config.timezone.offset();
    // Values from a store or a file go inside one line: a line break in them is shown escaped
    // and never starts a line of its own (SPEC §3: no store can forge a line).
    // A named store says its name before its platform (`jp · Shopify #1001`).
    let store = if o.store.is_default() {
        o.store.display_name().to_owned()
    } else {
        format!("{} · {}", o.store.name(), o.store.display_name())
    };
    out.line(format!(
        "{store} {} ({})",
        text::visible(&o.number),
        text::visible(&o.remote_id)
    ));
    out.line(format!(
        "  status       {} ({})",
        text::status(o.status, lang),
        o.status.code()
    ));
    out.line(format!(
        "  ordered_at   {}",
        o.ordered_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S %:z")
    ));
    out.line(format!(
        "  updated_at   {}",
        o.updated_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S %:z")
    ));
    out.line(format!(
        "  shipped_on   {}",
        o.shipped_on.map_or("-".into(), |d| d.to_string())
    ));
    out.line(format!(
        "  carrier      {}",
        o.carrier.as_ref().map_or("-", |c| text::carrier(c, lang))
    ));
    out.line(format!(
        "  tracking     {}",
        if o.tracking.is_empty() {
            "-".into()
        } else {
            o.tracking.display()
        }
    ));
    if let Some(parent) = &o.bundle_parent {
        out.line(format!("  bundle       child of {parent}"));
    }
    for w in tracking::validate(&o.tracking, o.carrier.as_ref()) {
        out.line(format!("  warning      {w}"));
    }
    out.line(format!(
        "  verdict      {} — {}",
        e.verdict.code(),
        text::explain(e, lang)
    ));
    if let Some(hold) = &row.stored.remote.hold {
        out.line(format!(
            "  hold         {}",
            text::hold(hold, ctx.config.timezone, lang)
        ));
    }
    if let Some(held) = &row.stored.remote.confirmed {
        out.line(format!(
            "  store holds  {}",
            serde_json::to_string(held).unwrap_or_default()
        ));
    }
    if let Some(refs) = &row.stored.remote.remote_ref {
        out.line(format!("  store refs   {}", store_refs(refs)));
    }
    if let Some(at) = row.stored.remote.mail_sent_at {
        let at = at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S %:z");
        out.line(if row.stored.remote.mail_uncertain {
            format!(
                "  mail         UNCERTAIN: perhaps sent {at} (the store's answer was lost or \
                 unreadable); hassou never sends it again — check the order at the store"
            )
        } else {
            format!("  mail         sent {at}")
        });
    } else if let Some(error) = &row.stored.remote.mail_error {
        out.line(format!(
            "  mail         refused by the store: {} — `hassou order {} send-mail` reads \
             the store first and sends only if it has not gone",
            text::visible(error),
            text::visible(&o.number)
        ));
    }
    if !attempts.is_empty() {
        out.line("  audit trail");
        for a in &attempts {
            out.line(format!(
                "    {} run {} {} {}",
                a.started_at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S"),
                a.run_id,
                a.outcome.as_deref().unwrap_or("(no answer recorded)"),
                text::visible(a.error.as_deref().unwrap_or(""))
            ));
        }
    }
    Ok(0)
}

/// `""` clears a field; anything else is parsed.
fn edit_from_args(args: &SetArgs) -> Result<OrderEdit, Failure> {
    let status = args
        .status
        .as_deref()
        .map(|s| {
            s.parse::<OrderStatus>()
                .map_err(|e| Failure::input(format!("--status: {e}")))
        })
        .transpose()?;
    let shipped_on = match args.shipped_on.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(text) => Some(Some(
            parse_date(text).map_err(|m| Failure::input(format!("--shipped-on: {m}")))?,
        )),
    };
    let carrier = args
        .carrier
        .as_deref()
        .map(Carrier::parse_input)
        .transpose()
        .map_err(|e| Failure::input(format!("--carrier: {e}")))?;
    let tracking = args
        .tracking
        .as_deref()
        .map(Tracking::parse_input)
        .transpose()
        .map_err(|e| Failure::input(format!("--tracking {e}")))?;
    if let Some(parent) = args.bundle_parent.as_deref() {
        crate::domain::input::check_order_number(parent.trim())
            .map_err(|e| Failure::input(format!("--bundle-parent {e}")))?;
    }
    Ok(OrderEdit {
        status,
        carrier,
        tracking,
        shipped_on,
        bundle_parent: args
            .bundle_parent
            .as_deref()
            .map(|p| Some(p.trim().to_owned()).filter(|p| !p.is_empty())),
    })
}

pub async fn set(
    ctx: &Context,
    number: &str,
    channel: Option<Store>,
    args: &SetArgs,
    out: &mut Out,
) -> Result<u8, Failure> {
    let edit = edit_from_args(args)?;
    if edit == OrderEdit::default() {
        return Err(Failure::input(
            "nothing to set: give --status, --carrier, --tracking, --shipped-on or --bundle-parent",
        ));
    }
    let db = ctx.open_db().await?;
    let stored = find_one(ctx, &db, number, channel).await?;
    if let Some(Some(parent)) = &edit.bundle_parent {
        let c = stored.order.store;
        if parent == number {
            return Err(Failure::input(
                "--bundle-parent: an order cannot be its own bundle parent",
            ));
        }
        if !db.order_number_exists(c, parent).await? {
            return Err(Failure::input(format!(
                "--bundle-parent: no {c} order numbered {parent:?}"
            )));
        }
        if db.order_is_bundle_child(c, parent).await? {
            return Err(Failure::input(format!(
                "--bundle-parent: {parent} is itself a bundle child; point to its parent instead"
            )));
        }
    }
    let edited = match db.edit_order(&stored, &edit, ctx.now).await {
        Ok(edited) => edited,
        Err(e @ DbError::Conflict { .. }) => return Err(Failure::input(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    for w in tracking::validate(&edited.order.tracking, edited.order.carrier.as_ref()) {
        super::output::stderr_line(format!("warning: tracking: {w}"));
    }
    let changed = edited.revision != stored.revision;
    let row = judged(ctx, &db, edited, &RuleOverrides::default()).await?;
    let lang = ctx.config.language;
    out.line(format!(
        "{} {} {}: verdict {} — {}",
        row.stored.order.store,
        text::visible(&row.stored.order.number),
        if changed { "updated" } else { "unchanged" },
        row.evaluation.verdict.code(),
        text::explain(&row.evaluation, lang)
    ));
    Ok(0)
}

/// `hassou order NUMBER send-mail [--yes]`: カラーミー's 商品発送 mail for one sale, by hand. Without
/// `--yes` it says what it would send and sends nothing; a mail already sent (or perhaps sent)
/// is never sent again. The request and the answer go to the order's audit trail.
pub async fn send_mail(
    ctx: &Context,
    number: &str,
    channel: Option<Store>,
    yes: bool,
    out: &mut Out,
) -> Result<u8, Failure> {
    use crate::sync::mail::{MailOutcome, send_now};
    let lang = ctx.config.language;
    let db = ctx.open_db().await?;
    let stored = find_one(ctx, &db, number, channel).await?;
    if stored.order.store.channel() != crate::domain::Channel::Colorme {
        return Err(Failure::input(
            Tell::ShopifyNotifiesWithFulfillment(number).get(lang),
        ));
    }
    let when = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&ctx.config.timezone.offset())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    if let Some(at) = stored.remote.mail_sent_at {
        return Err(Failure::input(
            Tell::MailNeverTwice {
                number,
                at: &when(at),
            }
            .get(lang),
        ));
    }
    if !yes {
        let refused = stored.remote.mail_error.as_deref().map(text::visible);
        out.line(
            Tell::WouldSendMail {
                number,
                refused_before: refused.as_deref(),
            }
            .get(lang),
        );
        return Ok(0);
    }
    let connector =
        crate::stores::connector(&ctx.config, stored.order.store).map_err(Failure::input)?;
    let outcome = send_now(
        &db,
        &connector,
        &stored,
        crate::domain::job::Trigger::Cli,
        &super::operator(),
        ctx.now,
    )
    .await?;
    match outcome {
        MailOutcome::Sent => {
            out.line(Tell::MailSent(number).get(lang));
            Ok(0)
        }
        MailOutcome::PerhapsSent(e) => {
            out.line(
                Tell::MailPerhapsSent {
                    number,
                    error: &text::visible(&e),
                }
                .get(lang),
            );
            Ok(1)
        }
        MailOutcome::NotSent {
            message,
            unreachable,
        } => {
            let message = Tell::MailNotSent {
                number,
                error: &text::visible(&message),
            }
            .get(lang);
            Err(if unreachable {
                Failure::temporary(message)
            } else {
                Failure { code: 1, message }
            })
        }
        MailOutcome::AlreadySent(at) => Err(Failure::input(
            Tell::MailAlreadySent {
                number,
                at: &when(at),
            }
            .get(lang),
        )),
        MailOutcome::StoreSaysSent => {
            out.line(Tell::StoreSaysMailSent(number).get(lang));
            Ok(0)
        }
        MailOutcome::Busy => Err(Failure::temporary(format!(
            "sale {number}: another process is writing this sale; nothing sent — try again \
             when it has finished"
        ))),
    }
}

/// What a pull or a write kept of the order at its store, in one line: Shopify's pulled
/// fulfillment orders by id and status (the whole record is for the next write, not for reading).
fn store_refs(refs: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(refs) else {
        return refs.to_owned();
    };
    let Some(pulled) = value.get("shopify_pulled") else {
        return refs.to_owned();
    };
    let orders: Vec<String> = pulled["fulfillment_orders"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|fo| {
                    format!(
                        "{} {}",
                        fo["id"].as_str().unwrap_or_default(),
                        fo["status"].as_str().unwrap_or_default()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    format!(
        "pulled {}: fulfillment orders {}{}",
        pulled["pulled_at"].as_str().unwrap_or_default(),
        if orders.is_empty() {
            "none".to_owned()
        } else {
            orders.join(", ")
        },
        if pulled["fulfilled"].as_bool() == Some(true) {
            "; already fulfilled"
        } else {
            ""
        }
    )
}

/// `hassou order N hold [--reason TEXT]`: the order is ineligible (reason `held`) and never
/// written until released; pulls, imports and carrier files leave the hold in place.
pub async fn hold(
    ctx: &Context,
    number: &str,
    channel: Option<Store>,
    reason: Option<&str>,
    out: &mut Out,
) -> Result<u8, Failure> {
    let lang = ctx.config.language;
    let db = ctx.open_db().await?;
    let stored = find_one(ctx, &db, number, channel).await?;
    let reason = reason.unwrap_or("").trim();
    if reason.chars().any(char::is_control) {
        return Err(Failure::input(Tell::HoldReasonLine.get(lang)));
    }
    let who = super::operator();
    db.hold_order(stored.id, &who, reason, ctx.now).await?;
    tracing::info!(order = %stored.order.number, by = %who, "held");
    out.line(
        Tell::Held {
            store: text::store(stored.order.store, lang),
            number: &text::visible(&stored.order.number),
            by: &who,
            reason,
        }
        .get(lang),
    );
    db.close().await;
    Ok(0)
}

/// `hassou order N release`: the hold is lifted; the next run writes the order if the rules say
/// so.
pub async fn release(
    ctx: &Context,
    number: &str,
    channel: Option<Store>,
    out: &mut Out,
) -> Result<u8, Failure> {
    let lang = ctx.config.language;
    let db = ctx.open_db().await?;
    let stored = find_one(ctx, &db, number, channel).await?;
    let was_held = db.release_hold(stored.id).await?;
    tracing::info!(order = %stored.order.number, by = %super::operator(), was_held, "released");
    out.line(
        Tell::Released {
            store: text::store(stored.order.store, lang),
            number: &text::visible(&stored.order.number),
            was_held,
        }
        .get(lang),
    );
    db.close().await;
    Ok(0)
}
