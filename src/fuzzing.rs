//! What the fuzz targets (`fuzz/`) run, one function per target, each taking arbitrary bytes
//! and panicking when an invariant breaks. The targets call these, and `tests/fuzz_corpus.rs`
//! replays every committed corpus file through them on stable Rust, so CI keeps what fuzzing
//! found without a nightly toolchain. See FUZZING.md.

use crate::config::{Args, FileConfig};
use crate::ids::ConversationId;
use crate::io::sse::{Decoded, SseDecoder, map_data};
use crate::io::store::records::{MessageStatus, Role};
use crate::state::{Conversation, Message};
use crate::text::plain::{display_width, find_ignoring_case, sanitize, truncate};
use crate::text::rows::MarkdownLayout;
use crate::theme::Theme;

/// What a target runs: arbitrary bytes in, a panic when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target by name, for the corpus replay.
pub const TARGETS: &[(&str, Target)] = &[
    ("sse", sse),
    ("markdown", markdown),
    ("sanitize", sanitize_text),
    ("config", config),
    ("keys", keys),
    ("export", export),
    ("search", search),
    ("import", import),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// SSE bytes cut into chunks at arbitrary places decode the same as in one piece, and every
/// event's data maps to stream events without a panic.
pub fn sse(data: &[u8]) {
    let Some((&seed, body)) = data.split_first() else {
        return;
    };
    let cap = 4096;
    let mut whole = SseDecoder::new(cap);
    let mut expected = Vec::new();
    whole.push(body, &mut expected);
    let mut pieces = SseDecoder::new(cap);
    let mut got = Vec::new();
    let mut rest = body;
    let mut step = usize::from(seed % 7) + 1;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(step.min(rest.len()));
        pieces.push(chunk, &mut got);
        rest = tail;
        step = step % 13 + 1;
    }
    assert_eq!(expected, got, "chunking changed what was decoded");
    for decoded in expected {
        match decoded {
            Decoded::Data { data, .. } => {
                assert!(data.len() <= cap, "an event passed the cap");
                let _ = map_data(&data);
            }
            Decoded::TooLong(n) => assert_eq!(n, cap),
        }
    }
}

/// Markdown at any width renders, rows carry no control characters, and text that grows in
/// pieces (as a reply streams) renders as it does whole.
pub fn markdown(data: &[u8]) {
    let Some((&w, body)) = data.split_first() else {
        return;
    };
    let width = usize::from(w % 120) + 1;
    let text = text(body);
    let theme = Theme::dark();
    let mut whole = MarkdownLayout::default();
    whole.sync(&text, width, &theme);
    for row in whole.lines() {
        for span in &row.spans {
            assert!(
                !span.content.chars().any(char::is_control),
                "control character in {:?}",
                span.content
            );
        }
    }
    // Rendered block by block, the text gives what one pass over all of it gives. (Not with
    // a carriage return: the parser reads a lone one as a line break in some places and not
    // in others, and the block finder reads only `\n`. What streaming shows is still
    // checked below.)
    if !text.contains('\r') {
        let mut single = Vec::new();
        crate::text::markdown::Renderer::new(&theme, width, &mut single, false, 0).render(&text);
        assert_eq!(whole.lines(), single, "blocks rendered apart differently");
    }
    // Streamed in four pieces (a code block then goes line by line), it ends the same.
    let chars = text.chars().count();
    let mut growing = MarkdownLayout::default();
    for quarter in 1..4 {
        let cut = text
            .char_indices()
            .map(|(i, _)| i)
            .nth(chars * quarter / 4)
            .unwrap_or(text.len());
        growing.sync(&text[..cut], width, &theme);
    }
    growing.sync(&text, width, &theme);
    assert_eq!(
        whole.lines(),
        growing.lines(),
        "streaming rendered differently"
    );
    // Laid out a few bytes per look (as a long reply is, over frames), it ends the same, and
    // every look makes progress.
    let mut bit_by_bit = MarkdownLayout::default();
    let mut looks = 0;
    while !bit_by_bit.sync_some(&text, width, &theme, 16) {
        looks += 1;
        assert!(looks <= text.len() + 1, "no progress");
    }
    assert_eq!(
        whole.lines(),
        bit_by_bit.lines(),
        "laid out bit by bit differently"
    );
}

