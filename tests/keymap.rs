//! Keys resolve by focus and mode before the reducer sees them.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use kimi_tui::keymap::to_msg;
use kimi_tui::msg::{
    ChatIntent, ComposerIntent, Focus, Intent, Msg, NavIntent, ScrollCmd, SidebarIntent, Step,
    TranscriptIntent,
};
use kimi_tui::update::update;
use support::{T0, app, send};

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

#[test]
fn enter_sends_and_every_newline_chord_adds_a_line() {
    let state = app();
    assert_eq!(
        to_msg(&state, &key(KeyCode::Enter, KeyModifiers::NONE)),
        Some(Msg::from(ChatIntent::Submit))
    );
    for modifiers in [KeyModifiers::SHIFT, KeyModifiers::ALT] {
        assert_eq!(
            to_msg(&state, &key(KeyCode::Enter, modifiers)),
            Some(Msg::from(ComposerIntent::NewLine))
        );
    }
    assert_eq!(
        to_msg(&state, &key(KeyCode::Char('j'), KeyModifiers::CONTROL)),
        Some(Msg::from(ComposerIntent::NewLine))
    );
}

#[test]
fn esc_stops_a_streaming_reply_and_otherwise_returns_to_the_input() {
    let mut state = app();
    let esc = key(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(to_msg(&state, &esc), None);
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    assert_eq!(
        to_msg(&state, &esc),
        Some(Msg::from(NavIntent::SetFocus(Focus::Input)))
    );
    send(&mut state, "hi", T0).expect("stream");
    assert_eq!(to_msg(&state, &esc), Some(Msg::from(ChatIntent::Stop)));
}

#[test]
fn question_mark_types_in_the_input_but_opens_help_elsewhere() {
    let mut state = app();
    let question = key(KeyCode::Char('?'), KeyModifiers::NONE);
    assert!(matches!(
        to_msg(&state, &question),
        Some(Msg::Intent(Intent::Composer(ComposerIntent::Key(_))))
    ));
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    assert_eq!(
        to_msg(&state, &question),
        Some(Msg::from(NavIntent::ToggleHelp))
    );
    assert_eq!(
        to_msg(&state, &key(KeyCode::F(1), KeyModifiers::NONE)),
        Some(Msg::from(NavIntent::ToggleHelp))
    );
}

#[test]
fn the_help_overlay_swallows_keys_but_not_quit() {
    let mut state = app();
    update(&mut state, Msg::from(NavIntent::ToggleHelp), T0);
    assert_eq!(
        to_msg(&state, &key(KeyCode::Char('x'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        to_msg(&state, &key(KeyCode::Esc, KeyModifiers::NONE)),
        Some(Msg::from(NavIntent::CloseOverlay))
    );
    assert_eq!(
        to_msg(&state, &key(KeyCode::Char('q'), KeyModifiers::CONTROL)),
        Some(Msg::from(ChatIntent::Quit))
    );
}

#[test]
fn arrows_select_conversations_in_the_sidebar_and_messages_in_the_scrollback() {
    let mut state = app();
    let down = key(KeyCode::Down, KeyModifiers::NONE);
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    assert_eq!(
        to_msg(&state, &down),
        Some(Msg::from(SidebarIntent::Select(Step::Down)))
    );
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    assert_eq!(
        to_msg(&state, &down),
        Some(Msg::from(TranscriptIntent::FocusMessage(Step::Down)))
    );
    let j = key(KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(
        to_msg(&state, &j),
        Some(Msg::from(TranscriptIntent::FocusMessage(Step::Down)))
    );
    let enter = key(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        to_msg(&state, &enter),
        Some(Msg::from(TranscriptIntent::ToggleReasoning))
    );
    let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(
        to_msg(&state, &y),
        Some(Msg::from(TranscriptIntent::CopyMessage))
    );
    let two = key(KeyCode::Char('2'), KeyModifiers::NONE);
    assert_eq!(
        to_msg(&state, &two),
        Some(Msg::from(TranscriptIntent::CopyCodeBlock(2)))
    );
    assert_eq!(
        to_msg(&state, &key(KeyCode::PageUp, KeyModifiers::NONE)),
        Some(Msg::from(NavIntent::Scroll(ScrollCmd::PageUp)))
    );
}

#[test]
fn typing_a_letter_outside_the_input_goes_to_the_input() {
    let mut state = app();
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    let event = key(KeyCode::Char('w'), KeyModifiers::NONE);
    let msg = to_msg(&state, &event).expect("a message");
    update(&mut state, msg, T0);
    assert_eq!(state.focus, Focus::Input);
    assert_eq!(state.input_text(), "w");
}

#[test]
fn the_mouse_wheel_scrolls_what_is_under_the_pointer_and_a_click_opens_or_outlines() {
    let mouse = |kind: MouseEventKind, column: u16, row: u16| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut state = app(); // 80x24: the sidebar is 20 wide, its list starts on row 1
    send(&mut state, "the older chat", T0);
    support::end_streams(&mut state);
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    send(&mut state, "the newer chat", T0 + 1);
    support::end_streams(&mut state);
    // The wheel over the transcript scrolls it; over the sidebar it moves the highlight.
    assert_eq!(
        to_msg(&state, &mouse(MouseEventKind::ScrollUp, 40, 5)),
        Some(Msg::from(NavIntent::Scroll(ScrollCmd::Up(3))))
    );
    assert_eq!(
        to_msg(&state, &mouse(MouseEventKind::ScrollDown, 5, 5)),
        Some(Msg::from(SidebarIntent::Select(Step::Down)))
    );
    // A click on the second conversation opens it.
    let click = mouse(
        MouseEventKind::Down(crossterm::event::MouseButton::Left),
        5,
        2,
    );
    let msg = to_msg(&state, &click).expect("a click");
    update(&mut state, msg, T0);
    assert_eq!(state.active_conversation().title, "the older chat");
    // A click on the first message (its header is the transcript's first row) outlines it.
    let click = mouse(
        MouseEventKind::Down(crossterm::event::MouseButton::Left),
        40,
        1,
    );
    let msg = to_msg(&state, &click).expect("a click");
    update(&mut state, msg, T0);
    assert_eq!(state.focus, Focus::Scrollback);
    assert_eq!(state.active_conversation().focus, Some(0));
    // In the help, the wheel scrolls the help.
    update(&mut state, Msg::from(NavIntent::ToggleHelp), T0);
    assert_eq!(
        to_msg(&state, &mouse(MouseEventKind::ScrollDown, 5, 5)),
        Some(Msg::from(NavIntent::ScrollHelp(ScrollCmd::Down(3))))
    );
}

/// Presses `code` with `mods` through the keymap and the reducer.
fn press(state: &mut kimi_tui::AppState, code: KeyCode, mods: KeyModifiers) {
    if let Some(msg) = to_msg(state, &key(code, mods)) {
        update(state, msg, T0);
    }
}

fn cursor(state: &kimi_tui::AppState) -> usize {
    state.input.cursor().1
}

#[test]
fn the_shell_editing_keys_work_in_the_input_box() {
    let ctrl = KeyModifiers::CONTROL;
    let alt = KeyModifiers::ALT;
    let mut state = app();
    update(
        &mut state,
        kimi_tui::msg::Msg::from(kimi_tui::msg::ComposerIntent::Paste("one two three".into())),
        T0,
    );
    press(&mut state, KeyCode::Char('a'), ctrl);
    assert_eq!(cursor(&state), 0, "Ctrl+A: line start");
    press(&mut state, KeyCode::Char('e'), ctrl);
    assert_eq!(cursor(&state), 13, "Ctrl+E: line end");
    press(&mut state, KeyCode::Char('b'), ctrl);
    assert_eq!(cursor(&state), 12, "Ctrl+B: back a character");
    press(&mut state, KeyCode::Char('f'), ctrl);
    assert_eq!(cursor(&state), 13, "Ctrl+F: forward a character");
    press(&mut state, KeyCode::Char('b'), alt);
    assert_eq!(cursor(&state), 8, "Alt+B: back a word");
    press(&mut state, KeyCode::Left, ctrl);
    assert_eq!(cursor(&state), 4, "Ctrl+Left: back a word");
    press(&mut state, KeyCode::Char('f'), alt);
    assert!(cursor(&state) > 4, "Alt+F: forward a word");
    press(&mut state, KeyCode::Right, ctrl);
    press(&mut state, KeyCode::Home, KeyModifiers::NONE);
    assert_eq!(cursor(&state), 0, "Home");
    press(&mut state, KeyCode::End, KeyModifiers::NONE);
    assert_eq!(cursor(&state), 13, "End");
    press(&mut state, KeyCode::Char('w'), ctrl);
    assert_eq!(state.input_text(), "one two ", "Ctrl+W deletes a word");
    press(&mut state, KeyCode::Char('y'), ctrl);
    assert_eq!(state.input_text(), "one two three", "Ctrl+Y yanks it back");
    press(&mut state, KeyCode::Backspace, alt);
    assert_eq!(
        state.input_text(),
        "one two ",
        "Alt+Backspace deletes a word"
    );
    press(&mut state, KeyCode::Char('y'), ctrl);
    press(&mut state, KeyCode::Char('b'), alt);
    press(&mut state, KeyCode::Char('k'), ctrl);
    assert_eq!(
        state.input_text(),
        "one two ",
        "Ctrl+K deletes to the line end"
    );
    press(&mut state, KeyCode::Char('y'), ctrl);
    press(&mut state, KeyCode::Char('u'), ctrl);
    assert_eq!(state.input_text(), "", "Ctrl+U deletes to the line start");
    press(&mut state, KeyCode::Char('y'), ctrl);
    assert_eq!(state.input_text(), "one two three");
}

#[test]
fn app_keys_that_the_shell_keys_took_have_other_keys_in_the_input_box() {
    let ctrl = KeyModifiers::CONTROL;
    let alt = KeyModifiers::ALT;
    let none = KeyModifiers::NONE;
    let mut state = app();
    let shown = state.sidebar_visible;
    press(&mut state, KeyCode::Char('b'), ctrl);
    assert_eq!(state.sidebar_visible, shown, "Ctrl+B moves the cursor here");
    press(&mut state, KeyCode::F(4), none);
    assert_eq!(state.sidebar_visible, !shown, "F4 toggles the sidebar");
    press(&mut state, KeyCode::F(4), none);
    press(&mut state, KeyCode::Char('f'), ctrl);
    assert_eq!(state.sidebar_mode, kimi_tui::state::SidebarMode::List);
    press(&mut state, KeyCode::Char('s'), ctrl);
    assert!(
        matches!(
            state.sidebar_mode,
            kimi_tui::state::SidebarMode::Search { .. }
        ),
        "Ctrl+S searches"
    );
    press(&mut state, KeyCode::Esc, none);
    update(
        &mut state,
        kimi_tui::msg::Msg::from(NavIntent::SetFocus(Focus::Input)),
        T0,
    );
    assert_eq!(
        to_msg(&state, &key(KeyCode::Char('e'), alt)),
        Some(Msg::from(kimi_tui::msg::FieldIntent::StartExport)),
        "Alt+E exports"
    );
    assert_eq!(
        to_msg(&state, &key(KeyCode::Char('y'), alt)),
        Some(Msg::from(TranscriptIntent::CopyLastReply)),
        "Alt+Y copies the last reply"
    );
    // Outside the input box the old keys still work.
    update(
        &mut state,
        kimi_tui::msg::Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    press(&mut state, KeyCode::Char('b'), ctrl);
    assert_eq!(
        state.sidebar_visible, !shown,
        "Ctrl+B toggles the sidebar from the scrollback"
    );
    press(&mut state, KeyCode::Char('f'), ctrl);
    assert!(matches!(
        state.sidebar_mode,
        kimi_tui::state::SidebarMode::Search { .. }
    ));
}

#[test]
fn up_and_down_walk_the_prompts_sent_before_and_bring_back_what_was_typed() {
    let none = KeyModifiers::NONE;
    let mut state = app();
    for (i, text) in ["first prompt", "second\nprompt", "first prompt"]
        .into_iter()
        .enumerate()
    {
        send(&mut state, text, T0 + i as u64);
        support::end_streams(&mut state);
    }
    // Sent twice, kept once, newest first.
    assert_eq!(state.history, ["first prompt", "second\nprompt"]);
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("half typed".into())),
        T0,
    );
    press(&mut state, KeyCode::Up, none);
    assert_eq!(state.input_text(), "first prompt");
    press(&mut state, KeyCode::Up, none);
    assert_eq!(state.input_text(), "second\nprompt");
    // The cursor is on the last line of a two-line prompt: Up moves within it first.
    press(&mut state, KeyCode::Up, none);
    assert_eq!(state.input_text(), "second\nprompt");
    assert_eq!(state.input.cursor().0, 0);
    press(&mut state, KeyCode::Up, none);
    assert_eq!(
        state.input_text(),
        "second\nprompt",
        "nothing older: it stays"
    );
    press(&mut state, KeyCode::Down, none);
    assert_eq!(
        state.input.cursor().0,
        1,
        "Down moves within the prompt first"
    );
    press(&mut state, KeyCode::Down, none);
    assert_eq!(state.input_text(), "first prompt");
    press(&mut state, KeyCode::Down, none);
    assert_eq!(
        state.input_text(),
        "half typed",
        "what was being typed comes back"
    );
    press(&mut state, KeyCode::Down, none);
    assert_eq!(state.input_text(), "half typed");
}

fn type_in(state: &mut kimi_tui::AppState, text: &str) {
    for c in text.chars() {
        press(state, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

#[test]
fn the_command_palette_finds_and_runs_actions_conversations_and_models() {
    let ctrl = KeyModifiers::CONTROL;
    let none = KeyModifiers::NONE;
    let mut state = app();
    send(&mut state, "a chat about dolphins", T0);
    support::end_streams(&mut state);
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    // An action, found by a fuzzy part of its label, runs as its key would.
    press(&mut state, KeyCode::Char('p'), ctrl);
    assert_eq!(state.overlay, Some(kimi_tui::state::Overlay::Palette));
    let shown = state.sidebar_visible;
    type_in(&mut state, "hide sidbar");
    let first = kimi_tui::layout::palette::matches(&state, &state.palette.query);
    assert!(
        matches!(
            first.first(),
            Some(kimi_tui::layout::palette::Entry::Action {
                name: "toggle_sidebar",
                ..
            })
        ),
        "{first:?}"
    );
    press(&mut state, KeyCode::Enter, none);
    assert_eq!(state.overlay, None);
    assert_eq!(state.sidebar_visible, !shown);
    // Recently run actions come first next time.
    press(&mut state, KeyCode::Char('p'), ctrl);
    let listed = kimi_tui::layout::palette::matches(&state, "");
    assert!(matches!(
        listed.first(),
        Some(kimi_tui::layout::palette::Entry::Action {
            name: "toggle_sidebar",
            ..
        })
    ));
    // A conversation by its title.
    type_in(&mut state, "dolphins");
    press(&mut state, KeyCode::Enter, none);
    assert_eq!(state.active_conversation().title, "a chat about dolphins");
    // A model.
    press(&mut state, KeyCode::Char('p'), ctrl);
    state.models = vec![kimi_tui::catalog::ModelInfo {
        id: "kimi-k3".into(),
        ..Default::default()
    }];
    type_in(&mut state, "model k3");
    press(&mut state, KeyCode::Enter, none);
    assert_eq!(state.active_conversation().model, "kimi-k3");
    // Esc closes without running anything.
    press(&mut state, KeyCode::Char('p'), ctrl);
    type_in(&mut state, "quit");
    press(&mut state, KeyCode::Esc, none);
    assert_eq!(state.overlay, None);
    assert!(!state.quitting);
    // It draws.
    press(&mut state, KeyCode::Char('p'), ctrl);
    let terminal = support::draw(&mut state, 100, 30);
    let screen: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(
        screen.contains("Commands") && screen.contains("Ctrl+N"),
        "{screen}"
    );
}

#[test]
fn a_long_paste_is_one_chip_that_sends_everything_and_deletes_or_unfolds_whole() {
    let mut state = app();
    let long: String = (1..=300).map(|i| format!("line {i}\n")).collect();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("see: ".into())),
        T0,
    );
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste(long.clone())),
        T0,
    );
    let shown = state.input_text();
    assert!(shown.starts_with("see: [Paste 1: 300 lines, "), "{shown}");
    assert!(
        shown.len() < 60,
        "the box holds the chip, not the text: {shown}"
    );
    // Backspace right after the chip takes it all, and the paste with it.
    press(&mut state, KeyCode::Backspace, KeyModifiers::NONE);
    assert_eq!(state.input_text(), "see: ");
    assert!(state.pastes.is_empty());
    // Pasted again and unfolded: the text itself is in the box.
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste(long.clone())),
        T0,
    );
    press(&mut state, KeyCode::Char('u'), KeyModifiers::ALT);
    assert!(state.input_text().contains("line 300"));
    // Sent folded: the request and the saved message carry every line.
    let mut state = app();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste(long.clone())),
        T0,
    );
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste(" end".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let request = effects
        .iter()
        .find_map(|e| match e {
            kimi_tui::effect::Effect::StartStream { request, .. } => Some(request.clone()),
            _ => None,
        })
        .expect("sent");
    let sent = &request.messages.last().expect("the prompt").content;
    assert!(sent.contains("line 1\n") && sent.contains("line 300") && sent.ends_with(" end"));
    // In the scrollback it shows its start and unfolds with Enter.
    let terminal = support::draw(&mut state, 80, 40);
    let screen: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(
        screen.contains("more lines · Enter on it unfolds"),
        "{screen}"
    );
    assert!(!screen.contains("line 300"));
    state.active_conversation_mut().focus = Some(0);
    update(&mut state, Msg::from(TranscriptIntent::ToggleReasoning), T0);
    assert!(state.active_conversation().messages[0].unfolded);
}

