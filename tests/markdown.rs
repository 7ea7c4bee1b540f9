//! How replies look: every markdown element at 80 and 40 columns, CJK and emoji, wide tables,
//! a half-streamed code fence, reasoning folded and unfolded, colours where they carry meaning,
//! and a property test that no input at any width panics or leaks a control character.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::AppState;
use kimi_tui::api::StreamEvent;
use kimi_tui::msg::{Focus, Msg, NavIntent, TranscriptIntent};
use kimi_tui::text::rows::MarkdownLayout;
use kimi_tui::theme::Theme;
use kimi_tui::update::update;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use support::mock_kimi::MARKDOWN_SAMPLE;
use support::{T0, app, draw, feed, send};

/// A conversation whose reply is `reply`, drawn with the sidebar hidden.
fn screen(reply: &str, width: u16, height: u16, done: bool) -> (AppState, Terminal<TestBackend>) {
    let mut state = app();
    update(&mut state, Msg::from(NavIntent::ToggleSidebar), T0);
    let stream = send(&mut state, "show me", T0).expect("stream");
    let mut events = vec![StreamEvent::Content(reply.into())];
    if done {
        events.push(StreamEvent::Done);
    }
    feed(&mut state, stream, events, T0);
    let terminal = draw(&mut state, width, height);
    (state, terminal)
}

fn find(terminal: &Terminal<TestBackend>, needle: &str) -> Option<(u16, u16)> {
    let buffer = terminal.backend().buffer();
    for y in 0..buffer.area.height {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some(col) = row.find(needle) {
            let x = u16::try_from(row[..col].chars().count()).expect("a screen column fits in u16");
            return Some((x, y));
        }
    }
    None
}

#[test]
fn every_markdown_element_at_80_and_40_columns() {
    for width in [80, 40] {
        let (_, terminal) = screen(MARKDOWN_SAMPLE, width, 60, true);
        insta::assert_snapshot!(format!("elements_{width}"), terminal.backend());
    }
}

#[test]
fn chinese_and_emoji_paragraphs_wrap_by_cells() {
    let text = "中文段落应该在字符之间换行，标点符号不应该出现在行首。这是一个很长的句子，用来测试换行是否正确。\n\n\
                Emoji 🎉🎉 and flags 🇨🇳 and a family 👨‍👩‍👧 stay whole; combining marks like e\u{301} too.";
    for width in [80, 40] {
        let (_, terminal) = screen(text, width, 20, true);
        insta::assert_snapshot!(format!("cjk_emoji_{width}"), terminal.backend());
    }
}

#[test]
fn a_table_wider_than_the_screen_wraps_its_cells() {
    let table = "| name | description | notes |\n|---|---|---|\n| kimi-tui | a full-screen terminal chat client for Kimi written in Rust | streams replies token by token |\n| 中文名 | 一个很长的中文描述，用来测试表格单元格的换行 | ok |";
    let (_, terminal) = screen(table, 40, 24, true);
    insta::assert_snapshot!("wide_table_40", terminal.backend());
}

#[test]
fn a_half_streamed_code_fence_is_already_a_code_block() {
    let partial = "Here is the code:\n\n```python\ndef greet(name):\n    print(f\"hi {name}\")\n";
    let (_, terminal) = screen(partial, 60, 14, false);
    insta::assert_snapshot!("half_fence_60", terminal.backend());
    assert!(find(&terminal, "┌ python [1]").is_some());
    assert!(
        find(&terminal, "```").is_none(),
        "the fence is never shown raw"
    );
}

#[test]
fn code_is_highlighted_in_colour() {
    let (_, terminal) = screen("```rust\nfn main() {}\n```", 60, 12, true);
    let (x, y) = find(&terminal, "fn main").expect("code on screen");
    let cell = &terminal.backend().buffer()[(x, y)];
    assert!(
        matches!(cell.fg, Color::Rgb(..)),
        "keyword coloured by the syntax theme: {:?}",
        cell.fg
    );
}

#[test]
fn reasoning_is_folded_once_the_answer_starts_and_enter_unfolds_it() {
    let mut state = app();
    update(&mut state, Msg::from(NavIntent::ToggleSidebar), T0);
    let stream = send(&mut state, "think", T0).expect("stream");
    let thoughts: String = (1..=10).map(|i| format!("thought {i}\n")).collect();
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Reasoning(thoughts)],
        T0 + 1_000,
    );
    state.now = T0 + 3_000;
    let terminal = draw(&mut state, 60, 24);
    insta::assert_snapshot!("reasoning_live_preview", terminal.backend());
    assert!(find(&terminal, "thought 10").is_some());
    assert!(
        find(&terminal, "thought 4").is_none(),
        "while thinking only the newest rows show"
    );

    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("The answer.".into()),
            StreamEvent::Done,
        ],
        T0 + 12_000,
    );
    let terminal = draw(&mut state, 60, 24);
    insta::assert_snapshot!("reasoning_folded", terminal.backend());
    assert!(find(&terminal, "Thought for 11 s").is_some());
    assert!(find(&terminal, "thought 10").is_none());

    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    update(&mut state, Msg::from(TranscriptIntent::ToggleReasoning), T0);
    let terminal = draw(&mut state, 60, 24);
    insta::assert_snapshot!("reasoning_unfolded", terminal.backend());
    assert!(find(&terminal, "thought 1").is_some());
    assert!(find(&terminal, "thought 10").is_some());
}

