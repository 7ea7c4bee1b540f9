//! End to end: the real binary in a pseudo-terminal against the loopback mock, typing keys
//! and reading the screen through a vt100 parser.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::time::Duration;

use kimi_tui::io::store::Store;
use kimi_tui::io::store::records::MessageStatus;
use support::mock_kimi::{MockKimi, Reply};
use support::pty::{App, PATIENCE};

#[test]
fn two_prompts_stream_into_one_conversation_and_the_second_carries_the_first() {
    let mock = MockKimi::start();
    let mut app = App::start(&mock.base_url(), &[]);
    app.wait_for("Type a message below");
    app.keys("hello from e2e");
    app.keys("\r");
    app.wait_for("Echo #2: hello from e2e");
    app.wait_for("completion tokens");
    app.keys("and a second one");
    app.keys("\r");
    app.wait_for("Echo #4: and a second one");
    let log = mock.wait_for_requests(2, PATIENCE);
    assert_eq!(log.len(), 2);
    let second = log[1].messages();
    let roles: Vec<&str> = second.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(second[1].1, "hello from e2e");
    assert_eq!(second[2].1, "Echo #2: hello from e2e");
    assert_eq!(second[3].1, "and a second one");
    assert_eq!(log[0].authorization.as_deref(), Some("Bearer sk-e2e"));
    app.keys("\x11"); // Ctrl+Q
    let status = app.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(app.restored(), "the terminal is restored on quit");
}

#[test]
fn stop_a_reply_switch_away_and_back_then_quit() {
    let mock = MockKimi::start();
    mock.set_echo_delay(Duration::from_millis(150));
    let mut app = App::start(&mock.base_url(), &[]);
    app.wait_for("Type a message below");
    app.keys("one two three four five six seven eight nine ten eleven twelve");
    app.keys("\r");
    app.wait_for("Echo #2: one");
    app.keys("\x1b"); // Esc stops
    app.wait_for("stopped");
    std::thread::sleep(Duration::from_millis(500));
    let reply_row = app
        .contents()
        .lines()
        .find(|l| l.contains("Echo #2:"))
        .map(String::from)
        .unwrap_or_default();
    assert!(
        !reply_row.contains("twelve"),
        "nothing arrives after the stop: {reply_row}"
    );
    mock.set_echo_delay(Duration::from_millis(5));
    app.keys("\x0e"); // Ctrl+N
    app.wait_for("Type a message below");
    app.keys("in the second chat");
    app.keys("\r");
    app.wait_for("Echo #2: in the second chat");
    // Back to the first conversation through the sidebar: Shift+Tab twice, Down, Enter.
    app.keys("\x1b[Z");
    app.keys("\x1b[Z");
    app.keys("\x1b[B");
    app.keys("\r");
    app.wait_for("stopped");
    assert!(app.contents().contains("Echo #2: one"));
    assert!(
        !app.contents().contains("Echo #2: in the second chat"),
        "the first chat is shown"
    );
    app.keys("\x03"); // Ctrl+C with nothing streaming quits
    let status = app.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(app.restored());
}

#[test]
fn every_stop_signal_restores_the_terminal_and_saves_the_live_reply_as_stopped() {
    let mock = MockKimi::start();
    for signal in ["TERM", "HUP", "INT", "QUIT"] {
        let home = tempfile::tempdir().expect("temp home");
        mock.push(Reply::text(&["first part", " second part"]).hang(Duration::from_secs(30)));
        let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-e2e"));
        app.wait_for("Type a message below");
        app.keys("tell me");
        app.keys("\r");
        app.wait_for("second part");
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), app.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(killed.success());
        app.wait_exit();
        assert!(app.restored(), "the terminal is restored on SIG{signal}");

        let dir = home.path().join("data").join("kimi-tui");
        let store = Store::open(&kimi_tui::config::database_path(&dir)).expect("the database");
        let listed = store.list().expect("list");
        let messages = store.load(listed[0].id).expect("load");
        let reply = messages.last().expect("the reply was saved");
        assert_eq!(reply.content, "first part second part", "SIG{signal}");
        assert_eq!(reply.status, MessageStatus::Stopped, "SIG{signal}");
    }
}

#[test]
fn without_a_key_the_screen_says_how_to_set_one() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("temp home");
    let mut app = App::start_at(home.path(), &mock.base_url(), &[], None);
    // The first start opens on where to get a key; Esc leaves it for later.
    app.wait_for("Welcome to kimi-tui");
    app.keys("\x1b");
    app.wait_for("MOONSHOT_API_KEY");
    app.keys("hello");
    app.keys("\r");
    app.wait_for("Not sent");
    app.keys("\x11");
    app.wait_exit();
    assert!(mock.requests().is_empty());
}

