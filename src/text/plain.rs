//! Text as terminal cells: display widths, control-character neutering, and line wrapping.
//!
//! Hand-written rather than textwrap because the scrollback needs two things textwrap does
//! not give: the byte offset where each row starts (so a streaming paragraph re-wraps only
//! from its last row, keeping the cost of a delta flat), and splitting over-long words only
//! between grapheme clusters. Break opportunities come from unicode-linebreak (UAX #14), so
//! Chinese and Japanese wrap between characters; widths come from unicode-width.
//!
//! Text from the model or the user is data: every control character is shown as a visible
//! symbol (or, for CR, dropped) and never reaches a terminal cell as a control.

use std::ops::Range;

use unicode_linebreak::linebreaks;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cells a tab takes.
pub const TAB_WIDTH: usize = 4;

/// How one char is shown: itself, or a replacement for a control character.
enum Shown {
    Same,
    Replace(char),
    Spaces(usize),
    Nothing,
}

fn shown(c: char) -> Shown {
    match c {
        '\t' => Shown::Spaces(TAB_WIDTH),
        '\r' => Shown::Nothing,
        '\u{7f}' => Shown::Replace('\u{2421}'),
        c if (c as u32) < 0x20 => Shown::Replace(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        c if ('\u{80}'..='\u{9f}').contains(&c) => Shown::Replace('\u{fffd}'),
        _ => Shown::Same,
    }
}

fn is_special(c: char) -> bool {
    c.is_control()
}

/// Cells `s` takes once shown (controls as one-cell symbols, tabs as spaces, CR as nothing).
pub fn display_width(s: &str) -> usize {
    if !s.chars().any(is_special) {
        return s.width();
    }
    let mut width = 0;
    let mut plain = 0..0;
    for (i, c) in s.char_indices() {
        if is_special(c) {
            width += s[plain.clone()].width();
            width += match shown(c) {
                Shown::Same => 0,
                Shown::Replace(_) => 1,
                Shown::Spaces(n) => n,
                Shown::Nothing => 0,
            };
            plain = i + c.len_utf8()..i + c.len_utf8();
        } else {
            plain.end = i + c.len_utf8();
        }
    }
    width + s[plain].width()
}

/// `s` as it may go into terminal cells: no control characters left.
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(is_special) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match shown(c) {
            Shown::Same => out.push(c),
            Shown::Replace(r) => out.push(r),
            Shown::Spaces(n) => out.extend(std::iter::repeat_n(' ', n)),
            Shown::Nothing => {}
        }
    }
    out
}

/// `s` as it may go to a pipe or a terminal in line mode: line breaks and tabs kept, CR
/// dropped, every other control character shown as a visible symbol (as on screen), so
/// nothing a model sends can act on the terminal it ends up in.
pub fn sanitize_lines(s: &str) -> String {
    if !s.chars().any(|c| is_special(c) && c != '\n' && c != '\t') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c => match shown(c) {
                Shown::Same => out.push(c),
                Shown::Replace(r) => out.push(r),
                Shown::Spaces(n) => out.extend(std::iter::repeat_n(' ', n)),
                Shown::Nothing => {}
            },
        }
    }
    out
}

/// Text pasted or typed into the input box: line ends normalised to `\n`, tabs kept, and
/// every other control character dropped, so the box never holds a terminal control.
pub fn clean_input(s: &str) -> String {
    let normalised = s.replace("\r\n", "\n").replace('\r', "\n");
    normalised
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// `text` cut to at most `max` bytes (at a character boundary), with a note of how much was
/// left out: for error messages that can be megabytes long.
pub fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{} … ({} more not shown)",
        &text[..end],
        size_label(text.len() - end)
    )
}

/// A code fence for `text`: backticks, one more than its longest run of them (at least
/// three), so nothing in it can close the fence early.
pub fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// "820 bytes", "12 KB", "4.9 MB".
pub fn size_label(bytes: usize) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        format!("{}.{} MB", bytes / MB, (bytes % MB) * 10 / MB)
    } else if bytes >= KB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        format!("{bytes} bytes")
    }
}

/// Cuts `s` to at most `max` cells, adding `…` when it cut. Never splits a grapheme.
pub fn truncate(s: &str, max: usize) -> String {
    if display_width(s) <= max {
        return sanitize(s);
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = display_width(g);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push_str(g);
    }
    let mut out = sanitize(&out);
    if max > 0 {
        out.push('…');
    }
    out
}

/// Wraps one line (no `\n`) into rows of at most `width` cells, pushing each row's byte range.
/// Spaces at a break hang off the row's end and are not counted. An empty line is one empty
/// row. Words wider than a row are split between grapheme clusters.
pub fn wrap_line(text: &str, width: usize, out: &mut Vec<Range<usize>>) {
    let width = width.max(1);
    let mut row_start = 0;
    let mut row_width = 0;
    let mut seg_start = 0;
    for (seg_end, _) in linebreaks(text) {
        let segment = &text[seg_start..seg_end];
        let body = segment.trim_end_matches(' ');
        let body_width = display_width(body);
        if row_width + body_width > width && row_width > 0 {
            out.push(row_start..seg_start);
            row_start = seg_start;
            row_width = 0;
        }
        if body_width > width {
            // Too wide for any row: split it between graphemes.
            for (offset, g) in segment.grapheme_indices(true) {
                let w = display_width(g);
                if row_width + w > width && row_width > 0 && g != " " {
                    out.push(row_start..seg_start + offset);
                    row_start = seg_start + offset;
                    row_width = 0;
                }
                row_width += w;
            }
        } else {
            row_width += display_width(segment);
        }
        seg_start = seg_end;
    }
    out.push(row_start..text.len());
}