#[test]
fn the_focused_message_is_outlined() {
    let (mut state, _) = screen("first reply", 60, 16, true);
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    let terminal = draw(&mut state, 60, 16);
    // The outline is drawn in the gutter, the first column inside the scrollback's border.
    let gutter = 1;
    let (_, y) = find(&terminal, "first reply").expect("reply");
    let (_, you) = find(&terminal, "You").expect("prompt header");
    let buffer = terminal.backend().buffer();
    assert_eq!(buffer[(gutter, y)].symbol(), "▌");
    assert_eq!(buffer[(gutter, y)].fg, Color::Cyan);
    assert_eq!(buffer[(gutter, you)].symbol(), " ");
    update(
        &mut state,
        Msg::from(TranscriptIntent::FocusMessage(kimi_tui::msg::Step::Up)),
        T0,
    );
    let terminal = draw(&mut state, 60, 16);
    let buffer = terminal.backend().buffer();
    assert_eq!(
        buffer[(gutter, y)].symbol(),
        " ",
        "the outline moved to the prompt"
    );
    assert_eq!(buffer[(gutter, you)].symbol(), "▌");
}

#[test]
fn finished_blocks_never_change_while_the_reply_streams() {
    let text = format!("{MARKDOWN_SAMPLE}\n\nMore **text** after the sample.");
    let mut layout = MarkdownLayout::default();
    let mut previous: Vec<String> = Vec::new();
    let mut end = 0;
    while end < text.len() {
        end = (end + 7).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        layout.sync(&text[..end], 50, &Theme::dark());
        let rows: Vec<String> = layout
            .lines()
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        let stable = layout.finished_rows();
        assert!(stable <= rows.len());
        // Rows of finished blocks stay as they were.
        let keep = previous.len().min(stable);
        assert_eq!(
            &rows[..keep.min(rows.len())],
            &previous[..keep.min(rows.len())],
            "at byte {end}"
        );
        previous = rows[..stable].to_vec();
    }
    let mut whole = MarkdownLayout::default();
    whole.sync(&text, 50, &Theme::dark());
    assert_eq!(
        layout.lines().len(),
        whole.lines().len(),
        "streamed and whole render alike"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn any_text_at_any_width_renders_without_panics_or_control_characters(
        text in "(?s)(\\PC|[\\x00-\\x1f\\x7f-\\x9f]|[\u{4e00}-\u{4e20}]|[*_`#>|~\\-\\[\\]() \n]|🎉|e\u{301}){0,300}",
        width in 1u16..120,
        split in 0usize..300,
    ) {
        let mut state = app();
        let stream = send(&mut state, "go", T0).expect("stream");
        let cut = text.char_indices().map(|(i, _)| i).find(|&i| i >= split).unwrap_or(text.len());
        feed(&mut state, stream, vec![
            StreamEvent::Reasoning(text[..cut].to_string()),
            StreamEvent::Content(text[..cut].to_string()),
            StreamEvent::Content(text[cut..].to_string()),
        ], T0);
        let height = 30;
        let terminal = draw(&mut state, width.max(2), height);
        for cell in terminal.backend().buffer().content() {
            prop_assert!(!cell.symbol().chars().any(char::is_control), "control char {:?}", cell.symbol());
        }
        let mut layout = MarkdownLayout::default();
        layout.sync(&text, width as usize, &Theme::dark());
    }
}

#[test]
fn a_narrow_footer_wraps_instead_of_cutting_the_usage() {
    let mut state = app();
    update(&mut state, Msg::from(NavIntent::ToggleSidebar), T0);
    let stream = send(&mut state, "q", T0).expect("stream");
    let usage = kimi_tui::api::Usage {
        prompt_tokens: 1900,
        completion_tokens: 1300,
        cached_tokens: Some(800),
    };
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("a".into()),
            StreamEvent::Usage(usage),
            StreamEvent::Done,
        ],
        T0,
    );
    let terminal = draw(&mut state, 30, 16);
    assert!(
        find(&terminal, "1.3k completion").is_some(),
        "the completion count is on screen, the last piece, not cut off"
    );
    assert!(
        find(&terminal, "800 cached of 1.9k").is_some(),
        "how much of the prompt the cache served"
    );
}

/// The rows of `text` rendered in one pass, the way a reply read from disk is.
fn one_pass(text: &str, width: usize) -> Vec<ratatui::text::Line<'static>> {
    let mut rows = Vec::new();
    kimi_tui::text::markdown::Renderer::new(&Theme::dark(), width, &mut rows, false, 0)
        .render(text);
    rows
}

