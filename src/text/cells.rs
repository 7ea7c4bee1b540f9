//! The last frame's cells of a pane, reused while what the pane shows is the same: typing in
//! the input box then costs the input box, not a transcript drawn again cell by cell.
//!
//! The key is the pane's own content (its rows as styled lines, and where it is), compared
//! whole, not a counter that every change would have to remember to bump: a frame drawn from
//! the cache is the frame drawn afresh, by construction. Comparing forty rows costs a few
//! microseconds; drawing them costs most of a frame.

use std::cell::RefCell;

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

#[derive(Debug, Default)]
struct Cached {
    area: Rect,
    lines: Vec<Line<'static>>,
    cells: Vec<Cell>,
}

/// One pane's cells. Cloning starts empty (a clone draws afresh once).
#[derive(Debug, Default)]
pub struct CellCache {
    inner: RefCell<Option<Cached>>,
    /// Frames drawn from the cache (for tests).
    hits: std::cell::Cell<u64>,
}

impl Clone for CellCache {
    fn clone(&self) -> Self {
        CellCache::default()
    }
}

impl CellCache {
    /// Draws `lines` into `area` of `buf` as a `Paragraph` would (the area must hold nothing
    /// drawn before in this frame), from the cache when they are the last frame's.
    pub fn draw(&self, lines: Vec<Line<'static>>, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        let mut slot = self.inner.borrow_mut();
        if let Some(cached) = slot.as_ref()
            && cached.area == area
            && cached.lines == lines
        {
            for (row, y) in (area.top()..area.bottom()).enumerate() {
                let start = buf.index_of(area.x, y);
                let width = usize::from(area.width);
                buf.content[start..start + width]
                    .clone_from_slice(&cached.cells[row * width..(row + 1) * width]);
            }
            self.hits.set(self.hits.get() + 1);
            return;
        }
        Paragraph::new(lines.clone()).render(area, buf);
        let mut cells = Vec::with_capacity(usize::from(area.width) * usize::from(area.height));
        for y in area.top()..area.bottom() {
            let start = buf.index_of(area.x, y);
            cells.extend_from_slice(&buf.content[start..start + usize::from(area.width)]);
        }
        *slot = Some(Cached { area, lines, cells });
    }

    /// How many frames were drawn from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.get()
    }

    /// Forgets the cells: the next frame is drawn afresh.
    pub fn clear(&self) {
        self.inner.borrow_mut().take();
    }
}
