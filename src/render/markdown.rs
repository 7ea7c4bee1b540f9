//! Markdown -> styled rows, wrapped by display cells (pulldown-cmark for parsing).
//!
//! A reply is rendered block by block (blocks end at a blank line outside a code fence), so a
//! streaming reply re-renders only its last, unfinished block: see `MarkdownLayout` in
//! layout.rs. An unfinished code fence renders as a growing code block; emphasis whose closing
//! marker has not arrived yet shows as typed until it does, and never flips back.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::highlight;
use super::text::{display_width, sanitize, wrap_line};
use crate::ui::theme;

/// Styled text of one logical line, before wrapping.
#[derive(Debug, Default, Clone)]
struct Runs {
    text: String,
    /// (start byte, style): each style runs to the next start.
    styles: Vec<(usize, Style)>,
}

impl Runs {
    fn push(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        self.styles.push((self.text.len(), style));
        // Inline text never holds a line break here: soft breaks are spaces.
        self.text.push_str(&text.replace('\n', " "));
    }

    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn width(&self) -> usize {
        display_width(&self.text)
    }
}

fn prefix_width(prefix: &[Span<'static>]) -> usize {
    prefix.iter().map(|s| display_width(&s.content)).sum()
}

/// Wraps `runs` into rows of at most `width` cells, the first starting with `first` and the
/// rest with `rest` (same width).
fn wrap_runs(
    runs: &Runs,
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
    out: &mut Vec<Line<'static>>,
) {
    let avail = width.saturating_sub(prefix_width(first)).max(1);
    let mut ranges = Vec::new();
    wrap_line(&runs.text, avail, &mut ranges);
    for (i, range) in ranges.into_iter().enumerate() {
        let mut spans: Vec<Span<'static>> = if i == 0 {
            first.to_vec()
        } else {
            rest.to_vec()
        };
        let end = range.start + runs.text[range.clone()].trim_end_matches(' ').len();
        for (k, &(start, style)) in runs.styles.iter().enumerate() {
            let stop = runs
                .styles
                .get(k + 1)
                .map_or(runs.text.len(), |&(next, _)| next);
            let a = start.max(range.start);
            let b = stop.min(end);
            if a < b {
                spans.push(Span::styled(sanitize(&runs.text[a..b]), style));
            }
        }
        out.push(Line::from(spans));
    }
}

#[derive(Debug, Clone)]
enum Container {
    Quote,
    Item { marker: String, started: bool },
}

struct Table {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Runs>>,
    head_rows: usize,
    row: Vec<Runs>,
}

struct Code {
    lang: String,
    text: String,
}

/// Renders markdown blocks into rows.
pub struct Renderer<'a> {
    width: usize,
    out: &'a mut Vec<Line<'static>>,
    styles: Vec<Style>,
    runs: Runs,
    containers: Vec<Container>,
    lists: Vec<Option<u64>>,
    code: Option<Code>,
    table: Option<Table>,
    link: Vec<String>,
    /// Whether a blank row must come before the next top-level block.
    gap: bool,
    /// Code blocks numbered so far in this message.
    pub code_blocks: usize,
}

impl<'a> Renderer<'a> {
    /// `gap`: whether blocks were rendered before these (a blank row separates them).
    /// `code_blocks`: how many code blocks came before, for numbering.
    pub fn new(
        width: usize,
        out: &'a mut Vec<Line<'static>>,
        gap: bool,
        code_blocks: usize,
    ) -> Self {
        Renderer {
            width: width.max(4),
            out,
            styles: vec![theme::text()],
            runs: Runs::default(),
            containers: Vec::new(),
            lists: Vec::new(),
            code: None,
            table: None,
            link: Vec::new(),
            gap,
            code_blocks,
        }
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, style: Style) {
        let base = self.style();
        self.styles.push(base.patch(style));
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn target(&mut self) -> &mut Runs {
        match self.table.as_mut() {
            Some(table) => table.row.last_mut().unwrap_or(&mut self.runs),
            None => &mut self.runs,
        }
    }

    fn text(&mut self, text: &str) {
        let style = self.style();
        self.target().push(text, style);
    }

    /// The prefixes of the next row: (first row, continuation rows).
    fn prefixes(&self) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
        let mut first = Vec::new();
        let mut rest = Vec::new();
        for container in &self.containers {
            match container {
                Container::Quote => {
                    first.push(Span::styled("│ ", theme::quote_bar()));
                    rest.push(Span::styled("│ ", theme::quote_bar()));
                }
                Container::Item { marker, started } => {
                    let blank = " ".repeat(display_width(marker));
                    if *started {
                        first.push(Span::raw(blank.clone()));
                    } else {
                        first.push(Span::styled(marker.clone(), theme::list_marker()));
                    }
                    rest.push(Span::raw(blank));
                }
            }
        }
        (first, rest)
    }

