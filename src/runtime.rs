//! The event loop. It owns the terminal, the channel that effect tasks report on, and the
//! running stream tasks. Each wake-up: take the event or result, drain whatever else is
//! queued, update the state, run the effects; draw when something changed, at most once per
//! frame interval. Nothing ticks while nothing moves.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "the runtime is the edge: it reads the clock, spawns the effects and owns the terminal"
)]

use std::collections::HashMap;
use std::io;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::api::StreamEvent;
use crate::effect::Effect;
use crate::ids::{Millis, StreamId};
use crate::io::llm::LlmClient;
use crate::io::log;
use crate::io::store::Store;
use crate::io::store_worker::StoreReport;
use crate::io::store_worker::{self, StoreCmd, StoreHandle};
use crate::msg::{ChatIntent, KeyReport, ModelsReport, Msg, Report};
use crate::state::AppState;
use crate::{keymap, ui, update};

/// At most one frame per this interval while output streams.
pub const FRAME: Duration = Duration::from_millis(16);
/// How often time-driven things (spinner, thinking timer) refresh while a reply is live.
pub const TICK: Duration = Duration::from_millis(100);
/// Results handled per wake-up before input gets its turn again.
const DRAIN_LIMIT: usize = 4096;

pub fn now_millis() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
        Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
    })
}

/// What the loop talks to besides the terminal.
pub struct Services {
    pub client: LlmClient,
    /// The database: `None`, nothing is saved (tests, benchmarks).
    pub store: Option<Storage>,
    /// Copy through OSC 52 on stdout (only when stdout is the user's terminal).
    pub osc52: bool,
    /// The resolved configuration, to build clients for other profiles.
    pub config: Option<crate::config::Config>,
    /// The editor command for Ctrl+X Ctrl+E (`$VISUAL`, `$EDITOR`, or `vi`).
    pub editor: String,
}

/// The real terminal as the loop's host: crossterm's event stream, and handing the terminal to
/// the user's editor and back (`terminal.rs`).
pub struct TerminalHost {
    pub mouse: bool,
}

impl Host for TerminalHost {
    type Events = crossterm::event::EventStream;

    fn events(&mut self) -> Self::Events {
        crossterm::event::EventStream::new()
    }

    fn suspend(&mut self) -> io::Result<()> {
        crate::terminal::restore();
        Ok(())
    }

    fn resume(&mut self) -> io::Result<()> {
        crate::terminal::resume(self.mouse)
    }

    fn forget_picture(&mut self, id: u32) {
        use std::io::Write;
        // Kitty's delete, by id, of the placements and the image's data (`d=I`); `q=2`: no
        // answer.
        let mut out = io::stdout();
        let _ = write!(out, "\x1b_Ga=d,d=I,i={id},q=2\x1b\\");
        let _ = out.flush();
    }
}

/// The terminal the loop runs in, beyond drawing: its events, and handing it to another
/// program (the user's editor) and taking it back. `main` gives the real terminal; tests give
/// a channel of keys.
pub trait Host {
    type Events: Stream<Item = io::Result<Event>> + Unpin;
    /// A fresh stream of terminal events (the old one is dropped before `suspend`, so the
    /// editor gets every key).
    fn events(&mut self) -> Self::Events;
    /// Hands the terminal over: normal mode, the main screen, no mouse reporting.
    fn suspend(&mut self) -> io::Result<()>;
    /// Takes it back; the loop then redraws everything.
    fn resume(&mut self) -> io::Result<()>;
    /// A picture kitty holds (by `id`) is no longer shown: the terminal may free it.
    fn forget_picture(&mut self, _id: u32) {}
}