/// The first start with no key: paste one, it is checked against the API and used at once.
/// Here there is no credential store (no D-Bus session in the pseudo-terminal), so the dialog
/// says how to keep it instead.
#[test]
fn the_first_start_takes_a_pasted_key_checks_it_and_chats_with_it() {
    let mock = MockKimi::start();
    mock.reject_key("sk-wrong");
    let home = tempfile::tempdir().expect("temp home");
    let mut app = App::start_at(home.path(), &mock.base_url(), &[], None);
    app.wait_for("Welcome to kimi-tui");
    app.keys("\x1b[200~sk-first-run-key\x1b[201~");
    app.wait_for("••••");
    assert!(!app.contents().contains("sk-first"), "the key is masked");
    app.keys("\r");
    app.wait_for("export MOONSHOT_API_KEY=<your key>");
    app.keys("\r");
    app.keys("hello with a key");
    app.keys("\r");
    app.wait_for("Echo #2: hello with a key");
    let log = mock.wait_for_requests(1, PATIENCE);
    assert_eq!(
        log[0].authorization.as_deref(),
        Some("Bearer sk-first-run-key")
    );
    app.keys("\x11");
    assert!(app.wait_exit().success());
}

#[test]
fn a_conversation_survives_a_restart_and_continues_with_its_history() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("temp home");
    let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-e2e"));
    app.wait_for("Type a message below");
    app.keys("remember the word 海豚");
    app.keys("\r");
    app.wait_for("Echo #2: remember the word 海豚");
    app.wait_for("completion tokens");
    app.keys("\x11");
    app.wait_exit();

    let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-e2e"));
    app.wait_for("Echo #2: remember the word 海豚");
    app.keys("what was the word?");
    app.keys("\r");
    app.wait_for("Echo #4: what was the word?");
    let log = mock.wait_for_requests(2, PATIENCE);
    let second = log[1].messages();
    assert_eq!(second.len(), 4, "{second:?}");
    assert_eq!(second[1].1, "remember the word 海豚");
    assert_eq!(second[2].1, "Echo #2: remember the word 海豚");
    app.keys("\x11");
    app.wait_exit();

    let mut app = App::start_at(home.path(), &mock.base_url(), &["--new"], Some("sk-e2e"));
    app.wait_for("Type a message below");
    assert!(
        app.contents().contains("remember the"),
        "the sidebar still lists it"
    );
    app.keys("\x11");
    app.wait_exit();
}

#[test]
fn kill_9_mid_stream_keeps_the_prompt_and_the_partial_reply_marked_interrupted() {
    let mock = MockKimi::start();
    mock.set_echo_delay(Duration::from_millis(100));
    let home = tempfile::tempdir().expect("temp home");
    let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-e2e"));
    app.wait_for("Type a message below");
    let words: Vec<String> = (1..=60).map(|i| format!("w{i}")).collect();
    app.keys(&words.join(" "));
    app.keys("\r");
    app.wait_for("Echo #2: w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15");
    // Saves lag at most a second behind what arrived.
    std::thread::sleep(Duration::from_millis(1_500));
    // A real SIGKILL (portable-pty's kill() sends SIGHUP, which kimi-tui now handles by
    // saving the reply as stopped).
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &app.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    app.wait_exit();

    let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-e2e"));
    app.wait_for("interrupted");
    let screen = app.contents();
    assert!(
        screen.contains("w1 w2 w3"),
        "the prompt is there:\n{screen}"
    );
    assert!(
        screen.contains("Echo #2: w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15"),
        "{screen}"
    );
    app.keys("\x11");
    app.wait_exit();
}

