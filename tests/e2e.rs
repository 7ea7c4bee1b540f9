//! End to end: the real binary in a pseudo-terminal against the loopback mock, typing keys
//! and reading the screen through a vt100 parser.

mod support;

use std::time::Duration;

use support::mock_kimi::MockKimi;
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
fn sigterm_restores_the_terminal() {
    let mock = MockKimi::start();
    let mut app = App::start(&mock.base_url(), &[]);
    app.wait_for("Type a message below");
    let pid = app.child.process_id().expect("pid");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    app.wait_exit();
    assert!(app.restored(), "the terminal is restored on SIGTERM");
}

#[test]
fn without_a_key_the_screen_says_how_to_set_one() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("temp home");
    let mut app = App::start_at(home.path(), &mock.base_url(), &[], None);
    app.wait_for("MOONSHOT_API_KEY");
    app.keys("hello");
    app.keys("\r");
    app.wait_for("Not sent");
    app.keys("\x11");
    app.wait_exit();
    assert!(mock.requests().is_empty());
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
    app.child.kill().expect("SIGKILL");
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