/// The database as the app found it.
pub struct Storage {
    pub path: std::path::PathBuf,
    /// Open for writing; `None` while it cannot be (saves are kept and retried).
    pub store: Option<Store>,
    /// Open for reading only, while it cannot be written, so the history still shows.
    pub reader: Option<Store>,
}

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The saved conversations could not be read.
    #[error(transparent)]
    Store(#[from] crate::io::store::StoreError),
    /// The HTTP client could not be built (a bad proxy, say).
    #[error(transparent)]
    Client(#[from] crate::error::ApiError),
    /// `[keys]` in the config file is wrong; nothing starts with a keymap half applied.
    #[error("the keys in the config file are wrong:\n  {}", .0.join("\n  "))]
    Keys(Vec<String>),
}

/// Where paths typed in the input box are read from: the working directory, and the home
/// directory for `~/`.
fn cwd_and_home() -> (std::path::PathBuf, Option<std::path::PathBuf>) {
    (
        std::env::current_dir().unwrap_or_default(),
        std::env::var_os("HOME").map(std::path::PathBuf::from),
    )
}

/// The key table with the config file's `[keys]` in place.
pub fn key_table(config: &crate::config::Config) -> Result<crate::bindings::KeyTable, Vec<String>> {
    crate::bindings::with_config_keys(&config.keys, &config.keys_text)
}

/// The app as it starts: the state with the saved conversations (the most recent one open,
/// unless `open_last` is false) and the services the loop talks to. `store` is the database
/// at `db_path` if it opened; `None` keeps everything in memory and says so.
pub fn start(
    config: &crate::config::Config,
    db_path: std::path::PathBuf,
    store: Option<Store>,
    open_last: bool,
    osc52: bool,
) -> Result<(AppState, Services), StartError> {
    // A seed from the OS's randomness (std's hasher keys), so two windows started in the same
    // millisecond still make different ids.
    let seed = {
        use std::hash::BuildHasher;
        std::collections::hash_map::RandomState::new().hash_one(std::process::id())
    };
    let mut state = AppState::with_seed(crate::settings_from(config), now_millis(), seed);
    state.keys = std::sync::Arc::new(key_table(config).map_err(StartError::Keys)?);
    state.data_path = db_path.display().to_string();
    // A database that cannot be written may still be read: its history is shown.
    let reader = match &store {
        Some(_) => None,
        None => Store::open_read_only(&db_path).ok(),
    };
    if let Some(store) = store.as_ref().or(reader.as_ref()) {
        let mut saved: Vec<_> = store
            .list()?
            .into_iter()
            .map(crate::state::saved::conversation_from)
            .collect();
        let mut open = None;
        if open_last && let Some(first) = saved.first_mut() {
            let messages = store.load(first.id)?;
            let prompt = store.system_prompt(first.id)?;
            crate::state::saved::fill(first, messages, prompt);
            open = Some(first.id);
        }
        state.restore(saved, open);
        state.history = store.recent_prompts(crate::state::HISTORY_KEPT)?;
    }
    if store.is_none() {
        state.store_error = Some(format!(
            "cannot write {}; new messages are kept in memory and saving is retried",
            db_path.display()
        ));
    }
    let services = Services {
        client: LlmClient::new(config)?,
        store: Some(Storage {
            path: db_path,
            store,
            reader,
        }),
        osc52,
        config: Some(config.clone()),
        editor: crate::io::editor::command_from(|name| std::env::var(name).ok()),
    };
    Ok((state, services))
}

/// How long a request waits for its prompt to be committed before it goes anyway.
const FLUSH_BEFORE_SEND: Duration = Duration::from_secs(3);

struct Effects {
    client: LlmClient,
    tx: UnboundedSender<Msg>,
    streams: HashMap<StreamId, JoinHandle<()>>,
    store: Option<StoreHandle>,
    clipboard: crate::io::clipboard::Clipboard,
    config: Option<crate::config::Config>,
    /// The profile the client talks to.
    profile: String,
    /// Text to edit in the user's editor, once the loop can hand the terminal over.
    edit_request: Option<String>,
}

impl Effects {
    /// The configuration for `profile` (its endpoint and fields) with `key`.
    fn config_for(
        &self,
        profile: &str,
        key: crate::config::ApiKey,
    ) -> Option<crate::config::Config> {
        let base = self.config.as_ref()?;
        let mut config = base.clone();
        // The profile the session started with keeps its endpoint (a --base-url included).
        if base.profile != profile {
            let found = base.profiles.iter().find(|p| p.name == profile)?;
            config.base_url = found.base_url.clone();
            config.kimi_fields = found.kimi_fields;
            config.profile = profile.to_string();
        }
        config.api_key = Some(key);
        Some(config)
    }

    fn store(&self, cmd: StoreCmd) {
        if let Some(store) = &self.store {
            store.send(cmd);
        }
    }

    /// Runs `work` on the blocking pool (it reads files) and reports what it returns.
    fn blocking(&self, work: impl FnOnce() -> Option<Report> + Send + 'static) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(report) = work() {
                let _ = tx.send(Msg::Report(report));
            }
        });
    }

    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::StartStream {
                stream,
                conversation,
                request,
            } => {
                self.streams.retain(|_, task| !task.is_finished());
                let client = self.client.clone();
                let tx = self.tx.clone();
                let (saved_tx, saved_rx) = tokio::sync::oneshot::channel::<bool>();
                self.store(StoreCmd::Barrier {
                    conversation,
                    then: Box::new(move |written| {
                        let _ = saved_tx.send(written);
                    }),
                });
                let wait_for_store = self.store.is_some();
                let task = tokio::spawn(async move {
                    if wait_for_store {
                        // The prompt is committed before the request leaves (or, if the disk
                        // is stuck, after a bound: the reply must not hang on it). If another
                        // window wrote there first, nothing is sent.
                        let saved = tokio::time::timeout(FLUSH_BEFORE_SEND, saved_rx).await;
                        if let Ok(Ok(false)) = saved {
                            let event =
                                StreamEvent::Failed(crate::error::ApiError::ChangedElsewhere);
                            let _ = tx.send(Msg::Report(Report::Stream { stream, event }));
                            return;
                        }
                    }
                    client
                        .stream_chat(&request, |event| {
                            // The receiver lives as long as the loop; after it, nobody listens.
                            let _ = tx.send(Msg::Report(Report::Stream { stream, event }));
                        })
                        .await;
                });
                self.streams.insert(stream, task);
            }
            Effect::CancelStream(stream) => {
                if let Some(task) = self.streams.remove(&stream) {
                    task.abort(); // drops the response, which closes the connection
                }
            }
            Effect::SaveConversation(meta) => self.store(StoreCmd::SaveConversation(meta)),
            Effect::SaveMessage(record) => self.store(StoreCmd::SaveMessage(record)),
            Effect::DeleteConversation(id) => self.store(StoreCmd::Delete(id)),
            Effect::DeleteMessages { conversation, id } => {
                self.store(StoreCmd::DeleteMessages { conversation, id });
            }
            Effect::LoadConversation(id) => self.store(StoreCmd::Load(id)),
            Effect::Search { request, query } => self.store(StoreCmd::Search { request, query }),
            Effect::Export {
                id,
                stem,
                markdown,
                json,
                overwrite,
            } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let msg = crate::io::files::export(id, &stem, &markdown, &json, overwrite);
                    let _ = tx.send(Msg::from(msg));
                });
            }
            Effect::ReadAttachments {
                conversation,
                line,
                paths,
            } => self.blocking(move || {
                let (cwd, home) = cwd_and_home();
                let files = crate::io::attach::read(&paths, &cwd, home.as_deref());
                Some(Report::Attached {
                    conversation,
                    line,
                    files,
                })
            }),
            Effect::DrawPicture {
                graphics,
                hash,
                data,
                cells,
            } => self.blocking(move || {
                let id = crate::io::graphics::id_of(&hash);
                let result = crate::io::graphics::draw(graphics, &data, cells, id);
                Some(Report::PictureDrawn {
                    hash,
                    cells,
                    result,
                })
            }),
            Effect::PasteImage { conversation } => self.blocking(move || {
                let image = crate::io::clipboard::image().and_then(|(w, h, rgba)| {
                    crate::io::image::from_rgba("clipboard.png", w, h, rgba)
                });
                Some(Report::ImagesRead {
                    conversation,
                    line: String::new(),
                    images: vec![image.map_err(|why| format!("Not pasted: {why}"))],
                })
            }),
            Effect::CheckDropped { text } => self.blocking(move || {
                let (_, home) = cwd_and_home();
                crate::io::paths::dropped(&text, home.as_deref())
                    .map(|files| Report::Dropped { text, files })
            }),
            Effect::CompletePath { line } => self.blocking(move || {
                let (cwd, home) = cwd_and_home();
                let (completed, choices) = crate::io::paths::complete(&line, &cwd, home.as_deref());
                Some(Report::PathCompleted {
                    line,
                    completed,
                    choices,
                })
            }),
            Effect::ReadImages {
                conversation,
                line,
                paths,
            } => self.blocking(move || {
                let (cwd, home) = cwd_and_home();
                let images = crate::io::image::read(&paths, &cwd, home.as_deref());
                Some(Report::ImagesRead {
                    conversation,
                    line,
                    images,
                })
            }),
            Effect::UploadDocument { upload, path, name } => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let progress_tx = tx.clone();
                    // Told at most every 1% (a 100 MB file is 400 reads).
                    let told = std::sync::atomic::AtomicU64::new(0);
                    let progress = move |sent: u64, total: u64| {
                        let percent = sent.saturating_mul(100) / total.max(1);
                        if percent > told.swap(percent, std::sync::atomic::Ordering::Relaxed) {
                            let _ = progress_tx.send(Msg::Report(Report::UploadProgress {
                                upload,
                                sent,
                                total,
                            }));
                        }
                    };
                    let result = client
                        .upload_document(&path, &name, progress)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Report(Report::Uploaded { upload, result }));
                });
            }
            Effect::CountDocument { upload, request } => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let tokens = client.count_tokens(&request).await.ok();
                    let _ = tx.send(Msg::Report(Report::DocumentCounted { upload, tokens }));
                });
            }
            Effect::ListFiles => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                let (ours_tx, ours_rx) = tokio::sync::oneshot::channel();
                self.store(StoreCmd::UploadedFiles(Box::new(move |ids| {
                    let _ = ours_tx.send(ids);
                })));
                tokio::spawn(async move {
                    let result = client.list_files().await.map_err(|e| e.to_string());
                    // Without the store (or if it is stuck), no file is marked as ours.
                    let ours = tokio::time::timeout(Duration::from_secs(5), ours_rx)
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .unwrap_or_default();
                    let _ = tx.send(Msg::Report(Report::Files { result, ours }));
                });
            }
            Effect::DeleteFiles(ids) => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let mut deleted = Vec::new();
                    let mut error = None;
                    for id in ids {
                        match client.delete_file(&id).await {
                            Ok(()) => deleted.push(id),
                            Err(e) => {
                                error.get_or_insert_with(|| e.to_string());
                            }
                        }
                    }
                    let _ = tx.send(Msg::Report(Report::FilesDeleted {
                        ids: deleted,
                        error,
                    }));
                });
            }
            Effect::Copy { text, what } => {
                let native = self.clipboard.copy(&text);
                let _ = self.tx.send(Msg::Report(Report::Copied { what, native }));
            }
            Effect::UseProfile { name, epoch } => {
                let found = self
                    .config
                    .as_ref()
                    .and_then(|base| Some((base, base.profiles.iter().find(|p| p.name == name)?)));
                let Some((base, profile)) = found else {
                    let _ = self.tx.send(Msg::from(ModelsReport::ProfileFailed {
                        epoch,
                        error: format!("no profile named {name}"),
                        kept: self.profile.clone(),
                    }));
                    return;
                };
                let mut config = base.clone();
                config.base_url = profile.base_url.clone();
                config.kimi_fields = profile.kimi_fields;
                config.api_key =
                    crate::config::key_from_env(&profile.key_env, |v| std::env::var(v).ok());
                match LlmClient::new(&config) {
                    // Replies already streaming finish on the client they started with.
                    Ok(client) => {
                        self.client = client;
                        self.profile = name;
                    }
                    Err(err) => {
                        let _ = self.tx.send(Msg::from(ModelsReport::ProfileFailed {
                            epoch,
                            error: err.to_string(),
                            kept: self.profile.clone(),
                        }));
                    }
                }
            }
            Effect::SaveTheme { name } => {
                let tx = self.tx.clone();
                let path = self.config.as_ref().and_then(|c| c.config_path.clone());
                tokio::task::spawn_blocking(move || {
                    let result = match path {
                        Some(path) => crate::config::save_theme(&path, &name)
                            .map(|()| format!("theme = \"{name}\" in {}", path.display())),
                        None => Err("there is no config file on this system".into()),
                    };
                    let _ = tx.send(Msg::Report(Report::ThemeSaved(result)));
                });
            }
            Effect::CheckKey { profile, key } => {
                let tx = self.tx.clone();
                let client = self
                    .config_for(&profile, key)
                    .ok_or_else(|| {
                        crate::error::ApiError::Transport(format!("no profile named {profile}"))
                    })
                    .and_then(|config| LlmClient::new(&config));
                tokio::spawn(async move {
                    let result = match client {
                        Ok(client) => client.list_models().await.map(|models| models.len()),
                        Err(err) => Err(err),
                    };
                    let _ = tx.send(Msg::from(KeyReport::Checked { profile, result }));
                });
            }
            Effect::SaveKey { profile, key } => {
                // The credential store may block (a desktop's unlock prompt): never the loop.
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let result = crate::io::keys::save(&profile, key.expose());
                    let _ = tx.send(Msg::from(KeyReport::Saved(result)));
                });
            }
            Effect::UseKey { profile, key } => {
                if let Some(Ok(client)) = self
                    .config_for(&profile, key)
                    .map(|config| LlmClient::new(&config))
                {
                    self.client = client;
                    self.profile = profile;
                }
            }
            Effect::CountTokens {
                epoch,
                id,
                request,
                local,
            } => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let counted = client.count_tokens(&request).await.ok();
                    let _ = tx.send(Msg::from(ModelsReport::TokensCounted {
                        epoch,
                        id,
                        local,
                        counted,
                    }));
                });
            }
            Effect::FetchModels { epoch } => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = client.list_models().await;
                    let _ = tx.send(Msg::from(ModelsReport::Listed { epoch, result }));
                });
            }
            Effect::FetchBalance { epoch } => {
                let client = self.client.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = client.balance().await;
                    let _ = tx.send(Msg::from(ModelsReport::Balance { epoch, result }));
                });
            }
            // Handled by the loop, which owns the terminal and the event stream.
            Effect::EditInEditor { text } => self.edit_request = Some(text),
            Effect::Quit => {}
        }
    }
}

