//! Code blocks: a numbered header, then each line highlighted (when the language is known)
//! behind a bar, wrapped to the width.

use ratatui::text::{Line, Span};

use super::{Code, Renderer, Runs, wrap_runs};
use crate::text::highlight::{self, Pieces};
use crate::text::plain::sanitize;
use crate::theme::Theme;

impl Renderer<'_> {
    pub(super) fn render_code(&mut self, code: Code) {
        self.code_blocks += 1;
        let number = self.code_blocks;
        self.push_row(header(&code.lang, number, self.theme).spans);
        // Each line is highlighted with its line break, as when the block streams in line by
        // line (`MarkdownLayout`'s open fence), so both give the same rows.
        let highlighted = highlight::highlight(&code.lang, &code.text, self.theme);
        let text = code.text.strip_suffix('\n').unwrap_or(&code.text);
        // Code rows continue the containers' indentation, then a bar.
        let (_, mut rest_prefix) = self.prefixes();
        rest_prefix.push(Span::styled("│ ", self.theme.code_frame));
        for (i, line) in text.split('\n').enumerate() {
            let pieces = highlighted.as_ref().and_then(|h| h.get(i));
            code_line(line, pieces, self.theme, self.width, &rest_prefix, self.out);
        }
        self.mark_started();
    }
}

/// The header row of code block `number`.
pub(super) fn header(lang: &str, number: usize, theme: &Theme) -> Line<'static> {
    let label = if lang.is_empty() {
        format!("┌ code [{number}]")
    } else {
        format!("┌ {} [{number}]", sanitize(lang))
    };
    Line::from(vec![Span::styled(label, theme.code_frame)])
}

