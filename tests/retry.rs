//! Honest retries: overload, rate limits, 5xx and network failures are sent again after a
//! backoff (or what Retry-After asks), visibly and cancellably; a used-up quota never is.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::time::Duration;

use kimi_tui::api::StreamEvent;
use kimi_tui::effect::Effect;
use kimi_tui::error::ApiError;
use kimi_tui::ids::StreamId;
use kimi_tui::io::store::records::MessageStatus;
use kimi_tui::msg::{ChatIntent, Msg};
use kimi_tui::state::StreamPhase;
use kimi_tui::update::{retry_delay, update};
use support::mock_kimi::{MockKimi, Reply};
use support::pty::{App, PATIENCE};
use support::{T0, app, feed, send};

fn overloaded() -> ApiError {
    ApiError::Api {
        status: Some(429),
        kind: "engine_overloaded_error".into(),
        message: "The engine is currently overloaded".into(),
    }
}

fn started(effects: &[Effect]) -> Option<StreamId> {
    effects.iter().find_map(|e| match e {
        Effect::StartStream { stream, .. } => Some(*stream),
        _ => None,
    })
}

#[test]
fn an_overloaded_engine_is_asked_again_after_the_retry_after_wait() {
    let mut state = app();
    let first = send(&mut state, "hello", T0).expect("stream");
    feed(
        &mut state,
        first,
        vec![
            StreamEvent::RetryAfter(2),
            StreamEvent::Failed(overloaded()),
        ],
        T0,
    );
    let StreamPhase::Retrying { at, .. } = state.active_conversation().phase else {
        panic!("{:?}", state.active_conversation().phase);
    };
    assert_eq!(at, T0 + 2_000, "Retry-After is honoured");
    assert!(
        state.active_conversation().messages[1].error.is_some(),
        "the failure shows while waiting"
    );
    assert!(
        started(&update(&mut state, Msg::Tick, T0 + 1_900)).is_none(),
        "not before the time"
    );
    let effects = update(&mut state, Msg::Tick, T0 + 2_000);
    let second = started(&effects).expect("sent again");
    assert_ne!(second, first);
    let Some(Effect::StartStream { request, .. }) = effects
        .iter()
        .find(|e| matches!(e, Effect::StartStream { .. }))
    else {
        unreachable!()
    };
    assert_eq!(
        request.messages.last().map(|m| m.content.as_str()),
        Some("hello")
    );
    feed(
        &mut state,
        first,
        vec![StreamEvent::Content("stale".into())],
        T0 + 2_100,
    );
    feed(
        &mut state,
        second,
        vec![StreamEvent::Content("hi!".into()), StreamEvent::Done],
        T0 + 2_200,
    );
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.content, "hi!");
    assert_eq!(reply.status, MessageStatus::Complete);
    assert_eq!(reply.error, None);
    assert_eq!(reply.retries, 1);
}

#[test]
fn retries_stop_after_the_configured_number_of_tries() {
    let mut state = app();
    state.settings.max_retries = 2;
    let mut stream = send(&mut state, "hello", T0).expect("stream");
    let mut now = T0;
    for _ in 0..2 {
        feed(
            &mut state,
            stream,
            vec![StreamEvent::Failed(overloaded())],
            now,
        );
        now += 60_000;
        stream = started(&update(&mut state, Msg::Tick, now)).expect("retried");
    }
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Failed(overloaded())],
        now,
    );
    let conv = state.active_conversation();
    assert_eq!(conv.phase, StreamPhase::Idle);
    assert_eq!(conv.messages[1].status, MessageStatus::Failed);
    assert!(
        started(&update(&mut state, Msg::Tick, now + 600_000)).is_none(),
        "no silent loop"
    );
}

#[test]
fn a_used_up_quota_is_never_retried() {
    let mut state = app();
    let stream = send(&mut state, "hello", T0).expect("stream");
    let quota = ApiError::Api {
        status: Some(429),
        kind: "exceeded_current_quota_error".into(),
        message: "Your account is suspended".into(),
    };
    feed(&mut state, stream, vec![StreamEvent::Failed(quota)], T0);
    assert_eq!(state.active_conversation().phase, StreamPhase::Idle);
    assert_eq!(
        state.active_conversation().messages[1].status,
        MessageStatus::Failed
    );
    let error = state.active_conversation().messages[1]
        .error
        .clone()
        .unwrap_or_default();
    assert!(error.contains("top up"), "{error}");
}

