//! A conversation as rows of styled text, built lazily: an item (a message, or the app's
//! notice after them) is described as parts whose heights come from the wrap cache, and only
//! the rows in view are ever turned into `Line`s. No IO and no ratatui Frame here.

use ratatui::text::{Line, Span};

use crate::ids::Millis;
use crate::io::store::records::{MessageStatus, Role};
use crate::state::{Conversation, Message};
use crate::text::plain::{display_width, row_text, sanitize, wrap_line};

pub use super::viewport::{View, follow_top, item_at, resolve_top, scrolled, view};
use crate::theme::Theme;

const CONTENT_INDENT: &str = "  ";
const REASONING_PREFIX: &str = "  │ ";
const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// A spinner frame that depends only on the time, so views stay pure.
pub fn spinner(now: Millis) -> &'static str {
    SPINNER[((now / 100) % SPINNER.len() as u64) as usize]
}

/// Rows of a thinking model's reasoning shown while it thinks (the newest ones).
pub const REASONING_PREVIEW_ROWS: usize = 6;
/// Cells on the left of every row, where the focus outline goes.
const GUTTER: u16 = 1;

enum Part {
    Line(Line<'static>),
    /// Rows `skip..skip + count` of the wrapped reasoning.
    Reasoning {
        skip: usize,
        count: usize,
    },
    Content(usize),
}

impl Part {
    fn height(&self) -> usize {
        match self {
            Part::Line(_) => 1,
            Part::Reasoning { count, .. } => *count,
            Part::Content(n) => *n,
        }
    }
}

/// One item of the transcript, ready to be measured or drawn.
pub struct Item<'a> {
    message: Option<&'a Message>,
    theme: &'a Theme,
    parts: Vec<Part>,
    /// Draw the focus outline beside this item's rows.
    pub focused: bool,
}

impl Item<'_> {
    pub fn height(&self) -> usize {
        self.parts.iter().map(Part::height).sum()
    }

    /// Appends rows `range` of this item to `out`.
    pub fn lines(&self, range: std::ops::Range<usize>, width: u16, out: &mut Vec<Line<'static>>) {
        let theme = self.theme;
        let width = width.saturating_sub(GUTTER);
        let gutter = if self.focused {
            Span::styled("▌", theme.focus_bar)
        } else {
            Span::raw(" ")
        };
        let start = out.len();
        let mut row = 0;
        for part in &self.parts {
            let n = part.height();
            let from = range.start.max(row);
            let to = range.end.min(row + n);
            if from < to {
                match part {
                    Part::Line(line) => out.push(line.clone()),
                    Part::Reasoning { skip, .. } => {
                        if let Some(message) = self.message {
                            with_layout(message, width, theme, |layouts| {
                                for text in
                                    &layouts.reasoning.rows()[skip + from - row..skip + to - row]
                                {
                                    out.push(Line::from(vec![
                                        Span::styled(REASONING_PREFIX, theme.reasoning_bar),
                                        Span::styled(text.clone(), theme.reasoning),
                                    ]));
                                }
                            });
                        }
                    }
                    Part::Content(_) => {
                        if let Some(message) = self.message {
                            with_layout(message, width, theme, |layouts| {
                                if message.role == Role::Assistant {
                                    layouts.markdown.push_lines(
                                        from - row..to - row,
                                        &Span::raw(CONTENT_INDENT),
                                        out,
                                    );
                                } else {
                                    for text in &layouts.plain.rows()[from - row..to - row] {
                                        out.push(Line::from(vec![
                                            Span::raw(CONTENT_INDENT),
                                            Span::styled(text.clone(), theme.text),
                                        ]));
                                    }
                                }
                            });
                        }
                    }
                }
            }
            row += n;
            if row >= range.end {
                break;
            }
        }
        for line in &mut out[start..] {
            line.spans.insert(0, gutter.clone());
        }
    }
}

fn with_layout<R>(
    message: &Message,
    width: u16,
    theme: &Theme,
    f: impl FnOnce(&crate::text::rows::Layouts) -> R,
) -> R {
    message.layout.with(
        (&message.content, content_width(width)),
        message.role == Role::Assistant,
        (&message.reasoning, reasoning_width(width)),
        theme,
        f,
    )
}

/// How many rows of a long message of yours show while it is folded.
pub const FOLDED_ROWS: usize = 8;

fn content_width(width: u16) -> usize {
    (width as usize)
        .saturating_sub(display_width(CONTENT_INDENT))
        .max(1)
}

fn reasoning_width(width: u16) -> usize {
    (width as usize)
        .saturating_sub(display_width(REASONING_PREFIX))
        .max(1)
}

