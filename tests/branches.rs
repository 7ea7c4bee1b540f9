//! The conversation as a tree, through the reducer: edit and resend, switch versions, fork,
//! delete, and a reply that streams on a branch not shown.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::AppState;
use kimi_tui::api::{ChatRequest, StreamEvent};
use kimi_tui::effect::Effect;
use kimi_tui::ids::StreamId;
use kimi_tui::msg::{ChatIntent, ComposerIntent, Focus, Msg, TranscriptIntent};
use kimi_tui::state::{Dialog, Versions};
use kimi_tui::update::{build_request, update};
use support::{T0, app, end_streams, feed, send};

fn start(effects: &[Effect]) -> (StreamId, ChatRequest) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::StartStream {
                stream, request, ..
            } => Some((*stream, request.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no stream in {effects:?}"))
}

/// Sends `question` and lets `answer` arrive in full.
fn exchange(state: &mut AppState, question: &str, answer: &str, at: u64) {
    let stream = send(state, question, at).expect("sent");
    feed(
        state,
        stream,
        vec![StreamEvent::Content(answer.into()), StreamEvent::Done],
        at,
    );
}

/// The texts of the branch shown.
fn shown(state: &AppState) -> Vec<String> {
    state
        .active_conversation()
        .messages
        .iter()
        .map(|m| m.content.clone())
        .collect()
}

/// What a request sent now would carry (system prompt left out).
fn would_send(state: &AppState) -> Vec<String> {
    build_request(state.active_conversation(), &state.settings, &[])
        .messages
        .into_iter()
        .filter(|m| m.role != "system")
        .map(|m| m.content)
        .collect()
}

fn outline(state: &mut AppState, index: usize) {
    state.focus = Focus::Scrollback;
    state.active_conversation_mut().focus = Some(index);
}

fn press(state: &mut AppState, intent: TranscriptIntent, at: u64) -> Vec<Effect> {
    update(state, Msg::from(intent), at)
}

/// q1 a1 q2 a2, then q2 edited to q2' and sent.
fn edited(state: &mut AppState) -> Vec<Effect> {
    exchange(state, "q1", "a1", T0);
    exchange(state, "q2", "a2", T0 + 1);
    outline(state, 2);
    press(state, TranscriptIntent::Edit, T0 + 2);
    assert_eq!(state.input_text(), "q2");
    update(
        state,
        Msg::from(kimi_tui::msg::ComposerIntent::Edit(
            kimi_tui::msg::EditOp::DeleteToLineStart,
        )),
        T0 + 2,
    );
    update(
        state,
        Msg::from(ComposerIntent::Paste("q2'".into())),
        T0 + 2,
    );
    update(state, Msg::from(ChatIntent::Submit), T0 + 3)
}

#[test]
fn editing_a_middle_message_sends_only_the_new_branch_and_keeps_the_old_one() {
    let mut state = app();
    let effects = edited(&mut state);
    let (stream, request) = start(&effects);
    let sent: Vec<&str> = request
        .messages
        .iter()
        .filter(|m| m.role != "system")
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(
        sent,
        ["q1", "a1", "q2'"],
        "the old second exchange is not sent"
    );
    assert!(state.editing.is_none());
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("a2'".into()), StreamEvent::Done],
        T0 + 4,
    );
    assert_eq!(shown(&state), ["q1", "a1", "q2'", "a2'"]);
    let conv = state.active_conversation();
    assert_eq!(conv.versions(2), Some(Versions { n: 2, of: 2 }));
    assert_eq!(
        conv.message_count(),
        6,
        "the old q2 and a2 stay in the tree"
    );
    // The new message is saved as a sibling of the old: same parent.
    let saved_parent = effects.iter().find_map(|e| match e {
        Effect::SaveMessage(r) if r.content == "q2'" => Some(r.parent_id),
        _ => None,
    });
    assert_eq!(saved_parent, Some(Some(conv.messages[1].id)));
}

