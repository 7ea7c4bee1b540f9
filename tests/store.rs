//! The SQLite store on temp databases: round trips, migrations, refusing files it must not
//! touch, two writers at once, a writer killed mid-write, and the worker's retries.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use kimi_tui::api::Usage;
use kimi_tui::ids::ConversationId;
use kimi_tui::io::store::records::{ConversationMeta, MessageRecord};
use kimi_tui::io::store::records::{MessageStatus, Role};
use kimi_tui::io::store::{SCHEMA_VERSION, Store, StoreError};
use kimi_tui::io::store_worker::StoreReport;
use kimi_tui::io::store_worker::{self, StoreCmd};
use kimi_tui::state::saved::message_from;

fn meta(id: u64, title: &str, updated: u64) -> ConversationMeta {
    ConversationMeta {
        id: ConversationId(id),
        title: title.into(),
        model: "kimi-k2.6".into(),
        system_prompt: Some("Be brief.".into()),
        created_at: 1,
        updated_at: updated,
        thinking: None,
        effort: None,
        draft: String::new(),
        web_search: false,
    }
}

fn message(id: u64, conv: u64, seq: u32, role: Role, content: &str) -> MessageRecord {
    MessageRecord {
        id,
        conversation_id: ConversationId(conv),
        parent_id: id.checked_sub(1).filter(|_| seq > 0),
        seq,
        role,
        content: content.into(),
        reasoning: String::new(),
        status: MessageStatus::Complete,
        error: None,
        finish_reason: None,
        model: None,
        usage: None,
        created_at: 10,
        updated_at: 10,
        reasoning_started_at: None,
        reasoning_ended_at: None,
        chosen_at: 10,
        uid: uuid::Uuid::from_u64_pair(conv, id),
        siblings: 0,
        tool_rounds: String::new(),
        documents: String::new(),
        images: Vec::new(),
        appended: None,
    }
}

/// The branch a reopened conversation shows.
fn shown(store: &Store, id: u64) -> Vec<String> {
    let mut conv =
        kimi_tui::state::Conversation::new(ConversationId(id), String::new(), "m".into(), 0);
    kimi_tui::state::saved::fill(
        &mut conv,
        store.load(ConversationId(id)).expect("load"),
        None,
    );
    conv.messages.iter().map(|m| m.content.clone()).collect()
}

fn db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("conversations.sqlite3")
}

#[test]
fn conversations_and_messages_round_trip_most_recent_first() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store
        .save_conversation(&meta(1, "older", 100))
        .expect("save");
    store
        .save_conversation(&meta(2, "newer", 200))
        .expect("save");
    let mut reply = message(11, 1, 1, Role::Assistant, "answer");
    reply.reasoning = "thinking".into();
    reply.usage = Some(Usage {
        prompt_tokens: 19,
        completion_tokens: 13,
        cached_tokens: Some(8),
    });
    reply.error = Some("none".into());
    store
        .save_message(&message(10, 1, 0, Role::User, "question"))
        .expect("save");
    store.save_message(&reply).expect("save");
    let titles: Vec<String> = store
        .list()
        .expect("list")
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(titles, ["newer", "older"]);
    let loaded = store.load(ConversationId(1)).expect("load");
    assert_eq!(loaded, [message(10, 1, 0, Role::User, "question"), reply]);
    assert_eq!(
        store
            .system_prompt(ConversationId(1))
            .expect("prompt")
            .as_deref(),
        Some("Be brief.")
    );
}

#[test]
fn saving_a_message_again_updates_it_in_place() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store.save_conversation(&meta(1, "t", 1)).expect("save");
    let mut m = message(5, 1, 0, Role::Assistant, "par");
    m.status = MessageStatus::Streaming;
    store.save_message(&m).expect("save");
    m.content = "partial reply".into();
    store.save_message(&m).expect("save again");
    let loaded = store.load(ConversationId(1)).expect("load");
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].content, "partial reply");
    assert_eq!(
        loaded[0].status,
        MessageStatus::Interrupted,
        "a reply never finished reads back as interrupted"
    );
    assert_eq!(
        message_from(loaded[0].clone()).status,
        MessageStatus::Interrupted
    );
}

#[test]
fn deleting_a_conversation_removes_its_messages_and_search_entries() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store
        .save_conversation(&meta(1, "doomed", 1))
        .expect("save");
    store
        .save_message(&message(1, 1, 0, Role::User, "a unique sentence"))
        .expect("save");
    assert_eq!(store.search("unique", 10).expect("search").len(), 1);
    store
        .delete_conversation(ConversationId(1))
        .expect("delete");
    assert!(store.list().expect("list").is_empty());
    assert!(store.load(ConversationId(1)).expect("load").is_empty());
    assert!(store.search("unique", 10).expect("search").is_empty());
}

#[test]
fn search_finds_titles_and_message_text_in_any_script() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store
        .save_conversation(&meta(1, "Rust lifetimes", 300))
        .expect("save");
    store
        .save_conversation(&meta(2, "旅行计划", 200))
        .expect("save");
    store
        .save_conversation(&meta(3, "other", 100))
        .expect("save");
    store
        .save_message(&message(1, 1, 0, Role::User, "explain borrowing"))
        .expect("save");
    store
        .save_message(&message(2, 2, 0, Role::User, "你好"))
        .expect("save");
    store
        .save_message(&message(3, 2, 1, Role::Assistant, "我们去北京看看长城吧"))
        .expect("save");
    store
        .save_message(&message(4, 3, 0, Role::User, "nothing to see"))
        .expect("save");

    let by_title = store.search("lifetimes", 10).expect("search");
    assert_eq!(by_title.len(), 1);
    assert_eq!(by_title[0].conversation_id, ConversationId(1));
    assert_eq!(by_title[0].message, None);

    let by_text = store.search("BORROW", 10).expect("search");
    assert_eq!(by_text.len(), 1, "case-insensitive");
    assert_eq!(by_text[0].message, Some(1));
    assert!(by_text[0].snippet.contains("borrowing"));

    let chinese = store.search("看看长城", 10).expect("search");
    assert_eq!(chinese.len(), 1);
    assert_eq!(chinese[0].conversation_id, ConversationId(2));
    assert_eq!(
        chinese[0].message,
        Some(3),
        "opens at the first matching message"
    );

    let short = store.search("北京", 10).expect("search");
    assert_eq!(short.len(), 1, "two-character queries fall back to a scan");

    assert!(
        store
            .search("\"quotes\" and % signs_", 10)
            .expect("odd input is fine")
            .is_empty()
    );
}

