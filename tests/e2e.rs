//! End to end: the real binary in a pseudo-terminal against the loopback mock, typing keys
//! and reading the screen through a vt100 parser.

mod support;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use support::mock_kimi::MockKimi;

/// How long to wait for something to show up before failing. A liveness bound, not a speed
/// target: it only trips if the app hangs.
const PATIENCE: Duration = Duration::from_secs(30);

fn parser() -> vt100::Parser {
    let rows = std::num::NonZeroU16::new(30).expect("rows");
    let cols = std::num::NonZeroU16::new(100).expect("cols");
    vt100::Parser::new(rows, cols, 0)
}

struct App {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl App {
    fn start(mock: &MockKimi) -> App {
        let home = tempfile::tempdir().expect("temp home");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kimi-tui"));
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("MOONSHOT_API_KEY", "sk-e2e");
        cmd.args(["--base-url", &mock.base_url()]);
        let child = pair.slave.spawn_command(cmd).expect("spawn kimi-tui");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(parser()));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_in, raw_in) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen_in.lock().expect("screen").process(&buf[..n]);
                raw_in.lock().expect("raw").extend_from_slice(&buf[..n]);
            }
        });
        App {
            screen,
            raw,
            writer,
            child,
            _master: pair.master,
            _home: home,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.contents().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "{needle:?} never appeared; the screen shows:\n{}",
            self.contents()
        );
    }

    fn keys(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
        // Give the app a moment so separate keys are not read as one escape sequence.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!(
            "kimi-tui did not exit; the screen shows:\n{}",
            self.contents()
        );
    }

    /// Whether the terminal was handed back: alternate screen left, raw modes turned off.
    fn restored(&self) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            let raw = self.raw.lock().expect("raw").clone();
            let text = String::from_utf8_lossy(&raw);
            if text.contains("\x1b[?1049l") && text.contains("\x1b[?2004l") {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

#[test]
fn two_prompts_stream_into_one_conversation_and_the_second_carries_the_first() {
    let mock = MockKimi::start();
    let mut app = App::start(&mock);
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
    let mut app = App::start(&mock);
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
    let mut app = App::start(&mock);
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
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_kimi-tui"));
    cmd.env_clear();
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    cmd.args(["--base-url", &mock.base_url()]);
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let mut writer = pair.master.take_writer().expect("writer");
    let screen = Arc::new(Mutex::new(parser()));
    let screen_in = screen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            screen_in.lock().expect("screen").process(&buf[..n]);
        }
    });
    let start = Instant::now();
    while !screen
        .lock()
        .expect("screen")
        .screen()
        .contents()
        .contains("MOONSHOT_API_KEY")
    {
        assert!(start.elapsed() < PATIENCE, "no key guidance on screen");
        std::thread::sleep(Duration::from_millis(20));
    }
    writer.write_all(b"\x11").expect("quit");
    writer.flush().expect("flush");
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        assert!(start.elapsed() < PATIENCE, "did not quit");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(mock.requests().is_empty());
}
