//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod mock_kimi;
pub mod pty;

use kimi_tui::api::SamplingOptions;
use kimi_tui::effect::Effect;
use kimi_tui::msg::{Msg, StreamEvent, StreamId};
use kimi_tui::update::update;
use kimi_tui::{AppState, Settings};

pub const T0: u64 = 1_700_000_000_000;

pub fn settings() -> Settings {
    Settings {
        model: "kimi-k2.6".into(),
        endpoint: "api.moonshot.ai".into(),
        system_prompt: "Be brief.".into(),
        has_key: true,
        sampling: SamplingOptions::default(),
        max_retries: 3,
        kimi_fields: true,
        profile: "kimi".into(),
        profiles: Vec::new(),
    }
}

pub fn app() -> AppState {
    let mut state = AppState::new(settings(), T0);
    update(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 24,
        },
        T0,
    );
    state
}

/// Types `text` into the input box and presses Enter; returns the stream the reply uses.
pub fn send(state: &mut AppState, text: &str, at: u64) -> Option<StreamId> {
    update(state, Msg::Paste(text.into()), at);
    let effects = update(state, Msg::Submit, at);
    effects.into_iter().find_map(|e| match e {
        Effect::StartStream { stream, .. } => Some(stream),
        _ => None,
    })
}

/// Draws the whole UI at `width` x `height` into a test backend.
pub fn draw(
    state: &mut AppState,
    width: u16,
    height: u16,
) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    update(state, Msg::Resize { width, height }, state.now);
    let backend = ratatui::backend::TestBackend::new(width, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("terminal");
    terminal
        .draw(|frame| kimi_tui::ui::render(state, frame))
        .expect("draw");
    terminal
}

pub fn feed(state: &mut AppState, stream: StreamId, events: Vec<StreamEvent>, at: u64) {
    for event in events {
        update(state, Msg::Stream { stream, event }, at);
    }
}
