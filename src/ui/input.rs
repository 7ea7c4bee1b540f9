//! The input box: a tui-textarea drawn inside a bordered block that shows focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, BorderType};
use tui_textarea::TextArea;

use super::theme;
use crate::msg::Focus;
use crate::state::AppState;

pub fn new_textarea() -> TextArea<'static> {
    let mut textarea = TextArea::default();
    textarea.set_placeholder_text("Message Kimi…  (Enter sends)");
    textarea.set_placeholder_style(theme::placeholder());
    textarea.set_cursor_line_style(Style::default());
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

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Focus::Input;
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(if focused {
            theme::border_focused()
        } else {
            theme::border()
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(&state.input, inner);
}
