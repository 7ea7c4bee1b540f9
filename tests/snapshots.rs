//! Whole-screen snapshots (TestBackend + insta) of the states a user sees, at 80x24 and
//! 120x40, plus cell-by-cell style checks where colour carries meaning.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::AppState;
use kimi_tui::api::StreamEvent;
use kimi_tui::error::ApiError;
use kimi_tui::io::store_worker::StoreReport;
use kimi_tui::msg::{
    ChatIntent, FieldIntent, Focus, ModelsReport, Msg, NavIntent, PickerIntent, SidebarIntent,
};
use kimi_tui::update::update;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use support::{T0, app, draw, feed, send};

fn both_sizes(name: &str, state: &mut AppState) {
    for (w, h) in [(80, 24), (120, 40)] {
        let terminal = draw(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
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
fn empty_screen() {
    let mut state = app();
    both_sizes("empty", &mut state);
}

#[test]
fn no_key_screen_tells_how_to_set_one() {
    let mut state = app();
    state.settings.has_key = false;
    both_sizes("no_key", &mut state);
    let terminal = draw(&mut state, 120, 40);
    assert!(support::screen_text(terminal.backend().buffer()).contains("MOONSHOT_API_KEY"));
}

#[test]
fn waiting_screen() {
    let mut state = app();
    send(&mut state, "What is the capital of France?", T0).expect("stream");
    both_sizes("waiting", &mut state);
}

#[test]
fn reasoning_screen_shows_a_live_thinking_block() {
    let mut state = app();
    let stream = send(
        &mut state,
        "Prove that there are infinitely many primes.",
        T0,
    )
    .expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Opened,
            StreamEvent::Reasoning("Classic Euclid. Suppose finitely many primes p1..pn; ".into()),
            StreamEvent::Reasoning("consider their product plus one.".into()),
        ],
        T0 + 1_000,
    );
    state.now = T0 + 4_500;
    both_sizes("reasoning", &mut state);
}

#[test]
fn streaming_screen_with_chinese_text() {
    let mut state = app();
    let stream = send(&mut state, "用中文介绍一下你自己", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Reasoning("用户想要一个简短的自我介绍。".into()),
            StreamEvent::Content(
                "你好！我是 Kimi，由月之暗面开发的人工智能助手。我可以用中文和英文回答问题、写作、"
                    .into(),
            ),
            StreamEvent::Content(
                "翻译和编程。长句子会在字符之间换行，而不会只在空格处断开。".into(),
            ),
        ],
        T0 + 2_000,
    );
    both_sizes("streaming", &mut state);
}

#[test]
fn finished_reply_with_usage_and_a_second_conversation_in_the_sidebar() {
    let mut state = app();
    let stream = send(&mut state, "Say hi", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("Hi! How can I help?".into()),
            StreamEvent::Usage(kimi_tui::api::Usage {
                prompt_tokens: 19,
                completion_tokens: 13,
                cached_tokens: Some(8),
            }),
            StreamEvent::Done,
        ],
        T0 + 1_000,
    );
    update(
        &mut state,
        Msg::from(NavIntent::NewConversation),
        T0 + 2_000,
    );
    send(
        &mut state,
        "A second chat whose title is long enough to be cut in the sidebar",
        T0 + 2_000,
    );
    both_sizes("two_conversations", &mut state);
}

#[test]
fn error_screen() {
    let mut state = app();
    let stream = send(&mut state, "hello", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Failed(ApiError::Api {
            status: Some(400),
            kind: "invalid_request_error".into(),
            message: "Invalid request: Your request exceeded model token limit: 262144".into(),
        })],
        T0 + 500,
    );
    both_sizes("error", &mut state);
}

#[test]
fn retrying_screen_counts_down() {
    let mut state = app();
    let stream = send(&mut state, "hello", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::RetryAfter(5),
            StreamEvent::Failed(ApiError::Api {
                status: Some(429),
                kind: "engine_overloaded_error".into(),
                message: "The engine is currently overloaded, please try again later".into(),
            }),
        ],
        T0,
    );
    state.now = T0 + 1_200;
    let terminal = draw(&mut state, 80, 24);
    insta::assert_snapshot!("retrying_80x24", terminal.backend());
    let text = support::screen_text(terminal.backend().buffer());
    assert!(text.contains("trying again in 4 s"), "{text}");
}

