//! Reducer flows: feed Msgs, check the state and the effects. No IO, no clock.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::api::StreamEvent;
use kimi_tui::api::Usage;
use kimi_tui::effect::Effect;
use kimi_tui::error::ApiError;
use kimi_tui::io::store::records::{MessageStatus, Role};
use kimi_tui::msg::{
    ChatIntent, ComposerIntent, Focus, Msg, NavIntent, Report, ScrollCmd, SidebarIntent, Step,
};
use kimi_tui::state::{Scroll, StreamPhase};
use kimi_tui::update::update;
use support::{T0, app, feed, send};

fn request_in(effects: &[Effect]) -> Option<&kimi_tui::api::ChatRequest> {
    effects.iter().find_map(|e| match e {
        Effect::StartStream { request, .. } => Some(request),
        _ => None,
    })
}

fn content(text: &str) -> StreamEvent {
    StreamEvent::Content(text.into())
}

#[test]
fn submit_commits_the_prompt_and_asks_for_a_stream_with_the_history() {
    let mut state = app();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("Hi Kimi".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let Some(request) = request_in(&effects) else {
        panic!("expected a StartStream, got {effects:?}");
    };
    let roles: Vec<_> = request
        .messages
        .iter()
        .map(|m| (m.role.as_str(), m.content.as_str()))
        .collect();
    assert_eq!(roles, [("system", "Be brief."), ("user", "Hi Kimi")]);
    assert!(request.stream);
    assert_eq!(request.model, "kimi-k2.6");
    let conv = state.active_conversation();
    assert_eq!(conv.title, "Hi Kimi");
    assert_eq!(conv.messages.len(), 2);
    assert_eq!(conv.messages[1].status, MessageStatus::Streaming);
    assert!(matches!(conv.phase, StreamPhase::Waiting { .. }));
    assert_eq!(state.input_text(), "", "the input box is cleared once sent");
}

#[test]
fn empty_or_blank_input_sends_nothing() {
    let mut state = app();
    assert!(update(&mut state, Msg::from(ChatIntent::Submit), T0).is_empty());
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("  \n  ".into())),
        T0,
    );
    assert!(update(&mut state, Msg::from(ChatIntent::Submit), T0).is_empty());
    assert!(state.active_conversation().messages.is_empty());
}

#[test]
fn reasoning_then_content_is_timed_and_the_finish_keeps_usage() {
    let mut state = app();
    let stream = send(&mut state, "think", T0).expect("stream");
    feed(&mut state, stream, vec![StreamEvent::Opened], T0 + 100);
    assert!(matches!(
        state.active_conversation().phase,
        StreamPhase::Streaming { .. }
    ));
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Reasoning("Hmm, ".into())],
        T0 + 1_000,
    );
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Reasoning("let me see.".into())],
        T0 + 2_000,
    );
    feed(
        &mut state,
        stream,
        vec![content("The answer"), content(" is 42.")],
        T0 + 13_000,
    );
    let usage = Usage {
        prompt_tokens: 19,
        completion_tokens: 13,
        cached_tokens: Some(8),
    };
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Finish("stop".into()),
            StreamEvent::Usage(usage),
            StreamEvent::Done,
        ],
        T0 + 14_000,
    );
    let conv = state.active_conversation();
    let reply = &conv.messages[1];
    assert_eq!(reply.reasoning, "Hmm, let me see.");
    assert_eq!(reply.content, "The answer is 42.");
    assert_eq!(reply.thinking_millis(T0 + 99_000), Some(12_000));
    assert_eq!(reply.status, MessageStatus::Complete);
    assert_eq!(reply.usage, Some(usage));
    assert_eq!(conv.phase, StreamPhase::Idle);
    assert_eq!(state.conversations.live_count(), 0);
}