/// A rough token count for the reasoning label: about four ASCII characters or one CJK
/// character per token.
pub fn estimate_tokens(text: &str) -> usize {
    let (ascii, other) = text.chars().fold((0usize, 0usize), |(a, o), c| {
        if c.is_ascii() { (a + 1, o) } else { (a, o + 1) }
    });
    ascii.div_ceil(4) + other
}

/// Items: every message, then the notice if there is one.
pub fn item_count(conv: &Conversation) -> usize {
    conv.messages.len() + usize::from(conv.notice.is_some())
}

pub fn item<'a>(
    conv: &'a Conversation,
    index: usize,
    width: u16,
    now: Millis,
    theme: &'a Theme,
) -> Item<'a> {
    let width = width.saturating_sub(GUTTER);
    match conv.messages.get(index) {
        Some(message) => {
            // The reply whose request waits to be sent again shows the countdown.
            let retry_at = match conv.phase {
                crate::state::StreamPhase::Retrying { at, .. }
                    if conv.live_reply == Some(message.id) =>
                {
                    Some(at)
                }
                _ => None,
            };
            let versions = conv.versions(index);
            message_item(message, width, now, retry_at, versions, theme)
        }
        None => notice_item(conv.notice.as_deref().unwrap_or_default(), width, theme),
    }
}

fn wrapped(
    text: &str,
    indent: &'static str,
    width: u16,
    style: ratatui::style::Style,
) -> Vec<Part> {
    let avail = (width as usize)
        .saturating_sub(display_width(indent))
        .max(1);
    let mut parts = Vec::new();
    for paragraph in text.split('\n') {
        let mut ranges = Vec::new();
        wrap_line(paragraph, avail, &mut ranges);
        for range in ranges {
            parts.push(Part::Line(Line::from(vec![
                Span::raw(indent),
                Span::styled(row_text(paragraph, range), style),
            ])));
        }
    }
    parts
}

fn notice_item<'a>(text: &str, width: u16, theme: &'a Theme) -> Item<'a> {
    let mut parts = vec![Part::Line(Line::styled("Note", theme.notice))];
    parts.extend(wrapped(text, CONTENT_INDENT, width, theme.notice));
    parts.push(Part::Line(Line::default()));
    Item {
        message: None,
        theme,
        parts,
        focused: false,
    }
}

/// One line per web search of a reply: `🔎 searched the web · 1,240 tokens of results`.
fn search_lines(searches: &[Option<u64>], theme: &Theme) -> Vec<Part> {
    searches
        .iter()
        .map(|tokens| {
            let text = match tokens {
                Some(n) => format!("  🔎 searched the web · {} tokens of results", grouped(*n)),
                None => "  🔎 searched the web".to_string(),
            };
            Part::Line(Line::styled(text, theme.reasoning_label))
        })
        .collect()
}

/// 1240 as "1,240".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A token count as people read it: "950", "8.2k", "12k", "1.3M".
/// A document's chip: `📎 report.pdf · 38 KB · ~9.6k tokens`.
pub fn document_chip(doc: &crate::api::Document) -> String {
    format!(
        "📎 {} · {} · ~{} tokens",
        sanitize(&doc.name),
        crate::text::plain::size_label(usize::try_from(doc.bytes).unwrap_or(usize::MAX)),
        token_count(doc.token_size())
    )
}

/// A pending document's chip on the input box: uploading (`⇡ report.pdf 45%`) or ready.
pub fn pending_chip(doc: &crate::state::PendingDocument) -> String {
    match &doc.document {
        Some(ready) => document_chip(ready),
        None => format!(
            "⇡ {} {}%",
            sanitize(&doc.name),
            doc.sent.saturating_mul(100) / doc.bytes.max(1)
        ),
    }
}

/// An image's chip: `📷 shot.png · 2048×1536 · 820 KB` (its bytes gone: "not kept").
pub fn image_chip(image: &crate::api::Image) -> String {
    let size = if image.data.is_empty() {
        "not kept".to_string()
    } else {
        crate::text::plain::size_label(image.data.len())
    };
    format!(
        "📷 {} · {}×{} · {size}",
        sanitize(&image.name),
        image.width,
        image.height
    )
}

