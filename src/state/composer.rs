//! The input box's text area: how a fresh one is set up, and its cursor by focus.

use ratatui::style::{Modifier, Style};
use tui_textarea::TextArea;

use crate::theme::Theme;

pub fn new_textarea(theme: &Theme) -> TextArea<'static> {
    let mut textarea = TextArea::default();
    textarea.set_placeholder_text("Message Kimi…  (Enter sends)");
    textarea.set_placeholder_style(theme.placeholder);
    textarea.set_cursor_line_style(Style::default());
    // Long lines wrap (Chinese between characters) instead of scrolling sideways.
    textarea.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
    textarea
}

/// Shows the cursor only while the input has focus.
pub fn show_cursor(textarea: &mut TextArea<'static>, focused: bool) {
    textarea.set_cursor_style(if focused {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    });
}