#[test]
fn stopped_and_interrupted_replies_say_so() {
    let mut state = app();
    let stream = send(&mut state, "first", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("Partial answer".into())],
        T0,
    );
    update(&mut state, Msg::from(ChatIntent::Stop), T0);
    let stream = send(&mut state, "second", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("Cut off".into()),
            StreamEvent::Failed(ApiError::Interrupted),
        ],
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    insta::assert_snapshot!("stopped_interrupted_80x24", terminal.backend());
}

#[test]
fn help_overlay() {
    let mut state = app();
    update(&mut state, Msg::from(NavIntent::ToggleHelp), T0);
    both_sizes("help", &mut state);
}

#[test]
fn scrolled_up_shows_that_there_is_more_below() {
    let mut state = app();
    let stream = send(&mut state, "count", T0).expect("stream");
    let many: String = (1..=60).map(|i| format!("line {i}\n")).collect();
    feed(&mut state, stream, vec![StreamEvent::Content(many)], T0);
    update(
        &mut state,
        Msg::from(NavIntent::Scroll(kimi_tui::msg::ScrollCmd::PageUp)),
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    insta::assert_snapshot!("scrolled_up_80x24", terminal.backend());
}

#[test]
fn model_output_cannot_put_control_characters_into_cells() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content(
            "evil \x1b]52;c;aGk=\x07 \x1b[2J \u{9b}31m \x08\r done".into(),
        )],
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control char in {:?}",
            cell.symbol()
        );
    }
    assert!(support::screen_text(buffer).contains("evil ␛]52;c;aGk=␇ ␛[2J"));
}

#[test]
fn reasoning_is_dim_and_the_focused_pane_has_an_accent_border() {
    let mut state = app();
    let stream = send(&mut state, "q", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Reasoning("pondering".into())],
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "pondering").expect("reasoning on screen");
    assert_eq!(buffer[(x, y)].fg, Color::DarkGray);
    assert_eq!(buffer[(0, 0)].symbol(), "╭");
    assert_eq!(
        buffer[(0, 0)].fg,
        Color::DarkGray,
        "the sidebar is not focused"
    );
    // The input box is focused: its top-left corner is the last ╭ on screen.
    let input_top = (0..buffer.area.height)
        .rev()
        .find(|&y| (0..buffer.area.width).any(|x| buffer[(x, y)].symbol() == "╭"))
        .expect("input border");
    let input_x = (0..buffer.area.width)
        .rev()
        .find(|&x| buffer[(x, input_top)].symbol() == "╭")
        .expect("corner");
    assert_eq!(buffer[(input_x, input_top)].fg, Color::Cyan);
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    assert_eq!(terminal.backend().buffer()[(0, 0)].fg, Color::Cyan);
}

fn sidebar_state() -> AppState {
    use kimi_tui::ids::ConversationId;
    use kimi_tui::io::store::records::Summary;
    use kimi_tui::state::saved::conversation_from;
    let mut state = app();
    let titles = [
        "A very long title that goes on and on well past the width of any sidebar",
        "中文标题：如何在终端里优雅地聊天",
        "混合 mixed 标题 with emoji 🎉",
        "short",
    ];
    let saved = titles
        .iter()
        .enumerate()
        .map(|(i, title)| {
            conversation_from(Summary {
                id: ConversationId(100 + i as u64),
                title: (*title).into(),
                model: "kimi-k2.6".into(),
                created_at: T0,
                updated_at: T0 - (i as u64) * 3 * 86_400_000 - 120_000,
                thinking: None,
                effort: None,
                draft: String::new(),
                web_search: false,
            })
        })
        .collect();
    state.restore(saved, None);
    state
}

#[test]
fn sidebar_with_long_and_cjk_titles() {
    let mut state = sidebar_state();
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    update(
        &mut state,
        Msg::from(SidebarIntent::Select(kimi_tui::msg::Step::Down)),
        T0,
    );
    both_sizes("sidebar_titles", &mut state);
}

