//! The scrollback's viewport: which rows of which items are in view, following the end or
//! pinned to an anchor, and moving it. Cost grows with the view's height, never with the
//! conversation's length.

use ratatui::text::Line;

use super::transcript::{item, item_count};
use crate::ids::Millis;
use crate::state::{Conversation, Scroll};
use crate::theme::Theme;

/// What the scrollback shows: the rows in view and whether more lies below them.
pub struct View {
    pub lines: Vec<Line<'static>>,
    pub more_below: bool,
}

/// The top of the view when following the end: (item, row).
pub fn follow_top(
    conv: &Conversation,
    width: u16,
    height: usize,
    now: Millis,
    theme: &Theme,
) -> (usize, usize) {
    let mut need = height;
    let mut index = item_count(conv);
    while index > 0 {
        index -= 1;
        let h = item(conv, index, width, now, theme).height();
        if h >= need {
            return (index, h - need);
        }
        need -= h;
    }
    (0, 0)
}

/// Rows from (item, row) to the end, counted up to `limit`.
fn rows_below(
    conv: &Conversation,
    (index, row): (usize, usize),
    width: u16,
    limit: usize,
    now: Millis,
    theme: &Theme,
) -> usize {
    let mut total = 0;
    for i in index..item_count(conv) {
        let h = item(conv, i, width, now, theme).height();
        total += if i == index { h.saturating_sub(row) } else { h };
        if total > limit {
            break;
        }
    }
    total
}

/// Where the view's top is, resolving a follow or an anchor too close to the end.
pub fn resolve_top(
    conv: &Conversation,
    scroll: Scroll,
    width: u16,
    height: usize,
    now: Millis,
    theme: &Theme,
) -> ((usize, usize), bool) {
    match scroll {
        Scroll::Follow => (follow_top(conv, width, height, now, theme), false),
        Scroll::Anchored { item: index, row } => {
            if index >= item_count(conv)
                || rows_below(conv, (index, row), width, height, now, theme) <= height
            {
                (follow_top(conv, width, height, now, theme), false)
            } else {
                ((index, row), true)
            }
        }
    }
}

/// Builds the rows in view, outlining item `focus`. Cost grows with the view's size, not the
/// conversation's.
pub fn view(
    conv: &Conversation,
    width: u16,
    height: usize,
    now: Millis,
    focus: Option<usize>,
    theme: &Theme,
) -> View {
    let ((mut index, mut row), anchored) =
        resolve_top(conv, conv.scroll, width, height, now, theme);
    let mut lines = Vec::with_capacity(height);
    let count = item_count(conv);
    if !anchored {
        // Following the end: the items are measured and drawn from one build each, from the
        // bottom up, so a reply still being laid out (it grows each time it is looked at)
        // is drawn at the height it was measured at.
        let mut items = Vec::new();
        let mut need = height;
        let mut index = count;
        while index > 0 && need > 0 {
            index -= 1;
            let mut it = item(conv, index, width, now, theme);
            it.focused = focus == Some(index);
            let h = it.height();
            need = need.saturating_sub(h);
            items.push((it, h));
        }
        let total: usize = items.iter().map(|(_, h)| h).sum();
        let mut skip = total.saturating_sub(height);
        for (it, h) in items.iter().rev() {
            let from = skip.min(*h);
            skip -= from;
            it.lines(from..*h, width, &mut lines);
        }
        return View {
            lines,
            more_below: false,
        };
    }
    while lines.len() < height && index < count {
        let mut it = item(conv, index, width, now, theme);
        it.focused = focus == Some(index);
        let h = it.height();
        let take = (h.saturating_sub(row)).min(height - lines.len());
        it.lines(row..row + take, width, &mut lines);
        index += 1;
        row = 0;
    }
    View {
        lines,
        more_below: anchored,
    }
}

/// The item shown `row` rows below the view's top, if any.
pub fn item_at(
    conv: &Conversation,
    width: u16,
    height: usize,
    now: Millis,
    theme: &Theme,
    row: usize,
) -> Option<usize> {
    let ((mut index, skip), _) = resolve_top(conv, conv.scroll, width, height, now, theme);
    let mut below = row + skip;
    while index < item_count(conv) {
        let h = item(conv, index, width, now, theme).height();
        if below < h {
            return Some(index);
        }
        below -= h;
        index += 1;
    }
    None
}

/// Moves the view by a number of rows (negative: up). Reaching the end resumes following.
pub fn scrolled(
    conv: &Conversation,
    delta: isize,
    width: u16,
    height: usize,
    now: Millis,
    theme: &Theme,
) -> Scroll {
    let count = item_count(conv);
    if count == 0 {
        return Scroll::Follow;
    }
    let ((mut index, mut row), _) = resolve_top(conv, conv.scroll, width, height, now, theme);
    if delta < 0 {
        let mut up = delta.unsigned_abs();
        while up > 0 {
            if row >= up {
                row -= up;
                up = 0;
            } else {
                up -= row;
                if index == 0 {
                    row = 0;
                    break;
                }
                index -= 1;
                row = item(conv, index, width, now, theme).height();
            }
        }
    } else {
        row += delta.unsigned_abs();
        loop {
            let h = item(conv, index, width, now, theme).height();
            if row < h || index + 1 >= count {
                break;
            }
            row -= h;
            index += 1;
        }
    }
    if rows_below(conv, (index, row), width, height, now, theme) <= height {
        Scroll::Follow
    } else {
        Scroll::Anchored { item: index, row }
    }
}
