//! Whole flows through the real event loop, in-process (`support::app`): keys in, the screen
//! out, the loopback mock as the server, a temporary database.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use support::app::App;
use support::mock_kimi::{MockKimi, Reply};

#[test]
fn a_question_streams_its_answer_and_both_survive_a_restart() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["Hello", " from", " Kimi"]));
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.type_text("hi there");
    app.wait_for("hi there");
    app.press("Enter");
    app.wait_for("Hello from Kimi");
    let state = app.close();
    assert_eq!(state.conversations.len(), 1);

    let app = App::start(&mock, dir.path());
    let screen = app.wait_for("Hello from Kimi");
    assert!(screen.contains("hi there"), "{screen}");
}

#[test]
fn ctrl_n_after_a_restart_starts_a_chat_of_its_own() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["first answer"]));
    mock.push(Reply::text(&["second answer"]));
    mock.push(Reply::text(&["third answer"]));
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    for question in ["first question", "second question"] {
        app.press("Ctrl+N");
        app.paste(question);
        app.press("Enter");
        app.wait_for(&question.replace("question", "answer"));
    }
    drop(app);

    let app = App::start(&mock, dir.path());
    app.press("Ctrl+N");
    app.paste("third question");
    app.press("Enter");
    app.wait_for("third answer");
    let state = app.close();
    let titles: Vec<String> = state
        .conversations
        .iter()
        .map(|c| c.title.clone())
        .collect();
    assert_eq!(
        titles,
        ["third question", "second question", "first question"]
    );
    // The third request carried only its own chat.
    let sent = mock.requests();
    let last: Vec<String> = sent
        .last()
        .expect("three requests")
        .messages()
        .into_iter()
        .filter(|(role, _)| role != "system")
        .map(|(_, text)| text)
        .collect();
    assert_eq!(last, ["third question"]);
}

#[test]
fn esc_stops_a_reply_and_keeps_what_arrived() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["part one", " and more"]).hang(std::time::Duration::from_secs(30)));
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.paste("tell me a long story");
    app.press("Enter");
    app.wait_for("part one");
    app.press("Esc");
    app.wait_for("stopped");
    let state = app.close();
    let reply = state
        .active_conversation()
        .messages
        .last()
        .expect("a reply");
    assert_eq!(
        reply.status,
        kimi_tui::io::store::records::MessageStatus::Stopped
    );
    assert!(reply.content.starts_with("part one"), "{}", reply.content);
}

#[test]
fn a_terminal_that_goes_away_mid_reply_keeps_the_reply_as_stopped() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["all of", " this text"]).hang(std::time::Duration::from_secs(30)));
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.paste("question");
    app.press("Enter");
    app.wait_for("all of this text");
    // The event stream ends, as when the terminal closes.
    app.close();
    let app = App::start(&mock, dir.path());
    let screen = app.wait_for("all of this text");
    assert!(screen.contains("stopped"), "{screen}");
}

#[test]
fn a_database_that_cannot_be_written_still_shows_its_history_and_quitting_rescues_the_rest() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["the saved answer"]));
    mock.push(Reply::text(&["the unsaved answer"]));
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.paste("the saved question");
    app.press("Enter");
    app.wait_for("the saved answer");
    app.close();

    // Block the database's write-ahead log: it can be read, never written (as root, a
    // read-only directory would not stop the writes).
    let db = kimi_tui::config::database_path(dir.path());
    let mut wal = db.clone().into_os_string();
    wal.push("-wal");
    std::fs::create_dir(&wal).expect("block the WAL");

    let app = App::start(&mock, dir.path());
    let screen = app.wait_for("the saved answer");
    assert!(
        screen.contains("the saved question"),
        "history is shown: {screen}"
    );
    app.press("Ctrl+N");
    app.paste("the unsaved question");
    app.press("Enter");
    app.wait_for("the unsaved answer");
    app.press("Ctrl+Q");
    app.wait_for("Quit anyway?");
    app.press("n");
    app.wait_gone("Quit anyway?");
    app.press("Ctrl+Q");
    app.wait_for("Quit anyway?");
    app.press("y");
    let (_, farewell) = app.wait_exit();
    let farewell = farewell.expect("says where the unsaved changes went");
    let path = farewell
        .split("written to ")
        .nth(1)
        .map(|p| p.trim_end_matches('.'))
        .expect("a file is named");
    let rescued = std::fs::read_to_string(path).expect("the rescue file");
    assert!(rescued.contains("the unsaved question"), "{rescued}");
    assert!(rescued.contains("the unsaved answer"), "{rescued}");
}

#[test]
fn two_windows_started_together_keep_both_chats() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["answer"]));
    mock.push(Reply::text(&["answer"]));
    let dir = tempfile::tempdir().expect("dir");
    let (left, right) = std::thread::scope(|s| {
        let left = s.spawn(|| App::start(&mock, dir.path()));
        let right = s.spawn(|| App::start(&mock, dir.path()));
        (left.join().expect("left"), right.join().expect("right"))
    });
    for (app, question) in [(&left, "from the left"), (&right, "from the right")] {
        app.paste(question);
        app.press("Enter");
    }
    left.wait_for("answer");
    right.wait_for("answer");
    left.close();
    right.close();
    let store = kimi_tui::io::store::Store::open(&kimi_tui::config::database_path(dir.path()))
        .expect("the database");
    let chats = store.list().expect("list");
    assert_eq!(chats.len(), 2, "{chats:?}");
    let messages: usize = chats
        .iter()
        .map(|c| store.load(c.id).expect("load").len())
        .sum();
    assert_eq!(messages, 4);
}