#[test]
fn a_version_one_database_is_migrated_and_its_messages_become_searchable() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    {
        let conn = Store::create_at_version(&path, 1).expect("v1");
        conn.execute_batch(
            "INSERT INTO conversations (id, title, model, system_prompt, created_at, updated_at)
                 VALUES (7, 'from v1', 'kimi-k2.6', '', 1, 1);
             INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at, updated_at)
                 VALUES (70, 7, 0, 'user', 'an old message about penguins', 'complete', 1, 1);",
        )
        .expect("v1 data");
    }
    let store = Store::open(&path).expect("migrate");
    let version: i64 = rusqlite::Connection::open(&path)
        .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
        .expect("version");
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(
        store.load(ConversationId(7)).expect("load")[0].content,
        "an old message about penguins"
    );
    assert_eq!(store.search("penguins", 10).expect("search").len(), 1);
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    {
        let conn = rusqlite::Connection::open(&path).expect("create");
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .expect("future");
    }
    let before = bytes(&path);
    let err = Store::open(&path).err().expect("must refuse");
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&path.display().to_string()));
    assert!(!err.is_retryable());
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_file_that_is_not_sqlite_is_named_and_never_overwritten() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let garbage = b"this is not a database, it is somebody's notes\n".repeat(200);
    std::fs::write(&path, &garbage).expect("write");
    let err = Store::open(&path).err().expect("must refuse");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains("conversations.sqlite3"), "{err}");
    assert_eq!(bytes(&path), garbage);
}

/// Makes a SQLite file with `setup` run on it, closed, and returns its bytes.
fn sqlite_file(path: &Path, setup: &str) -> Vec<u8> {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(setup).expect("setup");
    drop(conn);
    bytes(path)
}

fn assert_refused_untouched(path: &Path, before: &[u8]) {
    let err = Store::open(path).err().expect("must refuse");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()),
        "names the file: {text}"
    );
    assert!(text.contains("is not a kimi-tui database"), "{text}");
    assert!(!err.is_retryable());
    assert_eq!(bytes(path), before, "the file is byte for byte as it was");
}

#[test]
fn a_sqlite_file_of_another_program_is_refused_byte_identical() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let before = sqlite_file(
        &path,
        "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('mine');",
    );
    assert_refused_untouched(&path, &before);
    // One that marks itself as another program's, even with tables named like ours.
    let other = dir.path().join("other.sqlite3");
    let before = sqlite_file(
        &other,
        "PRAGMA application_id = 1234; CREATE TABLE conversations(id); CREATE TABLE messages(id);",
    );
    assert_refused_untouched(&other, &before);
}

#[test]
fn an_old_version_number_without_our_tables_is_refused_not_hidden() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let before = sqlite_file(&path, "PRAGMA user_version = 3;");
    assert_refused_untouched(&path, &before);
}

#[test]
fn a_schema_changed_by_hand_is_refused_with_the_file_name_and_rolled_back() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    drop(Store::create_at_version(&path, 2).expect("version 2"));
    // Someone replaced the messages table: migration 3 cannot add its column.
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete;
         DROP TRIGGER messages_fts_update; DROP TABLE messages;
         CREATE VIEW messages AS SELECT 1 AS id;",
    )
    .expect("tamper");
    drop(conn);
    let before = bytes(&path);
    assert_refused_untouched(&path, &before);
}

#[test]
fn a_new_database_is_marked_as_kimi_tuis_and_an_old_one_is_adopted() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    drop(Store::open(&path).expect("new"));
    let id = |path: &Path| -> i64 {
        rusqlite::Connection::open(path)
            .expect("open")
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .expect("id")
    };
    assert_eq!(id(&path), kimi_tui::io::store::APPLICATION_ID);
    let old = dir.path().join("old.sqlite3");
    drop(Store::create_at_version(&old, 4).expect("a kimi-tui 0.1 database"));
    assert_eq!(id(&old), 0);
    drop(Store::open(&old).expect("an older kimi-tui database opens"));
    assert_eq!(id(&old), kimi_tui::io::store::APPLICATION_ID);
}

#[test]
fn an_unwritable_location_is_a_retryable_error() {
    let dir = tempfile::tempdir().expect("dir");
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "x").expect("write");
    let err = Store::open(&blocker.join("sub").join("db.sqlite3"))
        .err()
        .expect("cannot create");
    assert!(err.is_retryable(), "{err:?}");
}

#[test]
fn two_writers_on_one_database_lose_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    Store::open(&path).expect("create");
    let writers: Vec<_> = (0..2u64)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = Store::open(&path).expect("open");
                let conv = 100 + w;
                store
                    .save_conversation(&meta(conv, "w", 1))
                    .expect("conversation");
                for i in 0..200u64 {
                    let id = conv * 1000 + i;
                    store
                        .save_message(&message(
                            id,
                            conv,
                            u32::try_from(i).expect("small"),
                            Role::User,
                            "x",
                        ))
                        .expect("message");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    let store = Store::open(&path).expect("open");
    assert_eq!(store.load(ConversationId(100)).expect("load").len(), 200);
    assert_eq!(store.load(ConversationId(101)).expect("load").len(), 200);
}

/// Not a test on its own: the child process that the crash test kills while it writes (run
/// only by that test, through `--ignored`).
#[test]
#[ignore = "run by a_writer_killed_mid_write_leaves_a_readable_database as its child"]
fn crash_child_writer() {
    let Ok(path) = std::env::var("KIMI_STORE_CRASH_CHILD") else {
        return;
    };
    // As the app's store worker does, a database busy at the very start is tried again.
    let mut tries = 0;
    let store = loop {
        match Store::open(Path::new(&path)) {
            Ok(store) => break store,
            Err(err) if err.is_retryable() && tries < 100 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(err) => panic!("open: {err}"),
        }
    };
    store
        .save_conversation(&meta(1, "crash", 1))
        .expect("conversation");
    let long = "streaming text ".repeat(500);
    for i in 0u64.. {
        let mut m = message(
            i + 1,
            1,
            u32::try_from(i).expect("small"),
            Role::Assistant,
            &long,
        );
        m.status = MessageStatus::Streaming;
        store.save_message(&m).expect("message");
    }
}

