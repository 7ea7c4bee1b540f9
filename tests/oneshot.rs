//! One-shot mode (`kimi-tui -p`) in a subprocess: the prompt from the argument and from
//! stdin, stdout holding exactly the reply, the exit statuses, saving.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use kimi_tui::ids::ConversationId;
use kimi_tui::io::store::Store;
use kimi_tui::io::store::records::MessageStatus;
use support::mock_kimi::{MockKimi, Reply};

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("home"),
        }
    }

    fn command(&self, mock: &MockKimi, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kimi-tui"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("MOONSHOT_API_KEY", "sk-oneshot")
            .args(["--base-url", &mock.base_url()])
            .args(args);
        cmd
    }

    /// Runs `kimi-tui ARGS` with `stdin` piped in (or no stdin at all).
    fn run(&self, mock: &MockKimi, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = self.command(mock, args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd.spawn().expect("spawn");
        if let Some(text) = stdin {
            let mut pipe = child.stdin.take().expect("stdin");
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("wait")
    }

    fn store(&self) -> Store {
        Store::open(&kimi_tui::config::database_path(
            &self.dir.path().join("data").join("kimi-tui"),
        ))
        .expect("the database")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The user messages of request `n`.
fn asked(mock: &MockKimi, n: usize) -> Vec<String> {
    mock.requests()[n]
        .messages()
        .into_iter()
        .filter(|(role, _)| role == "user")
        .map(|(_, text)| text)
        .collect()
}

#[test]
fn a_prompt_argument_prints_exactly_the_reply_and_saves_the_conversation() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["Hello", " from", " Kimi", "\n\nand more"]));
    let home = Home::new();
    let out = home.run(&mock, &["-p", "say hello"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Hello from Kimi\n\nand more");
    assert_eq!(asked(&mock, 0), ["say hello"]);
    let store = home.store();
    let listed = store.list().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, "say hello");
    let saved = store.load(listed[0].id).expect("load");
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[1].status, MessageStatus::Complete);
}

#[test]
fn stdin_is_the_prompt_or_goes_after_it() {
    let mock = MockKimi::start();
    let home = Home::new();
    let out = home.run(&mock, &["-p"], Some("what is 2+2?"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(asked(&mock, 0), ["what is 2+2?"]);
    let out = home.run(
        &mock,
        &["-p", "review this", "--no-save"],
        Some("diff --git a/x b/x\n+added\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        asked(&mock, 1),
        ["review this\n\ndiff --git a/x b/x\n+added"],
        "the prompt, a blank line, the piped text (trailing blank space trimmed, as when typed)"
    );
    // Nothing to send is a usage error.
    let out = home.run(&mock, &["-p"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("needs a prompt"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(mock.requests().len(), 2);
}

#[test]
fn continue_adds_to_the_last_conversation_and_no_save_writes_nothing() {
    let mock = MockKimi::start();
    let home = Home::new();
    let out = home.run(&mock, &["-p", "first"], None);
    assert_eq!(out.status.code(), Some(0));
    let out = home.run(&mock, &["-p", "second", "-c"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(asked(&mock, 1), ["first", "second"]);
    let store = home.store();
    assert_eq!(store.list().expect("list").len(), 1);
    drop(store);

    let other = Home::new();
    let out = other.run(&mock, &["-p", "not kept", "--no-save"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !other
            .dir
            .path()
            .join("data")
            .join("kimi-tui")
            .join("conversations.sqlite3")
            .exists(),
        "--no-save touches no database"
    );
}

#[test]
fn errors_exit_1_with_the_plain_message_on_stderr_and_nothing_on_stdout() {
    let mock = MockKimi::start();
    let home = Home::new();
    mock.push(Reply::error(
        401,
        "invalid_authentication_error",
        "Invalid Authentication",
    ));
    let out = home.run(&mock, &["-p", "hi", "--no-save"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("region"),
        "{}",
        text(&out.stderr)
    );

    mock.push(Reply::error(429, "exceeded_current_quota_error", "quota"));
    let out = home.run(&mock, &["-p", "hi", "--no-save"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("top up"),
        "{}",
        text(&out.stderr)
    );

    // A stream cut before its end: what arrived is printed, the exit says it failed.
    mock.push(Reply::text(&["half of it"]).cut());
    let out = home.run(&mock, &["-p", "hi"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "half of it");
    assert!(
        text(&out.stderr).contains("interrupted") || text(&out.stderr).contains("closed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn control_characters_a_model_sends_never_reach_the_terminal() {
    let mock = MockKimi::start();
    let home = Home::new();
    mock.push(Reply::text(&[
        "plain \u{1b}[31mred\u{1b}]0;title\u{7}\r\n\tend",
    ]));
    let out = home.run(&mock, &["-p", "hi", "--no-save"], None);
    assert_eq!(out.status.code(), Some(0));
    let printed = text(&out.stdout);
    assert!(
        !printed.contains('\u{1b}') && !printed.contains('\u{7}'),
        "{printed:?}"
    );
    assert_eq!(printed, "plain ␛[31mred␛]0;title␇\n\tend");
}

#[cfg(unix)]
#[test]
fn sigint_stops_the_reply_saves_it_stopped_and_exits_130() {
    let mock = MockKimi::start();
    let home = Home::new();
    mock.push(Reply::text(&["the start"]).hang(Duration::from_secs(30)));
    let child = home
        .command(&mock, &["-p", "tell me a long story"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait until the request went out and its first text came back.
    let start = Instant::now();
    while mock.requests().is_empty() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: sends a signal to our own child.
    unsafe {
        libc::kill(pid, libc::SIGINT);
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "the start");
    let store = home.store();
    let listed = store.list().expect("list");
    let saved = store.load(ConversationId(listed[0].id.0)).expect("load");
    assert_eq!(saved[1].content, "the start");
    assert_eq!(saved[1].status, MessageStatus::Stopped);
}

#[test]
fn reasoning_goes_to_stderr_only_when_asked() {
    let mock = MockKimi::start();
    let home = Home::new();
    // The mock's echo reply thinks first.
    let out = home.run(&mock, &["-p", "ping", "--no-save"], None);
    assert_eq!(text(&out.stdout), "Echo #2: ping");
    assert!(
        !text(&out.stderr).contains("echo it back"),
        "{}",
        text(&out.stderr)
    );
    let out = home.run(
        &mock,
        &["-p", "ping", "--no-save", "--show-reasoning"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "Echo #2: ping",
        "stdout is the reply only"
    );
    assert!(
        text(&out.stderr).contains("echo it back"),
        "{}",
        text(&out.stderr)
    );
}
