//! One order's detail (its values, the store's, the audit trail) and the edit form.

use super::*;

pub(super) fn detail_lines(app: &App, detail: &Detail) -> Vec<Line<'static>> {
    let o = &detail.row.stored.order;
    let e = &detail.row.evaluation;
    let remote = &detail.row.stored.remote;
    let field = |label: Phrase, value: String| {
        Line::from(vec![
            Span::styled(
                text::fit(label.get(app.lang), 12),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        field(Phrase::Verdict, {
            let advice = e
                .cause
                .and_then(|c| text::advice(c, Some(o.store), app.lang))
                .map(|a| format!(" → {a}"))
                .unwrap_or_default();
            format!(
                "{} — {}{advice}",
                text::verdict(e.verdict, app.lang),
                text::explain(e, app.lang)
            )
        }),
        field(Phrase::Status, text::status(o.status, app.lang).to_owned()),
        field(
            Phrase::Carrier,
            o.carrier
                .as_ref()
                .map(|c| text::carrier(c, app.lang).to_owned())
                .unwrap_or_else(|| "—".into()),
        ),
        field(
            Phrase::Tracking,
            if o.tracking.is_empty() {
                "—".into()
            } else {
                o.tracking.display()
            },
        ),
        field(
            Phrase::ShippedOn,
            o.shipped_on.map_or_else(|| "—".into(), |d| d.to_string()),
        ),
        field(
            Phrase::OrderedAt,
            local(app, o.ordered_at, "%Y-%m-%d %H:%M"),
        ),
        field(
            Phrase::Changed,
            local(app, o.updated_at, "%Y-%m-%d %H:%M:%S"),
        ),
        field(Phrase::StoreHolds, {
            // In words, with when the store said so (a write's answer or a read with r).
            let what = match (&remote.confirmed, remote.confirmed_at) {
                (Some(w), _) => text::held(w, app.lang),
                (None, Some(_)) => Say::NothingHeld.get(app.lang),
                (None, None) => Phrase::NotConfirmedYet.get(app.lang).to_owned(),
            };
            match remote.confirmed_at {
                Some(at) => Say::ConfirmedAt {
                    what: &what,
                    at: &local(app, at, "%m-%d %H:%M:%S"),
                }
                .get(app.lang),
                None => what,
            }
        }),
    ];
    if let Some(hold) = &remote.hold {
        // Who held it, when and why, first: nothing else about it matters until it is released.
        lines.insert(
            0,
            Line::from(Span::styled(
                text::hold(hold, app.health_rules.timezone, app.lang),
                error_style(app),
            )),
        );
    }
    if let Some(drift) = &remote.drift {
        // The store changed behind hassou: both sides, and what settles it.
        // What hassou last confirmed, or else what it holds to send.
        let ours = remote.confirmed.as_ref().map_or_else(
            || {
                let carrier = o
                    .carrier
                    .as_ref()
                    .map_or("", |c| text::carrier(c, app.lang));
                format!("{} ({carrier})", text::visible(&o.tracking.display()))
            },
            |w| text::held(w, app.lang),
        );
        let theirs = drift
            .store
            .held
            .as_ref()
            .map_or_else(|| "—".to_owned(), |w| text::held(w, app.lang));
        let store = text::store(o.store, app.lang);
        let at = if remote.hold.is_some() { 1 } else { 0 };
        let drift_lines = [
            Line::from(Span::styled(
                text::drift_kind(drift.kind, app.lang).to_owned(),
                error_style(app),
            )),
            Line::from(format!("  hassou: {ours}")),
            Line::from(format!(
                "  {store}: {theirs} ({})",
                text::store_status(&drift.store.status, app.lang)
            )),
            Line::from(format!(
                "  O {} · T {}",
                Phrase::ResolveOurs.get(app.lang),
                Phrase::ResolveStore.get(app.lang)
            )),
        ];
        for (i, line) in drift_lines.into_iter().enumerate() {
            lines.insert(at + i, line);
        }
    }
    if let Some(since) = remote.in_flight_since {
        lines.push(field(
            Phrase::InFlight,
            format!(
                "{} {}",
                local(app, since, "%H:%M:%S"),
                Phrase::ReadBeforeResend.get(app.lang)
            ),
        ));
    }
    if remote.mail_sent_at.is_none()
        && let Some(error) = &remote.mail_error
    {
        // A refused mail is never sent on its own: say so, and how to send it on purpose.
        let words = Say::MailRefused {
            error,
            number: &o.number,
        }
        .get(app.lang);
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", Phrase::Mail.get(app.lang))),
            Span::styled(text::visible(&words), error_style(app)),
        ]));
    }
    if remote.mail_uncertain {
        // Perhaps sent: never sent again by hassou; only the store can say.
        let words = Phrase::MailUncertain.get(app.lang);
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", Phrase::Mail.get(app.lang))),
            Span::styled(words, error_style(app)),
        ]));
    }
    lines.push(Line::from(Span::styled(
        Phrase::AuditTrail.get(app.lang),
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )));
    if detail.attempts.is_empty() {
        lines.push(Line::from(Phrase::NoneIndented.get(app.lang)));
    }
    for a in detail.attempts.iter().rev() {
        let outcome = text::attempt_outcome(a.outcome.as_deref(), app.lang);
        let mut line = format!("  {} {outcome}", local(app, a.started_at, "%m-%d %H:%M:%S"));
        if let Some(error) = &a.error {
            // The store's words as recorded; the kind and the advice are on the verdict's line.
            line.push_str(&format!(": {}", text::visible(error)));
        }
        let style = if a.error.is_some() {
            error_style(app)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(line, style)));
        // For support: the request and the store's answer as sent, one key (v) away.
        if app.show_raw {
            let dim = Style::default().add_modifier(Modifier::DIM);
            lines.push(Line::from(Span::styled(
                format!("    → {}", a.request),
                dim,
            )));
            if let Some(response) = &a.response {
                lines.push(Line::from(Span::styled(format!("    ← {response}"), dim)));
            }
        }
    }
    if !detail.attempts.is_empty() && !app.show_raw {
        lines.push(Line::from(Span::styled(
            Phrase::RawExchangeHint.get(app.lang),
            Style::default().add_modifier(Modifier::DIM),
        )));
    }
    lines
}

