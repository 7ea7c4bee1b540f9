//! Kimi's web search: `/web on`, the `$web_search` tool loop (calls echoed back until a
//! normal reply), a tool the client never offered, Esc in the middle; and the `/` commands.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::api::StreamEvent;
use kimi_tui::effect::Effect;
use kimi_tui::io::store::records::MessageStatus;
use kimi_tui::msg::{ChatIntent, ComposerIntent, Msg, Report};
use kimi_tui::update::update;
use support::mock_kimi::{MockKimi, Reply};
use support::{T0, app, send};

#[test]
fn tool_call_pieces_in_a_stream_are_read_as_they_come() {
    let first = r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"builtin_function","function":{"name":"$web_search","arguments":""}}]}}]}"#;
    let more = r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"query\":"}}]}}]}"#;
    assert_eq!(
        kimi_tui::io::sse::map_data(first),
        [StreamEvent::ToolCall {
            index: 0,
            id: Some("call_1".into()),
            name: Some("$web_search".into()),
            arguments: String::new(),
        }]
    );
    assert_eq!(
        kimi_tui::io::sse::map_data(more),
        [StreamEvent::ToolCall {
            index: 0,
            id: None,
            name: None,
            arguments: "{\"query\":".into(),
        }]
    );
}

/// Two searches, then the answer; the arguments arrive in pieces.
#[test]
fn web_search_runs_its_rounds_and_the_transcript_shows_each_search() {
    let mock = MockKimi::start();
    mock.push(Reply::tool_call(
        "call_1",
        "$web_search",
        &[
            r#"{"query": "rust 2026", "#,
            r#""usage": {"total_tokens": 1240}}"#,
        ],
    ));
    mock.push(Reply::tool_call(
        "call_2",
        "$web_search",
        &[r#"{"query": "rust release", "usage": {"total_tokens": 860}}"#],
    ));
    mock.push(Reply::text(&["Rust 1.95 is out."]));
    let dir = tempfile::tempdir().expect("dir");
    let app = support::app::App::start(&mock, dir.path());
    app.type_text("/we");
    app.press("Tab");
    app.wait_for("/web");
    app.type_text("on");
    app.press("Enter");
    app.wait_for("Web search on");
    app.wait_for("· web");
    app.paste("what is new in rust?");
    app.press("Enter");
    let screen = app.wait_for("Rust 1.95 is out.");
    assert!(
        screen.contains("searched the web · 1,240 tokens of results"),
        "{screen}"
    );
    assert!(
        screen.contains("searched the web · 860 tokens of results"),
        "{screen}"
    );
    let sent = mock.requests();
    assert_eq!(sent.len(), 3, "the question, then one request per search");
    for request in &sent {
        assert_eq!(
            request.body["tools"][0]["function"]["name"], "$web_search",
            "the tools are sent every time"
        );
    }
    let second = sent[1].body["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let n = second.len();
    assert_eq!(second[n - 2]["role"], "assistant");
    assert_eq!(second[n - 2]["tool_calls"][0]["id"], "call_1");
    assert_eq!(second[n - 2]["tool_calls"][0]["type"], "builtin_function");
    assert!(second[n - 2].get("content").is_none(), "no empty text");
    assert_eq!(second[n - 1]["role"], "tool");
    assert_eq!(second[n - 1]["tool_call_id"], "call_1");
    assert_eq!(second[n - 1]["name"], "$web_search");
    assert_eq!(
        second[n - 1]["content"],
        r#"{"query": "rust 2026", "usage": {"total_tokens": 1240}}"#,
        "the arguments are echoed back unchanged"
    );
    let third = sent[2].body["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(third.len(), n + 2, "both rounds");
    // Off again: no tools.
    app.type_text("/web off");
    app.press("Enter");
    app.wait_gone("· web");
    app.paste("and without searching?");
    app.press("Enter");
    app.wait_for("Echo #");
    let last = mock.requests().last().cloned().expect("a request");
    assert!(last.body.get("tools").is_none());
    // Later turns send the searching reply whole, its rounds included.
    let messages = last.body["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(messages.iter().any(|m| m["role"] == "tool"), "{messages:?}");
    app.close();
    // The searches are saved with the reply.
    let app = support::app::App::start(&mock, dir.path());
    app.wait_for("searched the web · 1,240 tokens of results");
    app.close();
    let saved = kimi_tui::io::store::Store::open(&kimi_tui::config::database_path(dir.path()))
        .expect("the database");
    let id = saved.list().expect("list")[0].id;
    let records = saved.load(id).expect("load");
    assert!(records.iter().any(|r| r.tool_rounds.contains("call_2")));
}

#[test]
fn a_tool_that_was_never_offered_ends_the_turn_plainly_and_esc_stops_between_searches() {
    let mut state = app();
    state.active_conversation_mut().web_search = true;
    let stream = send(&mut state, "do something", T0).expect("stream");
    let call = |name: &str| StreamEvent::ToolCall {
        index: 0,
        id: Some("c1".into()),
        name: Some(name.into()),
        arguments: "{}".into(),
    };
    for event in [
        call("run_shell"),
        StreamEvent::Finish("tool_calls".into()),
        StreamEvent::Done,
    ] {
        update(&mut state, Msg::from(Report::Stream { stream, event }), T0);
    }
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.status, MessageStatus::Failed);
    assert!(
        reply
            .error
            .as_deref()
            .is_some_and(|e| e.contains("run_shell")),
        "{:?}",
        reply.error
    );
    assert!(!state.active_conversation().phase.is_live(), "never a hang");

    let stream = send(&mut state, "search please", T0).expect("stream");
    let mut effects = Vec::new();
    for event in [
        call("$web_search"),
        StreamEvent::Finish("tool_calls".into()),
        StreamEvent::Done,
    ] {
        effects = update(&mut state, Msg::from(Report::Stream { stream, event }), T0);
    }
    let next = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { stream, .. } => Some(*stream),
            _ => None,
        })
        .expect("the search round goes on");
    assert_ne!(next, stream);
    let effects = update(&mut state, Msg::from(ChatIntent::Stop), T0);
    assert!(effects.contains(&Effect::CancelStream(next)));
    let reply = state.active_conversation().messages.last().expect("reply");
    assert_eq!(reply.status, MessageStatus::Stopped);
}

#[test]
fn slash_commands_run_and_other_slashes_are_text() {
    let mut state = app();
    let type_and_send = |state: &mut kimi_tui::AppState, text: &str| {
        update(state, Msg::from(ComposerIntent::Paste(text.into())), T0);
        update(state, Msg::from(ChatIntent::Submit), T0)
    };
    let effects = type_and_send(&mut state, "/web on");
    assert!(state.active_conversation().web_search);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::StartStream { .. }))
    );
    assert_eq!(state.input_text(), "");
    // A doubled slash sends one.
    let effects = type_and_send(&mut state, "//etc/hosts is a file");
    let Some(Effect::StartStream { request, .. }) = effects
        .iter()
        .find(|e| matches!(e, Effect::StartStream { .. }))
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        request.messages.last().map(|m| m.content.as_str()),
        Some("/etc/hosts is a file")
    );
    support::end_streams(&mut state);
    // An unknown command is sent as written, and said.
    let effects = type_and_send(&mut state, "/shrug why");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::StartStream { .. }))
    );
    assert!(
        state
            .flash
            .as_deref()
            .is_some_and(|f| f.contains("/shrug is not a command"))
    );
    support::end_streams(&mut state);
    // A path is just text.
    let effects = type_and_send(&mut state, "/usr/bin is where it is");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::StartStream { .. }))
    );
    assert!(state.flash.is_none(), "{:?}", state.flash);
    assert_eq!(
        kimi_tui::update::complete_command("/m").as_deref(),
        Some("/model ")
    );
    assert_eq!(kimi_tui::update::complete_command("hello"), None);
}