/// The chips of the documents and images going with the message, in at most `cells`: whole,
/// or each by its name, or counted.
pub fn pending_chips(
    documents: &[crate::state::PendingDocument],
    images: &[crate::api::Image],
    cells: usize,
) -> String {
    let whole: Vec<String> = documents
        .iter()
        .map(pending_chip)
        .chain(images.iter().map(image_chip))
        .collect();
    let whole = format!(" {} ", whole.join("  "));
    if display_width(&whole) <= cells {
        return whole;
    }
    let short: Vec<String> = documents
        .iter()
        .map(|d| match &d.document {
            Some(_) => format!("📎 {}", sanitize(&d.name)),
            None => format!(
                "⇡ {} {}%",
                sanitize(&d.name),
                d.sent.saturating_mul(100) / d.bytes.max(1)
            ),
        })
        .chain(images.iter().map(|i| format!("📷 {}", sanitize(&i.name))))
        .collect();
    let short = format!(" {} ", short.join("  "));
    if display_width(&short) <= cells {
        return short;
    }
    let uploading = documents.iter().filter(|d| d.document.is_none()).count();
    let tokens: u64 = documents
        .iter()
        .filter_map(|d| d.document.as_ref())
        .map(crate::api::Document::token_size)
        .sum();
    let mut out = if documents.is_empty() {
        String::from(" ")
    } else {
        format!(
            " 📎 {} · ~{} tokens",
            count(documents.len(), "document"),
            token_count(tokens)
        )
    };
    if !images.is_empty() {
        if !documents.is_empty() {
            out.push_str(" · ");
        }
        out.push_str(&format!("📷 {}", count(images.len(), "image")));
    }
    if uploading > 0 {
        out.push_str(&format!(" · {uploading} uploading"));
    }
    out.push(' ');
    out
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub fn token_count(n: u64) -> String {
    let tenths = |n: u64, unit: u64| {
        let t = (n * 10 + unit / 2) / unit;
        if t < 100 {
            format!("{}.{}", t / 10, t % 10)
        } else {
            format!("{}", t / 10)
        }
    };
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => format!("{}k", tenths(n, 1_000)),
        _ => format!("{}M", tenths(n, 1_000_000)),
    }
}

/// "0.4 s", "12 s", "2m 05s".
pub fn duration_label(ms: Millis) -> String {
    let secs = ms / 1000;
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else if secs >= 10 {
        format!("{secs} s")
    } else {
        format!("{}.{} s", secs, (ms % 1000) / 100)
    }
}

fn message_item<'a>(
    message: &'a Message,
    width: u16,
    now: Millis,
    retry_at: Option<Millis>,
    versions: Option<crate::state::Versions>,
    theme: &'a Theme,
) -> Item<'a> {
    let (reasoning_rows, content_rows, progress) = with_layout(message, width, theme, |l| {
        if message.role == Role::Assistant {
            (l.reasoning.len(), l.markdown.len(), l.markdown.progress())
        } else {
            (l.reasoning.len(), l.plain.len(), None)
        }
    });
    let streaming = message.status == MessageStatus::Streaming;
    let mut parts = Vec::new();
    let searches: Vec<Option<u64>> = message
        .tool_rounds
        .iter()
        .flat_map(crate::state::ToolRound::searches)
        .collect();
    let mut header = match message.role {
        Role::User => vec![Span::styled("You", theme.user_header)],
        Role::Assistant => {
            let mut header = vec![Span::styled("Kimi", theme.assistant_header)];
            if let Some(model) = &message.model {
                header.push(Span::styled(
                    format!(" · {}", sanitize(model)),
                    theme.header_meta,
                ));
            }
            header
        }
    };
    if let Some(v) = versions {
        // Where this message stands among its versions (←/→ on it switch).
        header.push(Span::styled(
            format!("  ‹ {}/{} ›", v.n, v.of),
            theme.header_meta,
        ));
    }
    parts.push(Part::Line(Line::from(header)));
    for doc in &message.documents {
        parts.push(Part::Line(Line::styled(
            format!("  {}", document_chip(doc)),
            theme.header_meta,
        )));
    }
    for image in &message.images {
        parts.push(Part::Line(Line::styled(
            format!("  {}", image_chip(image)),
            theme.header_meta,
        )));
    }
    if reasoning_rows > 0 {
        let thinking = streaming && message.reasoning_ended_at.is_none();
        let took = duration_label(message.thinking_millis(now).unwrap_or(0));
        // Folded by default once the answer starts; while thinking, the newest rows show.
        let folded = message.reasoning_folded.unwrap_or(!thinking);
        let tokens = estimate_tokens(&message.reasoning);
        let label = if thinking {
            format!("  {} Thinking… {took} · ~{tokens} tokens", spinner(now))
        } else {
            let arrow = if folded { "▸" } else { "▾" };
            format!("  {arrow} Thought for {took} · ~{tokens} tokens")
        };
        let label = match searches.len() {
            0 => label,
            1 if folded => format!("{label} · 🔎 1 web search"),
            n if folded => format!("{label} · 🔎 {n} web searches"),
            _ => label,
        };
        parts.push(Part::Line(Line::styled(label, theme.reasoning_label)));
        if !folded {
            parts.extend(search_lines(&searches, theme));
            let (skip, count) = match (thinking, message.reasoning_folded) {
                (true, None) => {
                    let shown = reasoning_rows.min(REASONING_PREVIEW_ROWS);
                    (reasoning_rows - shown, shown)
                }
                _ => (0, reasoning_rows),
            };
            parts.push(Part::Reasoning { skip, count });
        }
    }
    if reasoning_rows == 0 {
        parts.extend(search_lines(&searches, theme));
    }
    if message.role == Role::User && content_rows > FOLDED_ROWS + 2 && !message.unfolded {
        // A long message (a big paste) shows its start; Enter on it shows the rest.
        parts.push(Part::Content(FOLDED_ROWS));
        parts.push(Part::Line(Line::styled(
            format!(
                "{CONTENT_INDENT}… {} more lines · Enter on it unfolds",
                content_rows - FOLDED_ROWS
            ),
            theme.header_meta,
        )));
    } else if content_rows > 0 || progress.is_some() {
        parts.push(Part::Content(content_rows));
        if let Some((done, of)) = progress {
            // A long reply is laid out over a few frames; what follows it waits.
            parts.push(Part::Line(Line::styled(
                format!(
                    "{CONTENT_INDENT}⋯ laying out {} of {}",
                    crate::text::plain::size_label(done),
                    crate::text::plain::size_label(of)
                ),
                theme.header_meta,
            )));
        }
    } else if let Some(at) = retry_at {
        let secs = at.saturating_sub(now).div_ceil(1000);
        parts.push(Part::Line(Line::styled(
            format!(
                "  ↻ trying again in {secs} s (retry {}) · Esc cancels",
                message.retries
            ),
            theme.warning,
        )));
    } else if streaming && reasoning_rows == 0 {
        parts.push(Part::Line(Line::styled(
            format!("  {} waiting for Kimi…", spinner(now)),
            theme.placeholder,
        )));
    }
    parts.extend(footer(message, width, theme));
    parts.push(Part::Line(Line::default()));
    Item {
        message: Some(message),
        theme,
        parts,
        focused: false,
    }
}