#[test]
fn a_window_that_missed_another_windows_turn_reloads_instead_of_interleaving() {
    let mock = MockKimi::start();
    let dir = tempfile::tempdir().expect("dir");
    let a = App::start(&mock, dir.path());
    a.paste("first");
    a.press("Enter");
    a.wait_for("Echo #2: first");
    // Window B opens on the same conversation; then A takes the next turn.
    let b = App::start(&mock, dir.path());
    b.wait_for("Echo #2: first");
    a.paste("from A");
    a.press("Enter");
    a.wait_for("Echo #4: from A");
    // B still shows two messages and sends at the position A just filled: refused, reloaded.
    b.paste("from B");
    b.press("Enter");
    let screen = b.wait_for("changed in another window");
    assert!(
        screen.contains("Echo #4: from A"),
        "B shows A's turn: {screen}"
    );
    assert!(
        screen.contains("from B"),
        "the message is back in the input box: {screen}"
    );
    b.press("Enter");
    b.wait_for("Echo #6: from B");
    a.close();
    b.close();
    let store = kimi_tui::io::store::Store::open(&kimi_tui::config::database_path(dir.path()))
        .expect("the database");
    let chats = store.list().expect("list");
    assert_eq!(chats.len(), 1);
    let texts: Vec<String> = store
        .load(chats[0].id)
        .expect("load")
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(
        texts,
        [
            "first",
            "Echo #2: first",
            "from A",
            "Echo #4: from A",
            "from B",
            "Echo #6: from B"
        ]
    );
    // Only three requests went out: B's stale one never did.
    assert_eq!(mock.requests().len(), 3);
}

#[test]
fn the_input_history_survives_a_restart_across_conversations() {
    let mock = MockKimi::start();
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.paste("an older question");
    app.press("Enter");
    app.wait_for("Echo #2: an older question");
    app.press("Ctrl+N");
    app.paste("the newest question");
    app.press("Enter");
    app.wait_for("Echo #2: the newest question");
    app.close();
    let app = App::start(&mock, dir.path());
    app.press("Ctrl+N");
    app.press("Up");
    app.wait_for("│the newest question");
    app.press("Up");
    app.wait_for("│an older question");
}

#[test]
fn each_conversation_keeps_its_unsent_text_across_switches_and_restarts() {
    let mock = MockKimi::start();
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.paste("a question");
    app.press("Enter");
    app.wait_for("Echo #2: a question");
    app.paste("half a thought in the first");
    app.press("Ctrl+N");
    app.wait_gone("half a thought in the first");
    app.paste("draft in the second");
    // Back to the first through the sidebar: its draft returns, the second keeps its own.
    app.press("Shift+Tab");
    app.press("Shift+Tab");
    app.press("Down");
    app.press("Enter");
    app.wait_for("│half a thought in the first");
    app.close();

    // After a restart the top conversation (the new chat) opens with its draft, and the
    // first one still has its own.
    let app = App::start(&mock, dir.path());
    app.wait_for("│draft in the second");
    app.press("Shift+Tab");
    app.press("Shift+Tab");
    app.press("Down");
    app.press("Enter");
    let screen = app.wait_for("│half a thought in the first");
    assert!(!screen.contains("│draft in the second"), "{screen}");
}

#[test]
fn ctrl_x_ctrl_e_edits_the_message_in_the_editor_and_a_failing_editor_changes_nothing() {
    let mock = MockKimi::start();
    let dir = tempfile::tempdir().expect("dir");
    // An "editor" with an argument of its own that rewrites the file it is given.
    let app = App::start_with_editor(&mock, dir.path(), "sed -i s/rough/polished/");
    app.paste("a rough draft");
    app.press("Ctrl+X Ctrl+E");
    app.wait_for("│a polished draft");
    app.press("Enter");
    app.wait_for("Echo #2: a polished draft");
    app.close();

    let app = App::start_with_editor(&mock, dir.path(), "exit 3");
    app.paste("kept as typed");
    app.press("Ctrl+X Ctrl+E");
    let screen = app.wait_for("exited with status 3");
    assert!(screen.contains("│kept as typed"), "{screen}");
}

