//! The store's one writer: a thread that owns the SQLite connection and applies commands in
//! the order they were sent. A save that fails (disk full, read-only directory, database
//! busy) is kept in memory and retried every few seconds; the UI is told when saving fails and
//! when it works again. Nothing waits on this thread except `flush`.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::store::records::SearchHit;
use super::store::{Store, StoreError};
use crate::ids::ConversationId;
use crate::io::store::records::{ConversationMeta, MessageRecord};

const RETRY_EVERY: Duration = Duration::from_secs(3);
/// Search results returned at most.
const SEARCH_LIMIT: usize = 200;

#[allow(
    clippy::large_enum_variant,
    reason = "each command is moved once through the channel; boxing the record buys nothing"
)]
pub enum StoreCmd {
    SaveConversation(ConversationMeta),
    SaveMessage(MessageRecord),
    Delete(ConversationId),
    /// Deletes a message and everything under it.
    DeleteMessages {
        conversation: ConversationId,
        id: u64,
    },
    Load(ConversationId),
    Search {
        request: u64,
        query: String,
    },
    /// Runs the callback once every command sent before it was handled.
    Flush(Box<dyn FnOnce() + Send>),
    /// Gives the callback the ids of the files uploaded for messages' documents (none if
    /// the database cannot be read).
    UploadedFiles(Box<dyn FnOnce(Vec<String>) + Send>),
    /// Like `Flush`, for a request about to be sent: the callback is told whether every save
    /// of `conversation` since the last barrier was written (false: one was refused because
    /// another window wrote there first, and the ones after it were dropped).
    Barrier {
        conversation: ConversationId,
        then: Box<dyn FnOnce(bool) + Send>,
    },
}

pub struct StoreHandle {
    tx: Option<Sender<StoreCmd>>,
    thread: Option<JoinHandle<Closed>>,
}

/// What closing the store left to say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Closed {
    /// Saves that could not be written to the database were written to this file instead.
    pub rescued: Option<(PathBuf, usize)>,
    /// Saves that may be lost, and why (not even a rescue file could be written, or the
    /// disk did not answer in time).
    pub lost: Option<String>,
}

impl Closed {
    /// What to tell the user after the terminal is restored, if anything.
    pub fn message(&self) -> Option<String> {
        match (&self.rescued, &self.lost) {
            (Some((path, n)), _) => Some(format!(
                "{n} change(s) could not be saved to the database; they were written to {}.",
                path.display()
            )),
            (None, Some(why)) => Some(format!("some changes may not have been saved: {why}")),
            (None, None) => None,
        }
    }
}

impl StoreHandle {
    pub fn send(&self, cmd: StoreCmd) {
        if let Some(tx) = &self.tx
            && tx.send(cmd).is_err()
        {
            // The worker is gone only after a panic in it; the reducer's state still holds
            // everything, so there is nothing more to do here.
        }
    }

    /// Waits (up to `limit`) until everything sent so far was handled, then stops the worker.
    /// Saves that still cannot be written go to a rescue file, which the result names.
    pub fn close(mut self, limit: Duration) -> Closed {
        self.finish(limit)
    }

    fn finish(&mut self, limit: Duration) -> Closed {
        if self.tx.is_none() {
            return Closed::default();
        }
        let (done_tx, done_rx) = channel();
        self.send(StoreCmd::Flush(Box::new(move || {
            let _ = done_tx.send(());
        })));
        let finished = done_rx.recv_timeout(limit).is_ok();
        self.tx = None;
        match self.thread.take() {
            Some(thread) if finished => thread.join().unwrap_or_else(|_| Closed {
                rescued: None,
                lost: Some("the thread that saves conversations failed".into()),
            }),
            _ => Closed {
                rescued: None,
                lost: Some(format!(
                    "the disk did not answer within {} s",
                    limit.as_secs()
                )),
            },
        }
    }
}

/// However the loop ends (quit, an error, a panic unwinding), what was sent is written: a
/// handle dropped without `close` closes itself.
impl Drop for StoreHandle {
    fn drop(&mut self) {
        if let Some(message) = self.finish(CLOSE_WITHIN).message() {
            tracing::warn!("{message}");
        }
    }
}

/// How long closing waits for the last saves.
pub const CLOSE_WITHIN: Duration = Duration::from_secs(3);

/// Starts the worker. `store` is the database opened at start-up, or `None` when it could not
/// be opened for a reason worth retrying; `report` hands results to the event loop. Fails only
/// if the thread cannot be started, which the caller must tell the user.
pub fn spawn(
    path: PathBuf,
    store: Option<Store>,
    report: impl Fn(StoreReport) + Send + 'static,
) -> Result<StoreHandle, String> {
    spawn_with_reader(path, store, None, report)
}

