//! Cached, wrapped rows of a message's text. Text only ever grows while it streams, so the
//! cache keeps every finished paragraph's rows and, for the paragraph still growing, re-wraps
//! only from the start of its last row: the cost of a delta depends on the delta, not on
//! how much came before it. A width change or a shrink starts over.
//!
//! The cache sits behind a RefCell so that views, which only get `&AppState`, can fill it:
//! what it holds is a pure function of (text, width), so filling it changes nothing a caller
//! can observe except speed.

use std::cell::RefCell;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::plain::{row_text, wrap_line};
use crate::theme::Theme;

/// The wrapped rows of one text at one width.
#[derive(Debug, Clone, Default)]
pub struct TextLayout {
    width: usize,
    /// Bytes of the text the rows describe.
    covered: usize,
    /// Bytes of finished paragraphs (up to and including the last `\n`).
    done_bytes: usize,
    /// Rows of finished paragraphs.
    done_rows: usize,
    rows: Vec<String>,
    /// Start offsets of the rows of the paragraph still growing.
    tail_starts: Vec<usize>,
    valid: bool,
}

impl TextLayout {
    /// Brings the rows up to date with `text` at `width`.
    pub fn sync(&mut self, text: &str, width: usize) {
        let width = width.max(1);
        if !self.valid || self.width != width || text.len() < self.covered {
            *self = TextLayout {
                width,
                valid: true,
                ..TextLayout::default()
            };
        }
        if text.len() == self.covered {
            return;
        }
        let mut search_from = self.covered;
        while let Some(pos) = text[search_from..].find('\n') {
            let end = search_from + pos;
            self.extend_paragraph(text, end, true);
            self.done_bytes = end + 1;
            self.done_rows = self.rows.len();
            self.tail_starts.clear();
            search_from = end + 1;
        }
        self.extend_paragraph(text, text.len(), false);
        self.covered = text.len();
    }

    /// Re-wraps the growing paragraph from its last row up to `end`.
    fn extend_paragraph(&mut self, text: &str, end: usize, finished: bool) {
        let restart = match self.tail_starts.pop() {
            Some(start) => {
                self.rows.truncate(self.done_rows + self.tail_starts.len());
                start
            }
            None => self.done_bytes,
        };
        if restart == end && !finished && self.tail_starts.is_empty() {
            // An empty last paragraph (text ends with `\n`) shows no row.
            return;
        }
        let mut ranges = Vec::new();
        wrap_line(&text[restart..end], self.width, &mut ranges);
        for range in ranges {
            self.tail_starts.push(restart + range.start);
            self.rows
                .push(row_text(text, restart + range.start..restart + range.end));
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn rows(&self) -> &[String] {
        &self.rows
    }
}

#[derive(Debug, Clone, Default)]
pub struct Layouts {
    /// A user's message: plain text, as typed.
    pub plain: TextLayout,
    /// A reply: markdown.
    pub markdown: MarkdownLayout,
    pub reasoning: TextLayout,
}

/// The per-message cache. Cloning copies the cache.
#[derive(Debug, Clone, Default)]
pub struct MessageLayout {
    inner: RefCell<Layouts>,
}

impl MessageLayout {
    /// Syncs the texts at their widths and lends the rows out. `markdown` picks how the
    /// content is rendered.
    pub fn with<R>(
        &self,
        content: (&str, usize),
        markdown: bool,
        reasoning: (&str, usize),
        theme: &Theme,
        f: impl FnOnce(&Layouts) -> R,
    ) -> R {
        let mut layouts = self.inner.borrow_mut();
        if markdown {
            layouts
                .markdown
                .sync_some(content.0, content.1, theme, LAYOUT_BUDGET);
        } else {
            layouts.plain.sync(content.0, content.1);
        }
        layouts.reasoning.sync(reasoning.0, reasoning.1);
        f(&layouts)
    }

    /// While the reply's rows are behind its text (laid out over several frames): bytes laid
    /// out, of how many.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.inner.try_borrow().ok()?.markdown.progress()
    }

    /// See `MarkdownLayout::advanced`.
    pub fn advanced(&self) -> Option<usize> {
        self.inner.try_borrow().ok()?.markdown.advanced()
    }
}

/// Bytes of a reply's finished blocks laid out per look at it (a few milliseconds): see
/// `MarkdownLayout::sync_some`.
pub const LAYOUT_BUDGET: usize = 256 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    fn full(text: &str, width: usize) -> Vec<String> {
        let mut layout = TextLayout::default();
        layout.sync(text, width);
        layout.rows().to_vec()
    }