fn footer(message: &Message, width: u16, theme: &Theme) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut status: Vec<Span<'static>> = Vec::new();
    match message.status {
        MessageStatus::Stopped => status.push(Span::styled("■ stopped", theme.warning)),
        MessageStatus::Interrupted => status.push(Span::styled(
            "⚠ interrupted: the connection closed before the reply finished",
            theme.warning,
        )),
        _ => {}
    }
    if message.finish_reason.as_deref() == Some("length") {
        status.push(Span::styled("⚠ cut off at the token limit", theme.warning));
    }
    if message.malformed_events > 0 {
        status.push(Span::styled(
            format!("⚠ {} malformed event(s) skipped", message.malformed_events),
            theme.warning,
        ));
    }
    if message.invalid_bytes > 0 {
        let n = message.invalid_bytes;
        let what = if n == 1 { "byte" } else { "bytes" };
        status.push(Span::styled(
            format!("⚠ {n} invalid {what} replaced"),
            theme.warning,
        ));
    }
    if message.can_continue() {
        status.push(Span::styled("Ctrl+G continues", theme.footer));
    }
    if let Some(usage) = message.usage {
        // How much of the prompt the prefix cache served (billed for less).
        let prompt = match usage.cached_tokens.filter(|&c| c > 0) {
            Some(cached) => format!(
                "{} cached of {} prompt",
                token_count(cached),
                token_count(usage.prompt_tokens)
            ),
            None => format!("{} prompt", token_count(usage.prompt_tokens)),
        };
        status.push(Span::styled(prompt, theme.footer));
        status.push(Span::styled(
            format!("{} completion tokens", token_count(usage.completion_tokens)),
            theme.footer,
        ));
    }
    // The pieces go on one line, separated by dots, and on more lines when it is narrow.
    let mut spans = vec![Span::raw(CONTENT_INDENT)];
    let mut used = display_width(CONTENT_INDENT);
    for span in status {
        let w = display_width(&span.content);
        if spans.len() > 1 && used + 3 + w > width as usize {
            parts.push(Part::Line(Line::from(std::mem::take(&mut spans))));
            spans.push(Span::raw(CONTENT_INDENT));
            used = display_width(CONTENT_INDENT);
        } else if spans.len() > 1 {
            spans.push(Span::styled(" · ", theme.footer));
            used += 3;
        }
        used += w;
        spans.push(span);
    }
    if spans.len() > 1 {
        parts.push(Part::Line(Line::from(spans)));
    }
    if let Some(error) = &message.error {
        parts.extend(wrapped(
            &format!("✖ {error}"),
            CONTENT_INDENT,
            width,
            theme.error,
        ));
    }
    parts
}