/// `spawn`, with the database opened read-only (`reader`) for loading and searching while it
/// cannot be written.
pub fn spawn_with_reader(
    path: PathBuf,
    store: Option<Store>,
    reader: Option<Store>,
    report: impl Fn(StoreReport) + Send + 'static,
) -> Result<StoreHandle, String> {
    let (tx, rx) = channel();
    let thread = std::thread::Builder::new()
        .name("kimi-store".into())
        .spawn(move || Worker::new(path, store, reader, report).run(rx))
        .map_err(|e| format!("cannot start the thread that saves conversations: {e}"))?;
    Ok(StoreHandle {
        tx: Some(tx),
        thread: Some(thread),
    })
}

#[allow(
    clippy::large_enum_variant,
    reason = "a few saves wait here at most, while the disk fails"
)]
enum Save {
    Conversation(ConversationMeta),
    Message(MessageRecord),
    Delete(ConversationId),
    DeleteMessages {
        conversation: ConversationId,
        id: u64,
    },
}

struct Worker<R: Fn(StoreReport)> {
    path: PathBuf,
    store: Option<Store>,
    /// The database opened read-only while it cannot be written: conversations still open
    /// and search still works.
    reader: Option<Store>,
    /// Conversations with a refused save since their last barrier.
    refused: std::collections::HashSet<ConversationId>,
    /// Saves not yet written, in order; a newer save of the same row replaces the older.
    pending: Vec<Save>,
    failing: Option<String>,
    last_try: Instant,
    report: R,
}

impl<R: Fn(StoreReport)> Worker<R> {
    fn new(path: PathBuf, store: Option<Store>, reader: Option<Store>, report: R) -> Self {
        let failing = store
            .is_none()
            .then(|| "the database could not be opened".to_string());
        Worker {
            path,
            store,
            reader,
            refused: std::collections::HashSet::new(),
            pending: Vec::new(),
            failing,
            last_try: Instant::now(),
            report,
        }
    }

