//! Tables: columns sized to their widest cell, shrunk from the widest column when the screen
//! is too narrow, cells wrapped inside their column.

use pulldown_cmark::Alignment;
use ratatui::text::{Line, Span};

use super::{Renderer, Runs, prefix_width, wrap_runs};

impl Renderer<'_> {
    pub(super) fn end_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let (first, _) = self.prefixes();
        let avail = self
            .width
            .saturating_sub(prefix_width(&first))
            .saturating_sub(3 * (columns - 1));
        let mut widths: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(Runs::width)
                    .max()
                    .unwrap_or(0)
                    .max(1)
            })
            .collect();
        // Too wide for the screen: take cells from the widest column until it fits.
        while widths.iter().sum::<usize>() > avail {
            let Some((widest, &w)) = widths.iter().enumerate().max_by_key(|&(_, w)| *w) else {
                break;
            };
            if w <= 3 {
                break;
            }
            widths[widest] -= 1;
        }
        let separator = Span::styled(" │ ", self.theme.table_border);
        for (r, row) in table.rows.iter().enumerate() {
            let head = r < table.head_rows;
            let cells: Vec<Vec<Line<'static>>> = (0..columns)
                .map(|c| {
                    let mut lines = Vec::new();
                    if let Some(cell) = row.get(c) {
                        let mut runs = cell.clone();
                        if head {
                            for style in &mut runs.styles {
                                style.1 = style.1.patch(self.theme.table_head);
                            }
                        }
                        wrap_runs(&runs, widths[c], &[], &[], &mut lines);
                    }
                    lines
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for i in 0..height {
                let mut spans = Vec::new();
                for (c, cell) in cells.iter().enumerate() {
                    if c > 0 {
                        spans.push(separator.clone());
                    }
                    let line = cell.get(i).cloned().unwrap_or_default();
                    let pad = widths[c].saturating_sub(line.width());
                    let (left, right) = match table.aligns.get(c) {
                        Some(Alignment::Right) => (pad, 0),
                        Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                        _ => (0, pad),
                    };
                    spans.push(Span::raw(" ".repeat(left)));
                    spans.extend(line.spans);
                    spans.push(Span::raw(" ".repeat(right)));
                }
                self.push_row(spans);
            }
            if head && r + 1 == table.head_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.push_row(vec![Span::styled(
                    rule.join("─┼─"),
                    self.theme.table_border,
                )]);
            }
        }
    }
}
