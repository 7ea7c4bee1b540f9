//! Continuing a cut-off reply and regenerating the last one.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::api::StreamEvent;
use kimi_tui::effect::Effect;
use kimi_tui::error::ApiError;
use kimi_tui::ids::StreamId;
use kimi_tui::io::store::records::MessageStatus;
use kimi_tui::msg::{ChatIntent, Msg, Report};
use kimi_tui::state::StreamPhase;
use kimi_tui::update::update;
use support::mock_kimi::{MockKimi, Reply};
use support::pty::App;
use support::{T0, app, feed, send};

fn start(effects: &[Effect]) -> (StreamId, kimi_tui::api::ChatRequest) {
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

#[test]
fn continuing_sends_the_partial_text_as_a_prefix_and_appends_what_comes_back() {
    let mut state = app();
    let stream = send(&mut state, "tell a story", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Reasoning("plan".into()),
            StreamEvent::Content("Once upon".into()),
            StreamEvent::Finish("length".into()),
            StreamEvent::Done,
        ],
        T0,
    );
    assert!(state.active_conversation().messages[1].can_continue());
    let (stream, request) = start(&update(
        &mut state,
        Msg::from(ChatIntent::ContinueReply),
        T0 + 10,
    ));
    let last = request.messages.last().expect("messages");
    assert_eq!(last.role, "assistant");
    assert_eq!(last.content, "Once upon");
    assert_eq!(last.partial, Some(true));
    let body = serde_json::to_value(&request).expect("json");
    assert_eq!(body["messages"][2]["partial"], true);
    assert!(
        body["messages"][1].get("partial").is_none(),
        "only the prefix carries it"
    );
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content(" a time.".into()), StreamEvent::Done],
        T0 + 20,
    );
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.content, "Once upon a time.");
    assert_eq!(reply.status, MessageStatus::Complete);
    assert_eq!(state.active_conversation().messages.len(), 2);
}

#[test]
fn an_interrupted_reply_can_be_continued_but_a_complete_one_cannot() {
    let mut state = app();
    let stream = send(&mut state, "q", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("done".into()), StreamEvent::Done],
        T0,
    );
    assert!(update(&mut state, Msg::from(ChatIntent::ContinueReply), T0).is_empty());
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("Nothing to continue")
    );
    let stream = send(&mut state, "q2", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("half".into()),
            StreamEvent::Failed(ApiError::Interrupted),
        ],
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::ContinueReply), T0);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveMessage(m) if m.status == MessageStatus::Streaming))
    );
    assert!(matches!(
        state.active_conversation().phase,
        StreamPhase::Waiting { .. }
    ));
}

#[test]
fn regenerate_asks_the_last_question_again_and_keeps_the_old_reply_as_a_branch() {
    let mut state = app();
    let stream = send(&mut state, "pick a number", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("7".into()), StreamEvent::Done],
        T0,
    );
    let old_id = state.active_conversation().messages[1].id;
    let user_id = state.active_conversation().messages[0].id;
    let effects = update(&mut state, Msg::from(ChatIntent::Regenerate), T0 + 5);
    let Some(Effect::SaveMessage(new)) = effects.first() else {
        panic!("{effects:?}")
    };
    let conv = state.active_conversation();
    assert!(
        conv.message(old_id).is_some_and(|m| m.content == "7"),
        "the old reply is kept in the tree"
    );
    assert_eq!(
        conv.versions(1),
        Some(kimi_tui::state::Versions { n: 2, of: 2 }),
        "the new reply is the second version"
    );
    assert_ne!(new.id, old_id);
    assert_eq!(
        new.parent_id,
        Some(user_id),
        "both replies answer the same question"
    );
    let (stream, request) = start(&effects);
    assert_eq!(
        request.messages.last().map(|m| m.content.as_str()),
        Some("pick a number")
    );
    assert_eq!(request.messages.len(), 2);
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("42".into()), StreamEvent::Done],
        T0 + 6,
    );
    let conv = state.active_conversation();
    assert_eq!(conv.messages.len(), 2);
    assert_eq!(conv.messages[1].content, "42");
}

