//! Reducer flows for managing saved conversations: open, rename, delete, search, export, and
//! switching while a reply streams.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::api::StreamEvent;
use kimi_tui::effect::Effect;
use kimi_tui::ids::ConversationId;
use kimi_tui::io::files::ExportReport;
use kimi_tui::io::store::records::{MessageRecord, SearchHit, Summary};
use kimi_tui::io::store::records::{MessageStatus, Role};
use kimi_tui::io::store_worker::StoreReport;
use kimi_tui::msg::{
    ChatIntent, ComposerIntent, FieldEdit, FieldIntent, Focus, Msg, NavIntent, Report,
    SidebarIntent, Step, TranscriptIntent,
};
use kimi_tui::state::saved::conversation_from;
use kimi_tui::state::{Dialog, Scroll, SidebarMode};
use kimi_tui::update::update;
use support::{T0, app, feed, send};

fn typed(state: &mut kimi_tui::AppState, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects = update(
            state,
            Msg::from(FieldIntent::Edit(FieldEdit::Insert(c))),
            T0,
        );
    }
    effects
}

fn saved(id: u64, title: &str) -> kimi_tui::state::Conversation {
    conversation_from(Summary {
        id: ConversationId(id),
        title: title.into(),
        model: "kimi-k2.6".into(),
        created_at: T0,
        updated_at: T0 - id,
        thinking: None,
        effort: None,
        draft: String::new(),
        web_search: false,
    })
}

/// A message that follows message `id - 1` (unless it is the first).
fn record(id: u64, conv: u64, seq: u32, role: Role, content: &str) -> MessageRecord {
    MessageRecord {
        id,
        conversation_id: ConversationId(conv),
        parent_id: (seq > 0).then(|| id - 1),
        seq,
        role,
        content: content.into(),
        reasoning: String::new(),
        status: MessageStatus::Complete,
        error: None,
        finish_reason: None,
        model: None,
        usage: None,
        created_at: T0,
        updated_at: T0,
        reasoning_started_at: None,
        reasoning_ended_at: None,
        chosen_at: T0,
        uid: uuid::Uuid::from_u64_pair(conv, id),
        siblings: 0,
        tool_rounds: String::new(),
        documents: String::new(),
        images: Vec::new(),
        appended: None,
    }
}

#[test]
fn opening_a_saved_conversation_reads_its_messages_once() {
    let mut state = app();
    state.restore(vec![saved(1, "first"), saved(2, "second")], None);
    select_last_in_sidebar(&mut state);
    let effects = update(&mut state, Msg::from(SidebarIntent::Open), T0);
    assert_eq!(effects, [Effect::LoadConversation(ConversationId(2))]);
    assert!(!state.active_conversation().loaded);
    update(
        &mut state,
        Msg::from(StoreReport::Loaded {
            id: ConversationId(2),
            messages: vec![
                record(20, 2, 0, Role::User, "hello"),
                record(21, 2, 1, Role::Assistant, "hi"),
            ],
            system_prompt: Some("Saved prompt".into()),
        }),
        T0,
    );
    let conv = state.active_conversation();
    assert!(conv.loaded);
    assert_eq!(conv.messages.len(), 2);
    assert_eq!(conv.system_prompt, "Saved prompt");
    // Opening it again reads nothing.
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    assert!(update(&mut state, Msg::from(SidebarIntent::Open), T0).is_empty());
    // Its next request carries its own system prompt and history.
    let effects = update(
        &mut state,
        Msg::from(ComposerIntent::Paste("more".into())),
        T0,
    );
    assert!(effects.is_empty());
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let Some(Effect::StartStream { request, .. }) = effects.last() else {
        panic!("{effects:?}")
    };
    assert_eq!(request.messages[0].content, "Saved prompt");
    assert_eq!(request.messages.len(), 4);
}