pub(super) fn draw_detail(frame: &mut Frame, app: &App, area: Rect, form: Option<&EditForm>) {
    let Some(detail) = &app.detail else {
        return;
    };
    let o = &detail.row.stored.order;
    let title = format!(" {} {} ", text::store(o.store, app.lang), o.number);
    let block = Block::default().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(
        Paragraph::new(detail_lines(app, detail)).wrap(Wrap { trim: false }),
        inner,
    );
    if let Some(form) = form {
        draw_form(frame, app, inner, form);
    }
}

pub(super) fn draw_form(frame: &mut Frame, app: &App, area: Rect, form: &EditForm) {
    let fields = form.fields();
    let warnings = form.warnings();
    let height = (fields.len() as u16 * 2 + 3 + warnings.len() as u16 * 2).min(area.height);
    let rect = Rect { height, ..area };
    // The form covers the detail whole: no half-hidden line beside it.
    frame.render_widget(Clear, area);
    let title = Say::EditTitle(&form.number).get(app.lang);
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = Vec::new();
    for field in &fields {
        let focused = *field == form.focus;
        let (label, value, hint) = match field {
            Field::Status => (
                Phrase::Status.get(app.lang),
                format!("< {} >", text::status(form.status, app.lang)),
                Phrase::ChooseWithArrows.get(app.lang),
            ),
            Field::Carrier => (
                Phrase::Carrier.get(app.lang),
                format!("< {} >", form.carrier.label(app.lang)),
                Phrase::ChooseOrNameOther.get(app.lang),
            ),
            Field::OtherName => (
                Phrase::OtherCarrierLabel.get(app.lang),
                form.other_name.value().to_owned(),
                Phrase::OtherCarrierName.get(app.lang),
            ),
            Field::Tracking => (
                Phrase::Tracking.get(app.lang),
                form.tracking.value().to_owned(),
                Phrase::SeveralNumbersHint.get(app.lang),
            ),
            Field::ShippedOn => (
                Phrase::ShippedOn.get(app.lang),
                form.shipped_on.value().to_owned(),
                Phrase::ShippedOnHint.get(app.lang),
            ),
        };
        let style = if focused {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(
                text::fit(label, 12),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("{value} "), style),
        ]));
        lines.push(Line::from(Span::styled(
            format!("{}{hint}", " ".repeat(12)),
            Style::default().add_modifier(Modifier::DIM),
        )));
    }
    for warning in warnings {
        let word = Phrase::Check.get(app.lang);
        lines.push(Line::from(Span::styled(
            format!("{word}: {warning}"),
            Style::default().add_modifier(Modifier::BOLD),
        )));
    }
    if let Some(error) = &form.error {
        lines.push(Line::from(Span::styled(error.clone(), error_style(app))));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    // The terminal cursor sits in the focused text field.
    if let Some(input) = form.input(form.focus) {
        let row = fields.iter().position(|f| *f == form.focus).unwrap_or(0);
        let x = inner.x + 12 + input.visual_cursor() as u16;
        let y = inner.y + row as u16 * 2;
        if x < inner.x + inner.width && y < inner.y + inner.height {
            frame.set_cursor_position((x, y));
        }
    }
}