#[test]
fn switching_versions_back_and_forth_changes_what_is_shown_and_sent() {
    let mut state = app();
    let stream = start(&edited(&mut state)).0;
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("a2'".into()), StreamEvent::Done],
        T0 + 4,
    );
    exchange(&mut state, "q3", "a3", T0 + 5);
    outline(&mut state, 2);
    let effects = press(&mut state, TranscriptIntent::PrevVersion, T0 + 6);
    assert_eq!(shown(&state), ["q1", "a1", "q2", "a2"]);
    assert_eq!(would_send(&state), ["q1", "a1", "q2", "a2"]);
    assert_eq!(
        state.active_conversation().versions(2),
        Some(Versions { n: 1, of: 2 })
    );
    // The choice is saved (the old q2 is chosen now).
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::SaveMessage(r) if r.content == "q2" && r.chosen_at == T0 + 6)
        ),
        "{effects:?}"
    );
    // There is nothing before the first version.
    press(&mut state, TranscriptIntent::PrevVersion, T0 + 7);
    assert_eq!(
        state.flash.as_deref(),
        Some("This is the first of 2 versions.")
    );
    // Back: the rest follows the branch used there last (q3 a3 included).
    press(&mut state, TranscriptIntent::NextVersion, T0 + 8);
    assert_eq!(shown(&state), ["q1", "a1", "q2'", "a2'", "q3", "a3"]);
    assert_eq!(would_send(&state).len(), 6);
    // A message with no other versions says so.
    outline(&mut state, 0);
    press(&mut state, TranscriptIntent::NextVersion, T0 + 9);
    assert!(
        state
            .flash
            .as_deref()
            .is_some_and(|f| f.starts_with("This message has no other versions")),
        "{:?}",
        state.flash
    );
}

#[test]
fn esc_while_editing_puts_back_what_the_input_box_held() {
    let mut state = app();
    exchange(&mut state, "q1", "a1", T0);
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("half a thought".into())),
        T0,
    );
    outline(&mut state, 0);
    press(&mut state, TranscriptIntent::Edit, T0);
    assert_eq!(state.input_text(), "q1");
    assert!(state.editing.is_some());
    // The keymap: Esc cancels the edit; letters are typed.
    let key = |code| crossterm::event::Event::Key(crossterm::event::KeyEvent::from(code));
    let typed = kimi_tui::keymap::to_msg(&state, &key(crossterm::event::KeyCode::Char('!')))
        .expect("bound");
    update(&mut state, typed, T0);
    assert_eq!(state.input_text(), "q1!");
    let esc =
        kimi_tui::keymap::to_msg(&state, &key(crossterm::event::KeyCode::Esc)).expect("bound");
    assert_eq!(esc, Msg::from(ComposerIntent::CancelEdit));
    update(&mut state, esc, T0);
    assert_eq!(state.input_text(), "half a thought");
    assert!(state.editing.is_none());
    assert_eq!(shown(&state), ["q1", "a1"]);
    // Only your messages are edited.
    outline(&mut state, 1);
    press(&mut state, TranscriptIntent::Edit, T0);
    assert!(state.editing.is_none());
    assert_eq!(state.input_text(), "half a thought");
}

#[test]
fn leaving_the_conversation_ends_the_edit_and_keeps_the_draft_that_was_there() {
    let mut state = app();
    exchange(&mut state, "q1", "a1", T0);
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("my draft".into())),
        T0,
    );
    outline(&mut state, 0);
    press(&mut state, TranscriptIntent::Edit, T0);
    let first = state.conversations.active_id();
    update(
        &mut state,
        Msg::from(kimi_tui::msg::NavIntent::NewConversation),
        T0,
    );
    assert!(state.editing.is_none());
    assert_eq!(
        state.conversations.get(first).map(|c| c.draft.as_str()),
        Some("my draft")
    );
}