#[test]
fn alt_r_searches_the_prompts_sent_before() {
    let mut state = app();
    for (i, text) in [
        "how do dolphins sleep",
        "a recipe for dumplings",
        "unrelated",
    ]
    .into_iter()
    .enumerate()
    {
        send(&mut state, text, T0 + i as u64);
        support::end_streams(&mut state);
    }
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("typing".into())),
        T0,
    );
    press(&mut state, KeyCode::Char('r'), KeyModifiers::ALT);
    assert_eq!(state.overlay, Some(kimi_tui::state::Overlay::Palette));
    type_in(&mut state, "dolph");
    press(&mut state, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(state.input_text(), "how do dolphins sleep");
    // Down brings back what was being typed.
    press(&mut state, KeyCode::Down, KeyModifiers::NONE);
    press(&mut state, KeyCode::Down, KeyModifiers::NONE);
    press(&mut state, KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(state.input_text(), "typing");
}

/// The text the next Enter would send.
fn would_send(state: &mut kimi_tui::AppState) -> String {
    let effects = update(state, Msg::from(ChatIntent::Submit), T0);
    effects
        .iter()
        .find_map(|e| match e {
            kimi_tui::effect::Effect::StartStream { request, .. } => {
                request.messages.last().map(|m| m.content.clone())
            }
            _ => None,
        })
        .expect("sent")
}

#[test]
fn text_too_long_for_the_box_stays_folded_wherever_it_comes_from() {
    // One line of a megabyte: wrapping it on every frame made each key wait 0.4 s.
    let huge = "0123456789".repeat(100_000);
    // A paste of it does not unfold.
    let mut state = app();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste(huge.clone())),
        T0,
    );
    press(&mut state, KeyCode::Char('u'), KeyModifiers::ALT);
    assert!(state.input_text().len() < 100, "unfolded into the box");
    let flash = state.flash.clone().unwrap_or_default();
    assert!(
        flash.contains("too long to edit in the box") && flash.contains("Ctrl+X Ctrl+E"),
        "{flash}"
    );
    assert_eq!(would_send(&mut state), huge);

    // The editor's text comes back folded, and is sent whole.
    let mut state = app();
    update(
        &mut state,
        Msg::Report(kimi_tui::msg::Report::Edited(Ok(huge.clone()))),
        T0,
    );
    assert!(state.input_text().starts_with("[Paste 1: 1 lines, "));
    assert_eq!(would_send(&mut state), huge);

    // A draft left in a conversation comes back folded.
    let mut state = app();
    let first = state.active_conversation().id;
    send(&mut state, "hello", T0);
    support::end_streams(&mut state);
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste(huge.clone())),
        T0,
    );
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    assert_eq!(state.input_text(), "");
    state.switch_to(first);
    assert!(
        state.input_text().starts_with("[Paste 1: "),
        "{}",
        state.input_text().len()
    );
    assert_eq!(state.message_text(), huge);
    // An earlier prompt recalled from history comes back folded too.
    let sent = would_send(&mut state);
    assert_eq!(sent, huge);
    press(&mut state, KeyCode::Up, KeyModifiers::NONE);
    assert!(
        state.input_text().starts_with("[Paste 1: "),
        "{}",
        state.input_text().len()
    );
    assert_eq!(state.message_text(), huge);
    // Text that fits is text.
    let mut state = app();
    update(
        &mut state,
        Msg::Report(kimi_tui::msg::Report::Edited(Ok("short one".into()))),
        T0,
    );
    assert_eq!(state.input_text(), "short one");
}

