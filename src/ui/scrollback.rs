//! The transcript pane: the rows in view from `layout::transcript`, a welcome when the
//! conversation is empty, and a marker when there is more below.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::error::NO_KEY_HELP;
use crate::layout::transcript;
use crate::layout::transcript::item_count;
use crate::msg::Focus;
use crate::state::AppState;
use crate::text::plain::{sanitize, truncate};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect, inner: Rect) {
    let theme = &state.theme;
    let conv = state.active_conversation();
    let focused = state.focus == Focus::Scrollback;
    let title = truncate(
        conv.display_title(),
        (area.width as usize).saturating_sub(6),
    );
    let mut block =
        super::pane(focused, &state.theme).title(Span::styled(format!(" {title} "), theme.title));
    // The conversation's total: every reply's prompt and completion tokens.
    let total = conv.total_tokens;
    if total > 0 {
        block = block.title_bottom(
            Line::styled(
                format!(" {total} tokens in this conversation "),
                theme.header_meta,
            )
            .right_aligned(),
        );
    }
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if !conv.loaded {
        frame.render_widget(
            Paragraph::new(Line::styled("Loading…", theme.placeholder)),
            inner,
        );
        return;
    }
    if item_count(conv) == 0 {
        render_welcome(state, frame, inner);
        return;
    }
    let focus = if focused { conv.focus } else { None };
    let view = transcript::view(
        conv,
        inner.width,
        inner.height as usize,
        state.now,
        focus,
        &state.theme,
    );
    state
        .transcript_cells
        .draw(view.lines, inner, frame.buffer_mut());
    if view.more_below {
        let label = " ▼ more below · End follows ";
        let width = crate::num::cells(label.chars().count()).min(inner.width);
        let marker = Rect {
            x: inner.x + inner.width - width,
            y: inner.y + inner.height - 1,
            width,
            height: 1,
        };
        frame.render_widget(
            Paragraph::new(Span::styled(label, theme.more_below)),
            marker,
        );
    }
}

fn render_welcome(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let settings = &state.settings;
    let mut lines = vec![
        Line::default(),
        Line::styled("kimi-tui", theme.assistant_header),
        Line::styled(
            format!(
                "{} at {}",
                sanitize(&settings.model),
                sanitize(&settings.endpoint)
            ),
            theme.header_meta,
        ),
        Line::default(),
    ];
    if settings.has_key {
        lines.push(Line::from("Type a message below and press Enter."));
        // From the key table, so the user's own keys show.
        let key = |context, name| {
            crate::bindings::hint_of(&state.keys, context, name, "")
                .map(|k| k.trim_end().to_string())
        };
        use crate::bindings::table::Context;
        let tips: Vec<String> = [
            key(Context::Global, "help").map(|k| format!("{k} shows every key.")),
            key(Context::Global, "command_palette").map(|k| format!("{k} finds any command.")),
            key(Context::Anywhere, "quit").map(|k| format!("{k} quits.")),
        ]
        .into_iter()
        .flatten()
        .collect();
        lines.push(Line::styled(tips.join(" "), theme.header_meta));
    } else {
        lines.push(Line::styled("No API key is set.", theme.notice));
        lines.push(Line::styled(NO_KEY_HELP, theme.notice));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        area,
    );
}
