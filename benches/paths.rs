//! Micro-benchmarks of the hot in-process paths with divan: `cargo bench --bench paths`.
//! The table in BENCHMARKS.md comes from `benches/kimi.rs`; these are for watching one path
//! closely while changing it.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "benches are an edge: they start servers, read clocks and write files"
)]

use divan::Bencher;
use kimi_tui::api::SamplingOptions;
use kimi_tui::api::StreamEvent;
use kimi_tui::ids::StreamId;
use kimi_tui::io::store::records::MessageStatus;
use kimi_tui::msg::{ChatIntent, ComposerIntent, Msg, NavIntent, Report, ScrollCmd};
use kimi_tui::state::{Message, Scroll};
use kimi_tui::text::rows::{MarkdownLayout, TextLayout};
use kimi_tui::update::update;
use kimi_tui::{AppState, Settings, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Messages pushed straight onto the branch shown, outside the tree: their ids do not matter.
const NO_ID: kimi_tui::state::MessageId = kimi_tui::state::MessageId {
    id: 0,
    uid: uuid::Uuid::nil(),
};

const T0: u64 = 1_700_000_000_000;

fn main() {
    divan::main();
}

fn settings() -> Settings {
    Settings {
        model: "kimi-k2.6".into(),
        endpoint: "bench".into(),
        system_prompt: String::new(),
        has_key: true,
        sampling: SamplingOptions::default(),
        max_retries: 3,
        kimi_fields: true,
        profile: "kimi".into(),
        profiles: Vec::new(),
    }
}

fn paragraph() -> String {
    "The quick brown fox jumps over the lazy dog, 中文字符也在这里。 ".repeat(40)
}

/// A state with `bytes` of transcript and a reply streaming at its end.
fn streaming_state(bytes: usize) -> (AppState, StreamId) {
    let mut state = AppState::new(settings(), T0);
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 40,
        },
        T0,
    );
    let text = paragraph();
    let conv = state.active_conversation_mut();
    let mut total = 0;
    while total < bytes {
        conv.messages.push(Message::user(NO_ID, "more".into(), T0));
        let mut reply = Message::assistant_streaming(NO_ID, "kimi-k2.6".into(), T0);
        reply.content = text.clone();
        reply.status = MessageStatus::Complete;
        total += text.len();
        conv.messages.push(reply);
    }
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("go".into())),
        T0,
    );
    let stream = update(&mut state, Msg::from(ChatIntent::Submit), T0)
        .into_iter()
        .find_map(|e| match e {
            kimi_tui::effect::Effect::StartStream { stream, .. } => Some(stream),
            _ => None,
        })
        .expect("a stream");
    (state, stream)
}

/// One delta into the reducer, with 0 B, 100 KB or 2 MB of transcript before it.
#[divan::bench(args = [0, 100 * 1024, 2 * 1024 * 1024])]
fn delta_update(bencher: Bencher, before: usize) {
    let (mut state, stream) = streaming_state(before);
    bencher.bench_local(|| {
        update(
            &mut state,
            Msg::from(Report::Stream {
                stream,
                event: StreamEvent::Content("word ".into()),
            }),
            T0,
        )
    });
}

/// One delta and one frame (120x40), with 0 B, 100 KB or 2 MB of transcript before it.
#[divan::bench(args = [0, 100 * 1024, 2 * 1024 * 1024])]
fn delta_and_frame(bencher: Bencher, before: usize) {
    let (mut state, stream) = streaming_state(before);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    bencher.bench_local(|| {
        update(
            &mut state,
            Msg::from(Report::Stream {
                stream,
                event: StreamEvent::Content("word ".into()),
            }),
            T0,
        );
        terminal
            .draw(|frame| ui::render(&state, frame))
            .expect("draw");
    });
}

/// PgUp (update and frame) in the middle of a 2 MB transcript at 200x60.
#[divan::bench]
fn page_up_in_2mb(bencher: Bencher) {
    let (mut state, _) = streaming_state(2 * 1024 * 1024);
    update(
        &mut state,
        Msg::Resize {
            width: 200,
            height: 60,
        },
        T0,
    );
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let middle = state.active_conversation().messages.len() / 2;
    bencher.bench_local(|| {
        state.active_conversation_mut().scroll = Scroll::Anchored {
            item: middle,
            row: 0,
        };
        update(
            &mut state,
            Msg::from(NavIntent::Scroll(ScrollCmd::PageUp)),
            T0,
        );
        terminal
            .draw(|frame| ui::render(&state, frame))
            .expect("draw");
    });
}

/// Wrapping a 3 KB paragraph of mixed English and Chinese from scratch at 100 cells.
#[divan::bench]
fn wrap_paragraph(bencher: Bencher) {
    let text = paragraph();
    bencher.bench_local(|| {
        let mut layout = TextLayout::default();
        layout.sync(&text, 100);
        layout.len()
    });
}

/// Rendering a markdown reply with a table and a highlighted code block from scratch.
#[divan::bench]
fn render_markdown(bencher: Bencher) {
    let text = "# Title\n\nSome **bold** and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n"
        .repeat(10);
    bencher.bench_local(|| {
        let mut layout = MarkdownLayout::default();
        layout.sync(&text, 100, &kimi_tui::theme::Theme::dark());
        layout.len()
    });
}