impl Drop for Effects {
    fn drop(&mut self) {
        for task in self.streams.values() {
            task.abort();
        }
    }
}

/// Runs until the state says quit, the event stream ends, or a signal asks to stop. Returns
/// what to tell the user once the terminal is restored (where unsaved changes went), if
/// anything.
pub async fn run<B, H>(
    terminal: &mut Terminal<B>,
    state: &mut AppState,
    services: Services,
    host: &mut H,
) -> io::Result<Option<String>>
where
    B: Backend,
    B::Error: Into<io::Error>,
    H: Host,
{
    let (tx, mut rx) = unbounded_channel();
    let mut store = None;
    if let Some(storage) = services.store {
        let report = tx.clone();
        match store_worker::spawn_with_reader(
            storage.path,
            storage.store,
            storage.reader,
            move |result| {
                // Only fails once the loop has ended, when nobody is left to tell.
                let _ = report.send(Msg::from(result));
            },
        ) {
            Ok(handle) => store = Some(handle),
            // Nothing can be saved: the status bar says so for the whole session.
            Err(error) => {
                let _ = tx.send(Msg::from(StoreReport::Status(Some(error))));
            }
        }
    }
    let mut effects = Effects {
        client: services.client,
        tx,
        streams: HashMap::new(),
        store,
        clipboard: crate::io::clipboard::Clipboard::new(services.osc52),
        profile: services
            .config
            .as_ref()
            .map_or_else(String::new, |c| c.profile.clone()),
        config: services.config,
        edit_request: None,
    };
    let editor = services.editor;
    let mut events = host.events();
    let mut signals = Signals::new()?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let size = terminal.size().map_err(Into::into)?;
    for effect in update::update(state, Msg::Started, now_millis()) {
        effects.run(effect);
    }
    let apply = |state: &mut AppState, msg: Msg, effects: &mut Effects| {
        // Shaped only when debug logging is on: kinds and ids, never text.
        let kind = tracing::enabled!(tracing::Level::DEBUG).then(|| log::shape(&msg, 3));
        let started = kind.as_ref().map(|_| Instant::now());
        let produced = update::update(state, msg, now_millis());
        if let (Some(kind), Some(started)) = (kind, started) {
            let shapes: Vec<String> = produced.iter().map(|e| log::shape(e, 2)).collect();
            tracing::debug!(
                msg = %kind,
                effects = ?shapes,
                micros = started.elapsed().as_micros(),
                "update"
            );
        }
        for effect in produced {
            effects.run(effect);
        }
    };
    apply(
        state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        &mut effects,
    );
    let mut dirty = true;
    // What the user just did is drawn at once; only output that streams in is held to one
    // frame per interval.
    let mut urgent = false;
    let mut last_draw: Option<Instant> = None;
    let mut laid_out: Option<usize> = None;
    // The picture in pixels on screen (kitty, sixel, iTerm2), by image and box.
    let mut pixels_shown: Option<PixelsShown> = None;
    loop {
        if let Some(text) = effects.edit_request.take() {
            // The editor gets the terminal and every key until it exits; nothing else runs
            // meanwhile (replies streaming elsewhere wait, and resume after).
            drop(events);
            host.suspend()?;
            let result = crate::io::editor::edit(&editor, &text);
            host.resume()?;
            // The screen came back blank: make ratatui's idea of it blank too, so the next
            // frame draws every cell.
            forget_screen(terminal)?;
            events = host.events();
            apply(state, Msg::Report(Report::Edited(result)), &mut effects);
            dirty = true;
            urgent = true;
        }
        if state.quitting {
            break;
        }
        if dirty && (urgent || last_draw.is_none_or(|t| t.elapsed() >= FRAME)) {
            let pixels = pixels_on_screen(state);
            if let Some(shown) = &pixels_shown
                && pixels_shown != pixels
            {
                if shown.kitty {
                    // Kitty keeps the image's data until told: it is sent again if shown
                    // again.
                    host.forget_picture(crate::io::graphics::id_of(&shown.hash));
                }
                // A picture drawn in pixels went (or moved): text drawn over its cells may
                // not erase it in every terminal, so the screen is cleared and drawn whole.
                terminal
                    .backend_mut()
                    .clear_region(ratatui::backend::ClearType::All)
                    .map_err(Into::into)?;
                forget_screen(terminal)?;
            }
            pixels_shown = pixels;
            terminal
                .draw(|frame| ui::render(state, frame))
                .map_err(Into::into)?;
            urgent = false;
            last_draw = Some(Instant::now());
            // A long reply is laid out a little per frame: draw again while that advances
            // (and once more when it is done).
            let progress = state.layout_progress();
            dirty = progress != laid_out;
            laid_out = progress;
        }
        let draw_at = last_draw.map_or_else(Instant::now, |t| t + FRAME);
        tokio::select! {
            biased;
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(msg) = keymap::to_msg(state, &event) {
                        apply(state, msg, &mut effects);
                        dirty = true;
                        urgent = true;
                    }
                }
                Some(Err(err)) => {
                    // Live replies are stopped and saved before the error is reported.
                    apply(state, Msg::from(ChatIntent::QuitNow), &mut effects);
                    return Err(err);
                }
                // The terminal went away: quit as Ctrl+Q does, saving what is live.
                None => {
                    apply(state, Msg::from(ChatIntent::QuitNow), &mut effects);
                    break;
                }
            },
            Some(msg) = rx.recv() => {
                apply(state, msg, &mut effects);
                let mut drained = 1;
                while drained < DRAIN_LIMIT {
                    let Ok(msg) = rx.try_recv() else { break };
                    apply(state, msg, &mut effects);
                    drained += 1;
                }
                dirty = true;
            }
            _ = tokio::time::sleep_until(draw_at.into()), if dirty => {}
            _ = tick.tick(), if state.is_animating() => {
                apply(state, Msg::Tick, &mut effects);
                dirty = true;
            }
            () = signals.recv() => {
                apply(state, Msg::from(ChatIntent::QuitNow), &mut effects);
            }
        }
    }
    if let Some(shown) = pixels_shown.filter(|shown| shown.kitty) {
        // Quitting with a kitty picture on screen: kitty may free it too.
        host.forget_picture(crate::io::graphics::id_of(&shown.hash));
    }
    let mut farewell = None;
    if let Some(store) = effects.store.take() {
        // Quitting: blocking here briefly is what lets the last saves land. (Every other way
        // out of the loop drops the handle, which does the same.)
        farewell = store.close(store_worker::CLOSE_WITHIN).message();
    }
    Ok(farewell)
}