#[test]
fn a_writer_killed_mid_write_leaves_a_readable_database() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let mut child = std::process::Command::new(std::env::current_exe().expect("test exe"))
        .args([
            "--exact",
            "crash_child_writer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("KIMI_STORE_CRASH_CHILD", &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn writer");
    let start = Instant::now();
    let mut seen = 0;
    while start.elapsed() < Duration::from_secs(30) {
        // Read only: watching must not take the write lock from the writer (opening to
        // write marks replies left streaming, which these all look like).
        if let Ok(store) = Store::open_read_only(&path)
            && let Ok(messages) = store.load(ConversationId(1))
        {
            seen = messages.len();
            if seen >= 50 {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill -9 the writer");
    let _ = child.wait();
    assert!(seen >= 50, "the writer wrote {seen} messages");
    let store = Store::open(&path).expect("reopen after the crash");
    let messages = store.load(ConversationId(1)).expect("load");
    assert!(
        messages.len() >= seen,
        "committed messages survive: {} < {seen}",
        messages.len()
    );
    assert!(
        messages
            .iter()
            .all(|m| m.status == MessageStatus::Interrupted)
    );
    let check: String = rusqlite::Connection::open(&path)
        .and_then(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0)))
        .expect("integrity check");
    assert_eq!(check, "ok");
}

/// A store worker whose database cannot be made yet: a file stands where its directory
/// goes (`blocker`).
fn blocked_worker() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    store_worker::StoreHandle,
    std::sync::mpsc::Receiver<StoreReport>,
) {
    let dir = tempfile::tempdir().expect("dir");
    let blocker = dir.path().join("data");
    std::fs::write(&blocker, "not a directory yet").expect("write");
    let path = blocker.join("conversations.sqlite3");
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = store_worker::spawn(path.clone(), None, move |msg| {
        let _ = tx.send(msg);
    })
    .expect("worker");
    (dir, blocker, path, handle, rx)
}

/// The worker says saving fails; then the problem goes away (the user frees the directory)
/// and the next retry writes, which it says too.
fn fails_then_recovers(rx: &std::sync::mpsc::Receiver<StoreReport>, blocker: &Path) {
    let failing = rx.recv_timeout(Duration::from_secs(20)).expect("a report");
    assert!(
        matches!(failing, StoreReport::Status(Some(_))),
        "{failing:?}"
    );
    std::fs::remove_file(blocker).expect("unblock");
    let recovered = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("a second report");
    assert_eq!(recovered, StoreReport::Status(None));
}

#[test]
fn the_worker_keeps_failed_saves_and_writes_them_once_it_can() {
    let (_dir, blocker, path, handle, rx) = blocked_worker();
    handle.send(StoreCmd::SaveConversation(meta(1, "kept", 1)));
    handle.send(StoreCmd::SaveMessage(message(
        1,
        1,
        0,
        Role::User,
        "do not lose me",
    )));
    fails_then_recovers(&rx, &blocker);
    handle.close(Duration::from_secs(5));
    let store = Store::open(&path).expect("open");
    assert_eq!(
        store.load(ConversationId(1)).expect("load")[0].content,
        "do not lose me"
    );
}

#[test]
fn a_message_under_one_that_is_not_in_its_conversation_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store.save_conversation(&meta(1, "kept", 1)).expect("save");
    store.save_conversation(&meta(2, "other", 1)).expect("save");
    store
        .save_message(&message(10, 1, 0, Role::User, "the first question"))
        .expect("save");
    // Saving the same message again is an update, not a second message.
    store
        .save_message(&message(10, 1, 0, Role::User, "the first question, edited"))
        .expect("save again");
    // A second first message is a new version of the first (an edit): allowed when the
    // window knew of the first.
    let mut edit = message(20, 1, 0, Role::User, "the question, asked again");
    edit.siblings = 1;
    store.save_message(&edit).expect("a sibling");
    // A window that did not know of them (it missed another window's turn) is refused.
    let stale = message(21, 1, 0, Role::User, "from a stale window");
    assert!(matches!(
        store.save_message(&stale),
        Err(StoreError::ChangedElsewhere {
            id: ConversationId(1)
        })
    ));
    // A message under one that another window deleted, or under another conversation's.
    let mut orphan = message(30, 1, 1, Role::Assistant, "a reply to nothing");
    orphan.parent_id = Some(99);
    let err = store.save_message(&orphan).expect_err("refused");
    assert!(
        matches!(
            err,
            StoreError::ParentGone {
                id: ConversationId(1)
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    let mut stray = message(31, 2, 1, Role::Assistant, "in the wrong conversation");
    stray.parent_id = Some(10);
    assert!(matches!(
        store.save_message(&stray),
        Err(StoreError::ParentGone { .. })
    ));
    let messages = store.load(ConversationId(1)).expect("load");
    assert_eq!(messages.len(), 2);
}

#[test]
fn deleting_a_message_deletes_everything_under_it_and_nothing_else() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store.save_conversation(&meta(1, "tree", 1)).expect("save");
    store.save_conversation(&meta(2, "other", 1)).expect("save");
    for (id, parent, seq, text) in [
        (10, None, 0, "q"),
        (11, Some(10), 1, "a1"),
        (12, Some(10), 1, "a2"),
        (13, Some(12), 2, "q2"),
        (14, Some(13), 3, "a3"),
    ] {
        let mut m = message(id, 1, seq, Role::User, text);
        m.parent_id = parent;
        m.siblings = u32::from(id == 12);
        store.save_message(&m).expect("save");
    }
    store
        .save_message(&message(50, 2, 0, Role::User, "elsewhere"))
        .expect("save");
    store
        .delete_messages(ConversationId(1), 12)
        .expect("delete");
    let left: Vec<u64> = store
        .load(ConversationId(1))
        .expect("load")
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(left, [10, 11]);
    assert_eq!(
        store.search("a3", 10).expect("search").len(),
        0,
        "gone from search too"
    );
    // An id of another conversation deletes nothing.
    store
        .delete_messages(ConversationId(1), 50)
        .expect("delete");
    assert_eq!(store.load(ConversationId(2)).expect("load").len(), 1);
}

#[test]
fn the_tree_round_trips_and_the_branch_chosen_last_is_shown() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store.save_conversation(&meta(1, "tree", 1)).expect("save");
    // q, then two replies; the older one chosen later; under it a follow-up.
    for (id, parent, seq, text, chosen) in [
        (10, None, 0, "q", 1),
        (11, Some(10), 1, "first reply", 50),
        (12, Some(10), 1, "second reply", 20),
        (13, Some(11), 2, "follow-up", 51),
        (14, Some(12), 2, "other follow-up", 21),
    ] {
        let mut m = message(id, 1, seq, Role::User, text);
        m.parent_id = parent;
        m.chosen_at = chosen;
        m.siblings = u32::from(id == 12);
        store.save_message(&m).expect("save");
    }
    assert_eq!(shown(&store, 1), ["q", "first reply", "follow-up"]);
    let records = store.load(ConversationId(1)).expect("load");
    assert_eq!(records.len(), 5);
    let twelve = records.iter().find(|r| r.id == 12).expect("12");
    assert_eq!(
        twelve.uid,
        uuid::Uuid::from_u64_pair(1, 12),
        "uids round-trip"
    );
    assert_eq!(twelve.parent_id, Some(10));
    // Choosing the other reply (a later chosen_at) is what a restart shows.
    let mut chosen = message(12, 1, 1, Role::User, "second reply");
    chosen.parent_id = Some(10);
    chosen.chosen_at = 60;
    store.save_message(&chosen).expect("choose");
    assert_eq!(shown(&store, 1), ["q", "second reply", "other follow-up"]);
    // Search finds text on a branch that is not shown, and names its message.
    let hits = store.search("other follow", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].message, Some(14));
    let hits = store.search("first reply", 10).expect("search");
    assert_eq!(hits[0].message, Some(11));
}