#[test]
fn a_failure_after_text_arrived_keeps_the_text_instead_of_retrying() {
    let mut state = app();
    let stream = send(&mut state, "hello", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("half an ans".into()),
            StreamEvent::Failed(overloaded()),
        ],
        T0,
    );
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.status, MessageStatus::Failed);
    assert_eq!(reply.content, "half an ans");
}

#[test]
fn esc_cancels_a_pending_retry_and_keeps_the_error() {
    let mut state = app();
    let stream = send(&mut state, "hello", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Failed(overloaded())],
        T0,
    );
    assert!(state.active_conversation().phase.is_live());
    let effects = update(&mut state, Msg::from(ChatIntent::Stop), T0 + 100);
    assert_eq!(effects.first(), Some(&Effect::CancelStream(stream)));
    let reply = &state.active_conversation().messages[1];
    assert_eq!(reply.status, MessageStatus::Failed);
    assert!(
        reply
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("overloaded")
    );
    assert!(started(&update(&mut state, Msg::Tick, T0 + 60_000)).is_none());
}

#[test]
fn backoff_doubles_with_bounded_jitter_and_obeys_retry_after() {
    assert_eq!(retry_delay(1, Some(7), 1), 7_000);
    assert_eq!(
        retry_delay(1, Some(100_000), 1),
        600_000,
        "a huge Retry-After is capped"
    );
    for seed in 0..200 {
        let first = retry_delay(1, None, seed);
        let third = retry_delay(3, None, seed);
        assert!((750..=1_250).contains(&first), "{first}");
        assert!((3_000..=5_000).contains(&third), "{third}");
        assert!(retry_delay(20, None, seed) <= 37_500);
    }
    let spread: std::collections::HashSet<u64> = (0..50).map(|s| retry_delay(1, None, s)).collect();
    assert!(spread.len() > 10, "jitter spreads clients out");
}

#[test]
fn retryable_errors_are_told_apart() {
    assert!(overloaded().is_retryable());
    assert!(
        ApiError::Http {
            status: 504,
            reason: "Gateway Timeout".into(),
            snippet: String::new()
        }
        .is_retryable()
    );
    assert!(
        ApiError::Connect {
            url: "u".into(),
            detail: "refused".into()
        }
        .is_retryable()
    );
    let auth = ApiError::Api {
        status: Some(401),
        kind: "invalid_authentication_error".into(),
        message: String::new(),
    };
    assert!(!auth.is_retryable());
    let bad = ApiError::Api {
        status: Some(400),
        kind: "invalid_request_error".into(),
        message: String::new(),
    };
    assert!(!bad.is_retryable());
}

#[test]
fn the_real_app_honours_retry_after_as_the_mock_log_shows() {
    let mock = MockKimi::start();
    mock.push(
        Reply::error(
            429,
            "engine_overloaded_error",
            "The engine is currently overloaded",
        )
        .header("Retry-After", "1"),
    );
    let mut app = App::start(&mock.base_url(), &[]);
    app.wait_for("Type a message below");
    app.keys("are you there?");
    app.keys("\r");
    app.wait_for("trying again in");
    app.wait_for("Echo #2: are you there?");
    let log = mock.wait_for_requests(2, PATIENCE);
    assert_eq!(log.len(), 2);
    let waited = log[1].at.duration_since(log[0].at);
    assert!(
        waited >= Duration::from_millis(1_000),
        "waited only {waited:?}"
    );
    assert_eq!(
        log[0].body["messages"], log[1].body["messages"],
        "the same request again"
    );
    app.keys("\x11");
    app.wait_exit();
}

#[test]
fn the_real_app_never_retries_a_used_up_quota() {
    let mock = MockKimi::start();
    mock.push(Reply::error(
        429,
        "exceeded_current_quota_error",
        "Your balance is not enough",
    ));
    let mut app = App::start(&mock.base_url(), &[]);
    app.wait_for("Type a message below");
    app.keys("hello");
    app.keys("\r");
    app.wait_for("top up");
    // Longer than the first backoff would be: a retry would have arrived by now.
    std::thread::sleep(Duration::from_millis(1_500));
    assert_eq!(mock.requests().len(), 1);
    app.keys("\x11");
    app.wait_exit();
}
