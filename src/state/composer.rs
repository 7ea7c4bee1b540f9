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

/// The longest text, and the longest line, the input box holds as text: the box wraps every
/// line on every frame, so a longer one would make each key wait (a 1 MB line took 0.4 s
/// a key). Longer text stays folded as a chip, sent whole.
pub const BOX_BYTES: usize = 64 * 1024;
pub const BOX_LINE_BYTES: usize = 8 * 1024;

pub fn too_long_for_the_box(text: &str) -> bool {
    text.len() > BOX_BYTES || text.split('\n').any(|line| line.len() > BOX_LINE_BYTES)
}

impl super::AppState {
    /// Puts `text` in the input box at the cursor: as text, or folded as a chip when it is
    /// too long for the box (`BOX_BYTES`), which the status bar says.
    pub fn put_text(&mut self, text: &str) {
        if too_long_for_the_box(text) {
            self.fold(text.to_string());
            self.flash = Some(format!(
                "{} is kept folded: too long to edit in the box.{}",
                crate::text::plain::size_label(text.len()),
                self.editor_hint()
            ));
        } else {
            self.input.insert_str(text);
        }
    }

    /// " Ctrl+X Ctrl+E edits it in your editor." with the user's key, if it has one.
    pub fn editor_hint(&self) -> String {
        crate::bindings::hint_of(
            &self.keys,
            crate::bindings::table::Context::Input,
            "edit_in_editor",
            "",
        )
        .map(|k| format!(" {} edits it in your editor.", k.trim_end()))
        .unwrap_or_default()
    }

    /// Puts `text` in the box as a chip (`[Paste 1: 240 lines, 9.1 KB]`) that stands for it
    /// when the message is sent.
    pub fn fold(&mut self, text: String) {
        let n = self.pastes.len() + 1;
        let chip = format!(
            "[Paste {n}: {} lines, {}]",
            text.lines().count(),
            crate::text::plain::size_label(text.len())
        );
        self.add_chip(chip, text);
    }

    /// Puts `chip` in the box at the cursor, standing for `text` when the message is sent
    /// (a chip already there with the same label gets a number, so each stays one).
    pub fn add_chip(&mut self, chip: String, text: String) {
        let mut label = chip.clone();
        let mut n = 2;
        while self.pastes.iter().any(|(c, _)| *c == label) {
            label = format!("{} ({n})]", chip.trim_end_matches(']'));
            n += 1;
        }
        self.input.insert_str(&label);
        self.pastes.push((label, text));
    }
}
