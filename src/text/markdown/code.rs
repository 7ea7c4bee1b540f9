//! Code blocks: a numbered header, then each line highlighted (when the language is known)
//! behind a bar, wrapped to the width.

use ratatui::text::{Line, Span};

use super::{Code, Renderer, Runs, wrap_runs};
use crate::text::highlight;
use crate::text::plain::sanitize;

impl Renderer<'_> {
    pub(super) fn render_code(&mut self, code: Code) {
        self.code_blocks += 1;
        let number = self.code_blocks;
        let label = if code.lang.is_empty() {
            format!("┌ code [{number}]")
        } else {
            format!("┌ {} [{number}]", sanitize(&code.lang))
        };
        self.push_row(vec![Span::styled(label, self.theme.code_frame)]);
        let text = code.text.strip_suffix('\n').unwrap_or(&code.text);
        let highlighted = highlight::highlight(&code.lang, text, self.theme);
        // Code rows continue the containers' indentation, then a bar.
        let (_, mut rest_prefix) = self.prefixes();
        rest_prefix.push(Span::styled("│ ", self.theme.code_frame));
        for (i, line) in text.split('\n').enumerate() {
            let mut runs = Runs::default();
            match highlighted.as_ref().and_then(|h| h.get(i)) {
                Some(pieces) => {
                    for (style, piece) in pieces {
                        runs.push(piece, *style);
                    }
                }
                None => runs.push(line, self.theme.code),
            }
            if runs.text.is_empty() {
                self.out.push(Line::from(rest_prefix.clone()));
            } else {
                wrap_runs(&runs, self.width, &rest_prefix, &rest_prefix, self.out);
            }
        }
        self.mark_started();
    }
}
