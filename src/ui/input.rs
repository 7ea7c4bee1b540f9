//! The input box: a tui-textarea drawn inside a bordered block that shows focus.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::msg::Focus;
use crate::state::AppState;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Focus::Input;
    let mut block = super::pane(focused, &state.theme);
    if let Some(editing) = &state.editing {
        // Editing a sent message: the box says so, and how to leave.
        let conv = state.active_conversation();
        let at = conv
            .messages
            .iter()
            .position(|m| m.id == editing.id)
            .map_or(String::new(), |i| format!(" #{}", i + 1));
        let long = format!(" ✎ Editing your message{at} · Enter sends it as a new version ");
        let title = if crate::text::plain::display_width(&long) + 2 <= usize::from(area.width) {
            long
        } else {
            format!(" ✎ Editing message{at} ")
        };
        block = block
            .title(ratatui::text::Span::styled(title, state.theme.title))
            .border_style(state.theme.warning);
    }
    let conv = state.active_conversation();
    let (documents, images) = (&conv.documents, &conv.images);
    if !documents.is_empty() || !images.is_empty() {
        // The documents going with the message, on the box's top border.
        let line = ratatui::text::Line::styled(
            crate::layout::transcript::pending_chips(
                documents,
                images,
                usize::from(area.width).saturating_sub(4),
            ),
            state.theme.accent,
        );
        block = block.title_top(if state.editing.is_some() {
            line.right_aligned()
        } else {
            line
        });
    }
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
        if let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y))
            && x < inner.right()
            && y < inner.bottom()
        {
            frame.set_cursor_position((x, y));
        }
    }
}
