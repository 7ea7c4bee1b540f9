//! Finding where blocks end in streaming text, and the code blocks of a reply.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Where the last, unfinished block of `text` starts, scanning complete lines from `from`
/// (which must not be inside a code fence). A block ends at a blank line outside a fence that
/// is followed by an unindented line that is not a list item (indented lines continue list
/// items, and a list item after a blank line may continue the list before it: found by
/// fuzzing, "1. one\n\n1. two" is one list numbered 1, 2). An HTML block that runs past
/// blank lines (a comment, `<pre>`, `<script>`…; found by fuzzing) is treated like a fence:
/// nothing ends until its end marker.
///
/// A fence opened at the start of a line (no indent, so in no list or quote) is a block of
/// its own: it starts one even with no blank line before it, and the line after its closing
/// fence starts the next. That is what lets a long code block stream in line by line
/// (`MarkdownLayout`) and be finished without being rendered again. The one exception is
/// a fence inside an HTML block that ends at a blank line (`<div>`…): a line starting with
/// `<` since the last blank line keeps the fence in its block.
pub fn open_block_start(text: &str, from: usize) -> usize {
    let mut scan = BlockScan::new(from);
    scan.advance(text, usize::MAX, |_| {});
    scan.open_start(text)
}

/// The scan behind `open_block_start`, kept between calls: text only grows while it streams,
/// so each call looks only at lines not seen before.
#[derive(Debug, Clone, Default)]
pub struct BlockScan {
    /// Where the first line not scanned yet starts.
    pos: usize,
    /// The last block start found among whole lines.
    boundary: usize,
    fence: Option<(char, usize)>,
    /// The fence open now started at no indent, outside HTML: a block of its own.
    top: bool,
    /// A line since the last blank one started with `<`: maybe an HTML block (types 6 and
    /// 7) that runs to the next blank line.
    html_line: bool,
    html: Option<&'static str>,
    after_blank: bool,
}

impl BlockScan {
    /// A scan from `from`, which must start a block (and not be inside a code fence).
    pub fn new(from: usize) -> Self {
        BlockScan {
            pos: from,
            boundary: from,
            ..BlockScan::default()
        }
    }

    /// Scans the whole lines of `text` not seen before, calling `each` with every block
    /// start found, in order; it stops at the first line starting at or after `limit`.
    /// Returns whether it scanned every whole line.
    pub fn advance(&mut self, text: &str, limit: usize, mut each: impl FnMut(usize)) -> bool {
        loop {
            let Some(nl) = text.get(self.pos..).and_then(|rest| rest.find('\n')) else {
                return true;
            };
            if self.pos >= limit {
                return false;
            }
            let pos = self.pos;
            let line = &text[pos..pos + nl];
            let next = pos + nl + 1;
            self.pos = next;
            if self.fence.is_none()
                && self.html.is_none()
                && self.after_blank
                && !line.starts_with([' ', '\t'])
                && !is_blank(line)
                && !starts_list_item(line)
            {
                self.boundary = pos;
                each(pos);
            }
            let trimmed = line.trim_start_matches(' ');
            let indent = line.len() - trimmed.len();
            if let Some(end) = self.html {
                if line.to_ascii_lowercase().contains(end) {
                    self.html = None;
                }
                self.after_blank = false;
                continue;
            }
            if self.fence.is_none()
                && indent <= 3
                && let Some((end, opened)) = html_block(trimmed)
                && !trimmed[opened..].to_ascii_lowercase().contains(end)
            {
                self.html = Some(end);
                self.after_blank = false;
                continue;
            }
            match self.fence {
                None if indent <= 3 => {
                    if let Some(opened) = fence_opener(trimmed) {
                        self.fence = Some(opened);
                        // (A carriage return is read by the parser in ways that differ in
                        // corners, found by fuzzing: such a fence stays in its block.)
                        self.top = indent == 0 && !self.html_line && !line.contains('\r');
                        if self.top {
                            self.boundary = pos;
                            each(pos);
                        }
                    }
                }
                Some((open, n)) if indent <= 3 && closes_fence(trimmed, open, n) => {
                    self.fence = None;
                    if self.top {
                        self.boundary = next;
                        each(next);
                        self.top = false;
                    }
                }
                _ => {}
            }
            self.after_blank = self.fence.is_none() && is_blank(line);
            if self.after_blank {
                self.html_line = false;
            } else if self.fence.is_none() && indent <= 3 && trimmed.starts_with('<') {
                self.html_line = true;
            }
        }
    }