/// Issue 14, item 0: with saved conversations, Ctrl+N right after a restart once wrote the new
/// chat into the second most recent conversation.
#[test]
fn ctrl_n_after_a_restart_saves_the_new_chat_as_its_own_conversation() {
    use kimi_tui::ids::ConversationId;
    use kimi_tui::io::store::Store;
    use kimi_tui::io::store::records::{ConversationMeta, MessageRecord};
    use kimi_tui::io::store::records::{MessageStatus, Role};

    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("temp home");
    let data = home.path().join("kimi-data");
    let path = data.join("conversations.sqlite3");
    let contents = |store: &Store, id: u64| -> Vec<String> {
        store
            .load(ConversationId(id))
            .expect("load")
            .into_iter()
            .map(|m| m.content)
            .collect()
    };
    {
        let store = Store::open(&path).expect("create");
        for (id, title, updated) in [(1u64, "older chat", 100u64), (2, "newer chat", 200)] {
            store
                .save_conversation(&ConversationMeta {
                    id: ConversationId(id),
                    title: title.into(),
                    model: "kimi-k2.6".into(),
                    system_prompt: Some("Saved prompt".into()),
                    created_at: updated,
                    updated_at: updated,
                    thinking: None,
                    effort: None,
                    draft: String::new(),
                    web_search: false,
                })
                .expect("save conversation");
            for (seq, role, text) in [
                (0u32, Role::User, format!("question in {title}")),
                (1, Role::Assistant, format!("answer in {title}")),
            ] {
                let message_id = id * 10 + u64::from(seq);
                store
                    .save_message(&MessageRecord {
                        id: message_id,
                        conversation_id: ConversationId(id),
                        parent_id: (seq > 0).then(|| message_id - 1),
                        seq,
                        role,
                        content: text,
                        reasoning: String::new(),
                        status: MessageStatus::Complete,
                        error: None,
                        finish_reason: None,
                        model: None,
                        usage: None,
                        created_at: updated,
                        updated_at: updated,
                        reasoning_started_at: None,
                        reasoning_ended_at: None,
                        chosen_at: updated,
                        uid: uuid::Uuid::from_u64_pair(id, message_id),
                        siblings: 0,
                        tool_rounds: String::new(),
                        documents: String::new(),
                        images: Vec::new(),
                        appended: None,
                    })
                    .expect("save message");
            }
        }
    }
    let dir = data.to_string_lossy().into_owned();
    let mut app = App::start_at(
        home.path(),
        &mock.base_url(),
        &["--data-dir", &dir],
        Some("sk-e2e"),
    );
    app.wait_for("answer in newer chat");
    app.keys("\x0e"); // Ctrl+N
    app.wait_for("Type a message below");
    app.keys("a brand new question");
    app.keys("\r");
    // "#2": the request held the system prompt and the question.
    app.wait_for("Echo #2: a brand new question");
    app.wait_for("completion tokens");
    assert!(!app.contents().contains("Loading"), "{}", app.contents());
    app.keys("\x11");
    app.wait_exit();

    let log = mock.wait_for_requests(1, PATIENCE);
    let roles: Vec<String> = log[0].messages().into_iter().map(|(r, _)| r).collect();
    assert_eq!(roles, ["system", "user"]);
    let store = Store::open(&path).expect("reopen");
    assert_eq!(
        contents(&store, 1),
        ["question in older chat", "answer in older chat"]
    );
    assert_eq!(
        contents(&store, 2),
        ["question in newer chat", "answer in newer chat"]
    );
    assert_eq!(
        store
            .system_prompt(ConversationId(1))
            .expect("prompt")
            .as_deref(),
        Some("Saved prompt")
    );
    let listed = store.list().expect("list");
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert_eq!(listed[0].title, "a brand new question");
    assert_eq!(
        contents(&store, listed[0].id.0),
        ["a brand new question", "Echo #2: a brand new question"]
    );

    // And on the next start the new chat is listed and opens first.
    let mut app = App::start_at(
        home.path(),
        &mock.base_url(),
        &["--data-dir", &dir],
        Some("sk-e2e"),
    );
    app.wait_for("Echo #2: a brand new question");
    assert!(app.contents().contains("older chat"));
    app.keys("\x11");
    app.wait_exit();
}

#[test]
fn the_editor_gets_the_terminal_and_gives_it_back() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("temp home");
    let script = home.path().join("fake-editor");
    std::fs::write(
        &script,
        "#!/bin/sh\n# Checks it got a real file with the input, then writes the new text.\ngrep -q 'typed first' \"$1\" || exit 9\nprintf 'written by the editor\\n' > \"$1\"\n",
    )
    .expect("script");
    std::process::Command::new("chmod")
        .args(["+x", &script.display().to_string()])
        .status()
        .expect("chmod");
    let editor = script.display().to_string();
    let mut app = App::spawn(
        home.path(),
        &["--base-url", &mock.base_url()],
        &[("MOONSHOT_API_KEY", "sk-e2e"), ("EDITOR", &editor)],
    );
    app.wait_for("Type a message below");
    app.keys("typed first");
    app.keys("\x18\x05"); // Ctrl+X Ctrl+E
    app.wait_for("written by the editor");
    // The app has its keys and screen back: typing and sending work.
    app.keys(" and more");
    app.keys("\r");
    app.wait_for("Echo #2: written by the editor and more");
    app.keys("\x11");
    let status = app.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(app.restored());
}

