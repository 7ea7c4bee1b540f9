//! The one-line status bar: model, what is happening, key hints for the focused pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::layout::transcript::spinner;
use crate::state::{AppState, StreamPhase};
use crate::text::plain::{display_width, sanitize};

/// "ctx 12%" (the share of the model's window the last request used), and how many old
/// messages were left out of it to fit.
fn context_meter(state: &AppState) -> Option<String> {
    let conv = state.active_conversation();
    let mut parts = Vec::new();
    if let Some(window) = crate::catalog::context_length(&conv.model, &state.models) {
        // The last reply's reported prompt size, else the tokenizer's count of the request.
        let reported = conv
            .messages
            .iter()
            .rev()
            .find_map(|m| m.usage)
            .map(|u| u.prompt_tokens);
        if let Some(used) = reported.or(conv.counted_tokens) {
            let percent = (used as f64 / window as f64 * 100.0).round();
            parts.push(format!("ctx {percent:.0}%"));
        }
    }
    if conv.left_out > 0 {
        parts.push(format!("{} old messages left out to fit", conv.left_out));
    }
    (!parts.is_empty()).then(|| format!(" {} ", parts.join(" · ")))
}

fn activity(state: &AppState) -> (String, bool) {
    if !state.pending_keys.is_empty() {
        // A chord was started: say what was pressed and wait for the rest.
        let keys = crate::chord::display_chord(&state.pending_keys);
        return (format!("{keys} … (Esc cancels)"), true);
    }
    let conv = state.active_conversation();
    let spin = spinner(state.now);
    match conv.phase {
        StreamPhase::Waiting { .. } => (format!("{spin} waiting for Kimi · Esc stops"), true),
        StreamPhase::Retrying { at, .. } => {
            let secs = at.saturating_sub(state.now).div_ceil(1000);
            (format!("↻ trying again in {secs} s · Esc cancels"), true)
        }
        StreamPhase::Streaming { .. } => {
            let reply = conv.live_reply.and_then(|id| conv.message(id));
            let thinking = reply.is_some_and(|m| {
                m.reasoning_started_at.is_some() && m.reasoning_ended_at.is_none()
            });
            let what = if thinking { "thinking" } else { "streaming" };
            (format!("{spin} {what} · Esc stops"), true)
        }
        StreamPhase::Idle => {
            let elsewhere = state.conversations.live_count();
            if let Some(flash) = &state.flash {
                (sanitize(flash), false)
            } else if elsewhere > 0 {
                (
                    format!("{spin} {elsewhere} reply streaming in another chat"),
                    true,
                )
            } else if !state.settings.has_key {
                ("no API key: see the scrollback".into(), true)
            } else {
                ("ready".into(), false)
            }
        }
    }
}

/// As many hints as fit in `width` cells, joined.
fn fitted_hints(hints: &[String], width: usize) -> String {
    let mut out = String::new();
    for hint in hints {
        let extra = if out.is_empty() { 0 } else { 3 };
        if display_width(&out) + extra + display_width(hint) + 1 > width {
            break;
        }
        if !out.is_empty() {
            out.push_str(" · ");
        }
        out.push_str(hint);
    }
    out
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    frame.render_widget(Paragraph::new("").style(theme.status_bar), area);
    let conv = state.active_conversation();
    let mut model = if state.settings.profile == crate::config::profiles::DEFAULT_PROFILE {
        format!(" {}", sanitize(&conv.model))
    } else {
        format!(
            " {} · {}",
            sanitize(&state.settings.profile),
            sanitize(&conv.model)
        )
    };
    match (conv.thinking, conv.effort) {
        (Some(false), _) => model.push_str(" · no thinking"),
        (_, Some(effort)) => model.push_str(&format!(" · {} effort", effort.as_str())),
        _ => {}
    }
    if conv.web_search {
        model.push_str(" · web");
    }
    model.push(' ');
    let (text, busy) = activity(state);
    let mut spans = vec![Span::styled(model, theme.status_model)];
    if let Some(error) = &state.store_error {
        spans.push(Span::styled(
            format!(
                " ⚠ saving failed, kept in memory, retrying: {} ",
                sanitize(error)
            ),
            theme.status_error,
        ));
    }
    spans.push(Span::styled(
        format!(" {text} "),
        if busy {
            theme.status_busy
        } else {
            theme.status_bar
        },
    ));
    if let Some(meter) = context_meter(state) {
        spans.push(Span::styled(meter, theme.status_bar));
    }
    let left = Line::from(spans);
    let left_width = crate::num::cells(left.width());
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(left), left_area);
    let hint = fitted_hints(&crate::keymap::hints(state), right_area.width as usize);
    if !hint.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(format!("{hint} "), theme.status_hint))
                .alignment(ratatui::layout::Alignment::Right),
            right_area,
        );
    }
}