    fn run(mut self, rx: Receiver<StoreCmd>) -> Closed {
        loop {
            let idle = self.pending.is_empty() && self.store.is_some();
            let cmd = if idle {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(RETRY_EVERY)
            };
            match cmd {
                Ok(cmd) => self.handle(cmd),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    if !self.pending.is_empty() {
                        self.retry();
                    }
                    return self.rescue();
                }
            }
            if !self.pending.is_empty() && self.last_try.elapsed() >= RETRY_EVERY {
                self.retry();
            }
        }
    }

    fn handle(&mut self, cmd: StoreCmd) {
        let started = Instant::now();
        let kind = match &cmd {
            StoreCmd::SaveConversation(_) => "save conversation",
            StoreCmd::SaveMessage(_) => "save message",
            StoreCmd::Delete(_) => "delete",
            StoreCmd::DeleteMessages { .. } => "delete messages",
            StoreCmd::Load(_) => "load",
            StoreCmd::Search { .. } => "search",
            StoreCmd::Flush(_) => "flush",
            StoreCmd::UploadedFiles(_) => "uploaded files",
            StoreCmd::Barrier { .. } => "barrier",
        };
        self.apply(cmd);
        tracing::debug!(
            cmd = kind,
            micros = started.elapsed().as_micros(),
            pending = self.pending.len(),
            "store"
        );
    }

    fn apply(&mut self, cmd: StoreCmd) {
        match cmd {
            StoreCmd::SaveConversation(meta) => self.save(Save::Conversation(meta)),
            StoreCmd::SaveMessage(record) => self.save(Save::Message(record)),
            StoreCmd::Delete(id) => {
                self.pending.retain(|s| match s {
                    Save::Conversation(m) => m.id != id,
                    Save::Message(r) => r.conversation_id != id,
                    Save::Delete(_) | Save::DeleteMessages { .. } => true,
                });
                self.save(Save::Delete(id));
            }
            StoreCmd::DeleteMessages { conversation, id } => {
                self.save(Save::DeleteMessages { conversation, id });
            }
            StoreCmd::Load(id) => {
                // Read again: the window's view of it is fresh, its saves count again.
                self.refused.remove(&id);
                let result = match self.store.as_ref().or(self.reader.as_ref()) {
                    Some(store) => store
                        .load(id)
                        .and_then(|messages| Ok((messages, store.system_prompt(id)?))),
                    None => Err(StoreError::Unavailable {
                        path: self.path.clone(),
                        detail: self.failing.clone().unwrap_or_default(),
                    }),
                };
                (self.report)(match result {
                    Ok((messages, system_prompt)) => StoreReport::Loaded {
                        id,
                        messages,
                        system_prompt,
                    },
                    Err(err) => StoreReport::LoadFailed {
                        id,
                        error: err.to_string(),
                    },
                });
            }
            StoreCmd::Search { request, query } => {
                let result = match self.store.as_ref().or(self.reader.as_ref()) {
                    Some(store) => store
                        .search(&query, SEARCH_LIMIT)
                        .map_err(|e| e.to_string()),
                    None => Err(self
                        .failing
                        .clone()
                        .unwrap_or_else(|| "the database is not open".into())),
                };
                (self.report)(match result {
                    Ok(hits) => StoreReport::SearchResults { request, hits },
                    Err(error) => StoreReport::SearchFailed { request, error },
                });
            }
            StoreCmd::Flush(done) => done(),
            StoreCmd::UploadedFiles(then) => then(
                self.store
                    .as_ref()
                    .or(self.reader.as_ref())
                    .and_then(|store| store.uploaded_file_ids().ok())
                    .unwrap_or_default(),
            ),
            StoreCmd::Barrier { conversation, then } => then(!self.refused.remove(&conversation)),
        }
    }

    fn save(&mut self, save: Save) {
        // After a refusal, the conversation's next saves (the reply to a message that was
        // refused, say) are dropped until the barrier: the window reloads it instead.
        let conversation = match &save {
            Save::Conversation(meta) => meta.id,
            Save::Message(record) => record.conversation_id,
            Save::Delete(id) => *id,
            Save::DeleteMessages { conversation, .. } => *conversation,
        };
        if self.refused.contains(&conversation) {
            // Already said in the conversation (its first refused save); the window reloads it
            // at the next request or when it is opened.
            tracing::warn!(
                conversation = conversation.0,
                "save held back after a refusal"
            );
            return;
        }
        if self.pending.is_empty()
            && let Some(store) = &self.store
        {
            match write(store, &save) {
                Ok(()) => return,
                Err(StoreError::Diverged { id, message }) => {
                    return (self.report)(StoreReport::SaveDiverged { id, message });
                }
                Err(
                    err @ (StoreError::ParentGone { id }
                    | StoreError::ChangedElsewhere { id }
                    | StoreError::IdTaken { id }),
                ) => {
                    return self.refuse(id, err);
                }
                Err(err) => self.fail(err.to_string()),
            }
        }
        self.queue(save);
    }

    /// A save that must not be written (it would corrupt its conversation) is said so, loudly
    /// and for that conversation, and not tried again; the saves after it go on.
    fn refuse(&mut self, id: ConversationId, err: StoreError) {
        tracing::warn!(conversation = id.0, error = %err, "save refused");
        self.refused.insert(id);
        (self.report)(StoreReport::SaveRefused {
            id,
            error: err.to_string(),
        });
    }

    /// Keeps a save for later; a later save of the same thing takes the place of the one
    /// kept (the end of a long message joins the text kept before it).
    fn queue(&mut self, save: Save) {
        if let Save::Message(new) = &save
            && let Some(from) = new.appended
            && let Some(Save::Message(kept)) = self
                .pending
                .iter_mut()
                .rev()
                .find(|s| matches!(s, Save::Message(m) if m.id == new.id))
        {
            // What the kept save ends at: the text it holds, after where it starts.
            let (c, r) = kept.appended.unwrap_or((0, 0));
            if (c + kept.content.len(), r + kept.reasoning.len()) == from {
                let Save::Message(mut new) = save else {
                    return;
                };
                let mut content = std::mem::take(&mut kept.content);
                content.push_str(&new.content);
                let mut reasoning = std::mem::take(&mut kept.reasoning);
                reasoning.push_str(&new.reasoning);
                new.content = content;
                new.reasoning = reasoning;
                new.appended = kept.appended;
                *kept = new;
                return;
            }
            // Out of step: both kept, in order (the store says if they do not join).
            self.pending.push(save);
            return;
        }
        let same = |a: &Save, b: &Save| match (a, b) {
            (Save::Conversation(x), Save::Conversation(y)) => x.id == y.id,
            (Save::Message(x), Save::Message(y)) => x.id == y.id,
            _ => false,
        };
        if let Some(slot) = self.pending.iter_mut().find(|s| same(s, &save)) {
            *slot = save;
        } else {
            self.pending.push(save);
        }
    }

    fn fail(&mut self, why: String) {
        self.last_try = Instant::now();
        if self.failing.as_deref() != Some(why.as_str()) {
            tracing::warn!(error = %why, pending = self.pending.len(), "saving fails");
            self.failing = Some(why.clone());
            (self.report)(StoreReport::Status(Some(why)));
        }
    }

    fn retry(&mut self) {
        self.last_try = Instant::now();
        if self.store.is_none() {
            match Store::open(&self.path) {
                Ok(store) => {
                    self.store = Some(store);
                    self.reader = None;
                }
                Err(err) => return self.fail(err.to_string()),
            }
        }
        let Some(store) = &self.store else { return };
        let mut written = 0;
        let mut error = None;
        let mut refused = Vec::new();
        let mut diverged = Vec::new();
        for save in &self.pending {
            match write(store, save) {
                Ok(()) => written += 1,
                Err(StoreError::Diverged { id, message }) => {
                    diverged.push((id, message));
                    written += 1;
                }
                Err(
                    err @ (StoreError::ParentGone { id }
                    | StoreError::ChangedElsewhere { id }
                    | StoreError::IdTaken { id }),
                ) => {
                    refused.push((id, err));
                    written += 1;
                }
                Err(err) => {
                    error = Some(err.to_string());
                    break;
                }
            }
        }
        self.pending.drain(..written);
        for (id, err) in refused {
            self.refuse(id, err);
        }
        for (id, message) in diverged {
            (self.report)(StoreReport::SaveDiverged { id, message });
        }
        match error {
            Some(why) => self.fail(why),
            None => {
                if self.failing.take().is_some() {
                    tracing::warn!("saving works again");
                    (self.report)(StoreReport::Status(None));
                }
            }
        }
    }
}

