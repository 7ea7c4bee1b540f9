//! The log file at debug level: what happened is there (messages by kind, effects, requests,
//! store timings), and what the user wrote and the API key never are. One test per process:
//! the log is the process's one global subscriber.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use support::app::App;
use support::mock_kimi::{MockKimi, Reply};

#[test]
fn a_debug_log_tells_what_happened_without_the_text_or_the_key() {
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("logs").join("kimi-tui.log");
    let filter = kimi_tui::io::log::filter(Some("debug")).expect("filter");
    kimi_tui::io::log::init(&log, filter).expect("log starts");

    let mock = MockKimi::start();
    mock.push(Reply::text(&["the zebra answer 斑马回答"]));
    let data = dir.path().join("data");
    let app = App::start(&mock, &data);
    app.type_text("zebra question");
    app.paste(" 斑马问题");
    app.press("Enter");
    app.wait_for("the zebra answer");
    drop(app);

    let text = std::fs::read_to_string(&log).expect("the log was written");
    for expected in [
        "Chat(Submit)",
        "event: Content(",
        "StartStream",
        "chat request",
        "chat response",
        "chat stream ended",
        "save message",
    ] {
        assert!(
            text.contains(expected),
            "no {expected:?} in the log:\n{text}"
        );
    }
    for secret in ["zebra", "斑马", "sk-test"] {
        assert!(!text.contains(secret), "{secret:?} is in the log:\n{text}");
    }
}
