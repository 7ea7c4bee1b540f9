//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod app;
pub mod mock_kimi;
pub mod pty;

use kimi_tui::api::SamplingOptions;
use kimi_tui::api::StreamEvent;
use kimi_tui::effect::Effect;
use kimi_tui::ids::StreamId;
use kimi_tui::msg::{ChatIntent, ComposerIntent, Msg, Report};
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
    update(state, Msg::from(ComposerIntent::Paste(text.into())), at);
    let effects = update(state, Msg::from(ChatIntent::Submit), at);
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

/// Command-line arguments naming only a base URL (and a profile, if any).
/// A test terminal's screen as text: every cell's symbol, a line per row.
pub fn screen_text(buffer: &ratatui::buffer::Buffer) -> String {
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

pub fn args(base_url: Option<&str>, profile: Option<&str>) -> kimi_tui::config::Args {
    use clap::Parser;
    let mut args = kimi_tui::config::Args::parse_from(["kimi-tui"]);
    args.base_url = base_url.map(String::from);
    args.profile = profile.map(String::from);
    args
}

/// A real HTTP client for `base_url` with `key` as MOONSHOT_API_KEY and `file` as the config.
pub fn client(
    base_url: &str,
    key: Option<&str>,
    file: kimi_tui::config::FileConfig,
) -> kimi_tui::io::llm::LlmClient {
    let key = key.map(String::from);
    let config = kimi_tui::config::resolve(&args(Some(base_url), None), file, move |name| {
        (name == "MOONSHOT_API_KEY").then(|| key.clone()).flatten()
    });
    kimi_tui::io::llm::LlmClient::new(&config).expect("client")
}

/// A one-question chat request.
pub fn chat_request(sampling: SamplingOptions) -> kimi_tui::api::ChatRequest {
    kimi_tui::api::ChatRequest {
        model: "kimi-k2.6".into(),
        messages: vec![kimi_tui::api::ChatMessage {
            role: "user".into(),
            content: "hi".into(),
            ..Default::default()
        }],
        stream: true,
        stream_options: kimi_tui::api::StreamOptions {
            include_usage: true,
        },
        sampling,
        thinking: None,
        reasoning_effort: None,
        prompt_cache_key: None,
        tools: None,
    }
}

pub fn feed(state: &mut AppState, stream: StreamId, events: Vec<StreamEvent>, at: u64) {
    for event in events {
        update(state, Msg::from(Report::Stream { stream, event }), at);
    }
}

/// Ends every live stream as if each had finished (for tests that send again right away).
pub fn end_streams(state: &mut AppState) {
    let streams: Vec<StreamId> = state.conversations.streams().map(|(s, _)| s).collect();
    for stream in streams {
        state.conversations.end_stream(stream);
    }
}