impl<R: Fn(StoreReport)> Worker<R> {
    /// Writes the saves that never reached the database to a file of their own (JSON), beside
    /// the database if that works, else in the temporary directory.
    fn rescue(&mut self) -> Closed {
        if self.pending.is_empty() {
            return Closed::default();
        }
        let why = self.failing.clone().unwrap_or_default();
        let mut conversations = Vec::new();
        let mut messages = Vec::new();
        let mut deleted = Vec::new();
        let mut deleted_messages = Vec::new();
        for save in &self.pending {
            match save {
                Save::Conversation(meta) => conversations.push(meta),
                Save::Message(record) => messages.push(record),
                Save::Delete(id) => deleted.push(id),
                Save::DeleteMessages { conversation, id } => deleted_messages
                    .push(serde_json::json!({ "conversation": conversation, "message": id })),
            }
        }
        let body = serde_json::json!({
            "kimi_tui_unsaved": 1,
            "why": why,
            "conversations": conversations,
            "messages": messages,
            "deleted": deleted,
            "deleted_messages": deleted_messages,
        });
        let Ok(text) = serde_json::to_string_pretty(&body) else {
            return Closed {
                rescued: None,
                lost: Some(why),
            };
        };
        let name = format!(
            "kimi-tui-unsaved-{}.json",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
        );
        let places = [
            self.path.parent().map(|d| d.join(&name)),
            Some(std::env::temp_dir().join(&name)),
        ];
        for place in places.into_iter().flatten() {
            if write_private(&place, text.as_bytes()).is_ok() {
                tracing::warn!(file = %place.display(), saves = self.pending.len(), "unsaved changes rescued");
                return Closed {
                    rescued: Some((place, self.pending.len())),
                    lost: None,
                };
            }
        }
        Closed {
            rescued: None,
            lost: Some(format!("{why}; no rescue file could be written either")),
        }
    }
}

/// Writes a new file readable by its owner only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn write(store: &Store, save: &Save) -> Result<(), StoreError> {
    match save {
        Save::Conversation(meta) => store.save_conversation(meta),
        Save::Message(record) => store.save_message(record),
        Save::Delete(id) => store.delete_conversation(*id),
        Save::DeleteMessages { conversation, id } => store.delete_messages(*conversation, *id),
    }
}

/// What the store worker reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreReport {
    Loaded {
        id: ConversationId,
        messages: Vec<MessageRecord>,
        system_prompt: Option<String>,
    },
    LoadFailed {
        id: ConversationId,
        error: String,
    },
    SearchResults {
        request: u64,
        hits: Vec<SearchHit>,
    },
    /// A search could not run (the database is unavailable or failed).
    SearchFailed {
        request: u64,
        error: String,
    },
    /// Saving fails (`Some(why)`) or works again (`None`).
    Status(Option<String>),
    /// Only the end of message `message` was sent, and the store holds another length of
    /// it: the window sends it whole.
    SaveDiverged {
        id: ConversationId,
        message: u64,
    },
    /// The store refused a message of conversation `id`: writing it would have put two
    /// messages at one position. Not retried.
    SaveRefused {
        id: ConversationId,
        error: String,
    },
}