#[test]
fn sidebar_search_results_highlight_the_match() {
    use kimi_tui::ids::ConversationId;
    use kimi_tui::io::store::records::SearchHit;
    use kimi_tui::msg::FieldEdit;
    let mut state = sidebar_state();
    update(&mut state, Msg::from(SidebarIntent::StartSearch), T0);
    let mut request = 0;
    for c in "终端".chars() {
        for effect in update(
            &mut state,
            Msg::from(FieldIntent::Edit(FieldEdit::Insert(c))),
            T0,
        ) {
            if let kimi_tui::effect::Effect::Search { request: r, .. } = effect {
                request = r;
            }
        }
    }
    let hits = vec![
        SearchHit {
            conversation_id: ConversationId(101),
            title: "中文标题：如何在终端里优雅地聊天".into(),
            message: Some(2),
            snippet: "在终端里使用 kimi-tui 聊天".into(),
        },
        SearchHit {
            conversation_id: ConversationId(103),
            title: "short".into(),
            message: Some(0),
            snippet: "…a message that mentions 终端 too".into(),
        },
    ];
    update(
        &mut state,
        Msg::from(StoreReport::SearchResults { request, hits }),
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    insta::assert_snapshot!("sidebar_search_80x24", terminal.backend());
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "在").expect("snippet on screen");
    assert_eq!(buffer[(x + 2, y)].symbol(), "终");
    assert_eq!(
        buffer[(x + 2, y)].bg,
        Color::Yellow,
        "the match is highlighted"
    );
    assert_ne!(buffer[(x, y)].bg, Color::Yellow, "only the match");
    let title_row = support::screen_text(buffer)
        .lines()
        .nth(2)
        .unwrap_or_default()
        .to_string();
    assert!(
        title_row.contains("终"),
        "a long title scrolls to its match: {title_row}"
    );
}

#[test]
fn sidebar_rename_and_delete_prompts() {
    let mut state = sidebar_state();
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    update(
        &mut state,
        Msg::from(SidebarIntent::Select(kimi_tui::msg::Step::Last)),
        T0,
    );
    update(&mut state, Msg::from(SidebarIntent::StartRename), T0);
    let terminal = draw(&mut state, 80, 24);
    insta::assert_snapshot!("sidebar_rename_80x24", terminal.backend());
    update(&mut state, Msg::from(FieldIntent::Cancel), T0);
    update(&mut state, Msg::from(SidebarIntent::StartDelete), T0);
    let terminal = draw(&mut state, 80, 24);
    insta::assert_snapshot!("sidebar_delete_80x24", terminal.backend());
}

#[test]
fn saving_failure_is_shown_in_the_status_bar() {
    let mut state = app();
    update(
        &mut state,
        Msg::from(StoreReport::Status(Some("disk I/O error".into()))),
        T0,
    );
    let terminal = draw(&mut state, 120, 40);
    let text = support::screen_text(terminal.backend().buffer());
    assert!(text.contains("saving failed"), "{text}");
    assert!(text.contains("disk I/O error"));
}

