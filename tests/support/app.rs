//! The whole app in-process: the real event loop (`runtime::run`) with the real startup
//! (`runtime::start`), drawing into a test backend, keys sent through a channel, the loopback
//! mock as the server and a temporary data directory. Full flows run in milliseconds, with no
//! pseudo-terminal; `tests/e2e.rs` keeps the few that need the real binary.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use clap::Parser;
use crossterm::event::{Event, KeyEvent, KeyEventKind, KeyEventState};
use kimi_tui::config::{Args, FileConfig};
use kimi_tui::io::store::Store;
use kimi_tui::runtime;
use kimi_tui::state::AppState;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::mock_kimi::MockKimi;

/// How long `wait_for` waits for the screen before it fails with what the screen shows. A
/// bound for a correctness check, not a speed target: the machines are shared.
const PATIENCE: Duration = Duration::from_secs(20);

/// The text on screen after the last frame, one string per row.
type Screen = Arc<Mutex<Vec<String>>>;

fn rows(screen: &Screen) -> Vec<String> {
    screen.lock().map(|rows| rows.clone()).unwrap_or_default()
}

/// A test backend that publishes each finished frame for the test thread to read.
struct SharedBackend {
    inner: TestBackend,
    screen: Screen,
}

impl Backend for SharedBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let Ok(()) = self.inner.draw(content);
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        let Ok(()) = self.inner.hide_cursor();
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        let Ok(()) = self.inner.show_cursor();
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        let Ok(position) = self.inner.get_cursor_position();
        Ok(position)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Ok(()) = self.inner.set_cursor_position(position);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        let Ok(()) = self.inner.clear();
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        let Ok(()) = self.inner.clear_region(clear_type);
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        let Ok(size) = self.inner.size();
        Ok(size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let Ok(size) = self.inner.window_size();
        Ok(size)
    }

    fn flush(&mut self) -> io::Result<()> {
        let buffer = self.inner.buffer();
        let width = usize::from(buffer.area.width).max(1);
        let text: Vec<String> = buffer
            .content
            .chunks(width)
            .map(|row| {
                let mut line = String::new();
                for cell in row {
                    line.push_str(cell.symbol());
                }
                line
            })
            .collect();
        if let Ok(mut screen) = self.screen.lock() {
            *screen = text;
        }
        Ok(())
    }
}

/// The app's final state and what it would print after restoring the terminal.
type Finished = (AppState, Option<String>);

/// kimi-tui running in this process.
pub struct App {
    keys: Option<UnboundedSender<io::Result<Event>>>,
    screen: Screen,
    thread: Option<JoinHandle<io::Result<Finished>>>,
    pub data_dir: PathBuf,
}

impl App {
    /// Starts on `data_dir` talking to `mock`, 100x30, opening the most recent conversation.
    pub fn start(mock: &MockKimi, data_dir: &Path) -> App {
        App::start_with(mock, data_dir, 100, 30)
    }

    /// Starts with `editor` as the command Ctrl+X Ctrl+E runs.
    pub fn start_with_editor(mock: &MockKimi, data_dir: &Path, editor: &str) -> App {
        App::launch(mock, data_dir, 100, 30, Some(editor))
    }

    pub fn start_with(mock: &MockKimi, data_dir: &Path, width: u16, height: u16) -> App {
        App::launch(mock, data_dir, width, height, None)
    }