#[test]
fn the_second_request_carries_the_first_exchange_with_its_reasoning() {
    let mut state = app();
    let first = send(&mut state, "one", T0).expect("stream");
    feed(
        &mut state,
        first,
        vec![
            StreamEvent::Reasoning("r1".into()),
            content("a1"),
            StreamEvent::Done,
        ],
        T0,
    );
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("two".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let Some(request) = request_in(&effects) else {
        panic!("{effects:?}")
    };
    let sent: Vec<_> = request
        .messages
        .iter()
        .map(|m| {
            (
                m.role.as_str(),
                m.content.as_str(),
                m.reasoning_content.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("system", "Be brief.", None),
            ("user", "one", None),
            ("assistant", "a1", Some("r1")),
            ("user", "two", None)
        ]
    );
}

#[test]
fn esc_stops_the_reply_keeps_the_text_and_drops_later_deltas() {
    let mut state = app();
    let stream = send(&mut state, "long story", T0).expect("stream");
    feed(&mut state, stream, vec![content("Once upon")], T0 + 10);
    let effects = update(&mut state, Msg::from(ChatIntent::Stop), T0 + 20);
    assert_eq!(effects[0], Effect::CancelStream(stream));
    let Some(Effect::SaveMessage(saved)) = effects.get(1) else {
        panic!("the stopped reply is saved: {effects:?}")
    };
    assert_eq!(saved.status, MessageStatus::Stopped);
    assert_eq!(saved.content, "Once upon");
    feed(
        &mut state,
        stream,
        vec![content(" a time"), StreamEvent::Done],
        T0 + 30,
    );
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.content, "Once upon");
    assert_eq!(reply.status, MessageStatus::Stopped);
    assert_eq!(state.active_conversation().phase, StreamPhase::Idle);
}

#[test]
fn ctrl_c_stops_a_stream_first_and_quits_when_idle() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    let ctrl_c = crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('c'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    let msg = kimi_tui::keymap::to_msg(&state, &ctrl_c).expect("bound");
    let effects = update(&mut state, msg, T0);
    assert_eq!(effects.first(), Some(&Effect::CancelStream(stream)));
    assert!(!state.quitting);
    let msg = kimi_tui::keymap::to_msg(&state, &ctrl_c).expect("bound");
    let effects = update(&mut state, msg, T0);
    // Quitting keeps the input box as the saved conversation's draft, then quits.
    assert!(
        matches!(effects.first(), Some(Effect::SaveConversation(meta)) if meta.draft.is_empty())
    );
    assert_eq!(effects.last(), Some(&Effect::Quit));
    assert!(state.quitting);
}

#[test]
fn quitting_cancels_every_live_stream() {
    let mut state = app();
    let a = send(&mut state, "first", T0).expect("stream");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    let b = send(&mut state, "second", T0).expect("stream");
    let effects = update(&mut state, Msg::from(ChatIntent::Quit), T0);
    let cancels: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::CancelStream(_)))
        .collect();
    assert_eq!(
        cancels,
        [&Effect::CancelStream(a), &Effect::CancelStream(b)]
    );
    // Each reply is saved as it stands, marked stopped, before the app quits.
    let stopped = effects
        .iter()
        .filter(|e| {
            matches!(e, Effect::SaveMessage(r)
                if r.status == kimi_tui::io::store::records::MessageStatus::Stopped)
        })
        .count();
    assert_eq!(stopped, 2);
    assert_eq!(effects.last(), Some(&Effect::Quit));
}

#[test]
fn a_reply_keeps_streaming_into_its_own_conversation_after_a_switch() {
    let mut state = app();
    let first_id = state.conversations.active_id();
    let stream = send(&mut state, "in the first", T0).expect("stream");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    let second_id = state.conversations.active_id();
    assert_ne!(first_id, second_id);
    feed(
        &mut state,
        stream,
        vec![content("belongs to the first"), StreamEvent::Done],
        T0,
    );
    assert!(
        state
            .conversations
            .get(second_id)
            .expect("conversation")
            .messages
            .is_empty(),
        "nothing lands in the wrong conversation"
    );
    let first = &state.conversations.get(first_id).expect("conversation");
    assert_eq!(first.messages[1].content, "belongs to the first");
    assert_eq!(first.messages[1].status, MessageStatus::Complete);
}

