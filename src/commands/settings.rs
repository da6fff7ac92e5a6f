//! `hassou settings STORE [KEY=VALUE…] [--yes]` (SPEC §3 "Settings, auto sync and watch"): a
//! store's operational settings, changed with the console's `:` names and values. Every pair is
//! checked before anything changes (a bad one: exit 2, nothing changed). Turning auto sync or
//! watch on is a write: the plan of what the first run would write now is printed, and nothing
//! changes without `--yes` when it is not empty.

use super::{Context, Failure, Out, operator};
use crate::cli::SettingsArgs;
use crate::console::command_line::{Command, parse_typed};
use crate::console::settings_form::ROWS;
use crate::domain::ChannelRules;
use crate::settings::OperationalSettings;
use crate::sync::{PlanScope, SyncEngine};
use crate::text::{self, Tell};

/// A change of the command line applied to `s`; `false` when it is not a setting.
fn apply(s: &mut OperationalSettings, command: &Command) -> bool {
    match command {
        Command::Period(p) => s.rules.period = *p,
        Command::Statuses(o) => s.rules.statuses = *o,
        Command::ShippedDateOnly(on) => s.rules.shipped_date_only = *on,
        Command::AutoSync(on) => s.auto_sync = *on,
        Command::AutoSyncEvery(every) => s.auto_sync_every = *every,
        Command::AutoPull(on) => s.auto_pull = *on,
        Command::Watch(on) => s.watch = *on,
        Command::ActiveHours(hours) => s.window.hours = *hours,
        Command::ActiveDays(days) => s.window.days = *days,
        Command::SkipHolidays(on) => s.window.skip_holidays = *on,
        Command::AutoReconcileEvery(every) => s.auto_reconcile_every = *every,
        _ => return false,
    }
    true
}

pub async fn settings(ctx: &Context, args: &SettingsArgs, out: &mut Out) -> Result<u8, Failure> {
    let (lang, channel) = (ctx.config.language, ctx.store(&args.channel)?);
    // Every pair is read before anything is changed.
    let mut commands = Vec::new();
    for pair in &args.changes {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(Failure::input(Tell::SettingNeedsValue(pair).get(lang)));
        };
        let command = parse_typed(&format!("{} {}", key.trim(), value.trim()), Some(channel))
            .map_err(|e| Failure::input(text::command_error(&e, lang)))?;
        if !apply(&mut OperationalSettings::default(), &command) {
            return Err(Failure::input(Tell::NotASetting(key).get(lang)));
        }
        commands.push(command);
    }
    let db = ctx.open_db().await?;
    let initial = ctx.config.initial_settings(channel);
    let before = db
        .settings_or_init(channel, &initial, "config", ctx.now)
        .await?;
    let mut after = before;
    for command in &commands {
        apply(&mut after, command);
    }
    let switching_on = (after.auto_sync && !before.auto_sync) || (after.watch && !before.watch);
    let mut plan_json = None;
    if switching_on {
        // What the first run would write now, as the console's confirmation shows it.
        let connector = crate::stores::connector(&ctx.config, channel).map_err(Failure::input)?;
        let rules = ChannelRules::new(channel, after.rules, ctx.now, ctx.config.timezone);
        let plan = SyncEngine::new(&db, &connector)
            .plan(rules, PlanScope::Pending)
            .await
            .map_err(|e| Failure::input(e.to_string()))?;
        if !plan.items.is_empty() && args.json {
            let items: Vec<serde_json::Value> = plan
                .items
                .iter()
                .map(|i| serde_json::json!({"number": i.number, "planned": i.planned}))
                .collect();
            plan_json = Some(serde_json::Value::from(items));
        } else if !plan.items.is_empty() {
            out.line(
                Tell::SwitchPlan {
                    store: text::store(channel, lang),
                    orders: plan.items.len(),
                    mails: plan.notifications(),
                }
                .get(lang),
            );
            for item in &plan.items {
                out.line(format!(
                    "  {:<14}{}",
                    text::visible(&item.number),
                    text::planned(&item.planned, lang)
                ));
            }
        }
        if !plan.items.is_empty() && !args.yes {
            if let Some(plan) = plan_json {
                out.json(&serde_json::json!({
                    "store": channel.name(),
                    "channel": channel.channel().code(),
                    "settings": super::status::settings_json(channel, &before),
                    "changed": [],
                    "plan": plan,
                }));
            }
            db.close().await;
            return Err(Failure::input(Tell::ConfirmationNeeded.get(lang)));
        }
    }
    let changed = text::settings::changes(&before, &after, channel, lang);
    if after != before {
        db.save_channel_settings(channel, &after, &operator(), ctx.now)
            .await?;
    }
    db.close().await;
    if args.json {
        out.json(&serde_json::json!({
            "store": channel.name(),
            "channel": channel.channel().code(),
            "settings": super::status::settings_json(channel, &after),
            "changed": changed,
            "plan": plan_json,
        }));
        return Ok(0);
    }
    for change in changed {
        out.line(format!("{}: {change}", text::store(channel, lang)));
    }
    for row in ROWS {
        let (name, value) = text::settings::label(row, &after, channel, lang);
        out.line(format!("{} {value}", text::fit(&name, 22)));
    }
    Ok(0)
}