/// `tests/fixtures/schema6.sqlite3` was written by kimi-tui as released before trees
/// (schema 6): two conversations, one with a regenerated reply kept as a hidden branch.
#[test]
fn a_database_of_the_release_before_trees_migrates_with_every_message_and_branch() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/schema6.sqlite3"
        ),
        &path,
    )
    .expect("copy the fixture");
    let store = Store::open(&path).expect("open migrates");
    let listed = store.list().expect("list");
    assert_eq!(listed.len(), 2);
    let paris = listed
        .iter()
        .find(|s| s.title.starts_with("What is the capital"))
        .expect("listed");
    let chinese = listed.iter().find(|s| s.title == "你好").expect("listed");
    assert_eq!(
        shown(&store, paris.id.0),
        [
            "What is the capital of France?",
            "Paris is the capital.",
            "How many people live there?",
            "Roughly 2.1 million live in Paris proper.",
        ],
        "the regenerated reply is still the one shown"
    );
    assert_eq!(
        shown(&store, chinese.id.0),
        ["你好", "你好！有什么可以帮你？"]
    );
    let records = store.load(paris.id).expect("load");
    assert_eq!(records.len(), 5, "the replaced reply is kept");
    let old = records
        .iter()
        .find(|r| r.content.starts_with("It has about"))
        .expect("the old reply");
    let new = records
        .iter()
        .find(|r| r.content.starts_with("Roughly"))
        .expect("the new reply");
    assert_eq!(
        old.parent_id, new.parent_id,
        "both answer the same question"
    );
    // Every message got its own uid, a UUIDv7 from when it was made.
    let mut uids: Vec<uuid::Uuid> = records.iter().map(|r| r.uid).collect();
    assert!(uids.iter().all(|u| u.get_version_num() == 7), "{uids:?}");
    uids.dedup();
    assert_eq!(uids.len(), 5);
    // Opening it again changes nothing.
    drop(store);
    let again = Store::open(&path).expect("reopen");
    assert_eq!(again.load(paris.id).expect("load"), records);
}

#[test]
fn the_worker_reports_a_refused_save_and_goes_on_with_the_next() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = store_worker::spawn(path.clone(), Some(store), move |msg| {
        let _ = tx.send(msg);
    })
    .expect("worker");
    handle.send(StoreCmd::SaveConversation(meta(1, "kept", 1)));
    handle.send(StoreCmd::SaveMessage(message(
        10,
        1,
        0,
        Role::User,
        "first",
    )));
    let mut orphan = message(20, 1, 1, Role::User, "under a deleted message");
    orphan.parent_id = Some(99);
    handle.send(StoreCmd::SaveMessage(orphan));
    // The reply to the refused message is dropped with it; another conversation is not held
    // up; the barrier before the request says the conversation's saves were not all written.
    handle.send(StoreCmd::SaveMessage(message(
        21,
        1,
        2,
        Role::Assistant,
        "reply to the orphan",
    )));
    handle.send(StoreCmd::SaveConversation(meta(2, "other", 1)));
    handle.send(StoreCmd::SaveMessage(message(
        30,
        2,
        0,
        Role::User,
        "elsewhere",
    )));
    let (barrier_tx, barrier_rx) = std::sync::mpsc::channel();
    handle.send(StoreCmd::Barrier {
        conversation: ConversationId(1),
        then: Box::new(move |written| {
            let _ = barrier_tx.send(written);
        }),
    });
    assert_eq!(barrier_rx.recv_timeout(Duration::from_secs(20)), Ok(false));
    // After the barrier the conversation's saves count again.
    handle.send(StoreCmd::SaveMessage(message(
        11,
        1,
        1,
        Role::Assistant,
        "reply",
    )));
    let report = rx.recv_timeout(Duration::from_secs(20)).expect("a report");
    match report {
        StoreReport::SaveRefused { id, error } => {
            assert_eq!(id, ConversationId(1));
            assert!(error.contains("deleted"), "{error}");
        }
        other => panic!("expected SaveRefused, got {other:?}"),
    }
    handle.close(Duration::from_secs(5));
    let store = Store::open(&path).expect("open");
    assert_eq!(shown(&store, 1), ["first", "reply"]);
    assert_eq!(store.load(ConversationId(2)).expect("load").len(), 1);
}

#[test]
fn a_worker_handle_dropped_without_close_still_writes_what_it_was_sent() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    let handle = store_worker::spawn(path.clone(), Some(store), |_| {}).expect("worker");
    handle.send(StoreCmd::SaveConversation(meta(1, "dropped", 1)));
    handle.send(StoreCmd::SaveMessage(message(10, 1, 0, Role::User, "kept")));
    // The way out of the event loop on an error or a panic: no close, just a drop.
    drop(handle);
    let store = Store::open(&path).expect("open");
    let contents: Vec<String> = store
        .load(ConversationId(1))
        .expect("load")
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(contents, ["kept"]);
}