#[test]
fn deltas_of_an_unknown_stream_change_nothing() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    let stale = kimi_tui::ids::StreamId(stream.0 + 1000);
    feed(
        &mut state,
        stale,
        vec![content("ghost"), StreamEvent::Done],
        T0,
    );
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.content, "");
    assert_eq!(reply.status, MessageStatus::Streaming);
}

#[test]
fn an_api_error_shows_inline_and_the_conversation_stays_usable() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    let error = ApiError::Api {
        status: Some(400),
        kind: "content_filter".into(),
        message: "The request was rejected because it was considered high risk".into(),
    };
    feed(&mut state, stream, vec![StreamEvent::Failed(error)], T0);
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.status, MessageStatus::Failed);
    let shown = reply.error.as_deref().unwrap_or_default();
    assert!(shown.contains("content_filter"), "{shown}");
    assert!(shown.contains("high risk"), "{shown}");
    assert!(
        send(&mut state, "again", T0).is_some(),
        "a new prompt can be sent"
    );
}

#[test]
fn a_failed_empty_reply_is_left_out_of_the_next_request() {
    let mut state = app();
    let stream = send(&mut state, "one", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Failed(ApiError::IdleTimeout(5))],
        T0,
    );
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("two".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let Some(request) = request_in(&effects) else {
        panic!("{effects:?}")
    };
    assert!(
        request.messages.iter().all(|m| !m.content.is_empty()),
        "the API rejects empty content"
    );
    assert_eq!(request.messages.len(), 3);
}

#[test]
fn a_cut_stream_is_marked_interrupted_and_keeps_its_text() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![content("half"), StreamEvent::Failed(ApiError::Interrupted)],
        T0,
    );
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.status, MessageStatus::Interrupted);
    assert_eq!(reply.content, "half");
}

#[test]
fn malformed_events_are_counted_not_fatal() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            content("a"),
            StreamEvent::Malformed("bad".into()),
            content("b"),
            StreamEvent::Done,
        ],
        T0,
    );
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.content, "ab");
    assert_eq!(reply.malformed_events, 1);
    assert_eq!(reply.status, MessageStatus::Complete);
}

#[test]
fn without_a_key_nothing_is_sent_the_guidance_shows_and_the_input_stays() {
    let mut state = app();
    state.settings.has_key = false;
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("hello".into())),
        T0,
    );
    assert!(update(&mut state, Msg::from(ChatIntent::Submit), T0).is_empty());
    let conv = state.active_conversation();
    assert!(conv.messages.is_empty());
    assert!(
        conv.notice
            .as_deref()
            .unwrap_or_default()
            .contains("MOONSHOT_API_KEY")
    );
    assert_eq!(state.input_text(), "hello");
}

#[test]
fn sending_while_a_reply_streams_keeps_the_new_prompt_in_the_box() {
    let mut state = app();
    send(&mut state, "first", T0).expect("stream");
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("second".into())),
        T0,
    );
    assert!(update(&mut state, Msg::from(ChatIntent::Submit), T0).is_empty());
    assert_eq!(state.input_text(), "second");
    assert_eq!(state.active_conversation().messages.len(), 2);
}

#[test]
fn newline_keys_add_lines_and_enter_sends_them_all() {
    let mut state = app();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("line one".into())),
        T0,
    );
    update(&mut state, Msg::from(ComposerIntent::NewLine), T0);
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("line two".into())),
        T0,
    );
    assert_eq!(state.input_text(), "line one\nline two");
    send(&mut state, "", T0);
    assert_eq!(
        state.active_conversation().messages[0].content,
        "line one\nline two"
    );
}