#[test]
fn a_regenerated_reply_replaces_the_old_one_on_screen_after_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let store = kimi_tui::io::store::Store::open(&dir.path().join("db.sqlite3")).expect("open");
    let mut state = app();
    let stream = send(&mut state, "pick", T0).expect("stream");
    let mut effects = Vec::new();
    effects.extend(update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Content("7".into()),
        }),
        T0,
    ));
    effects.extend(update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Done,
        }),
        T0,
    ));
    let regen = update(&mut state, Msg::from(ChatIntent::Regenerate), T0 + 1);
    let (stream, _) = start(&regen);
    let mut all = Vec::new();
    all.extend(effects);
    all.extend(regen);
    all.extend(update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Content("42".into()),
        }),
        T0 + 2,
    ));
    all.extend(update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Done,
        }),
        T0 + 3,
    ));
    let conv_id = state.conversations.active_id();
    // The user's prompt was saved at submit time; save it here too, then apply every save.
    store
        .save_conversation(&kimi_tui::state::saved::meta_of(
            state.active_conversation(),
        ))
        .expect("meta");
    let conv = state.active_conversation();
    store
        .save_message(&kimi_tui::state::saved::record_of(
            conv.id,
            &conv.messages[0],
        ))
        .expect("prompt");
    for effect in all {
        if let Effect::SaveMessage(record) = effect {
            store.save_message(&record).expect("save");
        }
    }
    let mut reopened = kimi_tui::state::Conversation::new(conv_id, String::new(), "m".into(), T0);
    kimi_tui::state::saved::fill(&mut reopened, store.load(conv_id).expect("load"), None);
    let shown: Vec<String> = reopened
        .messages
        .iter()
        .map(|m| m.content.clone())
        .collect();
    assert_eq!(shown, ["pick", "42"]);
    let kept: i64 = rusqlite::Connection::open(dir.path().join("db.sqlite3"))
        .and_then(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM messages WHERE content = '7'",
                [],
                |r| r.get(0),
            )
        })
        .expect("count");
    assert_eq!(kept, 1, "the old reply is still in the database");
}

#[test]
fn the_real_app_continues_an_interrupted_reply_and_stitches_it() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["The first half"]).cut());
    mock.push(Reply::text(&[" and the second half."]));
    let mut app = App::start(&mock.base_url(), &[]);
    app.wait_for("Type a message below");
    app.keys("write two halves");
    app.keys("\r");
    app.wait_for("interrupted");
    app.wait_for("Ctrl+G continues");
    app.keys("\x07"); // Ctrl+G
    app.wait_for("The first half and the second half.");
    let log = mock.wait_for_requests(2, support::pty::PATIENCE);
    let last = log[1].body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["role"], "assistant");
    assert_eq!(last["content"], "The first half");
    assert_eq!(last["partial"], true);
    app.keys("\x11");
    app.wait_exit();
}

/// A long reply is saved as it streams by what it gained, never copied whole each time:
/// whole the first time, then only its new end (`appended`); a fast one every 4 MB, not only
/// each second; and whole again when the store says it is out of step.
#[test]
fn a_long_streaming_reply_is_saved_by_what_it_gained() {
    use kimi_tui::effect::Effect;
    use kimi_tui::io::store::records::MessageRecord;
    let saves = |effects: Vec<Effect>| -> Vec<MessageRecord> {
        effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::SaveMessage(r)
                    if r.role == kimi_tui::io::store::records::Role::Assistant =>
                {
                    Some(r)
                }
                _ => None,
            })
            .collect()
    };
    let mut state = support::app();
    let stream = support::send(&mut state, "write a lot", T0).expect("stream");
    let mb = |n: usize| "长城 is long.\n".repeat(n * 1024 * 1024 / 17);
    let first = mb(2);
    update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Content(first.clone()),
        }),
        T0 + 100,
    );
    let whole = saves(update(&mut state, Msg::Tick, T0 + 1_100));
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].appended, None);
    assert_eq!(whole[0].content, first);
    // 5 MB more within the second: saved at once, only the new end.
    let more = mb(5);
    update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Content(more.clone()),
        }),
        T0 + 1_150,
    );
    let gained = saves(update(&mut state, Msg::Tick, T0 + 1_200));
    assert_eq!(gained.len(), 1);
    assert_eq!(gained[0].appended, Some((first.len(), 0)));
    assert_eq!(gained[0].content, more);
    // A little more and the end: the last save is the rest, finished.
    update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Content("THE END".into()),
        }),
        T0 + 1_300,
    );
    let done = saves(update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Done,
        }),
        T0 + 1_300,
    ));
    let last = done.last().expect("saved at the end");
    assert_eq!(last.appended, Some((first.len() + more.len(), 0)));
    assert_eq!(last.content, "THE END");
    assert_eq!(
        last.status,
        kimi_tui::io::store::records::MessageStatus::Complete
    );
    // Out of step in the store: saved whole.
    let conversation = state.conversations.active_id();
    let reply = state.active_conversation().messages[1].id;
    let again = saves(update(
        &mut state,
        Msg::from(kimi_tui::io::store_worker::StoreReport::SaveDiverged {
            id: conversation,
            message: reply,
        }),
        T0 + 2_000,
    ));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].appended, None);
    assert_eq!(
        again[0].content.len(),
        first.len() + more.len() + "THE END".len()
    );
}