/// What kimi-tui 0.1 wrote after Ctrl+N reused a saved conversation that was not opened yet:
/// the new chat's messages inside it, numbered from 0 again.
#[test]
fn a_chat_saved_into_another_conversation_is_moved_out_by_the_migration() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    {
        let conn = Store::create_at_version(&path, 4).expect("schema 4");
        let insert_conv = |id: i64, title: &str| {
            conn.execute(
                "INSERT INTO conversations (id, title, model, system_prompt, created_at, updated_at)
                 VALUES (?1, ?2, 'kimi-k2.6', '', 1, 50)",
                rusqlite::params![id, title],
            )
            .expect("conversation");
        };
        insert_conv(1, "untouched");
        insert_conv(2, "the older chat");
        let insert = |id: i64,
                      conv: i64,
                      parent: Option<i64>,
                      seq: i64,
                      role: &str,
                      text: &str,
                      at: i64,
                      superseded: bool| {
            conn.execute(
                "INSERT INTO messages (id, conversation_id, parent_id, seq, role, content, status,
                    created_at, updated_at, superseded)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'complete', ?7, ?7, ?8)",
                rusqlite::params![id, conv, parent, seq, role, text, at, superseded],
            )
            .expect("message");
        };
        insert(100, 1, None, 0, "user", "hello one", 10, false);
        insert(101, 1, Some(100), 1, "assistant", "reply one", 11, false);
        insert(200, 2, None, 0, "user", "older question", 20, false);
        insert(201, 2, Some(200), 1, "assistant", "older answer", 21, false);
        insert(202, 2, Some(201), 2, "user", "older follow-up", 22, false);
        insert(
            203,
            2,
            Some(202),
            3,
            "assistant",
            "older second answer",
            23,
            false,
        );
        // The new chat, saved into conversation 2: two turns and a regenerated reply.
        insert(
            900,
            2,
            None,
            0,
            "user",
            "the new question\nwith a second line",
            90,
            false,
        );
        insert(901, 2, Some(900), 1, "assistant", "first try", 91, true);
        insert(
            902,
            2,
            Some(900),
            1,
            "assistant",
            "the new answer",
            92,
            false,
        );
        insert(903, 2, Some(902), 2, "user", "new follow-up", 93, false);
        insert(
            904,
            2,
            Some(903),
            3,
            "assistant",
            "new second answer",
            94,
            false,
        );
    }
    let store = Store::open(&path).expect("open migrates");
    let contents = |id: u64| shown(&store, id);
    assert_eq!(contents(1), ["hello one", "reply one"]);
    assert_eq!(
        contents(2),
        [
            "older question",
            "older answer",
            "older follow-up",
            "older second answer"
        ]
    );
    assert_eq!(
        contents(900),
        [
            "the new question\nwith a second line",
            "the new answer",
            "new follow-up",
            "new second answer"
        ]
    );
    let listed = store.list().expect("list");
    let moved = listed
        .iter()
        .find(|s| s.id == ConversationId(900))
        .expect("the new chat is listed");
    assert_eq!(moved.title, "the new question");
    assert_eq!(moved.updated_at, 94);
    assert_eq!(listed.len(), 3);
    // The regenerated reply's hidden branch moved with it.
    let hidden: i64 = rusqlite::Connection::open(&path)
        .and_then(|c| {
            c.query_row(
                "SELECT conversation_id FROM messages WHERE id = 901",
                [],
                |r| r.get(0),
            )
        })
        .expect("query");
    assert_eq!(hidden, 900);
}

#[test]
fn saving_a_conversation_without_its_prompt_keeps_the_saved_prompt() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store
        .save_conversation(&meta(1, "old title", 1))
        .expect("save");
    let mut renamed = meta(1, "new title", 2);
    renamed.system_prompt = None;
    store.save_conversation(&renamed).expect("save");
    assert_eq!(
        store
            .system_prompt(ConversationId(1))
            .expect("read")
            .as_deref(),
        Some("Be brief.")
    );
    assert_eq!(store.list().expect("list")[0].title, "new title");
}

#[test]
fn a_row_another_window_made_with_the_same_id_is_never_replaced() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let first = Store::open(&path).expect("first window");
    let second = Store::open(&path).expect("second window");
    // Both windows made id 7, at different times: the first one's stays.
    first
        .save_conversation(&meta(7, "first window", 1))
        .expect("save");
    first
        .save_message(&message(70, 7, 0, Role::User, "first's question"))
        .expect("save");
    let mut other = meta(7, "second window", 1);
    other.created_at += 1;
    let err = second.save_conversation(&other).expect_err("refused");
    assert!(matches!(err, StoreError::IdTaken { .. }), "{err:?}");
    let mut intruder = message(70, 8, 0, Role::User, "second's question");
    intruder.created_at += 1;
    second
        .save_conversation(&meta(8, "second's own", 2))
        .expect("its own id");
    let err = second.save_message(&intruder).expect_err("refused");
    assert!(matches!(err, StoreError::IdTaken { .. }), "{err:?}");
    // The same rows saved again by their own window still update.
    let mut renamed = meta(7, "first window, renamed", 3);
    renamed.created_at = meta(7, "", 1).created_at;
    first.save_conversation(&renamed).expect("update");
    let titles: Vec<String> = first
        .list()
        .expect("list")
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(titles, ["first window, renamed", "second's own"]);
    let contents: Vec<String> = first
        .load(ConversationId(7))
        .expect("load")
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(contents, ["first's question"]);
}

#[test]
fn a_message_written_without_a_uid_gets_one_that_sticks() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    store.save_conversation(&meta(1, "raw", 1)).expect("save");
    // Another tool's rows: no uid.
    let conn = rusqlite::Connection::open(&path).expect("conn");
    for id in [10, 11] {
        conn.execute(
            "INSERT INTO messages (id, conversation_id, parent_id, seq, role, content, status,
                created_at, updated_at)
             VALUES (?1, 1, NULL, 0, 'user', 'raw', 'complete', 5, 5)",
            [id],
        )
        .expect("insert");
    }
    let loaded = store.load(ConversationId(1)).expect("load");
    assert!(loaded.iter().all(|m| !m.uid.is_nil()));
    assert_ne!(loaded[0].uid, loaded[1].uid);
    store.save_message(&loaded[0]).expect("save back");
    let stored: Option<String> = conn
        .query_row("SELECT uid FROM messages WHERE id = 10", [], |r| r.get(0))
        .expect("read");
    assert_eq!(stored, Some(loaded[0].uid.to_string()));
    assert_eq!(store.load(ConversationId(1)).expect("load"), loaded);
}

