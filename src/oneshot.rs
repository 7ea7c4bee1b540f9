//! One-shot mode for shells and pipes: `kimi-tui -p "question"` sends one prompt, writes the
//! reply to stdout as plain text while it streams, and exits. It drives the same reducer as
//! the full-screen app (the request, retries, trimming and saving are the app's), without a
//! screen: the reply's new text after every event goes to stdout, cleaned of control
//! characters the way the screen cleans them (line breaks and tabs kept).
//!
//! Exit status: 0 for a complete reply (a reply cut by the token limit too, with a note on
//! stderr), 1 for an API or network error (said on stderr), 130 when interrupted (Ctrl+C or
//! SIGINT; what arrived is saved, marked stopped). Usage errors (2) are `main`'s.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "one-shot mode is an edge: it reads the clock and signals and writes stdout and the database"
)]

use std::io::Write;
use std::time::Duration;

use crate::api::StreamEvent;
use crate::effect::Effect;
use crate::io::llm::LlmClient;
use crate::io::store::Store;
use crate::io::store::records::MessageStatus;
use crate::msg::{ChatIntent, Msg, Report};
use crate::runtime::now_millis;
use crate::state::AppState;
use crate::update::update;

/// What to send and how.
pub struct Options {
    /// The whole message (the prompt argument and whatever came on stdin).
    pub text: String,
    /// Append to the most recent conversation instead of starting one.
    pub continue_last: bool,
    /// A system prompt for this conversation instead of the configured one.
    pub system: Option<String>,
    /// The model's reasoning goes to stderr.
    pub show_reasoning: bool,
    /// Keep a newline after the reply (stdout is a terminal).
    pub end_with_newline: bool,
}

/// How often retries and saving are looked at while the reply streams.
const TICK: Duration = Duration::from_millis(200);

/// Exit statuses.
pub const INTERRUPTED: u8 = 130;

/// Runs one prompt; returns the exit status. `store` is `None` with `--no-save` (or when the
/// database cannot be opened: then `store_error` says why, once, on stderr).
pub async fn run(
    config: &crate::config::Config,
    store: Option<Store>,
    options: Options,
    out: &mut impl Write,
    err: &mut impl Write,
) -> u8 {
    let seed = {
        use std::hash::BuildHasher;
        std::collections::hash_map::RandomState::new().hash_one(std::process::id())
    };
    let mut state = AppState::with_seed(crate::settings_from(config), now_millis(), seed);
    if options.continue_last
        && let Some(store) = &store
    {
        match recent(store) {
            Ok(Some(conv)) => {
                let id = conv.id;
                state.restore(vec![conv], Some(id));
            }
            Ok(None) => {}
            Err(e) => {
                let _ = writeln!(err, "kimi-tui: cannot read the last conversation: {e}");
                return 1;
            }
        }
    }
    if let Some(system) = options.system {
        state.active_conversation_mut().system_prompt = system;
    }
    state.input.insert_str(&options.text);
    let client = match LlmClient::new(config) {
        Ok(client) => client,
        Err(e) => {
            let _ = writeln!(err, "kimi-tui: {e}");
            return 1;
        }
    };
    let mut saver = Saver {
        store,
        failed: false,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), now_millis());
    let mut started = false;
    apply(
        &effects,
        &mut saver,
        &client,
        &tx,
        &mut tasks,
        &mut started,
        err,
    );
    if !started {
        // The reducer said why in the conversation's notice or the status line.
        let conv = state.active_conversation();
        let why = conv
            .notice
            .clone()
            .or_else(|| state.flash.clone())
            .unwrap_or_else(|| "nothing was sent".into());
        let _ = writeln!(err, "kimi-tui: {why}");
        return 1;
    }
    let reply = state.active_conversation().live_reply;
    let mut printed = Printed::default();
    let mut tick = tokio::time::interval(TICK);
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    let mut status = None;
    while state.active_conversation().phase.is_live() {
        let effects = tokio::select! {
            Some((stream, event)) = rx.recv() => {
                update(&mut state, Msg::Report(Report::Stream { stream, event }), now_millis())
            }
            _ = tick.tick() => update(&mut state, Msg::Tick, now_millis()),
            _ = &mut interrupted => {
                status = Some(INTERRUPTED);
                update(&mut state, Msg::from(ChatIntent::Stop), now_millis())
            }
        };
        apply(
            &effects,
            &mut saver,
            &client,
            &tx,
            &mut tasks,
            &mut started,
            err,
        );
        if let Some(message) = reply.and_then(|id| state.active_conversation().message(id)) {
            printed.write(message, options.show_reasoning, out, err);
        }
    }
    for task in tasks {
        task.abort();
    }
    let conv = state.active_conversation();
    let Some(message) = reply.and_then(|id| conv.message(id)) else {
        return 1;
    };
    printed.write(message, options.show_reasoning, out, err);
    if options.end_with_newline && !message.content.is_empty() && !message.content.ends_with('\n') {
        let _ = writeln!(out);
    }
    let _ = out.flush();
    if let Some(status) = status {
        let _ = writeln!(err, "kimi-tui: stopped; what arrived is saved.");
        return status;
    }
    match message.status {
        MessageStatus::Complete => {
            if message.finish_reason.as_deref() == Some("length") {
                let _ = writeln!(
                    err,
                    "kimi-tui: the reply was cut at the token limit (max_completion_tokens)."
                );
            }
            0
        }
        MessageStatus::Stopped => INTERRUPTED,
        MessageStatus::Interrupted => {
            let _ = writeln!(err, "kimi-tui: {}", crate::error::ApiError::Interrupted);
            1
        }
        MessageStatus::Failed | MessageStatus::Streaming => {
            let why = message.error.as_deref().unwrap_or("the request failed");
            let _ = writeln!(err, "kimi-tui: {why}");
            1
        }
    }
}