    /// Where the first line not scanned yet starts.
    pub fn scanned_to(&self) -> usize {
        self.pos
    }

    /// The last block start found among the lines scanned so far.
    pub fn last_start(&self) -> usize {
        self.boundary
    }

    /// Where the last, unfinished block starts: the last start among whole lines, or the
    /// line still arriving when it already shows that a new block began.
    pub fn open_start(&self, text: &str) -> usize {
        let pos = self.pos;
        if self.fence.is_none()
            && self.html.is_none()
            && self.after_blank
            && pos < text.len()
            && !text[pos..].starts_with([' ', '\t'])
            && !might_start_list_item(&text[pos..])
        {
            pos
        } else {
            self.boundary
        }
    }
}

/// If `line` (its indent taken off) opens a code fence: its character and length. A
/// backtick fence's info string holds no backtick.
pub fn fence_opener(line: &str) -> Option<(char, usize)> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|&x| x == c).count();
    (n >= 3 && (c == '~' || !line[n..].contains('`'))).then_some((c, n))
}

/// Whether `line` (its indent taken off, at most three spaces) closes a fence of `n` `c`s.
pub fn closes_fence(line: &str, c: char, n: usize) -> bool {
    let count = line.chars().take_while(|&x| x == c).count();
    count >= n && line[count..].trim_matches([' ', '\t', '\r']).is_empty()
}

/// A blank line as CommonMark has it: spaces and tabs only (not every Unicode space: a line
/// holding a vertical tab continues a paragraph; found by fuzzing).
fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// Whether `line` starts a list item: `-`, `*` or `+`, or up to nine digits and `.` or `)`,
/// then a space, a tab or the line's end.
fn starts_list_item(line: &str) -> bool {
    let after = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return after(rest);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=9).contains(&digits) && line[digits..].strip_prefix(['.', ')']).is_some_and(after)
}

/// Whether the start of a line still arriving may turn out to be a list item.
fn might_start_list_item(partial: &str) -> bool {
    let digits = partial.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &partial[digits..];
    rest.is_empty() && digits <= 9
        || starts_list_item(partial)
        || partial.len() <= 1 && partial.starts_with(['-', '*', '+'])
        || digits > 0 && (rest == "." || rest == ")")
}

/// If `line` (its indent taken off) starts an HTML block that runs past blank lines: the
/// marker that ends it (lower case) and where the opening ends.
fn html_block(line: &str) -> Option<(&'static str, usize)> {
    let tag = line.strip_prefix('<')?;
    if tag.starts_with("!--") {
        return Some(("-->", 4));
    }
    if tag.starts_with("![CDATA[") {
        return Some(("]]>", 9));
    }
    if tag.starts_with('?') {
        return Some(("?>", 2));
    }
    if tag.starts_with('!') && tag[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some((">", 2));
    }
    let lower = tag.get(..9).unwrap_or(tag).to_ascii_lowercase();
    [
        ("script", "</script>"),
        ("pre", "</pre>"),
        ("style", "</style>"),
        ("textarea", "</textarea>"),
    ]
    .into_iter()
    .find(|(name, _)| {
        lower.starts_with(name)
            && lower[name.len()..]
                .chars()
                .next()
                .is_none_or(|c| c == '>' || c.is_whitespace())
    })
    .map(|(name, end)| (end, name.len() + 1))
}

/// Whether `line` is a link reference definition (`[name]: url`), which changes how links
/// anywhere before it render, so the text must be rendered whole. Only the start of a line is
/// looked at (a label is at most 999 characters), so a long line costs no more than a short
/// one.
pub fn defines_link(line: &str) -> bool {
    let line = line.trim_start_matches(' ');
    let head = &line[..line.floor_char_boundary(1024.min(line.len()))];
    head.starts_with('[') && head.contains("]:")
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
