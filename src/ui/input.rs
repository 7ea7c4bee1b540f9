//! The input box: a tui-textarea drawn inside a bordered block that shows focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use tui_textarea::TextArea;

use super::theme;
use crate::msg::Focus;
use crate::state::AppState;

pub fn new_textarea() -> TextArea<'static> {
    let mut textarea = TextArea::default();
    textarea.set_placeholder_text("Message Kimi…  (Enter sends)");
    textarea.set_placeholder_style(theme::placeholder());
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

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Focus::Input;
    let block = super::pane(focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(&state.input, inner);
    if focused && state.overlay.is_none() && state.dialog.is_none() {
        // The real terminal cursor goes where the user types, so an input method's candidate
        // window opens there.
        let cursor = state.input.screen_cursor();
        let (top, left) = state.input.scroll_offset();
        let x = inner.x as usize + cursor.col.saturating_sub(left as usize);
        let y = inner.y as usize + cursor.row.saturating_sub(top as usize);
        if x < inner.right() as usize && y < inner.bottom() as usize {
            frame.set_cursor_position((x as u16, y as u16));
        }
    }
}