#[test]
fn rename_edits_the_title_inline_and_saves_it() {
    let mut state = app();
    send(&mut state, "original title", T0).expect("stream");
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    update(&mut state, Msg::from(SidebarIntent::StartRename), T0);
    assert!(
        matches!(&state.sidebar_mode, SidebarMode::Rename { text, .. } if text == "original title")
    );
    update(
        &mut state,
        Msg::from(FieldIntent::Edit(FieldEdit::Clear)),
        T0,
    );
    typed(&mut state, "新的名字");
    let effects = update(&mut state, Msg::from(FieldIntent::Submit), T0);
    assert_eq!(state.active_conversation().title, "新的名字");
    assert!(
        matches!(effects.as_slice(), [Effect::SaveConversation(meta)] if meta.title == "新的名字")
    );
    assert_eq!(state.sidebar_mode, SidebarMode::List);
}

#[test]
fn rename_cancelled_or_emptied_keeps_the_old_title() {
    let mut state = app();
    send(&mut state, "keep me", T0).expect("stream");
    update(&mut state, Msg::from(SidebarIntent::StartRename), T0);
    update(
        &mut state,
        Msg::from(FieldIntent::Edit(FieldEdit::Clear)),
        T0,
    );
    assert!(update(&mut state, Msg::from(FieldIntent::Submit), T0).is_empty());
    assert_eq!(state.active_conversation().title, "keep me");
    update(&mut state, Msg::from(SidebarIntent::StartRename), T0);
    typed(&mut state, " more");
    update(&mut state, Msg::from(FieldIntent::Cancel), T0);
    assert_eq!(state.active_conversation().title, "keep me");
}

#[test]
fn delete_asks_first_and_no_keeps_the_conversation() {
    let mut state = app();
    let first = state.conversations.active_id();
    send(&mut state, "one", T0).expect("stream");
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    update(&mut state, Msg::from(SidebarIntent::StartDelete), T0);
    assert_eq!(state.sidebar_mode, SidebarMode::ConfirmDelete { id: first });
    assert!(
        update(
            &mut state,
            Msg::from(SidebarIntent::ConfirmDelete(false)),
            T0
        )
        .is_empty()
    );
    assert!(state.conversations.contains(first));
}

#[test]
fn deleting_the_open_conversation_stops_its_stream_and_opens_the_next() {
    let mut state = app();
    let doomed = state.conversations.active_id();
    let stream = send(&mut state, "streaming", T0).expect("stream");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    send(&mut state, "other", T0).expect("stream");
    let other = state.conversations.active_id();
    open_last_in_sidebar(&mut state);
    assert_eq!(state.conversations.active_id(), doomed);
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Sidebar)),
        T0,
    );
    update(&mut state, Msg::from(SidebarIntent::StartDelete), T0);
    let effects = update(
        &mut state,
        Msg::from(SidebarIntent::ConfirmDelete(true)),
        T0,
    );
    assert_eq!(
        effects,
        [
            Effect::CancelStream(stream),
            Effect::DeleteConversation(doomed)
        ]
    );
    assert!(!state.conversations.contains(doomed));
    assert_eq!(state.conversations.active_id(), other);
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("late".into())],
        T0,
    );
    assert!(
        state
            .conversations
            .iter()
            .all(|c| c.messages.iter().all(|m| m.content != "late"))
    );
}

#[test]
fn deleting_the_last_conversation_leaves_a_fresh_one() {
    let mut state = app();
    send(&mut state, "only", T0).expect("stream");
    let only = state.conversations.active_id();
    update(&mut state, Msg::from(SidebarIntent::StartDelete), T0);
    update(
        &mut state,
        Msg::from(SidebarIntent::ConfirmDelete(true)),
        T0,
    );
    assert_ne!(state.conversations.active_id(), only);
    assert_eq!(state.conversations.len(), 1);
    assert!(state.active_conversation().messages.is_empty());
}