#[test]
fn pasted_control_characters_never_reach_the_input_box() {
    let mut state = app();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste(
            "a\x1b]52;c;ZXZpbA==\x07b\r\nc".into(),
        )),
        T0,
    );
    assert_eq!(state.input_text(), "a]52;c;ZXZpbA==b\nc");
}

#[test]
fn new_conversation_goes_to_the_top_and_an_empty_one_is_reused() {
    let mut state = app();
    let first = state.conversations.active_id();
    send(&mut state, "hello", T0).expect("stream");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    let second = state.conversations.active_id();
    assert_eq!(state.conversations.order(), [second, first]);
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    assert_eq!(
        state.conversations.active_id(),
        second,
        "Ctrl+N on an empty chat stays there"
    );
    assert_eq!(state.conversations.len(), 2);
}

#[test]
fn the_sidebar_switches_conversations_with_arrows_and_enter() {
    let mut state = app();
    let first = state.conversations.active_id();
    send(&mut state, "hello", T0).expect("stream");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    assert_eq!(state.conversations.selected(), 0);
    update(&mut state, Msg::from(SidebarIntent::Select(Step::Down)), T0);
    update(&mut state, Msg::from(SidebarIntent::Select(Step::Down)), T0);
    assert_eq!(
        state.conversations.selected(),
        1,
        "selection stops at the last row"
    );
    update(&mut state, Msg::from(SidebarIntent::Open), T0);
    assert_eq!(state.conversations.active_id(), first);
    assert_eq!(state.focus, Focus::Input);
}

#[test]
fn tab_cycles_focus_and_skips_a_hidden_sidebar() {
    let mut state = app();
    assert_eq!(state.focus, Focus::Input);
    update(&mut state, Msg::from(NavIntent::FocusNext), T0);
    assert_eq!(state.focus, Focus::Sidebar);
    update(&mut state, Msg::from(NavIntent::FocusNext), T0);
    assert_eq!(state.focus, Focus::Scrollback);
    update(&mut state, Msg::from(NavIntent::ToggleSidebar), T0);
    update(&mut state, Msg::from(NavIntent::FocusNext), T0);
    update(&mut state, Msg::from(NavIntent::FocusNext), T0);
    assert_eq!(state.focus, Focus::Scrollback);
}

#[test]
fn a_sent_reply_is_moved_to_the_top_of_the_sidebar() {
    let mut state = app();
    let first = state.conversations.active_id();
    send(&mut state, "hello", T0).expect("stream");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    let second = state.conversations.active_id();
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    update(&mut state, Msg::from(SidebarIntent::Select(Step::Last)), T0);
    update(&mut state, Msg::from(SidebarIntent::Open), T0);
    assert_eq!(state.conversations.active_id(), first);
    state.conversations.get_mut(first).expect("first").phase = StreamPhase::Idle;
    support::end_streams(&mut state);
    send(&mut state, "again", T0).expect("stream");
    assert_eq!(state.conversations.order(), [first, second]);
    assert_eq!(state.conversations.active_id(), first);
}

fn long_conversation(state: &mut kimi_tui::AppState) -> kimi_tui::ids::StreamId {
    let stream = send(state, "tell me a lot", T0).expect("stream");
    let many: String = (0..200).map(|i| format!("line {i}\n")).collect();
    feed(state, stream, vec![content(&many)], T0);
    stream
}

#[test]
fn scrolling_up_pins_the_view_while_text_streams_in_below() {
    let mut state = app();
    let stream = long_conversation(&mut state);
    update(
        &mut state,
        Msg::from(NavIntent::Scroll(ScrollCmd::PageUp)),
        T0,
    );
    let Scroll::Anchored { item, row } = state.active_conversation().scroll else {
        panic!("PgUp leaves follow mode");
    };
    feed(&mut state, stream, vec![content("more\nand more\n")], T0);
    assert_eq!(
        state.active_conversation().scroll,
        Scroll::Anchored { item, row }
    );
    update(
        &mut state,
        Msg::from(NavIntent::Scroll(ScrollCmd::Bottom)),
        T0,
    );
    assert_eq!(state.active_conversation().scroll, Scroll::Follow);
}