/// The text of one row, ready for cells: trailing spaces dropped, controls neutered.
pub fn row_text(text: &str, range: Range<usize>) -> String {
    sanitize(text[range].trim_end_matches(' '))
}

/// Byte ranges of `text` where `query` occurs, ignoring case; in order, without overlaps,
/// always on character boundaries of `text`. Lowercasing can change a character's length
/// (`ẞ` 3 bytes to 2, `İ` 2 to 3), so the match is found in a lowercased copy and mapped
/// back to the whole characters of `text` it covers.
pub fn find_ignoring_case(text: &str, query: &str) -> Vec<Range<usize>> {
    let needle: String = query.chars().flat_map(char::to_lowercase).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut lower = String::with_capacity(text.len());
    // For each byte of `lower`: the original character it came from.
    let mut origin: Vec<Range<usize>> = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let from = i..i + c.len_utf8();
        for l in c.to_lowercase() {
            lower.push(l);
            origin.resize(lower.len(), from.clone());
        }
    }
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = lower.get(at..).and_then(|rest| rest.find(&needle)) {
        let start = at + offset;
        let end = start + needle.len();
        if let (Some(first), Some(last)) = (origin.get(start), origin.get(end - 1)) {
            let range = first.start..last.end;
            if found
                .last()
                .is_none_or(|prev: &Range<usize>| prev.end <= range.start)
            {
                found.push(range);
            }
        }
        at = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, width: usize) -> Vec<String> {
        let mut ranges = Vec::new();
        wrap_line(text, width, &mut ranges);
        ranges.into_iter().map(|r| row_text(text, r)).collect()
    }

    #[test]
    fn wraps_english_at_spaces() {
        assert_eq!(rows("the quick brown fox", 10), ["the quick", "brown fox"]);
    }

    #[test]
    fn wraps_chinese_between_characters_by_cells() {
        assert_eq!(rows("你好世界你好", 5), ["你好", "世界", "你好"]);
    }

    #[test]
    fn splits_long_words_between_graphemes() {
        // "e" + combining acute stays one grapheme.
        let text = "e\u{301}e\u{301}e\u{301}e\u{301}";
        let out = rows(text, 3);
        assert_eq!(out, ["e\u{301}e\u{301}e\u{301}", "e\u{301}"]);
    }

    #[test]
    fn empty_line_is_one_empty_row() {
        assert_eq!(rows("", 10), [""]);
    }

    #[test]
    fn controls_become_visible_symbols() {
        assert_eq!(sanitize("a\x1b[2Jb\x07\r"), "a\u{241b}[2Jb\u{2407}");
        assert_eq!(display_width("a\x1bb"), 3);
        assert_eq!(sanitize("\u{9b}31m"), "\u{fffd}31m");
    }

    #[test]
    fn hostile_sequences_are_shown_not_obeyed() {
        // OSC 52 (write the clipboard), a window title, clear screen, hyperlinks.
        assert_eq!(
            sanitize("\x1b]52;c;ZXZpbA==\x07"),
            "\u{241b}]52;c;ZXZpbA==\u{2407}"
        );
        assert_eq!(sanitize("\x1b]0;pwned\x1b\\"), "\u{241b}]0;pwned\u{241b}\\");
        assert_eq!(sanitize("\x1b[2J\x1b[H"), "\u{241b}[2J\u{241b}[H");
        assert_eq!(
            sanitize("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"),
            "\u{241b}]8;;http://x\u{241b}\\link\u{241b}]8;;\u{241b}\\"
        );
        // 8-bit C1 controls: CSI, OSC, NEL.
        assert_eq!(
            sanitize("\u{9b}2J\u{9d}0;t\u{85}"),
            "\u{fffd}2J\u{fffd}0;t\u{fffd}"
        );
        // Backspace, bell, carriage return, delete.
        assert_eq!(
            sanitize("a\x08b\x07c\rd\x7f"),
            "a\u{2408}b\u{2407}cd\u{2421}"
        );
        for s in ["\x1b", "\x1b[", "\u{9b}", "\x00"] {
            assert!(!sanitize(s).chars().any(char::is_control), "{s:?}");
        }
    }

    #[test]
    fn an_escape_split_across_deltas_is_still_neutered() {
        // Text is neutered per character, so where a delta ends does not matter.
        let first = "text then \x1b";
        let second = "[2J more";
        let joined = format!("{first}{second}");
        assert_eq!(
            sanitize(&joined),
            format!("{}{}", sanitize(first), sanitize(second))
        );
        assert!(!sanitize(&joined).chars().any(char::is_control));
    }

    #[test]
    fn truncate_cuts_by_cells_and_marks_the_cut() {
        assert_eq!(truncate("你好世界", 5), "你好…");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