    #[test]
    fn growing_text_wraps_like_the_whole_text() {
        let text = "Streaming text grows a little at a time.\n\n中文的句子也会一点一点地出现，并且按字符换行。 And then \
                    a verylongwordthatdoesnotfitanywhere ends it.\nlast";
        for width in [1, 3, 7, 12, 30] {
            let mut layout = TextLayout::default();
            let mut end = 0;
            while end < text.len() {
                end = (end + 3).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                layout.sync(&text[..end], width);
                assert_eq!(
                    layout.rows(),
                    full(&text[..end], width),
                    "width {width} at {end}"
                );
            }
        }
    }

    #[test]
    fn trailing_newline_adds_no_row_but_blank_lines_show() {
        assert_eq!(full("a\n", 10), ["a"]);
        assert_eq!(full("a\n\nb", 10), ["a", "", "b"]);
    }
}

/// Bytes of finished blocks rendered at a time (see `MarkdownLayout::sync`).
const CHUNK: usize = 64 * 1024;

/// The rendered markdown rows of a reply at one width. Finished blocks keep their rows; only
/// the last block, still arriving, is rendered again when text is added.
#[derive(Debug, Clone, Default)]
pub struct MarkdownLayout {
    width: usize,
    covered: usize,
    /// Bytes of finished blocks.
    done_bytes: usize,
    done_code_blocks: usize,
    /// Whether the finished blocks end needing a blank row before the next one (an empty
    /// block renders no rows but still counts: found by fuzzing).
    done_gap: bool,
    /// Rows of finished blocks.
    done: PackedRows,
    /// Rows of the block still arriving.
    open: Vec<Line<'static>>,
    valid: bool,
    /// The theme the rows were styled with (`Theme::id`).
    theme: u64,
    /// The text defines a link reference (or holds a lone carriage return), which
    /// block-by-block rendering gets wrong: it is then rendered whole each time (rare in
    /// replies).
    whole: bool,
    /// Where the lines not yet checked for a link reference definition start.
    checked: usize,
    /// The open block is a fenced code block streaming in line by line (it starts at
    /// `done_bytes`).
    fence: Option<super::markdown::OpenFence>,
    /// The open block at this byte could not go line by line: rendered the usual way.
    fence_refused: Option<usize>,
    /// Block starts found so far (the scan resumes where it stopped).
    scan: super::markdown::BlockScan,
    /// Block starts at least `CHUNK` apart, not yet rendered past: where finished blocks
    /// are cut for rendering.
    cuts: std::collections::VecDeque<usize>,
    last_cut: usize,
    /// The rows are behind the text: finished blocks wait to be rendered.
    behind: bool,
    /// Where the text not yet looked at for a lone carriage return starts.
    cr_checked: usize,
}

impl MarkdownLayout {
    pub fn sync(&mut self, text: &str, width: usize, theme: &Theme) {
        self.sync_some(text, width, theme, usize::MAX);
    }

