//! Markdown -> styled rows, wrapped by display cells (pulldown-cmark for parsing).
//!
//! A reply is rendered block by block (blocks end at a blank line outside a code fence), so a
//! streaming reply re-renders only its last, unfinished block: see `MarkdownLayout` in
//! layout.rs. An unfinished code fence renders as a growing code block; emphasis whose closing
//! marker has not arrived yet shows as typed until it does, and never flips back.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

mod blocks;
mod code;
mod runs;
mod table;

pub use blocks::{BlockScan, code_blocks, defines_link, open_block_start};
pub use code::{OpenFence, Unsupported};
use runs::{Runs, prefix_width, wrap_runs};

use super::plain::display_width;
use crate::theme::Theme;

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
    theme: &'a Theme,
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
    pub gap: bool,
    /// Code blocks numbered so far in this message.
    pub code_blocks: usize,
}

impl<'a> Renderer<'a> {
    /// `gap`: whether blocks were rendered before these (a blank row separates them).
    /// `code_blocks`: how many code blocks came before, for numbering.
    pub fn new(
        theme: &'a Theme,
        width: usize,
        out: &'a mut Vec<Line<'static>>,
        gap: bool,
        code_blocks: usize,
    ) -> Self {
        Renderer {
            theme,
            width: width.max(4),
            out,
            styles: vec![theme.text],
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
                    first.push(Span::styled("│ ", self.theme.quote_bar));
                    rest.push(Span::styled("│ ", self.theme.quote_bar));
                }
                Container::Item { marker, started } => {
                    let blank = " ".repeat(display_width(marker));
                    if *started {
                        first.push(Span::raw(blank.clone()));
                    } else {
                        first.push(Span::styled(marker.clone(), self.theme.list_marker));
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
                let style = self.style().patch(self.theme.inline_code);
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
                self.push_row(vec![Span::styled("─".repeat(width), self.theme.rule)]);
            }
            Event::TaskListMarker(done) => {
                let (mark, style) = if done {
                    ("☑ ", self.theme.task_done)
                } else {
                    ("☐ ", self.theme.list_marker)
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
                self.push_style(self.theme.heading(match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    _ => 3,
                }));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.block_start();
                self.containers.push(Container::Quote);
                self.push_style(self.theme.quote);
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
            Tag::Emphasis => self.push_style(self.theme.emphasis),
            Tag::Strong => self.push_style(self.theme.strong),
            Tag::Strikethrough => self.push_style(self.theme.strikethrough),
            Tag::Link { dest_url, .. } => {
                self.push_style(self.theme.link);
                self.link.push(dest_url.to_string());
            }
            Tag::Image { dest_url, .. } => {
                self.push_style(self.theme.link);
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
                        let style = self.theme.link_url;
                        self.target().push(&format!(" ({url})"), style);
                    }
                }
            }
            TagEnd::Image => {
                self.text("]");
                self.pop_style();
                if let Some(url) = self.link.pop() {
                    let style = self.theme.link_url;
                    self.target().push(&format!(" ({url})"), style);
                }
            }
            _ => {}
        }
    }
}