#[test]
fn search_sends_each_query_and_keeps_only_the_newest_results() {
    let mut state = app();
    update(&mut state, Msg::from(SidebarIntent::StartSearch), T0);
    assert_eq!(state.focus, Focus::Sidebar);
    let first = typed(&mut state, "ru");
    let Some(Effect::Search {
        request: old,
        query,
    }) = first.first()
    else {
        panic!("{first:?}")
    };
    assert_eq!(query, "ru");
    let newest = typed(&mut state, "s");
    let Some(Effect::Search {
        request: new,
        query,
    }) = newest.first()
    else {
        panic!("{newest:?}")
    };
    assert_eq!(query, "rus");
    let hit = |title: &str| SearchHit {
        conversation_id: ConversationId(9),
        title: title.into(),
        message: Some(3),
        snippet: "about rust".into(),
    };
    update(
        &mut state,
        Msg::from(StoreReport::SearchResults {
            request: *new,
            hits: vec![hit("new")],
        }),
        T0,
    );
    update(
        &mut state,
        Msg::from(StoreReport::SearchResults {
            request: *old,
            hits: vec![hit("stale")],
        }),
        T0,
    );
    let SidebarMode::Search { hits, .. } = &state.sidebar_mode else {
        panic!("still searching")
    };
    assert_eq!(
        hits[0].title, "new",
        "a slower, older answer never replaces a newer one"
    );
}

#[test]
fn enter_on_a_search_hit_opens_the_conversation_at_the_match() {
    let mut state = app();
    state.restore(vec![saved(5, "about penguins")], None);
    update(&mut state, Msg::from(SidebarIntent::StartSearch), T0);
    let effects = typed(&mut state, "peng");
    let Some(Effect::Search { request, .. }) = effects.first() else {
        panic!()
    };
    let hits = vec![SearchHit {
        conversation_id: ConversationId(5),
        title: "about penguins".into(),
        message: Some(107),
        snippet: "penguins live in the south".into(),
    }];
    update(
        &mut state,
        Msg::from(StoreReport::SearchResults {
            request: *request,
            hits,
        }),
        T0,
    );
    // Enter in the search field (the keymap sends the field's submit).
    let enter = crossterm::event::Event::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Enter,
    ));
    let msg = kimi_tui::keymap::to_msg(&state, &enter).expect("bound");
    assert_eq!(msg, Msg::from(FieldIntent::Submit));
    let effects = update(&mut state, msg, T0);
    assert_eq!(effects, [Effect::LoadConversation(ConversationId(5))]);
    assert_eq!(state.conversations.active_id(), ConversationId(5));
    // The messages arrive: the view opens at the message that matched.
    let messages = (0..10u32)
        .map(|seq| {
            let role = if seq % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            };
            record(
                100 + u64::from(seq),
                5,
                seq,
                role,
                "penguins live in the south",
            )
        })
        .collect();
    update(
        &mut state,
        Msg::from(StoreReport::Loaded {
            id: ConversationId(5),
            messages,
            system_prompt: None,
        }),
        T0,
    );
    assert_eq!(
        state.active_conversation().scroll,
        Scroll::Anchored { item: 7, row: 0 }
    );
    assert_eq!(state.sidebar_mode, SidebarMode::List);
    assert_eq!(state.focus, Focus::Input);
}

#[test]
fn a_search_hit_on_a_branch_not_shown_opens_that_branch() {
    let mut state = app();
    state.restore(vec![saved(5, "numbers")], None);
    update(&mut state, Msg::from(SidebarIntent::StartSearch), T0);
    let effects = typed(&mut state, "seven");
    let Some(Effect::Search { request, .. }) = effects.first() else {
        panic!()
    };
    // The question, a first reply (hidden: the second was chosen after it), the second.
    let question = record(100, 5, 0, Role::User, "pick a number");
    let mut first = record(101, 5, 1, Role::Assistant, "seven");
    first.chosen_at = T0;
    let mut second = record(102, 5, 1, Role::Assistant, "forty-two");
    second.parent_id = Some(100);
    second.chosen_at = T0 + 1;
    update(
        &mut state,
        Msg::from(StoreReport::SearchResults {
            request: *request,
            hits: vec![SearchHit {
                conversation_id: ConversationId(5),
                title: "numbers".into(),
                message: Some(101),
                snippet: "seven".into(),
            }],
        }),
        T0,
    );
    update(&mut state, Msg::from(FieldIntent::Submit), T0 + 5);
    let effects = update(
        &mut state,
        Msg::from(StoreReport::Loaded {
            id: ConversationId(5),
            messages: vec![question, first, second],
            system_prompt: None,
        }),
        T0 + 5,
    );
    let conv = state.active_conversation();
    let texts: Vec<&str> = conv.messages.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["pick a number", "seven"]);
    assert_eq!(conv.scroll, Scroll::Anchored { item: 1, row: 0 });
    assert_eq!(conv.focus, Some(1));
    // The branch chosen is saved, so a restart opens on it.
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveMessage(r) if r.id == 101 && r.chosen_at == T0 + 5)),
        "{effects:?}"
    );
}