#[test]
fn scrolling_down_to_the_end_resumes_following() {
    let mut state = app();
    long_conversation(&mut state);
    update(
        &mut state,
        Msg::from(NavIntent::Scroll(ScrollCmd::Up(5))),
        T0,
    );
    assert!(matches!(
        state.active_conversation().scroll,
        Scroll::Anchored { .. }
    ));
    update(
        &mut state,
        Msg::from(NavIntent::Scroll(ScrollCmd::Down(5))),
        T0,
    );
    assert_eq!(state.active_conversation().scroll, Scroll::Follow);
}

#[test]
fn home_goes_to_the_top_of_the_conversation() {
    let mut state = app();
    long_conversation(&mut state);
    update(&mut state, Msg::from(NavIntent::Scroll(ScrollCmd::Top)), T0);
    assert_eq!(
        state.active_conversation().scroll,
        Scroll::Anchored { item: 0, row: 0 }
    );
    update(
        &mut state,
        Msg::from(NavIntent::Scroll(ScrollCmd::Up(3))),
        T0,
    );
    assert_eq!(
        state.active_conversation().scroll,
        Scroll::Anchored { item: 0, row: 0 }
    );
}

#[test]
fn a_short_conversation_never_leaves_follow_mode() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![content("short"), StreamEvent::Done],
        T0,
    );
    update(
        &mut state,
        Msg::from(NavIntent::Scroll(ScrollCmd::PageUp)),
        T0,
    );
    assert_eq!(state.active_conversation().scroll, Scroll::Follow);
    assert_eq!(state.active_conversation().messages[0].role, Role::User);
}

#[test]
fn the_prompt_and_the_empty_reply_are_saved_before_the_request_goes_out() {
    let mut state = app();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("remember me".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let kinds: Vec<&str> = effects
        .iter()
        .map(|e| match e {
            Effect::SaveConversation(_) => "conversation",
            Effect::SaveMessage(_) => "message",
            Effect::StartStream { .. } => "stream",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["conversation", "message", "message", "stream"]);
    let Effect::SaveMessage(user) = &effects[1] else {
        unreachable!()
    };
    let Effect::SaveMessage(reply) = &effects[2] else {
        unreachable!()
    };
    assert_eq!(user.content, "remember me");
    assert_eq!(user.seq, 0);
    assert_eq!(reply.status, MessageStatus::Streaming);
    assert_eq!(
        reply.parent_id,
        Some(user.id),
        "each message links to the one before it"
    );
    let Effect::SaveConversation(meta) = &effects[0] else {
        unreachable!()
    };
    assert_eq!(meta.title, "remember me");
    assert_eq!(meta.system_prompt.as_deref(), Some("Be brief."));
}

#[test]
fn a_streaming_reply_is_saved_about_once_a_second_and_at_the_end() {
    let mut state = app();
    let stream = send(&mut state, "hi", T0).expect("stream");
    feed(&mut state, stream, vec![content("part one ")], T0 + 200);
    assert!(
        update(&mut state, Msg::Tick, T0 + 500).is_empty(),
        "not yet a second"
    );
    let effects = update(&mut state, Msg::Tick, T0 + 1_100);
    let [Effect::SaveMessage(saved)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(saved.content, "part one ");
    assert_eq!(saved.status, MessageStatus::Streaming);
    assert!(
        update(&mut state, Msg::Tick, T0 + 2_500).is_empty(),
        "nothing new to save"
    );
    feed(&mut state, stream, vec![content("part two")], T0 + 2_600);
    let effects = update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Done,
        }),
        T0 + 2_700,
    );
    let Some(Effect::SaveMessage(last)) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(last.content, "part one part two");
    assert_eq!(last.status, MessageStatus::Complete);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveConversation(_)))
    );
}