/// Kimi's prefix cache: every request of a conversation names it (`prompt_cache_key`), each
/// starts with the previous one byte for byte, and the reply's footer says how much the cache
/// served (the mock counts the shared prefix as Kimi would).
#[test]
fn requests_keep_their_prefix_for_the_cache_and_the_footer_shows_the_hits() {
    let mock = MockKimi::start();
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.paste("a first question, long enough to be worth caching");
    app.press("Enter");
    app.wait_for("Echo #2: a first question");
    app.wait_for("completion tokens");
    app.paste("and a second one");
    app.press("Enter");
    app.wait_for("Echo #4: and a second one");
    let screen = app.wait_for("cached of");
    let sent = mock.requests();
    let key = |i: usize| sent[i].body["prompt_cache_key"].as_str().map(String::from);
    assert!(key(0).is_some_and(|k| k.starts_with("kimi-tui-")));
    assert_eq!(key(0), key(1), "one key per conversation");
    let first = sent[0].body["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let second = sent[1].body["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        second[..first.len()],
        first[..],
        "the second request starts with the first"
    );
    assert!(screen.contains("cached of"), "{screen}");
    app.close();
}

#[test]
fn a_long_reply_is_laid_out_over_frames_without_a_key_and_reopens_the_same_way() {
    // 3 MB in one delta: more than one look lays out, so the loop must draw again by itself.
    let paragraph = "A sentence of a long reply, and another one after it. ".repeat(4);
    let mut long = format!("{paragraph}\n\n").repeat(3 * 1024 * 1024 / (paragraph.len() + 2));
    long.push_str("THE END OF IT.");
    let mock = MockKimi::start();
    mock.push(Reply::text(&[long.as_str()]));
    let dir = tempfile::tempdir().expect("dir");
    let app = App::start(&mock, dir.path());
    app.paste("go");
    app.press("Enter");
    app.wait_for("THE END OF IT.");
    drop(app);

    let app = App::start(&mock, dir.path());
    let screen = app.wait_for("THE END OF IT.");
    assert!(!screen.contains("laying out"), "{screen}");
    let state = app.close();
    let reply = state
        .active_conversation()
        .messages
        .last()
        .map(|m| m.content.len());
    assert_eq!(reply, Some(long.len()));
}

#[test]
fn attach_puts_a_text_file_in_the_message_fenced_with_its_name() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["It is a list of notes."]));
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("my notes.md");
    std::fs::write(&file, "# Notes\n- 长城\n- ```code```\n").expect("write");
    let app = App::start(&mock, dir.path());
    // A wrong path: said, and the line stays to be mended.
    app.paste("/attach nowhere.md");
    app.press("Enter");
    app.wait_for("nowhere.md: no such file.");
    assert!(app.screen().contains("/attach nowhere.md"));
    app.press("Ctrl+U");
    app.paste(&format!("/attach '{}'", file.display()));
    app.press("Enter");
    app.wait_for(" my notes.md · 30 bytes · ~8 tokens]");
    app.paste("What is this?");
    app.press("Enter");
    app.wait_for("It is a list of notes.");
    let requests = mock.requests();
    let sent = requests
        .last()
        .and_then(|r| r.messages().last().map(|(_, content)| content.clone()))
        .unwrap_or_default();
    assert_eq!(
        sent,
        "````my notes.md\n# Notes\n- 长城\n- ```code```\n````\n\nWhat is this?"
    );
}

#[test]
fn attach_uploads_a_document_and_sends_its_text_before_the_message() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["Revenue grew."]));
    mock.push(Reply::text(&["Still revenue."]));
    let dir = tempfile::tempdir().expect("dir");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, "%PDF-1.7\nRevenue grew 42% in Q3. 长城\n").expect("write");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "see the report\n").expect("write");
    let app = App::start(&mock, dir.path());
    app.paste(&format!("/attach {} {}", pdf.display(), notes.display()));
    app.press("Enter");
    // The document waits on the box's border; the text file is a chip in the box.
    app.wait_for(" report.pdf · 40 bytes");
    app.wait_for(" notes.txt · 15 bytes · ~4 tokens]");
    app.paste("What grew?");
    app.press("Enter");
    app.wait_for("Revenue grew.");
    let files = mock.files();
    assert_eq!(files.len(), 1, "the text file is not uploaded");
    assert_eq!(files[0].filename, "report.pdf");
    let messages = mock
        .requests()
        .last()
        .map(support::mock_kimi::Recorded::messages)
        .unwrap_or_default();
    let n = messages.len();
    assert!(n >= 2, "{messages:?}");
    assert_eq!(messages[n - 2].0, "system");
    assert!(
        messages[n - 2].1.contains("Revenue grew 42% in Q3. 长城"),
        "{messages:?}"
    );
    assert_eq!(
        messages[n - 1],
        (
            "user".to_string(),
            "```notes.txt\nsee the report\n```\n\nWhat grew?".to_string()
        )
    );
    // After a restart the document is sent again with its message, not uploaded again.
    drop(app);
    let app = App::start(&mock, dir.path());
    app.wait_for(" report.pdf · 40 bytes");
    app.paste("And then?");
    app.press("Enter");
    app.wait_for("Still revenue.");
    assert_eq!(mock.files().len(), 1);
    let messages = mock
        .requests()
        .last()
        .map(support::mock_kimi::Recorded::messages)
        .unwrap_or_default();
    assert!(
        messages
            .iter()
            .any(|(role, text)| role == "system" && text.contains("Revenue grew 42%")),
        "{messages:?}"
    );
}