#[test]
fn export_asks_for_a_path_and_asks_again_before_overwriting() {
    let mut state = app();
    let stream = send(&mut state, "Export me please", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("Sure.".into()), StreamEvent::Done],
        T0,
    );
    update(&mut state, Msg::from(FieldIntent::StartExport), T0);
    let Some(Dialog::ExportPath { text, id }) = state.dialog.clone() else {
        panic!("{:?}", state.dialog)
    };
    assert_eq!(text, "./kimi-export-me-please");
    let effects = update(&mut state, Msg::from(FieldIntent::Submit), T0);
    let [
        Effect::Export {
            stem,
            markdown,
            json,
            overwrite: false,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(stem, "./kimi-export-me-please");
    assert!(markdown.contains("## You\n\nExport me please"));
    assert!(json.contains("\"content\": \"Sure.\""));
    update(
        &mut state,
        Msg::from(ExportReport::Blocked {
            id,
            stem: stem.clone(),
            existing: vec![format!("{stem}.md")],
        }),
        T0,
    );
    assert!(matches!(
        state.dialog,
        Some(Dialog::ConfirmOverwrite { .. })
    ));
    let effects = update(
        &mut state,
        Msg::from(FieldIntent::ConfirmOverwrite(true)),
        T0,
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::Export {
            overwrite: true,
            ..
        }]
    ));
    update(
        &mut state,
        Msg::from(ExportReport::Done {
            paths: vec!["a.md".into(), "a.json".into()],
        }),
        T0,
    );
    assert_eq!(state.flash.as_deref(), Some("Exported to a.md and a.json"));
}

#[test]
fn export_of_an_empty_conversation_says_there_is_nothing() {
    let mut state = app();
    update(&mut state, Msg::from(FieldIntent::StartExport), T0);
    assert!(state.dialog.is_none());
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("Nothing to export")
    );
}

#[test]
fn a_save_failure_shows_and_clears_when_saving_works_again() {
    let mut state = app();
    update(
        &mut state,
        Msg::from(StoreReport::Status(Some("disk full".into()))),
        T0,
    );
    assert_eq!(state.store_error.as_deref(), Some("disk full"));
    update(&mut state, Msg::from(StoreReport::Status(None)), T0);
    assert_eq!(state.store_error, None);
}

#[test]
fn a_load_failure_is_said_in_the_conversation() {
    let mut state = app();
    state.restore(vec![saved(3, "broken")], Some(ConversationId(3)));
    update(
        &mut state,
        Msg::from(StoreReport::LoadFailed {
            id: ConversationId(3),
            error: "database is locked".into(),
        }),
        T0,
    );
    let notice = state
        .conversations
        .get(ConversationId(3))
        .expect("conversation")
        .notice
        .clone()
        .unwrap_or_default();
    assert!(notice.contains("database is locked"), "{notice}");
}

#[test]
fn message_focus_moves_with_the_arrows_and_stays_in_bounds() {
    let mut state = app();
    let stream = send(&mut state, "q", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("a".into()), StreamEvent::Done],
        T0,
    );
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    assert_eq!(
        state.active_conversation().focus,
        Some(1),
        "entering outlines the last message"
    );
    update(
        &mut state,
        Msg::from(TranscriptIntent::FocusMessage(Step::Up)),
        T0,
    );
    update(
        &mut state,
        Msg::from(TranscriptIntent::FocusMessage(Step::Up)),
        T0,
    );
    assert_eq!(state.active_conversation().focus, Some(0));
    update(
        &mut state,
        Msg::from(TranscriptIntent::FocusMessage(Step::Last)),
        T0,
    );
    assert_eq!(state.active_conversation().focus, Some(1));
}

