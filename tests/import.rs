//! Moving history: `--export-all` and `--import` (kimi-tui's own formats and ChatGPT's
//! `conversations.json`): round trips, importing twice, conflicts, malformed files.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

use std::process::Command;

use kimi_tui::ids::ConversationId;
use kimi_tui::io::store::Store;
use kimi_tui::io::store::records::{ConversationMeta, MessageRecord, MessageStatus, Role};
use kimi_tui::state::Conversation;

const T0: u64 = 1_700_000_000_000;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kimi-tui"))
        .env_clear()
        .env("HOME", "/nonexistent")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn db(dir: &std::path::Path) -> std::path::PathBuf {
    kimi_tui::config::database_path(dir)
}

fn record(
    id: u64,
    parent: Option<u64>,
    seq: u32,
    role: Role,
    text: &str,
    chosen: u64,
) -> MessageRecord {
    MessageRecord {
        id,
        conversation_id: ConversationId(1),
        parent_id: parent,
        seq,
        role,
        content: text.into(),
        reasoning: if role == Role::Assistant {
            "thought".into()
        } else {
            String::new()
        },
        status: MessageStatus::Complete,
        error: None,
        finish_reason: Some("stop")
            .filter(|_| role == Role::Assistant)
            .map(String::from),
        model: Some("kimi-k2.6".into()).filter(|_| role == Role::Assistant),
        usage: None,
        created_at: T0 + id,
        updated_at: T0 + id,
        reasoning_started_at: None,
        reasoning_ended_at: None,
        chosen_at: chosen,
        uid: uuid::Uuid::from_u64_pair(7, id),
        siblings: 0,
        tool_rounds: String::new(),
        documents: String::new(),
        images: Vec::new(),
        appended: None,
    }
}

/// A database with one conversation that has two versions of its reply.
fn tree_db(dir: &std::path::Path) {
    let store = Store::open(&db(dir)).expect("open");
    store
        .save_conversation(&ConversationMeta {
            id: ConversationId(1),
            title: "两个版本".into(),
            model: "kimi-k2.6".into(),
            system_prompt: Some("Be brief.".into()),
            created_at: T0,
            updated_at: T0 + 10,
            thinking: None,
            effort: None,
            draft: String::new(),
            web_search: false,
        })
        .expect("conversation");
    store
        .save_message(&record(10, None, 0, Role::User, "pick", T0))
        .expect("q");
    store
        .save_message(&record(11, Some(10), 1, Role::Assistant, "7", T0 + 1))
        .expect("a");
    let mut second = record(12, Some(10), 1, Role::Assistant, "42", T0 + 5);
    second.siblings = 1;
    store.save_message(&second).expect("a'");
}

fn shown(store: &Store, id: ConversationId) -> Vec<String> {
    let mut conv = Conversation::new(id, String::new(), "m".into(), 0);
    kimi_tui::state::saved::fill(&mut conv, store.load(id).expect("load"), None);
    conv.messages.iter().map(|m| m.content.clone()).collect()
}