    /// As `sync`, but rendering about `budget` bytes of finished blocks at most (at least
    /// one chunk of them): a reply read from disk, or megabytes arriving at once, are laid
    /// out over several frames instead of holding up one. Returns whether the rows are up to
    /// date; until they are, `progress` says how far they got, and the block still arriving
    /// waits.
    pub fn sync_some(&mut self, text: &str, width: usize, theme: &Theme, budget: usize) -> bool {
        use super::markdown::OpenFence;
        let width = width.max(1);
        if !self.valid || self.width != width || text.len() < self.covered || self.theme != theme.id
        {
            *self = MarkdownLayout {
                width,
                valid: true,
                theme: theme.id,
                ..MarkdownLayout::default()
            };
        }
        if text.len() == self.covered && !self.behind {
            return true;
        }
        // Only lines not looked at before (and the start of the one still arriving) are
        // checked, so this costs what arrived, not the reply or its longest line.
        let mut defines_link = false;
        if !self.whole {
            let mut from = self.checked.min(text.len());
            // The line still arriving had no line break up to what was covered before.
            let mut search = from.max(self.covered);
            while let Some(nl) = text[search..].find('\n') {
                defines_link |= super::markdown::defines_link(&text[from..search + nl]);
                from = search + nl + 1;
                search = from;
            }
            self.checked = from;
            defines_link |= super::markdown::defines_link(&text[from..]);
            // A carriage return not followed by a line feed is a line break to the parser
            // in some places and not in others, and the block finder reads only `\n`: such
            // a text is rendered whole too (found by fuzzing; models do not send them).
            while let Some(cr) = text[self.cr_checked..].find('\r') {
                let at = self.cr_checked + cr;
                match text.as_bytes().get(at + 1) {
                    Some(b'\n') => self.cr_checked = at + 2,
                    Some(_) => {
                        defines_link = true;
                        break;
                    }
                    // A `\n` may yet follow.
                    None => {
                        self.cr_checked = at;
                        break;
                    }
                }
            }
            if !text[self.cr_checked..].ends_with('\r') {
                self.cr_checked = text.len();
            }
        }
        if defines_link {
            *self = MarkdownLayout {
                width,
                valid: true,
                theme: theme.id,
                whole: true,
                ..MarkdownLayout::default()
            };
        }
        self.covered = text.len();
        // Block starts come from one scan kept across calls (each line is looked at once);
        // those at least a chunk apart are where finished blocks are cut for rendering.
        // A long text is scanned a few hundred kilobytes per call, as it is rendered:
        // reopening a 20 MB reply looks at its start, not all of it, before the first frame.
        let mut scanned = true;
        if !self.whole {
            let (cuts, last) = (&mut self.cuts, &mut self.last_cut);
            // Cuts are a chunk apart, or a budget apart when it is smaller (as the fuzz check
            // asks, to cut short texts often).
            let spacing = CHUNK.min(budget.max(1));
            let limit = self
                .scan
                .scanned_to()
                .saturating_add(budget)
                .saturating_add(spacing);
            scanned = self.scan.advance(text, limit, |start| {
                if start >= *last + spacing {
                    cuts.push_back(start);
                    *last = start;
                }
            });
        }
        let open = if self.whole {
            0
        } else if scanned {
            self.scan.open_start(text)
        } else {
            // Not scanned to the end: the last block start found so far is as far as the
            // finished blocks are known to go.
            self.scan.last_start()
        };
        if open > self.done_bytes {
            // A code block that streamed in line by line and has closed keeps its rows.
            if let Some(mut fence) = self.fence.take()
                && let Ok(end) = fence.close(text, theme, width, &mut self.open)
            {
                self.done_bytes = end;
                self.done.extend(self.open.drain(..));
                self.done_code_blocks += 1;
                self.done_gap = true;
            }
            self.open.clear();
            // Finished blocks are rendered a chunk at a time and packed, so a long text
            // never holds all its rows unpacked at once, and at most `budget` bytes of them
            // per call.
            let mut spent = 0;
            while self.done_bytes < open {
                while self.cuts.front().is_some_and(|&c| c <= self.done_bytes) {
                    self.cuts.pop_front();
                }
                if spent >= budget {
                    self.behind = true;
                    return false;
                }
                let cut = self
                    .cuts
                    .front()
                    .copied()
                    .filter(|&c| c < open)
                    .unwrap_or(open);
                (self.done_code_blocks, self.done_gap) =
                    self.render_open(&text[self.done_bytes..cut], theme, width);
                spent += cut - self.done_bytes;
                self.done_bytes = cut;
                self.done.extend(self.open.drain(..));
            }
        }
        if !scanned {
            self.behind = true;
            return false;
        }
        self.behind = false;
        if !self.whole && self.fence_refused != Some(self.done_bytes) {
            if self.fence.is_none() {
                self.open.clear();
                self.fence = OpenFence::open(
                    text,
                    self.done_bytes,
                    self.done_gap,
                    self.done_code_blocks + 1,
                    theme,
                    &mut self.open,
                );
            }
            if let Some(fence) = self.fence.as_mut() {
                if fence.extend(text, theme, width, &mut self.open).is_ok() {
                    return true;
                }
                self.fence = None;
                self.fence_refused = Some(self.done_bytes);
            }
        }
        self.open.clear();
        self.render_open(&text[self.done_bytes..], theme, width);
        true
    }