#[test]
fn two_character_chinese_queries_answer_from_the_bigram_index_as_a_scan_would() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    let texts = [
        "我们今天去北京看看长城",
        "北京的天气很好。Tokyo 東京はどうですか",
        "没有这个词",
        "한국어 문장도 있습니다",
        "北",
        "mixed 北x京 not a pair",
    ];
    for (i, text) in texts.iter().enumerate() {
        let id = u64::try_from(i).expect("small") + 1;
        store
            .save_conversation(&meta(id, &format!("chat {id}"), id))
            .expect("conv");
        store
            .save_message(&message(id * 10, id, 0, Role::User, text))
            .expect("save");
    }
    let found = |q: &str| -> Vec<u64> {
        let mut ids: Vec<u64> = store
            .search(q, 50)
            .expect("search")
            .iter()
            .map(|h| h.conversation_id.0)
            .collect();
        ids.sort_unstable();
        ids
    };
    // What a scan of the text finds, for pairs from the texts and a few that are in none.
    for query in [
        "北京", "长城", "東京", "문장", "京は", "天气", "这个", "京看", "城北",
    ] {
        let expected: Vec<u64> = (1..)
            .zip(texts)
            .filter(|(_, t)| t.contains(query))
            .map(|(id, _)| id)
            .collect();
        assert_eq!(found(query), expected, "{query}");
    }
    // An edit re-indexes the message; a delete drops it.
    store
        .save_message(&message(30, 3, 0, Role::User, "现在有长城了"))
        .expect("save");
    assert_eq!(found("长城"), [1, 3]);
    assert_eq!(found("这个"), Vec::<u64>::new());
    store
        .delete_conversation(ConversationId(1))
        .expect("delete");
    assert_eq!(found("长城"), [3]);
    let rows: i64 = rusqlite::Connection::open(&path)
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM messages_bigrams WHERE messages_bigrams MATCH '\"北京\"'",
                [],
                |r| r.get(0),
            )
        })
        .expect("count");
    assert_eq!(rows, 1, "the deleted message left the index");
}

#[test]
fn the_bigram_index_is_filled_for_messages_written_before_it() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    {
        let conn = Store::create_at_version(&path, 8).expect("v8");
        conn.execute_batch(
            "INSERT INTO conversations (id, title, model, system_prompt, created_at, updated_at)
                 VALUES (7, 'from v8', 'kimi-k2.6', '', 1, 1);
             INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at,
                 updated_at, chosen_at, uid)
                 VALUES (70, 7, 0, 'user', '一个关于企鹅的旧消息', 'complete', 1, 1, 1,
                 '0190163d-8694-739b-aea5-966c26f8ad91');
             INSERT INTO messages (id, conversation_id, parent_id, seq, role, content, status,
                 created_at, updated_at, chosen_at, uid)
                 VALUES (71, 7, 70, 1, 'assistant', '企鹅 live in the south', 'streaming', 2, 2,
                 2, '0190163d-8694-739b-aea5-966c26f8ad92');",
        )
        .expect("v8 data");
    }
    let store = Store::open(&path).expect("migrate");
    let hits = store.search("企鹅", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].message, Some(70));
    // The reply saved while it streamed, long ago: its window is gone, so it is marked
    // interrupted at the start and indexed.
    assert_eq!(store.search("the south", 10).expect("search").len(), 1);
    assert_eq!(
        store.load(ConversationId(7)).expect("load")[1].status,
        MessageStatus::Interrupted
    );
    rusqlite::Connection::open(&path)
        .and_then(|c| {
            c.execute(
                "INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')",
                [],
            )
        })
        .expect("the index is whole");
}

#[test]
fn a_reply_is_searchable_once_it_stops_streaming_and_the_indexes_stay_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    store.save_conversation(&meta(1, "chat", 1)).expect("conv");
    store
        .save_message(&message(10, 1, 0, Role::User, "问一个问题"))
        .expect("save");
    // Saved every second while it streams: not indexed yet.
    let mut reply = message(11, 1, 1, Role::Assistant, "");
    reply.status = MessageStatus::Streaming;
    for text in ["长城 is", "长城 is long", "长城 is long, about 21,000 km"] {
        reply.content = text.into();
        store.save_message(&reply).expect("save streaming");
    }
    assert!(store.search("about 21", 10).expect("search").is_empty());
    assert_eq!(store.search("长城", 10).expect("search").len(), 0);
    // Finished: found by both indexes.
    reply.status = MessageStatus::Complete;
    store.save_message(&reply).expect("save done");
    let hits = store.search("about 21", 10).expect("search");
    assert_eq!(hits.first().and_then(|h| h.message), Some(11));
    assert_eq!(store.search("长城", 10).expect("search").len(), 1);
    // Saved again (a rename of nothing, an edit) and deleted: the indexes stay consistent.
    reply.content = "长城 is long".into();
    store.save_message(&reply).expect("save again");
    assert!(store.search("about 21", 10).expect("search").is_empty());
    let check = |path: &Path| {
        rusqlite::Connection::open(path)
            .and_then(|c| {
                c.execute(
                    "INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')",
                    [],
                )?;
                c.execute(
                    "INSERT INTO messages_bigrams(messages_bigrams) VALUES ('integrity-check')",
                    [],
                )
            })
            .expect("the indexes are whole");
    };
    check(&path);
    store
        .delete_conversation(ConversationId(1))
        .expect("delete");
    check(&path);
    assert!(store.search("long", 10).expect("search").is_empty());
}

#[test]
fn a_reply_left_streaming_by_a_killed_window_is_marked_interrupted_and_searchable() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    {
        let store = Store::open(&path).expect("open");
        store.save_conversation(&meta(1, "chat", 1)).expect("conv");
        store
            .save_message(&message(10, 1, 0, Role::User, "问题"))
            .expect("save");
        // Saved long ago while streaming, and never again: its window is gone.
        let mut old = message(11, 1, 1, Role::Assistant, "长城 is about 21,000 km");
        old.status = MessageStatus::Streaming;
        store.save_message(&old).expect("save");
        // Saved just now: another window is streaming it.
        store.save_conversation(&meta(2, "other", 2)).expect("conv");
        store
            .save_message(&message(20, 2, 0, Role::User, "another question"))
            .expect("save");
        let mut live = message(21, 2, 1, Role::Assistant, "streaming right now");
        live.status = MessageStatus::Streaming;
        live.created_at = now;
        live.updated_at = now;
        store.save_message(&live).expect("save");
    }
    let store = Store::open(&path).expect("reopen");
    assert_eq!(store.search("about 21,000", 10).expect("search").len(), 1);
    assert_eq!(store.search("长城", 10).expect("search").len(), 1);
    assert!(store.search("right now", 10).expect("search").is_empty());
    let status = |id: u64| -> String {
        rusqlite::Connection::open(&path)
            .and_then(|c| {
                c.query_row("SELECT status FROM messages WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
            })
            .expect("status")
    };
    assert_eq!(status(11), "interrupted");
    assert_eq!(status(21), "streaming");
}