/// Makes ratatui's idea of the screen blank, so the next frame draws every cell. (The screen
/// is blank already, or is made so by the caller. `Terminal::clear` would ask the terminal
/// where its cursor is, which not every terminal answers.)
fn forget_screen<B>(terminal: &mut Terminal<B>) -> io::Result<()>
where
    B: Backend,
    B::Error: Into<io::Error>,
{
    terminal
        .draw(|frame| frame.render_widget(ratatui::widgets::Clear, frame.area()))
        .map(|_| ())
        .map_err(Into::into)
}

/// A picture drawn in pixels on screen: which image, in which box, and whether kitty holds it.
#[derive(PartialEq)]
struct PixelsShown {
    hash: String,
    cells: (u16, u16),
    kitty: bool,
}

/// The picture drawn in pixels that the state puts on screen, if any: the pager's image.
fn pixels_on_screen(state: &AppState) -> Option<PixelsShown> {
    if state.overlay != Some(crate::state::Overlay::Pager) {
        return None;
    }
    let picture = state.pager.picture.as_ref()?;
    match &picture.drawn {
        Some(Ok(drawn)) if drawn.is_pixels() => Some(PixelsShown {
            hash: picture.hash.clone(),
            cells: picture.cells,
            kitty: drawn.is_kitty(),
        }),
        _ => None,
    }
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT, as one future that completes when any arrives. (In
/// raw mode Ctrl+C is a key, not a signal; SIGINT comes from other programs, `kill -INT`.)
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    quit: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
                int: signal(SignalKind::interrupt())?,
                quit: signal(SignalKind::quit())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
            _ = self.int.recv() => {}
            _ = self.quit.recv() => {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