    /// Renders `markdown`, which follows the finished blocks, into the open rows; returns
    /// the code blocks counted and whether a blank row must come next, after it.
    fn render_open(&mut self, markdown: &str, theme: &Theme, width: usize) -> (usize, bool) {
        let mut renderer = super::markdown::Renderer::new(
            theme,
            width,
            &mut self.open,
            self.done_gap,
            self.done_code_blocks,
        );
        renderer.render(markdown);
        (renderer.code_blocks, renderer.gap)
    }

    /// While the rows are behind the text (see `sync_some`): bytes laid out, of how many.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.behind.then_some((self.done_bytes, self.covered))
    }

    /// While the rows are behind the text: a number that grows with every look (bytes laid
    /// out plus bytes scanned: scanning a long block with no block start to cut it at is
    /// progress too). The loop draws again while it changes.
    pub fn advanced(&self) -> Option<usize> {
        self.behind
            .then(|| self.done_bytes.saturating_add(self.scan.scanned_to()))
    }

    pub fn len(&self) -> usize {
        self.done.len() + self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` (which must be below `len`).
    pub fn line(&self, i: usize) -> Line<'static> {
        match i.checked_sub(self.done.len()) {
            None => self.done.line(i),
            Some(k) => self.open.get(k).cloned().unwrap_or_default(),
        }
    }

    /// The spans of rows `range`, each row's after `prefix`, as lines appended to `out`.
    pub fn push_lines(
        &self,
        range: std::ops::Range<usize>,
        prefix: &Span<'static>,
        out: &mut Vec<Line<'static>>,
    ) {
        for i in range {
            let mut spans = vec![prefix.clone()];
            match i.checked_sub(self.done.len()) {
                None => self.done.push_spans(i, &mut spans),
                Some(k) => {
                    if let Some(line) = self.open.get(k) {
                        spans.extend(line.spans.iter().cloned());
                    }
                }
            }
            out.push(Line::from(spans));
        }
    }

    /// Every row (for tests and the fuzz checks).
    pub fn lines(&self) -> Vec<Line<'static>> {
        (0..self.len()).map(|i| self.line(i)).collect()
    }

    /// Rows of finished blocks: these never change as more text arrives.
    pub fn finished_rows(&self) -> usize {
        self.done.len()
    }
}

/// Styled rows kept compact: their text in one string, each span as where it ends there and
/// a style from a short table. A row of Markdown as a `Line` costs a vector, a string per
/// span and a full `Style` each (about 7x its text for prose, measured on a 20 MB reply);
/// packed, it costs its text and 16 bytes a span. Rows are unpacked only when drawn.
#[derive(Debug, Clone, Default)]
pub struct PackedRows {
    text: String,
    /// (end in `text`, index in `styles`) for each span, rows one after another.
    spans: Vec<(usize, usize)>,
    /// Where each row's spans start in `spans`.
    rows: Vec<usize>,
    styles: Vec<Style>,
}

impl PackedRows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn push(&mut self, line: &Line<'_>) {
        self.rows.push(self.spans.len());
        for span in &line.spans {
            self.text.push_str(&span.content);
            let style = match self.styles.iter().rposition(|s| *s == span.style) {
                Some(i) => i,
                None => {
                    self.styles.push(span.style);
                    self.styles.len() - 1
                }
            };
            self.spans.push((self.text.len(), style));
        }
    }

    fn extend(&mut self, lines: impl Iterator<Item = Line<'static>>) {
        for line in lines {
            self.push(&line);
        }
    }

    /// Appends row `i`'s spans to `out`.
    pub fn push_spans(&self, i: usize, out: &mut Vec<Span<'static>>) {
        let Some(&first) = self.rows.get(i) else {
            return;
        };
        let last = self.rows.get(i + 1).copied().unwrap_or(self.spans.len());
        let mut start = first
            .checked_sub(1)
            .and_then(|k| self.spans.get(k))
            .map_or(0, |&(end, _)| end);
        for &(end, style) in &self.spans[first..last] {
            let style = self.styles.get(style).copied().unwrap_or_default();
            out.push(Span::styled(self.text[start..end].to_string(), style));
            start = end;
        }
    }

    pub fn line(&self, i: usize) -> Line<'static> {
        let mut spans = Vec::new();
        self.push_spans(i, &mut spans);
        Line::from(spans)
    }
}
