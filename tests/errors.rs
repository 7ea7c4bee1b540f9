//! Every documented error type, over HTTP and inside the stream: a plain message with the next
//! step, and whether kimi-tui tries again. Plus the transport failures: 5xx pages, DNS, TLS.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::api::StreamEvent;
use kimi_tui::api::{ChatRequest, SamplingOptions};
use kimi_tui::config::FileConfig;
use kimi_tui::error::ApiError;
use kimi_tui::io::llm::LlmClient;
use support::mock_kimi::{MockKimi, Reply};

/// (HTTP status, type, words the message must contain, retried?)
const TYPES: &[(u16, &str, &str, bool)] = &[
    (401, "invalid_authentication_error", "region", false),
    (401, "incorrect_api_key_error", "Check your API key", false),
    (403, "permission_denied_error", "access", false),
    (404, "resource_not_found_error", "Ctrl+O", false),
    (400, "content_filter", "rephrase", false),
    (
        400,
        "invalid_request_error",
        "Your request exceeded model token limit",
        false,
    ),
    (429, "exceeded_current_quota_error", "top up", false),
    (429, "rate_limit_reached_error", "rate limit", true),
    (429, "engine_overloaded_error", "overloaded", true),
    (500, "server_error", "server_error", true),
    (503, "server_unavailable", "server_unavailable", true),
];

fn client(base_url: String) -> LlmClient {
    let file = FileConfig {
        connect_timeout_secs: Some(5),
        idle_timeout_secs: Some(10),
        ..FileConfig::default()
    };
    support::client(&base_url, Some("sk"), file)
}

fn request() -> ChatRequest {
    support::chat_request(SamplingOptions::default())
}

async fn failure(client: &LlmClient) -> ApiError {
    let mut last = None;
    client
        .stream_chat(&request(), |event| {
            if let StreamEvent::Failed(error) = event {
                last = Some(error);
            }
        })
        .await;
    last.expect("the reply failed")
}

fn message_for(kind: &str) -> String {
    if kind == "invalid_request_error" {
        "Invalid request: Your request exceeded model token limit: 262144".into()
    } else {
        format!("something about {kind}")
    }
}

#[tokio::test]
async fn every_error_type_over_http_reads_plainly_and_retries_only_what_may_pass() {
    let mock = MockKimi::start();
    let client = client(mock.base_url());
    for (status, kind, words, retried) in TYPES {
        mock.push(Reply::error(*status, kind, &message_for(kind)));
        let error = failure(&client).await;
        let text = error.to_string();
        assert!(text.contains(kind), "{kind}: {text}");
        assert!(text.contains(words), "{kind}: {text}");
        assert!(text.contains(&format!("HTTP {status}")), "{kind}: {text}");
        assert_eq!(error.is_retryable(), *retried, "{kind}");
    }
}

#[tokio::test]
async fn every_error_type_inside_the_stream_reads_the_same() {
    let mock = MockKimi::start();
    let client = client(mock.base_url());
    for (_, kind, words, retried) in TYPES {
        mock.push(Reply::text(&[]).stream_error(kind, &message_for(kind)));
        let error = failure(&client).await;
        let text = error.to_string();
        assert!(
            text.contains(kind) && text.contains(words),
            "{kind}: {text}"
        );
        assert_eq!(error.is_retryable(), *retried, "{kind}");
    }
}

#[tokio::test]
async fn a_504_gateway_page_and_a_502_are_retried_with_a_plain_message() {
    let mock = MockKimi::start();
    let client = client(mock.base_url());
    for status in [502, 504] {
        mock.push(Reply::html(
            status,
            "<html><body><h1>Bad Gateway</h1></body></html>",
        ));
        let error = failure(&client).await;
        assert!(
            error.to_string().contains(&format!("HTTP {status}")),
            "{error}"
        );
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn dns_and_tls_failures_say_what_happened_and_are_retried() {
    let dns = failure(&client("http://kimi-tui-does-not-exist.invalid/v1".into())).await;
    assert!(
        matches!(dns, ApiError::Connect { .. } | ApiError::Transport(_)),
        "{dns:?}"
    );
    assert!(dns.is_retryable());
    // TLS spoken to a server that only speaks plain HTTP.
    let mock = MockKimi::start();
    let tls = failure(&client(format!("https://{}/v1", mock.addr))).await;
    assert!(
        matches!(tls, ApiError::Connect { .. } | ApiError::Transport(_)),
        "{tls:?}"
    );
    assert!(tls.is_retryable());
    assert!(!tls.to_string().is_empty());
}

#[test]
fn a_five_megabyte_error_message_is_kept_short_on_screen_and_on_disk() {
    let mut state = support::app();
    let stream = support::send(&mut state, "question", support::T0).expect("stream");
    let huge = "overloaded ".repeat(500_000);
    let effects = kimi_tui::update::update(
        &mut state,
        kimi_tui::msg::Msg::Report(kimi_tui::msg::Report::Stream {
            stream,
            event: StreamEvent::Failed(ApiError::Api {
                status: None,
                kind: "invalid_request_error".into(),
                message: huge,
            }),
        }),
        support::T0 + 1,
    );
    let shown = state
        .active_conversation()
        .messages
        .last()
        .and_then(|m| m.error.clone())
        .expect("an error");
    assert!(shown.len() < 5000, "{} bytes kept", shown.len());
    assert!(
        shown.contains("5.2 MB more not shown"),
        "{}",
        &shown[shown.len() - 60..]
    );
    let saved = effects.iter().find_map(|e| match e {
        kimi_tui::effect::Effect::SaveMessage(record) => record.error.clone(),
        _ => None,
    });
    assert_eq!(saved.as_deref(), Some(shown.as_str()));
    support::draw(&mut state, 80, 24);
}

#[tokio::test]
async fn a_password_in_the_base_url_never_reaches_the_error_message() {
    // Nothing listens on port 1.
    let client = client("http://me:hunter2@127.0.0.1:1/v1".into());
    let error = failure(&client).await;
    let text = error.to_string();
    assert!(matches!(error, ApiError::Connect { .. }), "{error:?}");
    assert!(!text.contains("hunter2") && !text.contains("me:"), "{text}");
    assert!(text.contains("***@127.0.0.1:1"), "{text}");
}
