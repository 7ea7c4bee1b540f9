//! The real kimi-tui binary in a pseudo-terminal, its screen read through a vt100 parser.
//! Used by the end-to-end tests and the benchmarks.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 30;
pub const COLS: u16 = 100;

/// How long to wait for something to show up before failing. A liveness bound, not a speed
/// target: it only trips if the app hangs.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub fn parser() -> vt100::Parser {
    let rows = std::num::NonZeroU16::new(ROWS).expect("rows");
    let cols = std::num::NonZeroU16::new(COLS).expect("cols");
    vt100::Parser::new(rows, cols, 0)
}

/// What a plain terminal answers to kimi-tui's question about pictures (it ends in a status
/// request every terminal answers): device attributes without sixel, and the status.
pub const PLAIN_TERMINAL: &[u8] = b"\x1b[?62;22c\x1b[0n";
/// What kitty answers: its graphics protocol, a 10×20 pixel cell, and the status.
pub const KITTY_TERMINAL: &[u8] = b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[0n";

/// The pty's input, shared by the test and the thread that answers the app's queries.
#[derive(Clone)]
pub struct Keyboard(Arc<Mutex<Box<dyn Write + Send>>>);

impl Write for Keyboard {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("keyboard").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().expect("keyboard").flush()
    }
}

pub struct App {
    pub screen: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    pub writer: Keyboard,
    pub child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    /// The temp home the app runs in, when it owns it.
    pub home: Option<tempfile::TempDir>,
    home_path: std::path::PathBuf,
}

impl App {
    /// Starts the binary against `base_url` with a fresh home, plus `extra` arguments.
    pub fn start(base_url: &str, extra: &[&str]) -> App {
        let home = tempfile::tempdir().expect("temp home");
        let mut app = Self::start_at(home.path(), base_url, extra, Some("sk-e2e"));
        app.home = Some(home);
        app
    }

    /// Starts the binary with `home` as its home (config and data below it) and `key` as
    /// its API key. The caller keeps `home`, so a second run can find the first one's data.
    pub fn start_at(home: &Path, base_url: &str, extra: &[&str], key: Option<&str>) -> App {
        let mut args = vec!["--base-url", base_url];
        args.extend_from_slice(extra);
        let env: Vec<(&str, &str)> = key.map(|k| ("MOONSHOT_API_KEY", k)).into_iter().collect();
        Self::spawn(home, &args, &env)
    }

    /// Starts the binary with exactly these arguments and (besides PATH, HOME, XDG dirs and
    /// TERM) these environment variables.
    pub fn spawn(home: &Path, args: &[&str], env: &[(&str, &str)]) -> App {
        Self::spawn_answering(home, args, env, PLAIN_TERMINAL)
    }

    /// As `spawn`, with the terminal answering `answer` to the question about pictures (the
    /// status request, `CSI 5 n`, that ends it).
    pub fn spawn_answering(
        home: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        answer: &'static [u8],
    ) -> App {
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
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("TERM", "xterm-256color");
        // The vt100 parser answers no queries: say the background the way some terminals
        // do, so `theme = "auto"` does not wait for an answer that never comes.
        cmd.env("COLORFGBG", "15;0");
        for (name, value) in env {
            cmd.env(name, value);
        }
        cmd.args(args);
        let child = pair.slave.spawn_command(cmd).expect("spawn kimi-tui");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = Keyboard(Arc::new(Mutex::new(
            pair.master.take_writer().expect("writer"),
        )));
        let screen = Arc::new(Mutex::new(parser()));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_in, raw_in, mut terminal) = (screen.clone(), raw.clone(), writer.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Where the next status request is looked for in `raw`.
            let mut asked = 0;
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen_in.lock().expect("screen").process(&buf[..n]);
                let mut raw = raw_in.lock().expect("raw");
                raw.extend_from_slice(&buf[..n]);
                // The terminal's part: answer the status request as a terminal would.
                if let Some(at) = raw[asked..].windows(4).position(|w| w == b"\x1b[5n") {
                    asked += at + 4;
                    let _ = terminal.write_all(answer);
                    let _ = terminal.flush();
                }
            }
        });
        App {
            screen,
            raw,
            writer,
            child,
            _master: pair.master,
            home: None,
            home_path: home.to_path_buf(),
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    pub fn wait_for(&self, needle: &str) {
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

    pub fn keys(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
        // Give the app a moment so separate keys are not read as one escape sequence.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
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
    pub fn restored(&self) -> bool {
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

impl App {
    /// Waits until what the app wrote, after its first `from` bytes, contains `needle`;
    /// returns where it ends.
    pub fn wait_raw(&self, needle: &[u8], from: usize) -> usize {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            {
                let raw = self.raw.lock().expect("raw");
                if let Some(at) = raw
                    .get(from..)
                    .and_then(|tail| tail.windows(needle.len()).position(|w| w == needle))
                {
                    return from + at + needle.len();
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "{:?} was never written; the screen shows:\n{}",
            String::from_utf8_lossy(needle),
            self.contents()
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap_or(0)
    }

    pub fn home(&self) -> &Path {
        &self.home_path
    }
}