#[test]
fn a_code_block_streamed_a_few_bytes_at_a_time_ends_as_rendered_whole() {
    let mut code = String::new();
    for i in 0..8 {
        code.push_str(&format!(
            "    let x{i} = \"中文 {i}\"; // a comment long enough to wrap\n"
        ));
    }
    let texts = [
        // After a paragraph with no blank line; then a list after the block.
        format!("Here it is:\n```rust\n{code}```\n- one\n- two\n"),
        // A blank line before, text after, a longer fence, an unknown language, no language.
        format!("Intro.\n\n````text\n{code}```\n{code}````\nAfter.\n\n```\n{code}```"),
        format!("```nosuchlang\n{code}\n\n```\n\n~~~python\n{code}~~~\n"),
        // Closed with no line break after the fence, and never closed.
        format!("```rust\n{code}```"),
        format!("```rust\n{code}"),
        "```rust\n```\n".to_string(),
        "```rust\n".to_string(),
    ];
    for text in &texts {
        for (width, step) in [(60, 1), (37, 5), (80, 64)] {
            let mut layout = MarkdownLayout::default();
            let mut end = 0;
            while end < text.len() {
                end = (end + step).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                layout.sync(&text[..end], width, &Theme::dark());
                assert_eq!(
                    layout.lines(),
                    one_pass(&text[..end], width),
                    "{:?} at byte {end}, width {width}",
                    &text[..end.min(40)]
                );
            }
        }
    }
}

#[test]
fn a_fence_at_no_indent_is_a_block_of_its_own() {
    use kimi_tui::text::markdown::open_block_start;
    // It starts a block even with no blank line before it…
    assert_eq!(open_block_start("Here:\n```rust\nfn x\n", 0), 6);
    // …and the line after its closing fence starts the next one.
    let text = "```rust\nfn x\n```\nAfter";
    assert_eq!(open_block_start(text, 0), text.find("After").unwrap_or(0));
    // Indented, it may belong to a list item; after a line starting with `<`, to an HTML
    // block: both stay in their block.
    assert_eq!(open_block_start("- item\n  ```\ncode\n", 0), 0);
    assert_eq!(open_block_start("<div>\n```\ncode\n", 0), 0);
}

#[test]
fn a_long_text_laid_out_a_little_at_a_time_ends_as_laid_out_at_once() {
    let block = "Some **bold** text.\n\n```rust\nfn main() {}\n```\n\n- a list\n- of two\n\n";
    let text = block.repeat(400_000 / block.len());
    let mut whole = MarkdownLayout::default();
    whole.sync(&text, 70, &Theme::dark());
    let mut layout = MarkdownLayout::default();
    let mut looks = 0;
    let mut last = 0;
    while !layout.sync_some(&text, 70, &Theme::dark(), 32 * 1024) {
        looks += 1;
        let (done, of) = layout.progress().expect("behind, so progress is known");
        assert!(done > last && done < of, "{done} of {of} after {last}");
        assert_eq!(of, text.len());
        last = done;
        // Rows laid out so far are the first rows of the whole.
        assert_eq!(layout.line(layout.len() - 1), whole.line(layout.len() - 1));
    }
    assert!(looks > 4, "laid out in {looks} looks");
    assert_eq!(layout.progress(), None);
    assert_eq!(layout.lines(), whole.lines());
}

#[test]
fn a_code_block_longer_than_a_look_streams_in_and_ends_as_laid_out_at_once() {
    let mut text = String::from("Intro.\n\n```rust\n");
    for i in 0..3_000 {
        text.push_str(&format!("let value_{i} = compute({i}); // step {i}\n"));
    }
    text.push_str("```\n\nAfter the block.\n");
    let theme = Theme::dark();
    let mut layout = MarkdownLayout::default();
    let mut end = 0;
    while end < text.len() {
        end = (end + 10_000).min(text.len());
        // Each piece is looked at until it is laid out, 8 KB at a time.
        let mut looks = 0;
        while !layout.sync_some(&text[..end], 80, &theme, 8 * 1024) {
            looks += 1;
            assert!(looks < 1000, "no progress at byte {end}");
        }
    }
    let mut whole = MarkdownLayout::default();
    whole.sync(&text, 80, &theme);
    assert_eq!(layout.lines(), whole.lines());
}

#[test]
fn a_long_block_with_no_block_start_in_it_still_shows_progress_each_look() {
    // One paragraph of 150 KB: nothing to cut it at, so the looks scan it, then render it.
    let text = "a long paragraph line that never ends in a blank one\n".repeat(3_000);
    let theme = Theme::dark();
    let mut layout = MarkdownLayout::default();
    let mut last = None;
    let mut looks = 0;
    while !layout.sync_some(&text, 80, &theme, 8 * 1024) {
        let progress = layout.advanced();
        assert_ne!(progress, last, "a look made no progress");
        last = progress;
        looks += 1;
    }
    assert!(looks > 1);
    let mut whole = MarkdownLayout::default();
    whole.sync(&text, 80, &theme);
    assert_eq!(layout.len(), whole.len());
}