#[test]
fn fork_starts_a_new_conversation_with_copies_down_to_the_outlined_message() {
    let mut state = app();
    exchange(&mut state, "q1", "a1", T0);
    exchange(&mut state, "q2", "a2", T0 + 1);
    let original = state.conversations.active_id();
    let original_ids: Vec<u64> = state
        .active_conversation()
        .messages
        .iter()
        .map(|m| m.id)
        .collect();
    outline(&mut state, 1);
    let effects = press(&mut state, TranscriptIntent::Fork, T0 + 2);
    let fork = state.active_conversation();
    assert_ne!(fork.id, original);
    assert_eq!(fork.title, "Fork of q1");
    assert_eq!(shown(&state), ["q1", "a1"]);
    assert!(fork.messages.iter().all(|m| !original_ids.contains(&m.id)));
    assert_eq!(
        state.conversations.order()[0],
        fork.id,
        "on top of the sidebar"
    );
    assert!(matches!(effects.first(), Some(Effect::SaveConversation(m)) if m.id == fork.id));
    let saved: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveMessage(r) if r.conversation_id == fork.id => Some(r.content.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(saved, ["q1", "a1"]);
    // The original is untouched.
    let original = state.conversations.get(original).expect("kept");
    assert_eq!(original.messages.len(), 4);
}

#[test]
fn deleting_a_version_shows_the_one_beside_it_and_deleting_the_only_one_cuts_the_branch() {
    let mut state = app();
    exchange(&mut state, "q1", "a1", T0);
    let (stream, _) = start(&update(
        &mut state,
        Msg::from(ChatIntent::Regenerate),
        T0 + 1,
    ));
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("a1'".into()), StreamEvent::Done],
        T0 + 1,
    );
    exchange(&mut state, "q2", "a2", T0 + 2);
    assert_eq!(shown(&state), ["q1", "a1'", "q2", "a2"]);
    // With a sibling: a1' and what follows it go; a1 takes its place.
    outline(&mut state, 1);
    press(&mut state, TranscriptIntent::Delete, T0 + 3);
    let Some(Dialog::DeleteMessage { below, .. }) = state.dialog.clone() else {
        panic!("asks first: {:?}", state.dialog)
    };
    assert_eq!(below, 2);
    // No keeps everything.
    press(&mut state, TranscriptIntent::ConfirmDelete(false), T0 + 3);
    assert!(state.dialog.is_none());
    assert_eq!(shown(&state).len(), 4);
    press(&mut state, TranscriptIntent::Delete, T0 + 3);
    let effects = press(&mut state, TranscriptIntent::ConfirmDelete(true), T0 + 3);
    let a1_prime = effects.iter().find_map(|e| match e {
        Effect::DeleteMessages { id, .. } => Some(*id),
        _ => None,
    });
    assert!(a1_prime.is_some(), "{effects:?}");
    assert_eq!(shown(&state), ["q1", "a1"]);
    assert_eq!(state.active_conversation().versions(1), None);
    assert_eq!(state.active_conversation().message_count(), 2);
    // Without one: the message and what follows go.
    outline(&mut state, 1);
    press(&mut state, TranscriptIntent::Delete, T0 + 4);
    press(&mut state, TranscriptIntent::ConfirmDelete(true), T0 + 4);
    assert_eq!(shown(&state), ["q1"]);
}

#[test]
fn deleting_the_branch_a_reply_streams_into_stops_it_first() {
    let mut state = app();
    let stream = send(&mut state, "q1", T0).expect("sent");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("par".into())],
        T0,
    );
    outline(&mut state, 0);
    press(&mut state, TranscriptIntent::Delete, T0 + 1);
    let effects = press(&mut state, TranscriptIntent::ConfirmDelete(true), T0 + 1);
    assert!(matches!(effects.first(), Some(Effect::CancelStream(s)) if *s == stream));
    assert!(matches!(
        effects.last(),
        Some(Effect::DeleteMessages { .. })
    ));
    assert!(!state.active_conversation().phase.is_live());
    assert!(shown(&state).is_empty());
    // What the stream still sends is dropped.
    assert!(
        update(
            &mut state,
            Msg::from(kimi_tui::msg::Report::Stream {
                stream,
                event: StreamEvent::Content("tial".into())
            }),
            T0 + 2
        )
        .is_empty()
    );
}