#[test]
fn export_all_then_import_elsewhere_keeps_every_branch_and_twice_adds_nothing() {
    let here = tempfile::tempdir().expect("here");
    let there = tempfile::tempdir().expect("there");
    tree_db(here.path());
    let file = here.path().join("all.json");
    let (code, out, err) = run(&[
        "--data-dir",
        here.path().to_str().expect("utf-8"),
        "--export-all",
        file.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Wrote 1 conversation"), "{out}");
    // It will not write over a file.
    let (code, _, err) = run(&[
        "--data-dir",
        here.path().to_str().expect("utf-8"),
        "--export-all",
        file.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("exists"), "{err}");

    let there_dir = there.path().to_str().expect("utf-8");
    let (code, out, err) = run(&[
        "--data-dir",
        there_dir,
        "--import",
        file.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("1 new conversation(s)") && out.contains("3 message(s) added"),
        "{out}"
    );
    let (code, out, _) = run(&[
        "--data-dir",
        there_dir,
        "--import",
        file.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(0));
    assert!(out.contains("0 message(s) added, 3 already here"), "{out}");

    let store = Store::open(&db(there.path())).expect("open");
    let listed = store.list().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, "两个版本");
    assert_eq!(
        store
            .system_prompt(listed[0].id)
            .expect("prompt")
            .as_deref(),
        Some("Be brief.")
    );
    assert_eq!(
        shown(&store, listed[0].id),
        ["pick", "42"],
        "the branch chosen last"
    );
    let records = store.load(listed[0].id).expect("load");
    assert_eq!(records.len(), 3, "the other version came too");
    let uids: Vec<uuid::Uuid> = records.iter().map(|r| r.uid).collect();
    assert!(
        uids.contains(&uuid::Uuid::from_u64_pair(7, 11)),
        "ids are kept"
    );
    let old = records.iter().find(|r| r.content == "7").expect("7");
    assert_eq!(old.reasoning, "thought");
    assert_eq!(old.model.as_deref(), Some("kimi-k2.6"));
}

#[test]
fn a_message_with_a_known_id_and_other_text_is_a_conflict_and_the_one_here_is_kept() {
    let here = tempfile::tempdir().expect("here");
    tree_db(here.path());
    let mut store = Store::open(&db(here.path())).expect("open");
    let mut conv = Conversation::new(ConversationId(1), String::new(), "m".into(), 0);
    kimi_tui::state::saved::fill(
        &mut conv,
        store.load(ConversationId(1)).expect("load"),
        None,
    );
    let mut json = kimi_tui::export::to_json(&conv, "kimi-k2.6");
    json = json.replace("\"42\"", "\"forty-two\"");
    let parsed = kimi_tui::import::parse(&json).expect("parses");
    let mut next = 1_000;
    let report = store
        .import(
            &parsed,
            || {
                next += 1;
                next
            },
            T0,
        )
        .expect("import");
    assert_eq!(report.messages_added, 0);
    assert_eq!(report.messages_present, 2);
    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    assert!(report.conflicts[0].contains("differs"));
    assert_eq!(shown(&store, ConversationId(1)), ["pick", "42"]);
}

#[test]
fn chatgpts_export_comes_in_as_a_tree_on_the_branch_last_shown() {
    let text = include_str!("fixtures/chatgpt-conversations.json");
    let parsed = kimi_tui::import::parse(text).expect("parses");
    assert_eq!(parsed.len(), 1);
    let conv = &parsed[0];
    assert_eq!(conv.title, "Rust lifetimes");
    assert_eq!(conv.created_at, 1_700_000_000_500);
    assert_eq!(conv.messages.len(), 4, "the system node is left out");
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&db(dir.path())).expect("open");
    let mut next = 100;
    let report = store
        .import(
            &parsed,
            || {
                next += 1;
                next
            },
            T0 * 2,
        )
        .expect("import");
    assert_eq!(report.messages_added, 4);
    let id = store.list().expect("list")[0].id;
    assert_eq!(
        shown(&store, id),
        [
            "What is a lifetime in Rust, briefly?",
            "How long a borrow lasts.\nThe compiler checks it."
        ]
    );
    // Both questions are versions of the first message.
    let records = store.load(id).expect("load");
    assert_eq!(records.iter().filter(|r| r.parent_id.is_none()).count(), 2);
    assert!(records.iter().any(|r| r.model.as_deref() == Some("gpt-4o")));
    // Twice: nothing more.
    let again = store
        .import(
            &parsed,
            || {
                next += 1;
                next
            },
            T0 * 2,
        )
        .expect("import");
    assert_eq!((again.messages_added, again.messages_present), (0, 4));
}

#[test]
fn malformed_files_are_refused_with_where_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().to_str().expect("utf-8");
    let bad = dir.path().join("bad.json");
    for (text, says) in [
        (
            "{\"format\": \"kimi-tui-export\", \"conversations\": [\n  {\"messages\": [{\"role\": \"user\"}]}\n]}",
            "content",
        ),
        ("[{\"title\": \"x\"}]", "mapping"),
        (
            "{\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}",
            "robot",
        ),
        (
            "{\"messages\": [\n{\"role\": \"user\",\n \"content\": \"hi\",,}]}",
            "line 3",
        ),
        (
            "{\"messages\": [{\"id\": \"01a21ec7-61b0-7cb0-91e9-b4a5fa3eb1a3\", \"parent\": \"01a21ec7-61b0-717d-b319-a3759d705420\", \"role\": \"user\", \"content\": \"hi\"}]}",
            "not in the file",
        ),
    ] {
        std::fs::write(&bad, text).expect("write");
        let (code, _, err) = run(&["--data-dir", data, "--import", bad.to_str().expect("utf-8")]);
        assert_eq!(code, Some(2), "{text}: {err}");
        assert!(
            err.contains("nothing was written") && err.contains(says),
            "{says}: {err}"
        );
    }
    let store = Store::open(&db(dir.path())).expect("open");
    assert!(store.list().expect("list").is_empty());
}

#[test]
fn an_export_of_the_release_before_ids_imports_once() {
    let text = r#"{"title": "old", "model": "kimi-k2.6", "system_prompt": "", "created_at_ms": 5,
        "updated_at_ms": 6, "messages": [
        {"role": "user", "content": "q", "status": "complete", "created_at_ms": 5},
        {"role": "assistant", "content": "a", "status": "stopped", "created_at_ms": 6}]}"#;
    let parsed = kimi_tui::import::parse(text).expect("parses");
    assert_eq!(
        parsed[0].messages[1].parent,
        Some(parsed[0].messages[0].uid)
    );
    assert_eq!(parsed[0].messages[1].status, MessageStatus::Stopped);
    let again = kimi_tui::import::parse(text).expect("parses");
    assert_eq!(parsed, again, "the same file, the same ids");
}