/// Cleaned text has no control characters, and truncation keeps to its width.
pub fn sanitize_text(data: &[u8]) {
    let Some((&w, body)) = data.split_first() else {
        return;
    };
    let text = text(body);
    let clean = sanitize(&text);
    assert!(!clean.chars().any(char::is_control), "{clean:?}");
    let max = usize::from(w % 80);
    let cut = truncate(&text, max);
    assert!(
        display_width(&cut) <= max.max(1),
        "{cut:?} wider than {max}"
    );
}

/// Any config file is parsed or refused with a message; a parsed one resolves.
pub fn config(data: &[u8]) {
    let text = text(data);
    if let Ok(file) = toml::from_str::<FileConfig>(&text) {
        let args = <Args as clap::Parser>::parse_from(["kimi-tui"]);
        let _ = crate::config::resolve(&args, file, |_| None);
    }
}

/// A key chord that parses shows as text that parses back to the same chord.
pub fn keys(data: &[u8]) {
    let text = text(data);
    if let Ok(chord) = crate::chord::parse_chord(&text) {
        let shown = crate::chord::display_chord(&chord);
        assert_eq!(
            crate::chord::parse_chord(&shown).as_ref(),
            Ok(&chord),
            "{text:?} showed as {shown:?}"
        );
    }
}

/// Any conversation exports to JSON that reads back with every message's text, and to
/// Markdown.
pub fn export(data: &[u8]) {
    let text = text(data);
    let mut parts = text.split('\u{0}');
    let title = parts.next().unwrap_or_default();
    let mut conv = Conversation::new(ConversationId(1), String::new(), "m".into(), 0);
    conv.title = title.to_string();
    for (i, content) in parts.enumerate() {
        let role = if i % 2 == 0 {
            Role::User
        } else {
            Role::Assistant
        };
        let id = crate::state::MessageId {
            id: i as u64,
            uid: uuid::Uuid::from_u64_pair(0, i as u64),
        };
        let mut message = Message::user(id, content.to_string(), 0);
        message.role = role;
        message.status = MessageStatus::Complete;
        message.reasoning = content.chars().rev().collect();
        conv.push(message);
    }
    let json = crate::export::to_json(&conv, "m");
    let value: serde_json::Value = serde_json::from_str(&json).expect("export is JSON");
    let messages = value["messages"].as_array().map_or(0, Vec::len);
    assert_eq!(messages, conv.messages.len());
    for (m, v) in conv
        .messages
        .iter()
        .zip(value["messages"].as_array().into_iter().flatten())
    {
        assert_eq!(v["content"].as_str(), Some(m.content.as_str()));
    }
    let _ = crate::export::to_markdown(&conv, "m");
}

/// Case-insensitive matches lie on character boundaries, in order, without overlaps.
pub fn search(data: &[u8]) {
    let text = text(data);
    let (haystack, query) = text.split_once('\u{0}').unwrap_or((&text, "a"));
    let mut last = 0;
    for found in find_ignoring_case(haystack, query) {
        assert!(haystack.is_char_boundary(found.start) && haystack.is_char_boundary(found.end));
        assert!(
            last <= found.start && found.start < found.end,
            "{found:?} after {last}"
        );
        last = found.end;
    }
}

/// Any bytes given to `--import` are refused with a reason or read into conversations whose
/// messages come parents first, each id once.
pub fn import(data: &[u8]) {
    let Ok(conversations) = crate::import::parse(&text(data)) else {
        return;
    };
    for conv in conversations {
        let mut seen = std::collections::HashSet::new();
        for m in &conv.messages {
            if let Some(parent) = m.parent {
                assert!(seen.contains(&parent), "{} comes before its parent", m.uid);
            }
            assert!(seen.insert(m.uid), "{} twice", m.uid);
        }
    }
}