    fn mark_started(&mut self) {
        for container in &mut self.containers {
            if let Container::Item { started, .. } = container {
                *started = true;
            }
        }
    }

    fn flush(&mut self) {
        if self.runs.is_empty() {
            self.runs = Runs::default();
            return;
        }
        let (first, rest) = self.prefixes();
        let runs = std::mem::take(&mut self.runs);
        wrap_runs(&runs, self.width, &first, &rest, self.out);
        self.mark_started();
    }

    fn push_row(&mut self, spans: Vec<Span<'static>>) {
        let (first, _) = self.prefixes();
        let mut line = first;
        line.extend(spans);
        self.out.push(Line::from(line));
        self.mark_started();
    }

    /// A blank row before a top-level block, except the first.
    fn block_start(&mut self) {
        if self.containers.is_empty() {
            if self.gap {
                self.out.push(Line::default());
            }
            self.gap = true;
        }
    }

    pub fn render(&mut self, markdown: &str) {
        let options =
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
        for event in Parser::new_ext(markdown, options) {
            self.event(event);
        }
        // An unfinished block (streaming) still shows what it has.
        if let Some(code) = self.code.take() {
            self.render_code(code);
        }
        if self.table.is_some() {
            self.end_table();
        }
        self.flush();
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match self.code.as_mut() {
                Some(code) => code.text.push_str(&text),
                None => self.text(&text),
            },
            Event::Code(code) => {
                let style = self.style().patch(theme::inline_code());
                self.target().push(&code, style);
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
            Event::Html(html) | Event::InlineHtml(html) => match self.code.as_mut() {
                Some(code) => code.text.push_str(&html),
                None => {
                    for (i, line) in html.lines().enumerate() {
                        if i > 0 {
                            self.flush();
                        }
                        self.text(line);
                    }
                }
            },
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.block_start();
                let width = self.width.saturating_sub(prefix_width(&self.prefixes().0));
                self.push_row(vec![Span::styled("─".repeat(width), theme::rule())]);
            }
            Event::TaskListMarker(done) => {
                let (mark, style) = if done {
                    ("☑ ", theme::task_done())
                } else {
                    ("☐ ", theme::list_marker())
                };
                self.target().push(mark, style);
            }
            Event::FootnoteReference(name) => self.text(&format!("[^{name}]")),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {
                self.flush();
                self.block_start();
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.block_start();
                self.push_style(theme::heading(match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                }));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.block_start();
                self.containers.push(Container::Quote);
                self.push_style(theme::quote());
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.block_start();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some(Code {
                    lang,
                    text: String::new(),
                });
            }
            Tag::List(start) => {
                self.flush();
                self.block_start();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ if depth.is_multiple_of(2) => "◦ ".to_string(),
                    _ => "• ".to_string(),
                };
                self.containers.push(Container::Item {
                    marker,
                    started: false,
                });
            }
            Tag::Table(aligns) => {
                self.flush();
                self.block_start();
                self.table = Some(Table {
                    aligns,
                    rows: Vec::new(),
                    head_rows: 0,
                    row: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    table.row.clear();
                }
            }
            Tag::TableCell => {
                if let Some(table) = self.table.as_mut() {
                    table.row.push(Runs::default());
                }
            }
            Tag::Emphasis => self.push_style(theme::emphasis()),
            Tag::Strong => self.push_style(theme::strong()),
            Tag::Strikethrough => self.push_style(theme::strikethrough()),
            Tag::Link { dest_url, .. } => {
                self.push_style(theme::link());
                self.link.push(dest_url.to_string());
            }
            Tag::Image { dest_url, .. } => {
                self.push_style(theme::link());
                self.text("[image: ");
                self.link.push(dest_url.to_string());
            }
            Tag::HtmlBlock => {
                self.flush();
                self.block_start();
            }
            Tag::FootnoteDefinition(name) => {
                self.flush();
                self.block_start();
                self.text(&format!("[^{name}]: "));
            }
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock | TagEnd::FootnoteDefinition => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.pop_style();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.containers.pop();
                self.pop_style();
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.render_code(code);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.containers.pop();
            }
            TagEnd::Table => self.end_table(),
            TagEnd::TableHead => {
                if let Some(table) = self.table.as_mut() {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                    table.head_rows = table.rows.len();
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::TableCell => {}
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some(url) = self.link.pop() {
                    let shown = self.target().text.clone();
                    if !url.is_empty() && !shown.ends_with(url.as_str()) {
                        self.target().push(&format!(" ({url})"), theme::link_url());
                    }
                }
            }
            TagEnd::Image => {
                self.text("]");
                self.pop_style();
                if let Some(url) = self.link.pop() {
                    self.target().push(&format!(" ({url})"), theme::link_url());
                }
            }
            _ => {}
        }
    }

    fn render_code(&mut self, code: Code) {
        self.code_blocks += 1;
        let number = self.code_blocks;
        let label = if code.lang.is_empty() {
            format!("┌ code [{number}]")
        } else {
            format!("┌ {} [{number}]", sanitize(&code.lang))
        };
        self.push_row(vec![Span::styled(label, theme::code_frame())]);
        let text = code.text.strip_suffix('\n').unwrap_or(&code.text);
        let highlighted = highlight::highlight(&code.lang, text);
        // Code rows continue the containers' indentation, then a bar.
        let (_, mut rest_prefix) = self.prefixes();
        rest_prefix.push(Span::styled("│ ", theme::code_frame()));
        for (i, line) in text.split('\n').enumerate() {
            let mut runs = Runs::default();
            match highlighted.as_ref().and_then(|h| h.get(i)) {
                Some(pieces) => {
                    for (style, piece) in pieces {
                        runs.push(piece, *style);
                    }
                }
                None => runs.push(line, theme::code()),
            }
            if runs.text.is_empty() {
                self.out.push(Line::from(rest_prefix.clone()));
            } else {
                wrap_runs(&runs, self.width, &rest_prefix, &rest_prefix, self.out);
            }
        }
        self.mark_started();
    }

    fn end_table(&mut self) {
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
        let separator = Span::styled(" │ ", theme::table_border());
        for (r, row) in table.rows.iter().enumerate() {
            let head = r < table.head_rows;
            let cells: Vec<Vec<Line<'static>>> = (0..columns)
                .map(|c| {
                    let mut lines = Vec::new();
                    if let Some(cell) = row.get(c) {
                        let mut runs = cell.clone();
                        if head {
                            for style in &mut runs.styles {
                                style.1 = style.1.patch(theme::table_head());
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
                self.push_row(vec![Span::styled(rule.join("─┼─"), theme::table_border())]);
            }
        }
    }
}

/// Where the last, unfinished block of `text` starts, scanning complete lines from `from`
/// (which must not be inside a code fence). A block ends at a blank line outside a fence that
/// is followed by an unindented line (indented lines continue list items).
pub fn open_block_start(text: &str, from: usize) -> usize {
    let mut fence: Option<(char, usize)> = None;
    let mut boundary = from;
    let mut pos = from;
    let mut after_blank = false;
    while let Some(nl) = text[pos..].find('\n') {
        let line = &text[pos..pos + nl];
        let next = pos + nl + 1;
        if fence.is_none()
            && after_blank
            && !line.starts_with([' ', '\t'])
            && !line.trim().is_empty()
        {
            boundary = pos;
        }
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        match (marker, fence) {
            (Some(c), None) if indent <= 3 => {
                let n = trimmed.chars().take_while(|&x| x == c).count();
                if n >= 3 {
                    fence = Some((c, n));
                }
            }
            (Some(c), Some((open, n))) if c == open => {
                let count = trimmed.chars().take_while(|&x| x == c).count();
                if count >= n && trimmed[count..].trim().is_empty() {
                    fence = None;
                }
            }
            _ => {}
        }
        after_blank = fence.is_none() && line.trim().is_empty();
        pos = next;
    }
    // The line still arriving may already show that a new block began.
    if fence.is_none() && after_blank && pos < text.len() && !text[pos..].starts_with([' ', '\t']) {
        boundary = pos;
    }
    boundary
}

/// The text of every code block in `markdown`, in order (for copying block N).
pub fn code_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => current = Some(String::new()),
            Event::Text(text) => {
                if let Some(code) = current.as_mut() {
                    code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(code) = current.take() {
                    blocks.push(code.strip_suffix('\n').unwrap_or(&code).to_string());
                }
            }
            _ => {}
        }
    }
    if let Some(code) = current {
        blocks.push(code);
    }
    blocks
}