/// Opens the palette, types `query` and runs the best match.
fn choose_in_palette(state: &mut kimi_tui::AppState, query: &str) {
    update(state, Msg::from(kimi_tui::msg::PaletteIntent::Open), T0);
    for c in query.chars() {
        update(
            state,
            Msg::from(kimi_tui::msg::PaletteIntent::Edit(
                kimi_tui::msg::FieldEdit::Insert(c),
            )),
            T0,
        );
    }
    update(state, Msg::from(kimi_tui::msg::PaletteIntent::Run), T0);
}

#[test]
fn commands_are_in_the_palette_and_the_help() {
    let mut state = app();
    choose_in_palette(&mut state, "attach");
    assert_eq!(state.input_text(), "/attach ");
    // With text in the box, the command is not put over it.
    let mut state = app();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("keep me".into())),
        T0,
    );
    choose_in_palette(&mut state, "Command: /web on");
    assert_eq!(state.input_text(), "keep me");
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("/web is typed on a line of its own"),
        "{:?}",
        state.flash
    );
    assert!(!state.active_conversation().web_search);
    let help = kimi_tui::bindings::help_rows(&state.keys);
    for (name, _) in kimi_tui::bindings::COMMANDS {
        assert!(
            help.iter().any(|(keys, _)| keys == name),
            "{name} not in the help"
        );
    }
}
