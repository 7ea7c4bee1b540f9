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
    let event = key(KeyCode::Char('h'), KeyModifiers::NONE);
    let msg = to_msg(&state, &event).expect("a message");
    update(&mut state, msg, T0);
    assert_eq!(state.focus, Focus::Input);
    assert_eq!(state.input_text(), "h");
}

#[test]
fn the_mouse_wheel_scrolls() {
    let state = app();
    let wheel = Event::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(
        to_msg(&state, &wheel),
        Some(Msg::from(NavIntent::Scroll(ScrollCmd::Up(3))))
    );
}
