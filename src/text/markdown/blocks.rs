//! Finding where blocks end in streaming text, and the code blocks of a reply.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

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