/// The most recent conversation, read whole.
fn recent(
    store: &Store,
) -> Result<Option<crate::state::Conversation>, crate::io::store::StoreError> {
    let Some(summary) = store.list()?.into_iter().next() else {
        return Ok(None);
    };
    let id = summary.id;
    let mut conv = crate::state::saved::conversation_from(summary);
    crate::state::saved::fill(&mut conv, store.load(id)?, store.system_prompt(id)?);
    Ok(Some(conv))
}

/// How much of the reply has been written.
#[derive(Default)]
struct Printed {
    content: usize,
    reasoning: usize,
}

impl Printed {
    fn write(
        &mut self,
        message: &crate::state::Message,
        show_reasoning: bool,
        out: &mut impl Write,
        err: &mut impl Write,
    ) {
        if show_reasoning && message.reasoning.len() > self.reasoning {
            if let Some(new) = message.reasoning.get(self.reasoning..) {
                let _ = err.write_all(crate::text::plain::sanitize_lines(new).as_bytes());
                let _ = err.flush();
            }
            self.reasoning = message.reasoning.len();
        }
        if message.content.len() > self.content {
            if show_reasoning && self.content == 0 && self.reasoning > 0 {
                let _ = writeln!(err);
            }
            if let Some(new) = message.content.get(self.content..) {
                let _ = out.write_all(crate::text::plain::sanitize_lines(new).as_bytes());
                let _ = out.flush();
            }
            self.content = message.content.len();
        }
    }
}

/// Writes saves straight to the database (one process, one short run: no worker needed).
struct Saver {
    store: Option<Store>,
    failed: bool,
}

impl Saver {
    fn save(&mut self, effect: &Effect, err: &mut impl Write) {
        let Some(store) = &self.store else { return };
        let result = match effect {
            Effect::SaveConversation(meta) => store.save_conversation(meta),
            Effect::SaveMessage(record) => store.save_message(record),
            _ => return,
        };
        if let Err(e) = result
            && !self.failed
        {
            self.failed = true;
            let _ = writeln!(err, "kimi-tui: the conversation is not saved: {e}");
        }
    }
}

fn apply(
    effects: &[Effect],
    saver: &mut Saver,
    client: &LlmClient,
    tx: &tokio::sync::mpsc::UnboundedSender<(crate::ids::StreamId, StreamEvent)>,
    tasks: &mut Vec<tokio::task::JoinHandle<()>>,
    started: &mut bool,
    err: &mut impl Write,
) {
    for effect in effects {
        match effect {
            Effect::SaveConversation(_) | Effect::SaveMessage(_) => saver.save(effect, err),
            Effect::StartStream {
                stream, request, ..
            } => {
                // The saves before it are written already: the prompt is committed first.
                *started = true;
                let (client, tx, stream, request) =
                    (client.clone(), tx.clone(), *stream, request.clone());
                tasks.push(tokio::spawn(async move {
                    client
                        .stream_chat(&request, |event| {
                            let _ = tx.send((stream, event));
                        })
                        .await;
                }));
            }
            Effect::CancelStream(_) => {
                for task in tasks.iter() {
                    task.abort();
                }
            }
            // Nothing else a one-shot prompt asks for matters without a screen (the token
            // count only refines the next request's trimming).
            _ => {}
        }
    }
}