#[test]
fn a_key_rebound_in_the_config_file_works_and_shows_in_the_help() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("temp home");
    let config = home.path().join("keys.toml");
    std::fs::write(&config, "[keys]\nnew_conversation = \"f6\"\n").expect("config");
    let mut app = App::spawn(
        home.path(),
        &[
            "--base-url",
            &mock.base_url(),
            "--config",
            &config.display().to_string(),
        ],
        &[("MOONSHOT_API_KEY", "sk-e2e")],
    );
    app.wait_for("F6 new");
    app.keys("a first chat");
    app.keys("\r");
    app.wait_for("Echo #2: a first chat");
    app.keys("\x1b[17~"); // F6
    app.wait_for("Type a message below");
    app.keys("\x1bOP"); // F1
    app.wait_for("F6             new conversation");
    app.keys("\x11");
    app.wait_exit();
    assert!(app.restored());
}

#[test]
fn a_300_line_bracketed_paste_is_one_chip_and_every_line_is_sent() {
    let mock = MockKimi::start();
    let mut app = App::start(&mock.base_url(), &[]);
    app.wait_for("Type a message below");
    let lines: String = (1..=300).map(|i| format!("pasted line {i}\r")).collect();
    app.keys(&format!("\x1b[200~{lines}\x1b[201~"));
    app.wait_for("[Paste 1: 300 lines");
    app.keys("\r");
    app.wait_for("more lines · Enter on it unfolds");
    let sent = mock.wait_for_requests(1, PATIENCE);
    let prompt = sent[0]
        .messages()
        .into_iter()
        .filter(|(role, _)| role == "user")
        .map(|(_, text)| text)
        .next_back()
        .expect("a prompt");
    assert_eq!(prompt.lines().count(), 300, "{prompt}");
    assert!(prompt.contains("pasted line 1\n") && prompt.ends_with("pasted line 300"));
    app.keys("\x11");
    app.wait_exit();
}

/// Issue 10: edit the first question of two exchanges and send it; only the new branch goes
/// out; ← shows the old branch again, and after a restart the branch shown last opens.
#[test]
fn edit_and_resend_then_go_back_to_the_old_branch_and_find_it_after_a_restart() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("home");
    let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-e2e"));
    app.wait_for("Type a message below");
    app.keys("first question\r");
    app.wait_for("Echo #2: first question");
    app.keys("second question\r");
    app.wait_for("Echo #4: second question");
    app.wait_for("completion tokens");
    // Tab twice: the scrollback, outlining the last message; up three: the first question.
    app.keys("\t\t");
    app.keys("kkk");
    app.keys("e");
    app.wait_for("Editing your message #1");
    app.keys("\x15"); // Ctrl+U empties the line
    app.keys("edited question\r");
    app.wait_for("Echo #2: edited question");
    let log = mock.wait_for_requests(3, PATIENCE);
    let third: Vec<String> = log[2]
        .messages()
        .into_iter()
        .filter(|(role, _)| role != "system")
        .map(|(_, text)| text)
        .collect();
    assert_eq!(
        third,
        ["edited question"],
        "the old second exchange is not sent"
    );
    assert!(!app.contents().contains("second question"));
    assert!(app.contents().contains("‹ 2/2 ›"));
    // Back to the scrollback, up to the question, ← : the old branch, whole.
    app.keys("\t\t");
    app.keys("k");
    app.keys("\x1b[D");
    app.wait_for("Echo #4: second question");
    assert!(app.contents().contains("‹ 1/2 ›"));
    app.keys("\x11"); // Ctrl+Q
    assert!(app.wait_exit().success());

    let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-e2e"));
    app.wait_for("Echo #4: second question");
    let screen = app.contents();
    assert!(screen.contains("first question"), "{screen}");
    assert!(screen.contains("‹ 1/2 ›"), "{screen}");
    assert!(!screen.contains("edited question"), "{screen}");
    app.keys("\x11");
    assert!(app.wait_exit().success());
}