/// FTS5's own check of every full-text index (of its structure: the check against the
/// content table, `rank = 1`, assumes every row is indexed, and streaming ones are not).
fn assert_indexes_whole(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("conn");
    for table in ["messages_fts", "messages_bigrams", "message_pieces_fts"] {
        conn.execute(
            &format!("INSERT INTO {table}({table}) VALUES ('integrity-check')"),
            [],
        )
        .unwrap_or_else(|e| panic!("{table} is not whole: {e}"));
    }
}

fn count(path: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(path)
        .and_then(|c| c.query_row(sql, [], |r| r.get(0)))
        .expect(sql)
}

/// A text of `bytes` bytes: numbered lines of mixed scripts (three-byte characters, so
/// cuts that land inside one are exercised), with one long line without a break.
fn long_text(bytes: usize, tag: &str) -> String {
    let mut text = String::new();
    let mut n = 0;
    while text.len() < bytes {
        n += 1;
        if n == 7 {
            text.push_str(&"长城".repeat(200_000));
            text.push('\n');
        }
        text.push_str(&format!("{tag} line {n}: 长城 is long, about 21,000 km\n"));
    }
    text
}

#[test]
fn a_long_reply_is_saved_in_pieces_as_it_grows_and_reads_back_whole() {
    use kimi_tui::io::store::pieces::{PIECE_BYTES, WHOLE_LIMIT};
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    store.save_conversation(&meta(1, "chat", 1)).expect("conv");
    store
        .save_message(&message(10, 1, 0, Role::User, "write a lot"))
        .expect("save");
    let text = long_text(5 * 1024 * 1024, "alpha");
    let thinking = long_text(3 * 1024 * 1024, "thought");
    let mut reply = message(11, 1, 1, Role::Assistant, "");
    reply.status = MessageStatus::Streaming;
    // Saved as it streams: under the limit whole, then in pieces, each save ending at some
    // character boundary, as a streaming reply's do.
    let mut at: usize = 0;
    for step in [1000, 600_000, 1_200_000, 7, 2_500_000, 40_000, usize::MAX] {
        at = at.saturating_add(step).min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        reply.content = text[..at].to_string();
        let think = (at * 3 / 5).min(thinking.len());
        let mut think_at = think;
        while !thinking.is_char_boundary(think_at) {
            think_at -= 1;
        }
        reply.reasoning = thinking[..think_at].to_string();
        store.save_message(&reply).expect("save streaming");
        let back = store.load(ConversationId(1)).expect("load");
        assert_eq!(back[1].content, reply.content, "content after {at} bytes");
        assert_eq!(
            back[1].reasoning, reply.reasoning,
            "reasoning after {at} bytes"
        );
        assert!(store.search("alpha line 3", 10).expect("search").is_empty());
    }
    assert!(reply.content.len() + reply.reasoning.len() > WHOLE_LIMIT);
    let pieces = count(&path, "SELECT COUNT(*) FROM message_pieces");
    assert!(pieces >= 8, "{pieces} pieces");
    let largest = count(&path, "SELECT MAX(bytes) FROM message_pieces");
    assert!(usize::try_from(largest).unwrap_or(usize::MAX) <= PIECE_BYTES);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM message_pieces WHERE bytes != octet_length(text)"
        ),
        0
    );
    // Cut at line ends where a line end is near: all but the pieces inside the long line.
    let not_at_line_end = count(
        &path,
        "SELECT COUNT(*) FROM message_pieces WHERE substr(text, -1) != char(10)",
    );
    assert!(
        not_at_line_end <= 3,
        "{not_at_line_end} pieces cut mid-line"
    );
    // Finished: searchable, in the pieces and by the pair index; the first match is named.
    reply.status = MessageStatus::Complete;
    store.save_message(&reply).expect("save done");
    let hits = store.search("alpha line 5000", 10).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].message, Some(11));
    assert!(
        hits[0].snippet.contains("alpha line 5000"),
        "{}",
        hits[0].snippet
    );
    assert_eq!(store.search("城i", 10).expect("search").len(), 0);
    assert_eq!(store.search("长城", 10).expect("search").len(), 1);
    assert!(
        store.search("thought line", 10).expect("search").is_empty(),
        "reasoning is not searched"
    );
    // A short query is a scan, of the pieces too.
    assert_eq!(store.search("km", 10).expect("search").len(), 1);
    assert_indexes_whole(&path);
    let back = store.load(ConversationId(1)).expect("load");
    assert_eq!(back[1].content, text);
    // Saved again unchanged (a branch switch writes `chosen_at`): nothing added.
    reply.chosen_at = 99;
    store.save_message(&reply).expect("save again");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM message_pieces"), pieces);
    assert_eq!(
        store.load(ConversationId(1)).expect("load")[1].chosen_at,
        99
    );
    // Deleted with its conversation: no piece or index entry is left.
    store
        .delete_conversation(ConversationId(1))
        .expect("delete");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM message_pieces"), 0);
    assert_indexes_whole(&path);
    assert!(store.search("alpha line", 10).expect("search").is_empty());
}

#[test]
fn a_stored_text_that_is_not_a_beginning_of_the_message_is_written_again() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    store.save_conversation(&meta(1, "chat", 1)).expect("conv");
    let first = long_text(3 * 1024 * 1024, "first");
    let mut m = message(10, 1, 0, Role::Assistant, &first);
    store.save_message(&m).expect("save");
    // Shorter than what is stored (never done by the app; another tool, a bug): replaced.
    let second = long_text(2 * 1024 * 1024, "second");
    m.content.clone_from(&second);
    store.save_message(&m).expect("save");
    assert_eq!(
        store.load(ConversationId(1)).expect("load")[0].content,
        second
    );
    assert!(store.search("first line", 10).expect("search").is_empty());
    assert_eq!(store.search("second line 9", 10).expect("search").len(), 1);
    assert_indexes_whole(&path);
    // Deleting the message (an edit's branch pruned) takes its pieces.
    store
        .delete_messages(ConversationId(1), 10)
        .expect("delete");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM message_pieces"), 0);
    assert_indexes_whole(&path);
}

#[test]
fn a_long_reply_left_streaming_by_a_killed_window_is_indexed_in_pieces() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    {
        let store = Store::open(&path).expect("open");
        store.save_conversation(&meta(1, "chat", 1)).expect("conv");
        let mut old = message(
            11,
            1,
            0,
            Role::Assistant,
            &long_text(2 * 1024 * 1024, "orphan"),
        );
        old.status = MessageStatus::Streaming;
        store.save_message(&old).expect("save");
        assert!(
            store
                .search("orphan line 12", 10)
                .expect("search")
                .is_empty()
        );
    }
    let store = Store::open(&path).expect("reopen");
    assert_eq!(store.search("orphan line 12", 10).expect("search").len(), 1);
    assert_eq!(store.search("长城", 10).expect("search").len(), 1);
    assert_indexes_whole(&path);
}