#[test]
fn model_picker_lists_capabilities_profiles_and_the_balance() {
    use kimi_tui::catalog::ModelInfo;
    let mut state = app();
    let info = |id: &str, window: u64, image: bool| ModelInfo {
        id: id.into(),
        context_length: Some(window),
        supports_reasoning: Some(true),
        supports_image_in: Some(image),
        supports_video_in: Some(image),
        display_name: None,
    };
    update(
        &mut state,
        Msg::from(ModelsReport::Listed {
            epoch: 0,
            result: Ok(vec![
                info("kimi-k2.6", 262_144, true),
                info("kimi-k3", 1_048_576, false),
            ]),
        }),
        T0,
    );
    state.settings.profiles = vec![kimi_tui::state::ProfileChoice {
        name: "kimi-cn".into(),
        endpoint: "api.moonshot.cn".into(),
        model: "kimi-k2.6".into(),
        has_key: false,
        kimi_fields: true,
    }];
    update(&mut state, Msg::from(PickerIntent::Open), T0);
    update(
        &mut state,
        Msg::from(ModelsReport::Balance {
            epoch: 0,
            result: Ok("49.58 available (voucher 46.58, cash 3.00)".into()),
        }),
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    insta::assert_snapshot!("model_picker_80x24", terminal.backend());
    let text = support::screen_text(terminal.backend().buffer());
    assert!(text.contains("1M · reasons"), "{text}");
    assert!(text.contains("profile kimi-cn"), "{text}");
    assert!(text.contains("no key"), "{text}");
    assert!(text.contains("Balance: 49.58"), "{text}");
}

#[test]
fn views_take_their_styles_from_the_theme_in_the_state() {
    let mut state = app();
    state.theme.user_header = ratatui::style::Style::new().fg(Color::LightMagenta);
    state.theme.heading1 = ratatui::style::Style::new().fg(Color::LightRed);
    let stream = send(&mut state, "question", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("# Title\n\nbody".into()),
            StreamEvent::Done,
        ],
        T0 + 1,
    );
    let terminal = draw(&mut state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "You").expect("the user's header");
    assert_eq!(buffer[(x, y)].fg, Color::LightMagenta);
    let (x, y) = find(buffer, "Title").expect("the heading");
    assert_eq!(buffer[(x, y)].fg, Color::LightRed);
}

/// A question with three replies (the second shown, outlined), for the tree's screens.
fn three_versions() -> AppState {
    let mut state = app();
    let stream = send(&mut state, "Pick a number", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("7".into()), StreamEvent::Done],
        T0,
    );
    for answer in ["42", "13"] {
        let effects = update(
            &mut state,
            kimi_tui::msg::Msg::from(ChatIntent::Regenerate),
            T0,
        );
        let stream = effects
            .iter()
            .find_map(|e| match e {
                kimi_tui::effect::Effect::StartStream { stream, .. } => Some(*stream),
                _ => None,
            })
            .expect("stream");
        feed(
            &mut state,
            stream,
            vec![StreamEvent::Content(answer.into()), StreamEvent::Done],
            T0,
        );
    }
    state.focus = Focus::Scrollback;
    state.active_conversation_mut().focus = Some(1);
    update(
        &mut state,
        Msg::from(kimi_tui::msg::TranscriptIntent::PrevVersion),
        T0 + 1,
    );
    state
}

#[test]
fn a_reply_with_versions_shows_where_it_stands() {
    let mut state = three_versions();
    both_sizes("versions", &mut state);
    let terminal = draw(&mut state, 80, 24);
    let text = support::screen_text(terminal.backend().buffer());
    assert!(text.contains("‹ 2/3 ›"), "{text}");
    assert!(text.contains("42"), "{text}");
}

#[test]
fn the_input_box_says_it_is_editing_a_sent_message() {
    let mut state = three_versions();
    state.active_conversation_mut().focus = Some(0);
    update(
        &mut state,
        Msg::from(kimi_tui::msg::TranscriptIntent::Edit),
        T0 + 2,
    );
    both_sizes("editing", &mut state);
}

#[test]
fn delete_asks_first_and_says_how_much_goes() {
    let mut state = three_versions();
    state.active_conversation_mut().focus = Some(0);
    update(
        &mut state,
        Msg::from(kimi_tui::msg::TranscriptIntent::Delete),
        T0 + 2,
    );
    both_sizes("delete_message", &mut state);
    let terminal = draw(&mut state, 80, 24);
    let text = support::screen_text(terminal.backend().buffer());
    assert!(text.contains("the 3 message(s) under it"), "{text}");
    assert!(text.contains("y delete · n cancel"), "{text}");
}

/// A conversation with every kind of thing a theme styles: headers, reasoning, Markdown, a
/// highlighted code block, the sidebar, the status bar, and a search match.
fn themed(theme: kimi_tui::theme::Theme) -> AppState {
    let mut state = app();
    state.set_theme(theme);
    let stream = send(&mut state, "Show me some Rust", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Reasoning("The user wants code.".into()),
            StreamEvent::Content(
                "# Here\n\nSome **bold**, `code` and a [link](https://x.y).\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n> quoted\n".into(),
            ),
            StreamEvent::Done,
        ],
        T0 + 1,
    );
    state
}