    fn launch(
        mock: &MockKimi,
        data_dir: &Path,
        width: u16,
        height: u16,
        editor: Option<&str>,
    ) -> App {
        let args = Args::parse_from(["kimi-tui", "--base-url", &mock.base_url()]);
        let env = |name: &str| (name == "MOONSHOT_API_KEY").then(|| "sk-test".to_string());
        let config = kimi_tui::config::resolve(&args, FileConfig::default(), env);
        let db_path = kimi_tui::config::database_path(data_dir);
        // As main does: a database that cannot be written yet is read read-only.
        let store = Store::open(&db_path).ok();
        let (mut state, mut services) =
            runtime::start(&config, db_path, store, true, false).expect("the app starts");
        services.editor = editor.unwrap_or("false").to_string();
        let screen: Screen = Arc::default();
        let backend = SharedBackend {
            inner: TestBackend::new(width, height),
            screen: screen.clone(),
        };
        let (keys, key_rx) = unbounded_channel();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let mut terminal = ratatui::Terminal::new(backend)?;
            let mut host = ChannelHost {
                keys: Arc::new(Mutex::new(key_rx)),
            };
            let farewell =
                rt.block_on(runtime::run(&mut terminal, &mut state, services, &mut host))?;
            rt.shutdown_background();
            Ok((state, farewell))
        });
        let app = App {
            keys: Some(keys),
            screen,
            thread: Some(thread),
            data_dir: data_dir.to_path_buf(),
        };
        app.wait_until(
            |rows| rows.iter().any(|r| !r.trim().is_empty()),
            "a first frame",
        );
        app
    }

    fn send(&self, event: Event) {
        if let Some(keys) = &self.keys {
            keys.send(Ok(event)).expect("the app is running");
        }
    }

    /// Presses keys as the key table names them, e.g. `"Ctrl+N"`, `"Enter"`, `"Ctrl+X Ctrl+E"`.
    pub fn press(&self, keys: &str) {
        for key in kimi_tui::chord::parse_chord(keys).expect("a key the table can name") {
            self.send(Event::Key(KeyEvent {
                code: key.code,
                modifiers: key.mods,
                kind: KeyEventKind::Press,
                state: KeyEventState::NONE,
            }));
        }
    }

    /// Types `text` one key at a time.
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.send(Event::Key(KeyEvent::from(crossterm::event::KeyCode::Char(
                c,
            ))));
        }
    }

    /// Pastes `text` as a terminal's bracketed paste does.
    pub fn paste(&self, text: &str) {
        self.send(Event::Paste(text.to_string()));
    }

    /// The screen as it was last drawn.
    pub fn screen(&self) -> String {
        rows(&self.screen).join("\n")
    }

    fn wait_until(&self, done: impl Fn(&[String]) -> bool, what: &str) -> String {
        let start = Instant::now();
        loop {
            let now = rows(&self.screen);
            if done(&now) {
                return now.join("\n");
            }
            if self.thread.as_ref().is_some_and(JoinHandle::is_finished) {
                panic!(
                    "the app stopped while waiting for {what}; screen:\n{}",
                    now.join("\n")
                );
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {what}; screen:\n{}",
                now.join("\n")
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until the screen shows `text`, and returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(
            |rows| rows.iter().any(|r| r.contains(text)),
            &format!("{text:?}"),
        )
    }

    /// Waits until the screen no longer shows `text`.
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(
            |rows| !rows.iter().any(|r| r.contains(text)),
            &format!("{text:?} to go"),
        )
    }

    /// Ends the app the way closing the terminal does (the event stream ends) and returns its
    /// final state, once it has written everything.
    pub fn close(self) -> AppState {
        self.finish().0
    }

    /// Waits for the app to end (or ends it, as `close` does) and returns its final state and
    /// what it would print after restoring the terminal.
    pub fn finish(mut self) -> (AppState, Option<String>) {
        self.keys = None;
        let thread = self.thread.take().expect("running");
        match thread.join() {
            Ok(Ok(done)) => done,
            Ok(Err(err)) => panic!("the event loop failed: {err}"),
            Err(_) => panic!("the app panicked"),
        }
    }

    /// Waits until the app ended by itself (it quit), then `finish`es.
    pub fn wait_exit(self) -> (AppState, Option<String>) {
        let start = Instant::now();
        while !self.thread.as_ref().is_some_and(JoinHandle::is_finished) {
            assert!(
                start.elapsed() < PATIENCE,
                "the app did not quit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        self.finish()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.keys = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The test's host: keys from a channel (each `events()` reads the same one); handing the
/// terminal to the editor does nothing to the test backend.
struct ChannelHost {
    keys: Arc<Mutex<tokio::sync::mpsc::UnboundedReceiver<io::Result<Event>>>>,
}

impl runtime::Host for ChannelHost {
    type Events = std::pin::Pin<Box<dyn futures::Stream<Item = io::Result<Event>> + Send>>;

    fn events(&mut self) -> Self::Events {
        let keys = self.keys.clone();
        Box::pin(futures::stream::poll_fn(move |cx| match keys.lock() {
            Ok(mut rx) => rx.poll_recv(cx),
            Err(_) => std::task::Poll::Ready(None),
        }))
    }

    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn resume(&mut self) -> io::Result<()> {
        Ok(())
    }
}