#[test]
fn copying_a_message_a_code_block_or_the_last_reply() {
    let mut state = app();
    let stream = send(&mut state, "code please", T0).expect("stream");
    let reply = "Two blocks:\n\n```sh\nls -la\n```\n\nand\n\n```python\nprint(1)\nprint(2)\n```\n";
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content(reply.into()), StreamEvent::Done],
        T0,
    );
    let copy = |effects: Vec<Effect>| match effects.as_slice() {
        [Effect::Copy { text, what }] => (text.clone(), what.clone()),
        other => panic!("{other:?}"),
    };
    let (text, what) = copy(update(
        &mut state,
        Msg::from(TranscriptIntent::CopyCodeBlock(2)),
        T0,
    ));
    assert_eq!(text, "print(1)\nprint(2)");
    assert_eq!(what, "code block 2 (2 lines)");
    let (text, _) = copy(update(
        &mut state,
        Msg::from(TranscriptIntent::CopyLastReply),
        T0,
    ));
    assert_eq!(text, reply);
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    update(
        &mut state,
        Msg::from(TranscriptIntent::FocusMessage(Step::Up)),
        T0,
    );
    let (text, what) = copy(update(
        &mut state,
        Msg::from(TranscriptIntent::CopyMessage),
        T0,
    ));
    assert_eq!(
        (text.as_str(), what.as_str()),
        ("code please", "your message")
    );
    assert!(
        update(
            &mut state,
            Msg::from(TranscriptIntent::CopyCodeBlock(3)),
            T0
        )
        .is_empty()
    );
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("no code block 3")
    );
    update(
        &mut state,
        Msg::from(Report::Copied {
            what: "the reply".into(),
            native: false,
        }),
        T0,
    );
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("OSC 52")
    );
}

#[test]
fn enter_folds_and_unfolds_the_focused_reasoning() {
    let mut state = app();
    let stream = send(&mut state, "q", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Reasoning("hmm".into()),
            StreamEvent::Content("a".into()),
            StreamEvent::Done,
        ],
        T0,
    );
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(Focus::Scrollback)),
        T0,
    );
    assert_eq!(
        state.active_conversation().messages[1].reasoning_folded,
        None
    );
    update(&mut state, Msg::from(TranscriptIntent::ToggleReasoning), T0);
    assert_eq!(
        state.active_conversation().messages[1].reasoning_folded,
        Some(false)
    );
    update(&mut state, Msg::from(TranscriptIntent::ToggleReasoning), T0);
    assert_eq!(
        state.active_conversation().messages[1].reasoning_folded,
        Some(true)
    );
}