#[test]
fn every_theme_draws_the_same_screen_in_its_own_colours() {
    use kimi_tui::theme::{Depth, Theme};
    let mut dark_cells = None;
    for name in ["dark", "light", "high-contrast", "no-color"] {
        let theme = Theme::built_in(name).expect("built in");
        let mut state = themed(theme);
        let terminal = draw(&mut state, 80, 24);
        insta::assert_snapshot!(format!("theme_{name}_80x24"), terminal.backend());
        let cells: Vec<(Color, Color)> = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| (c.fg, c.bg))
            .collect();
        match name {
            "dark" => dark_cells = Some(cells),
            _ => assert_ne!(
                Some(&cells),
                dark_cells.as_ref(),
                "{name} has its own colours"
            ),
        }
    }
    // Sixteen colours: every cell in one of the 16 named colours (code included).
    let mut state = themed(Theme::dark().for_depth(Depth::Ansi16));
    let terminal = draw(&mut state, 80, 24);
    for cell in terminal.backend().buffer().content() {
        for color in [cell.fg, cell.bg] {
            assert!(
                !matches!(color, Color::Indexed(_) | Color::Rgb(..)),
                "{color:?} at {:?}",
                cell.symbol()
            );
        }
    }
}

#[test]
fn no_color_sets_no_colour_in_any_cell_and_stays_readable() {
    use kimi_tui::theme::Theme;
    use ratatui::style::Modifier;
    let mut state = themed(Theme::no_color());
    state.focus = Focus::Scrollback;
    state.active_conversation_mut().focus = Some(1);
    let terminal = draw(&mut state, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "{:?}",
            cell.symbol()
        );
    }
    // The status bar, the open conversation and the outline stand out by attributes.
    assert!(
        buffer[(2, 23)].modifier.contains(Modifier::REVERSED),
        "the status bar"
    );
    let (x, y) = find(buffer, "▌").expect("the outline");
    assert!(buffer[(x, y)].modifier.contains(Modifier::BOLD));
    // A search match too.
    update(&mut state, Msg::from(SidebarIntent::StartSearch), T0);
    let mut request = 0;
    for c in "Rust".chars() {
        for effect in update(
            &mut state,
            Msg::from(FieldIntent::Edit(kimi_tui::msg::FieldEdit::Insert(c))),
            T0,
        ) {
            if let kimi_tui::effect::Effect::Search { request: r, .. } = effect {
                request = r;
            }
        }
    }
    let conversation_id = state.conversations.active_id();
    update(
        &mut state,
        Msg::from(StoreReport::SearchResults {
            request,
            hits: vec![kimi_tui::io::store::records::SearchHit {
                conversation_id,
                title: "Show me some Rust".into(),
                message: None,
                snippet: String::new(),
            }],
        }),
        T0,
    );
    let terminal = draw(&mut state, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    assert!(
        buffer.content().iter().any(|c| c
            .modifier
            .contains(Modifier::REVERSED | Modifier::UNDERLINED)),
        "the match is marked"
    );
}

#[test]
fn the_first_start_asks_for_a_key_and_masks_it() {
    let mut state = app();
    state.settings.has_key = false;
    update(&mut state, Msg::from(FieldIntent::StartKeyEntry), T0);
    update(
        &mut state,
        Msg::from(FieldIntent::Edit(kimi_tui::msg::FieldEdit::Paste(
            "sk-abcdefghijklmnop1234".into(),
        ))),
        T0,
    );
    both_sizes("welcome", &mut state);
    let terminal = draw(&mut state, 80, 24);
    let text = support::screen_text(terminal.backend().buffer());
    assert!(
        text.contains("1234") && !text.contains("abcdefgh"),
        "{text}"
    );
}