/// `--print-on-exit`: after the terminal is restored, the conversation is printed into the
/// normal screen, so it stays in the terminal's scrollback.
#[test]
fn print_on_exit_leaves_the_conversation_in_the_normal_screen() {
    let mock = MockKimi::start();
    let mut app = App::start(&mock.base_url(), &["--print-on-exit"]);
    app.wait_for("Type a message below");
    app.keys("remember this\r");
    app.wait_for("Echo #2: remember this");
    app.keys("\x11");
    assert!(app.wait_exit().success());
    let raw = String::from_utf8_lossy(&app.raw.lock().expect("raw")).into_owned();
    let after = raw
        .rsplit_once("\u{1b}[?1049l")
        .map(|(_, after)| after.replace('\r', ""))
        .expect("the alternate screen was left");
    assert!(
        after.contains("You\nremember this\n\nKimi · kimi-k2.6\nEcho #2: remember this\n"),
        "{after:?}"
    );
}

/// A terminal that answers kitty's graphics query: the image is sent in kitty's protocol
/// (transmitted once, placed with unicode placeholders), and the screen is cleared when the
/// pager closes so no pixels stay behind.
#[test]
fn in_kitty_an_image_is_drawn_in_pixels_and_cleared_when_the_pager_closes() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("red.png");
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        300,
        150,
        image::Rgb([200, 0, 0]),
    ))
    .write_to(&mut png, image::ImageFormat::Png)
    .expect("encode");
    std::fs::write(&path, png.into_inner()).expect("write");
    let mut app = App::spawn_answering(
        home.path(),
        &["--base-url", &mock.base_url()],
        &[("MOONSHOT_API_KEY", "sk-e2e")],
        support::pty::KITTY_TERMINAL,
    );
    app.wait_for("Type a message below");
    app.keys(&format!("/image {}\r", path.display()));
    app.wait_for("red.png · 300×150");
    app.keys("What is it?\r");
    app.wait_for("Echo #2: What is it? (with 1 image(s))");
    // To the transcript, onto your message, and Enter.
    app.keys("\t");
    app.keys("\t");
    app.keys("k");
    app.keys("k");
    let before = app.raw.lock().expect("raw").len();
    app.keys("\r");
    // Transmitted once, as a virtual placement (`U=1`) in kitty's protocol; then drawn with
    // placeholders.
    let sent = app.wait_raw(b"a=T,U=1,f=32", before);
    app.wait_raw("\u{10EEEE}".as_bytes(), before);
    app.wait_for("Esc close");
    app.keys("\x1b");
    // Kitty told to free the image, the whole screen cleared as the picture goes, then
    // drawn again.
    let id = kimi_tui::io::graphics::id_of(
        &kimi_tui::io::image::from_bytes("red.png", std::fs::read(&path).expect("read"))
            .expect("image")
            .hash,
    );
    let freed = app.wait_raw(format!("\x1b_Ga=d,d=I,i={id},q=2\x1b\\").as_bytes(), sent);
    app.wait_raw(b"\x1b[2J", freed);
    app.wait_for("Echo #2: What is it?");
    app.keys("\x11");
    assert!(app.wait_exit().success());
}

/// Over SSH the terminal is not asked about pictures (its answer could come after the wait
/// and land in the input box as typed text); asked locally, it is asked exactly once.
#[test]
fn the_terminal_is_asked_about_pictures_locally_and_not_over_ssh() {
    let query: &[u8] = b"\x1b_Gi=31,s=1,v=1,a=q";
    let count = |app: &App| {
        let raw = app.raw.lock().expect("raw");
        raw.windows(query.len()).filter(|w| *w == query).count()
    };
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("home");
    let mut local = App::spawn_answering(
        home.path(),
        &["--base-url", &mock.base_url()],
        &[("MOONSHOT_API_KEY", "sk-e2e")],
        support::pty::KITTY_TERMINAL,
    );
    local.wait_for("Type a message below");
    // The answer was read by the question, not typed: the input box is empty.
    local.keys("typed\r");
    local.wait_for("Echo #2: typed");
    assert_eq!(count(&local), 1);
    local.keys("\x11");
    assert!(local.wait_exit().success());
    let mut remote = App::spawn_answering(
        home.path(),
        &["--base-url", &mock.base_url()],
        &[
            ("MOONSHOT_API_KEY", "sk-e2e"),
            ("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22"),
        ],
        support::pty::KITTY_TERMINAL,
    );
    remote.wait_for("Echo #2: typed");
    assert_eq!(count(&remote), 0);
    remote.keys("\x11");
    assert!(remote.wait_exit().success());
}