#[test]
fn a_reply_finishing_on_a_branch_not_shown_is_written_into_its_own_message() {
    let mut state = app();
    exchange(&mut state, "q1", "a1", T0);
    let (stream, _) = start(&update(
        &mut state,
        Msg::from(ChatIntent::Regenerate),
        T0 + 1,
    ));
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("new ".into())],
        T0 + 1,
    );
    // While it streams, the user goes back to the first reply.
    outline(&mut state, 1);
    press(&mut state, TranscriptIntent::PrevVersion, T0 + 2);
    assert_eq!(shown(&state), ["q1", "a1"]);
    let mut effects = Vec::new();
    for event in [StreamEvent::Content("reply".into()), StreamEvent::Done] {
        effects.extend(update(
            &mut state,
            Msg::from(kimi_tui::msg::Report::Stream { stream, event }),
            T0 + 3,
        ));
    }
    assert_eq!(
        shown(&state),
        ["q1", "a1"],
        "the branch on screen is untouched"
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveMessage(r) if r.content == "new reply")),
        "{effects:?}"
    );
    assert!(!state.active_conversation().phase.is_live());
    press(&mut state, TranscriptIntent::NextVersion, T0 + 4);
    assert_eq!(shown(&state), ["q1", "new reply"]);
}

#[test]
fn regenerating_an_earlier_reply_makes_a_version_of_it_and_sends_only_what_is_above() {
    let mut state = app();
    exchange(&mut state, "q1", "a1", T0);
    exchange(&mut state, "q2", "a2", T0 + 1);
    outline(&mut state, 1);
    let (_, request) = start(&update(
        &mut state,
        Msg::from(ChatIntent::Regenerate),
        T0 + 2,
    ));
    let sent: Vec<&str> = request
        .messages
        .iter()
        .filter(|m| m.role != "system")
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(sent, ["q1"]);
    let conv = state.active_conversation();
    assert_eq!(conv.messages.len(), 2);
    assert_eq!(conv.versions(1), Some(Versions { n: 2, of: 2 }));
}

#[test]
fn m_on_a_reply_asks_again_with_the_model_picked_and_the_header_names_it() {
    use kimi_tui::layout::picker::{PickerRow, picker_rows};
    use kimi_tui::msg::PickerIntent;
    use kimi_tui::state::Overlay;
    let mut state = app();
    let listed = ["kimi-k2.6", "kimi-k2-turbo-preview"]
        .map(|id| kimi_tui::catalog::ModelInfo {
            id: id.into(),
            ..Default::default()
        })
        .to_vec();
    update(
        &mut state,
        Msg::from(kimi_tui::msg::ModelsReport::Listed {
            epoch: 0,
            result: Ok(listed),
        }),
        T0,
    );
    exchange(&mut state, "q1", "a1", T0);
    let first = state.active_conversation().messages[1].id;
    outline(&mut state, 1);
    press(&mut state, TranscriptIntent::RegenerateWith, T0 + 1);
    let Some(Overlay::Models { regenerate, .. }) = state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(regenerate, Some(first));
    let (row, other) = picker_rows(&state)
        .into_iter()
        .enumerate()
        .find_map(|(i, row)| match row {
            PickerRow::Model(id) if id != "kimi-k2.6" => Some((i, id)),
            _ => None,
        })
        .expect("another model is listed");
    if let Some(Overlay::Models { selected, .. }) = &mut state.overlay {
        *selected = row;
    }
    let effects = update(&mut state, Msg::from(PickerIntent::Pick), T0 + 2);
    let (_, request) = start(&effects);
    assert_eq!(request.model, other);
    let conv = state.active_conversation();
    assert_eq!(conv.versions(1), Some(Versions { n: 2, of: 2 }));
    assert_eq!(conv.messages[1].model.as_deref(), Some(other.as_str()));
    assert_eq!(
        conv.message(first).and_then(|m| m.model.as_deref()),
        Some("kimi-k2.6")
    );
    // On a message of yours it says what to do instead.
    state.overlay = None;
    end_streams(&mut state);
    outline(&mut state, 0);
    press(&mut state, TranscriptIntent::RegenerateWith, T0 + 3);
    assert!(state.overlay.is_none());
}
