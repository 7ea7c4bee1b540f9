//! The event loop. It owns the terminal, the channel that effect tasks report on, and the
//! running stream tasks. Each wake-up: take the event or result, drain whatever else is
//! queued, update the state, run the effects; draw when something changed, at most once per
//! frame interval. Nothing ticks while nothing moves.

use std::collections::HashMap;
use std::io;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::effect::Effect;
use crate::io::llm::LlmClient;
use crate::msg::{Millis, Msg, StreamId};
use crate::state::AppState;
use crate::{keymap, ui, update};

/// At most one frame per this interval while output streams.
pub const FRAME: Duration = Duration::from_millis(16);
/// How often time-driven things (spinner, thinking timer) refresh while a reply is live.
pub const TICK: Duration = Duration::from_millis(100);
/// Results handled per wake-up before input gets its turn again.
const DRAIN_LIMIT: usize = 4096;

pub fn now_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

struct Effects {
    client: LlmClient,
    tx: UnboundedSender<Msg>,
    streams: HashMap<StreamId, JoinHandle<()>>,
}

impl Effects {
    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::StartStream { stream, request } => {
                self.streams.retain(|_, task| !task.is_finished());
                let client = self.client.clone();
                let tx = self.tx.clone();
                let task = tokio::spawn(async move {
                    client
                        .stream_chat(&request, |event| {
                            // The receiver lives as long as the loop; after it, nobody listens.
                            let _ = tx.send(Msg::Stream { stream, event });
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

/// Runs until the state says quit, the event stream ends, or a signal asks to stop.
pub async fn run<B, E>(
    terminal: &mut Terminal<B>,
    state: &mut AppState,
    client: LlmClient,
    mut events: E,
) -> io::Result<()>
where
    B: Backend,
    B::Error: Into<io::Error>,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let (tx, mut rx) = unbounded_channel();
    let mut effects = Effects {
        client,
        tx,
        streams: HashMap::new(),
    };
    let mut signals = Signals::new()?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let size = terminal.size().map_err(Into::into)?;
    let apply = |state: &mut AppState, msg: Msg, effects: &mut Effects| {
        for effect in update::update(state, msg, now_millis()) {
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
    let mut last_draw: Option<Instant> = None;
    loop {
        if state.quitting {
            break;
        }
        if dirty && last_draw.is_none_or(|t| t.elapsed() >= FRAME) {
            terminal
                .draw(|frame| ui::render(state, frame))
                .map_err(Into::into)?;
            dirty = false;
            last_draw = Some(Instant::now());
        }
        let draw_at = last_draw.map_or_else(Instant::now, |t| t + FRAME);
        tokio::select! {
            biased;
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(msg) = keymap::to_msg(state, &event) {
                        apply(state, msg, &mut effects);
                        dirty = true;
                    }
                }
                Some(Err(err)) => return Err(err),
                None => break,
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
                apply(state, Msg::Quit, &mut effects);
            }
        }
    }
    Ok(())
}

/// SIGTERM and SIGHUP, as one future that completes when either arrives.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
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
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