#[test]
fn a_search_the_store_cannot_run_says_so_instead_of_showing_no_matches() {
    let mut state = app();
    update(&mut state, Msg::from(SidebarIntent::StartSearch), T0);
    let effects = typed(&mut state, "abc");
    let Some(Effect::Search { request, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    update(
        &mut state,
        Msg::from(StoreReport::SearchFailed {
            request: *request,
            error: "disk I/O error".into(),
        }),
        T0,
    );
    assert_eq!(
        state.flash.as_deref(),
        Some("Search failed: disk I/O error")
    );
}

#[test]
fn the_store_worker_reports_a_search_it_cannot_run() {
    let dir = tempfile::tempdir().expect("dir");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").expect("write");
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = kimi_tui::io::store_worker::spawn(blocker.join("db"), None, move |msg| {
        let _ = tx.send(msg);
    })
    .expect("worker");
    handle.send(kimi_tui::io::store_worker::StoreCmd::Search {
        request: 7,
        query: "x".into(),
    });
    let msg = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("an answer");
    assert!(
        matches!(msg, StoreReport::SearchFailed { request: 7, .. }),
        "{msg:?}"
    );
    handle.close(std::time::Duration::from_secs(1));
}

/// The start-up state of a restart with two saved conversations: the newest is open with its
/// messages read, the other is listed and not read yet.
fn restarted_with_two_saved() -> kimi_tui::AppState {
    let mut state = app();
    let mut newest = saved(1, "first");
    kimi_tui::state::saved::fill(
        &mut newest,
        vec![
            record(10, 1, 0, Role::User, "hello"),
            record(11, 1, 1, Role::Assistant, "hi"),
        ],
        Some("Saved prompt".into()),
    );
    state.restore(vec![newest, saved(2, "second")], Some(ConversationId(1)));
    state
}

/// Focuses the sidebar and highlights its last conversation.
fn select_last_in_sidebar(state: &mut kimi_tui::AppState) {
    update(state, Msg::from(NavIntent::SetFocus(Focus::Sidebar)), T0);
    update(state, Msg::from(SidebarIntent::Select(Step::Last)), T0);
}

/// Opens the sidebar's last conversation (one not read yet, after a restart).
fn open_last_in_sidebar(state: &mut kimi_tui::AppState) {
    select_last_in_sidebar(state);
    update(state, Msg::from(SidebarIntent::Open), T0);
}

#[test]
fn ctrl_n_after_a_restart_starts_a_new_conversation_and_leaves_saved_ones_alone() {
    let mut state = restarted_with_two_saved();
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    let new = state.conversations.active_id();
    assert!(
        new != ConversationId(1) && new != ConversationId(2),
        "a saved conversation is never reused as the new chat"
    );
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("a new question".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    // Everything saved belongs to the new conversation, at positions 0 and 1.
    let mut saved_messages = Vec::new();
    for effect in &effects {
        match effect {
            Effect::SaveConversation(meta) => {
                assert_eq!(meta.id, new);
                assert_eq!(
                    meta.system_prompt.as_deref(),
                    Some("Be brief."),
                    "the session's prompt"
                );
            }
            Effect::SaveMessage(record) => {
                assert_eq!(record.conversation_id, new);
                saved_messages.push(record.seq);
            }
            Effect::StartStream { request, .. } => {
                assert_eq!(request.messages[0].role, "system");
                assert_eq!(request.messages.len(), 2, "system prompt and the question");
            }
            _ => {}
        }
    }
    assert_eq!(saved_messages, [0, 1]);
    // Both saved conversations are as they were; all three are listed, the new one on top.
    assert_eq!(
        state.conversations.order(),
        [new, ConversationId(1), ConversationId(2)]
    );
    assert_eq!(
        state
            .conversations
            .get(ConversationId(1))
            .expect("conversation")
            .messages
            .len(),
        2
    );
    let second = &state
        .conversations
        .get(ConversationId(2))
        .expect("conversation");
    assert!(second.messages.is_empty() && !second.loaded);
    assert_eq!(state.active_conversation().messages.len(), 2);
}

#[test]
fn ctrl_n_twice_reuses_the_blank_chat_of_this_run() {
    let mut state = restarted_with_two_saved();
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    let first = state.conversations.active_id();
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    assert_eq!(state.conversations.active_id(), first);
    assert_eq!(state.conversations.len(), 3);
}

#[test]
fn a_message_typed_before_a_saved_conversation_is_read_stays_in_the_box() {
    let mut state = restarted_with_two_saved();
    open_last_in_sidebar(&mut state);
    assert_eq!(state.conversations.active_id(), ConversationId(2));
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("too quick".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(state.input_text(), "too quick");
    assert!(state.active_conversation().messages.is_empty());
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or("")
            .contains("still being read")
    );
}

#[test]
fn renaming_a_saved_conversation_that_was_not_opened_saves_the_title() {
    let mut state = restarted_with_two_saved();
    select_last_in_sidebar(&mut state);
    update(&mut state, Msg::from(SidebarIntent::StartRename), T0);
    update(
        &mut state,
        Msg::from(FieldIntent::Edit(FieldEdit::Clear)),
        T0,
    );
    typed(&mut state, "renamed");
    let effects = update(&mut state, Msg::from(FieldIntent::Submit), T0);
    assert!(
        matches!(&effects[..], [Effect::SaveConversation(meta)] if meta.id == ConversationId(2) && meta.title == "renamed"),
        "{effects:?}"
    );
    // Its prompt was not read yet, so the save must not write an empty one over it.
    let [Effect::SaveConversation(meta)] = &effects[..] else {
        unreachable!()
    };
    assert_eq!(meta.system_prompt, None);
}

#[test]
fn a_refused_save_is_said_in_its_conversation() {
    let mut state = restarted_with_two_saved();
    update(
        &mut state,
        Msg::from(StoreReport::SaveRefused {
            id: ConversationId(1),
            error: "a message was not saved: position 0 is taken".into(),
        }),
        T0,
    );
    let notice = state
        .conversations
        .get(ConversationId(1))
        .expect("conversation")
        .notice
        .clone();
    assert!(notice.unwrap_or_default().contains("not saved"));
}

#[test]
fn the_system_prompt_of_a_conversation_still_being_read_is_not_opened_for_editing() {
    let mut state = restarted_with_two_saved();
    open_last_in_sidebar(&mut state);
    update(&mut state, Msg::from(FieldIntent::EditSystemPrompt), T0);
    assert_eq!(state.dialog, None);
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or("")
            .contains("still being read")
    );
}

/// Shows search results for `query` with `hits` and draws them at `width` x 24.
fn draw_search(query: &str, hits: Vec<SearchHit>, width: u16) -> String {
    let mut state = app();
    update(&mut state, Msg::from(SidebarIntent::StartSearch), T0);
    let effects = typed(&mut state, query);
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::Search { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap_or(0);
    update(
        &mut state,
        Msg::from(StoreReport::SearchResults { request, hits }),
        T0,
    );
    let terminal = support::draw(&mut state, width, 24);
    let buffer = terminal.backend().buffer();
    buffer
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect()
}

#[test]
fn search_highlighting_survives_letters_that_change_length_when_lowercased() {
    // ẞ is 3 bytes and lowercases to 2; İ is 2 and lowercases to 3: the total length stays,
    // the character boundaries move.
    let hit = SearchHit {
        conversation_id: ConversationId(9),
        title: "ẞx İstanbul".into(),
        message: Some(0),
        snippet: "İİx ẞẞ x".into(),
    };
    for width in [120, 80, 64] {
        let screen = draw_search("x", vec![hit.clone()], width);
        assert!(screen.contains('x'), "{screen}");
    }
    assert_eq!(
        kimi_tui::text::plain::find_ignoring_case("ẞx İstanbul", "X"),
        vec![std::ops::Range { start: 3, end: 4 }]
    );
    assert_eq!(
        kimi_tui::text::plain::find_ignoring_case("ẞx İstanbul", "i̇s"),
        vec![std::ops::Range { start: 5, end: 8 }]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, .. proptest::prelude::ProptestConfig::default() })]

    #[test]
    fn any_text_and_query_find_whole_characters(text in "\\PC{0,40}", query in "\\PC{1,4}") {
        let found = kimi_tui::text::plain::find_ignoring_case(&text, &query);
        let mut last = 0;
        for range in found {
            proptest::prop_assert!(text.is_char_boundary(range.start));
            proptest::prop_assert!(text.is_char_boundary(range.end));
            proptest::prop_assert!(last <= range.start && range.start < range.end);
            last = range.end;
        }
    }

    #[test]
    fn any_search_result_draws(
        title in "\\PC{0,60}",
        snippet in "\\PC{0,80}",
        query in "[a-zA-Zİıẞß σΣ漢]{1,3}",
        width in 20u16..120,
    ) {
        let hit = SearchHit {
            conversation_id: ConversationId(9),
            title,
            message: Some(0),
            snippet,
        };
        draw_search(&query, vec![hit], width);
    }
}