#[test]
fn a_reply_that_searched_the_web_says_so_line_by_line() {
    let mut state = app();
    state.active_conversation_mut().web_search = true;
    let stream = send(&mut state, "What happened today?", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::ToolCall {
                index: 0,
                id: Some("c1".into()),
                name: Some("$web_search".into()),
                arguments: r#"{"query":"news","usage":{"total_tokens":1240}}"#.into(),
            },
            StreamEvent::Finish("tool_calls".into()),
            StreamEvent::Done,
        ],
        T0,
    );
    let stream = state
        .conversations
        .streams()
        .next()
        .map(|(s, _)| s)
        .expect("the next round");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("Here is the news.".into()),
            StreamEvent::Done,
        ],
        T0 + 1,
    );
    both_sizes("web_search", &mut state);
    let terminal = draw(&mut state, 80, 24);
    let text = support::screen_text(terminal.backend().buffer());
    assert!(
        text.contains("searched the web · 1,240 tokens of results"),
        "{text}"
    );
    assert!(
        text.contains("· web"),
        "the status bar says web search is on: {text}"
    );
}

/// A sent message with its document, one uploading and one ready on the input box; then
/// the files on the account.
#[test]
fn documents_on_the_box_and_the_message_and_the_files_overlay() {
    use kimi_tui::api::{Document, FileInfo};
    use kimi_tui::msg::Report;
    let mut state = app();
    let doc = |name: &str, file_id: &str| Document {
        name: name.into(),
        bytes: 38 * 1024,
        file_id: file_id.into(),
        text: "x".repeat(9_600 * 4),
        tokens: None,
    };
    let attach = |state: &mut AppState, name: &str| -> u64 {
        let conversation = state.conversations.active_id();
        update(
            state,
            Msg::Report(Report::Attached {
                conversation,
                line: String::new(),
                files: vec![Ok(kimi_tui::io::attach::Read::Document {
                    path: format!("/tmp/{name}").into(),
                    name: name.into(),
                    bytes: 38 * 1024,
                    text: false,
                })],
            }),
            T0,
        )
        .into_iter()
        .find_map(|e| match e {
            kimi_tui::effect::Effect::UploadDocument { upload, .. } => Some(upload),
            _ => None,
        })
        .expect("upload")
    };
    let first = attach(&mut state, "report.pdf");
    update(
        &mut state,
        Msg::Report(Report::Uploaded {
            upload: first,
            result: Ok(doc("report.pdf", "file_1")),
        }),
        T0,
    );
    let stream = send(&mut state, "Summarize the report", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("Revenue grew 42%.".into()),
            StreamEvent::Done,
        ],
        T0 + 1_000,
    );
    let ready = attach(&mut state, "季度报告.docx");
    update(
        &mut state,
        Msg::Report(Report::Uploaded {
            upload: ready,
            result: Ok(doc("季度报告.docx", "file_2")),
        }),
        T0,
    );
    let going = attach(&mut state, "slides.pptx");
    update(
        &mut state,
        Msg::Report(Report::UploadProgress {
            upload: going,
            sent: 10 * 1024,
            total: 40 * 1024,
        }),
        T0,
    );
    let conversation = state.conversations.active_id();
    let mut pixels = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(1280, 720)
        .write_to(&mut pixels, image::ImageFormat::Png)
        .expect("png");
    update(
        &mut state,
        Msg::Report(Report::ImagesRead {
            conversation,
            line: String::new(),
            images: vec![kimi_tui::io::image::from_bytes(
                "screen.png",
                pixels.into_inner(),
            )],
        }),
        T0,
    );
    both_sizes("documents", &mut state);
    let file = |id: &str, name: &str, bytes: u64| FileInfo {
        id: id.into(),
        filename: name.into(),
        bytes,
        created_at: T0 / 1000 - 86_400 * 30,
        purpose: "file-extract".into(),
        status: "ok".into(),
        status_details: String::new(),
    };
    send(&mut state, "/files", T0);
    update(
        &mut state,
        Msg::Report(Report::Files {
            result: Ok(vec![
                file("file_1", "report.pdf", 38 * 1024),
                file("file_9", "someone else's upload.pdf", 2_400_000),
            ]),
            ours: vec!["file_1".into()],
        }),
        T0,
    );
    both_sizes("files", &mut state);
}