/// The rows of one line of code (`pieces`: its highlighting, if any) behind `prefix`.
pub(super) fn code_line(
    line: &str,
    pieces: Option<&Pieces>,
    theme: &Theme,
    width: usize,
    prefix: &[Span<'static>],
    out: &mut Vec<Line<'static>>,
) {
    let mut runs = Runs::default();
    match pieces {
        Some(pieces) => {
            for (style, piece) in pieces {
                runs.push(piece, *style);
            }
        }
        None => runs.push(line, theme.code),
    }
    if runs.text.is_empty() {
        out.push(Line::from(prefix.to_vec()));
    } else {
        wrap_runs(&runs, width, prefix, prefix, out);
    }
}

/// A fenced code block at no indent that is still arriving, turned into rows line by line:
/// each finished line is highlighted once (syntect's state is kept between lines), and only
/// the line still arriving is done again. Its rows are those `Renderer` gives the same text
/// (the markdown fuzz target checks it), so the block can be finished without being
/// rendered again.
#[derive(Debug, Clone)]
pub struct OpenFence {
    fence: (char, usize),
    /// Where the first line not yet turned into rows starts.
    next: usize,
    /// Rows through the finished lines (an index into the rows).
    rows: usize,
    /// Finished lines so far.
    lines: usize,
    highlighter: Option<highlight::LineHighlighter>,
}

/// Why an open fence cannot go on line by line: the caller renders it the usual way.
#[derive(Debug)]
pub struct Unsupported;

impl OpenFence {
    /// If `text[start..]` starts with a whole fence line at no indent: the fence, with the
    /// blank row before it (when `gap`) and its header (code block `number`) pushed to
    /// `out`.
    pub fn open(
        text: &str,
        start: usize,
        gap: bool,
        number: usize,
        theme: &Theme,
        out: &mut Vec<Line<'static>>,
    ) -> Option<Self> {
        let rest = &text[start..];
        let line = &rest[..rest.find('\n')?];
        let fence = super::blocks::fence_opener(line)?;
        if line.contains(['\r', '\0']) {
            return None;
        }
        // The language as the parser reads the info string (escapes, entities, which
        // whitespace it trims).
        let opener = &rest[..=line.len()];
        let info = pulldown_cmark::Parser::new(opener).find_map(|event| match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::CodeBlock(
                pulldown_cmark::CodeBlockKind::Fenced(info),
            )) => Some(info),
            _ => None,
        })?;
        let lang = info.split([' ', ',', '{']).next().unwrap_or("");
        if gap {
            out.push(Line::default());
        }
        out.push(header(lang, number, theme));
        Some(OpenFence {
            fence,
            next: start + line.len() + 1,
            rows: out.len(),
            lines: 0,
            highlighter: highlight::LineHighlighter::new(lang, theme),
        })
    }

    /// Turns finished lines into rows, up to a closing fence (the byte after its line is
    /// returned) or the line still arriving.
    fn consume(
        &mut self,
        text: &str,
        theme: &Theme,
        width: usize,
        out: &mut Vec<Line<'static>>,
    ) -> Result<Option<usize>, Unsupported> {
        out.truncate(self.rows);
        let prefix = [Span::styled("│ ", theme.code_frame)];
        while let Some(nl) = text[self.next..].find('\n') {
            let line = &text[self.next..=self.next + nl];
            let end = self.next + nl + 1;
            if self.closes(line) {
                return Ok(Some(end));
            }
            let pieces = self.pieces(line)?;
            code_line(
                &line[..nl],
                pieces.as_ref(),
                theme,
                width.max(4),
                &prefix,
                out,
            );
            self.next = end;
            self.rows = out.len();
            self.lines += 1;
        }
        Ok(None)
    }

    fn closes(&self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        line.len() - trimmed.len() <= 3
            && super::blocks::closes_fence(
                trimmed.trim_end_matches('\n'),
                self.fence.0,
                self.fence.1,
            )
    }

    fn pieces(&mut self, line: &str) -> Result<Option<Pieces>, Unsupported> {
        if line.contains(['\r', '\0']) {
            return Err(Unsupported);
        }
        match self.highlighter.as_mut() {
            Some(h) => h.line(line).map(Some).ok_or(Unsupported),
            None => Ok(None),
        }
    }

    /// Brings `out` up to date with the block still open in `text`: new finished lines, then
    /// the line still arriving.
    pub fn extend(
        &mut self,
        text: &str,
        theme: &Theme,
        width: usize,
        out: &mut Vec<Line<'static>>,
    ) -> Result<(), Unsupported> {
        if self.consume(text, theme, width, out)?.is_some() {
            // Closed: the caller finishes it with `close`.
            return Err(Unsupported);
        }
        let partial = &text[self.next..];
        let prefix = [Span::styled("│ ", theme.code_frame)];
        // The parser leaves out a last line of up to three spaces (a closing fence's indent,
        // maybe) until it ends.
        let indent_only = partial.len() <= 3 && partial.bytes().all(|b| b == b' ');
        if indent_only || self.closes(partial) {
            // A block with no line shows one empty row.
            if self.lines == 0 {
                out.push(Line::from(prefix.to_vec()));
            }
            return Ok(());
        }
        if partial.contains(['\r', '\0']) {
            return Err(Unsupported);
        }
        let pieces = match self.highlighter.clone() {
            Some(mut h) => Some(h.line(partial).ok_or(Unsupported)?),
            None => None,
        };
        code_line(partial, pieces.as_ref(), theme, width.max(4), &prefix, out);
        Ok(())
    }

    /// The block closed in `text`: its remaining lines as rows; returns where the line after
    /// the closing fence starts.
    pub fn close(
        &mut self,
        text: &str,
        theme: &Theme,
        width: usize,
        out: &mut Vec<Line<'static>>,
    ) -> Result<usize, Unsupported> {
        let end = self.consume(text, theme, width, out)?.ok_or(Unsupported)?;
        if self.lines == 0 {
            out.push(Line::from(vec![Span::styled("│ ", theme.code_frame)]));
        }
        Ok(end)
    }
}