/// A long reply saved as it streams: first whole, then only what it gained (`appended`).
fn tail(m: &MessageRecord, from: (usize, usize)) -> MessageRecord {
    MessageRecord {
        content: m.content[from.0..].to_string(),
        reasoning: m.reasoning[from.1..].to_string(),
        appended: Some(from),
        ..m.clone()
    }
}

#[test]
fn a_long_reply_saved_as_what_it_gained_reads_back_whole_and_out_of_step_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    store.save_conversation(&meta(1, "chat", 1)).expect("conv");
    let text = long_text(6 * 1024 * 1024, "gain");
    let mut reply = message(11, 1, 0, Role::Assistant, "");
    reply.status = MessageStatus::Streaming;
    // Cut points at character boundaries, the first save whole.
    let cut = |n: usize| {
        (0..=n)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0)
    };
    let (a, b) = (cut(1_500_000), cut(4_000_000));
    reply.content = text[..a].to_string();
    reply.reasoning = "思考".into();
    store.save_message(&reply).expect("whole");
    reply.content = text[..b].to_string();
    reply.reasoning = "思考中".into();
    store
        .save_message(&tail(&reply, (a, "思考".len())))
        .expect("gained");
    // Out of step (a save in between was lost): refused, nothing written.
    let mut ahead = reply.clone();
    ahead.content = text.clone();
    let err = store
        .save_message(&tail(&ahead, (a, "思考".len())))
        .expect_err("out of step");
    assert!(
        matches!(err, StoreError::Diverged { message: 11, .. }),
        "{err:?}"
    );
    assert_eq!(
        store.load(ConversationId(1)).expect("load")[0].content,
        text[..b]
    );
    // A message the store does not hold at all: refused too.
    let mut stranger = tail(&ahead, (5, 0));
    stranger.id = 99;
    assert!(matches!(
        store.save_message(&stranger),
        Err(StoreError::Diverged { message: 99, .. })
    ));
    // The rest, finished: whole, searchable, its pairs indexed from what is stored.
    reply.content = text.clone();
    reply.status = MessageStatus::Complete;
    store
        .save_message(&tail(&reply, (b, "思考中".len())))
        .expect("done");
    let back = store.load(ConversationId(1)).expect("load");
    assert_eq!(back[0].content, text);
    assert_eq!(back[0].reasoning, "思考中");
    assert_eq!(
        store.search("gain line 40000", 10).expect("search").len(),
        1
    );
    assert_eq!(store.search("长城", 10).expect("search").len(), 1);
    assert_indexes_whole(&path);
}

#[test]
fn the_worker_joins_the_ends_of_a_long_reply_it_could_not_write_yet() {
    let (_dir, blocker, path, handle, rx) = blocked_worker();
    handle.send(StoreCmd::SaveConversation(meta(1, "kept", 1)));
    let text = long_text(3 * 1024 * 1024, "kept");
    let cut = |n: usize| {
        (0..=n)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0)
    };
    let (a, b) = (cut(1_000_000), cut(2_000_000));
    let mut reply = message(11, 1, 0, Role::Assistant, &text[..a]);
    reply.status = MessageStatus::Streaming;
    handle.send(StoreCmd::SaveMessage(reply.clone()));
    reply.content = text[..b].to_string();
    handle.send(StoreCmd::SaveMessage(tail(&reply, (a, 0))));
    reply.content = text.clone();
    reply.status = MessageStatus::Complete;
    handle.send(StoreCmd::SaveMessage(tail(&reply, (b, 0))));
    fails_then_recovers(&rx, &blocker);
    handle.close(Duration::from_secs(5));
    let store = Store::open(&path).expect("open");
    let back = store.load(ConversationId(1)).expect("load");
    assert_eq!(back[0].content.len(), text.len());
    assert!(back[0].content == text);
    assert_eq!(back[0].status, MessageStatus::Complete);
}

/// Saving a finished message again (a branch switch writes `chosen_at`) keeps it in the
/// index. With the update trigger in two halves SQLite ran "put the new text in" before
/// "take the old text out", which took it out (schema 13 mends it).
#[test]
fn a_finished_message_saved_again_stays_searchable() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&db(&dir)).expect("open");
    store.save_conversation(&meta(1, "chat", 1)).expect("conv");
    let mut m = message(10, 1, 0, Role::User, "the great wall of china");
    store.save_message(&m).expect("save");
    for chosen in [20, 30] {
        m.chosen_at = chosen;
        store.save_message(&m).expect("save again");
        assert_eq!(store.search("great wall", 10).expect("search").len(), 1);
    }
    m.content = "the long wall".into();
    store.save_message(&m).expect("edit");
    assert!(store.search("great wall", 10).expect("search").is_empty());
    assert_eq!(store.search("long wall", 10).expect("search").len(), 1);
}

/// A database of schema 12 whose index lost a message that way is mended by the migration.
#[test]
fn the_migration_to_schema_13_puts_lost_messages_back_in_the_index() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    {
        let conn = Store::create_at_version(&path, 12).expect("v12");
        conn.execute_batch(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, 't', 1, 1);
             INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at,
                updated_at, uid) VALUES (10, 1, 0, 'user', 'the great wall', 'complete', 1, 1,
                '00000000-0000-7000-8000-000000000001');
             UPDATE messages SET status = 'complete' WHERE id = 10;",
        )
        .expect("rows");
        let found: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH '\"great wall\"'",
                [],
                |r| r.get(0),
            )
            .expect("match");
        assert_eq!(found, 0, "lost from the index, as schema 12 did");
    }
    let store = Store::open(&path).expect("migrate");
    assert_eq!(store.search("great wall", 10).expect("search").len(), 1);
    assert_indexes_whole(&path);
}

#[test]
fn a_migration_ahead_is_known_before_the_database_is_opened() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db(&dir);
    assert_eq!(Store::migration_ahead(&path), None, "no database yet");
    {
        let conn = Store::create_at_version(&path, 9).expect("v9");
        conn.execute_batch(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, 't', 1, 1);
             INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at,
                updated_at) VALUES (10, 1, 0, 'user', 'hi', 'complete', 1, 1);",
        )
        .expect("rows");
    }
    assert_eq!(Store::migration_ahead(&path), Some((9, 1)));
    drop(Store::open(&path).expect("migrate"));
    assert_eq!(Store::migration_ahead(&path), None, "up to date");
}
