//! The real HTTP client against the loopback mock: what it sends, and what it makes of each
//! kind of answer.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::time::Duration;

use kimi_tui::api::StreamEvent;
use kimi_tui::api::{ChatRequest, SamplingOptions};
use kimi_tui::config::{FileConfig, resolve};
use kimi_tui::error::ApiError;
use kimi_tui::io::llm::LlmClient;
use support::mock_kimi::{MockKimi, Reply};

fn client(mock: &MockKimi, key: Option<&str>, idle_secs: u64) -> LlmClient {
    let file = FileConfig {
        idle_timeout_secs: Some(idle_secs),
        ..FileConfig::default()
    };
    support::client(&mock.base_url(), key, file)
}

fn request(sampling: SamplingOptions) -> ChatRequest {
    support::chat_request(sampling)
}

async fn collect(client: &LlmClient, request: &ChatRequest) -> Vec<StreamEvent> {
    let mut out = Vec::new();
    client.stream_chat(request, |e| out.push(e)).await;
    out
}

fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Content(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_streamed_reply_arrives_in_order_and_completes() {
    let mock = MockKimi::start();
    mock.push(Reply::chat(
        &["thinking"],
        &["Hel", "lo"],
        Duration::from_millis(5),
    ));
    let events = collect(
        &client(&mock, Some("sk-test"), 30),
        &request(SamplingOptions::default()),
    )
    .await;
    assert_eq!(events.first(), Some(&StreamEvent::Opened));
    assert_eq!(events[1], StreamEvent::Reasoning("thinking".into()));
    assert_eq!(text_of(&events), "Hello");
    assert_eq!(events.last(), Some(&StreamEvent::Done));
}

#[tokio::test]
async fn the_request_carries_the_key_stream_flags_and_no_sampling_fields() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["ok"]));
    collect(
        &client(&mock, Some("sk-test"), 30),
        &request(SamplingOptions::default()),
    )
    .await;
    let sent = mock.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].authorization.as_deref(), Some("Bearer sk-test"));
    let body = &sent[0].body;
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    for field in [
        "temperature",
        "top_p",
        "n",
        "presence_penalty",
        "frequency_penalty",
        "max_completion_tokens",
    ] {
        assert!(
            body.get(field).is_none(),
            "{field} must not be sent unless configured"
        );
    }
}

#[tokio::test]
async fn sampling_values_set_in_the_config_are_sent() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["ok"]));
    let sampling = SamplingOptions {
        temperature: Some(0.6),
        top_p: None,
        max_completion_tokens: Some(32000),
    };
    collect(&client(&mock, Some("k"), 30), &request(sampling)).await;
    let body = &mock.requests()[0].body;
    assert_eq!(body["temperature"], 0.6);
    assert_eq!(body["max_completion_tokens"], 32000);
    assert!(body.get("top_p").is_none());
}

#[tokio::test]
async fn usage_is_read_from_the_top_level_chunk_too() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["ok"]).usage_at_top_level());
    let events = collect(
        &client(&mock, Some("k"), 30),
        &request(SamplingOptions::default()),
    )
    .await;
    assert!(events.iter().any(|e| matches!(e, StreamEvent::Usage(u) if u.prompt_tokens == 21 && u.cached_tokens == Some(3))), "{events:?}");
}

#[tokio::test]
async fn an_http_error_with_a_json_body_gives_its_type_and_message() {
    let mock = MockKimi::start();
    mock.push(Reply::error(
        401,
        "invalid_authentication_error",
        "Invalid Authentication",
    ));
    let events = collect(
        &client(&mock, Some("bad"), 30),
        &request(SamplingOptions::default()),
    )
    .await;
    let [StreamEvent::Failed(error)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(
        *error,
        ApiError::Api {
            status: Some(401),
            kind: "invalid_authentication_error".into(),
            message: "Invalid Authentication".into()
        }
    );
    assert!(
        error.to_string().contains("region"),
        "the hint mentions the .ai/.cn region: {error}"
    );
}

#[tokio::test]
async fn an_html_gateway_page_gets_a_plain_message() {
    let mock = MockKimi::start();
    mock.push(Reply::html(
        504,
        "<html><head><title>504 Gateway Time-out</title></head><body>nginx</body></html>",
    ));
    let events = collect(
        &client(&mock, Some("k"), 30),
        &request(SamplingOptions::default()),
    )
    .await;
    let [StreamEvent::Failed(error)] = events.as_slice() else {
        panic!("{events:?}")
    };
    let text = error.to_string();
    assert!(text.contains("504"), "{text}");
    assert!(!text.contains("<html"), "{text}");
}

#[tokio::test]
async fn an_in_stream_error_keeps_what_came_before_it() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["partial "]).stream_error("server_error", "boom"));
    let events = collect(
        &client(&mock, Some("k"), 30),
        &request(SamplingOptions::default()),
    )
    .await;
    assert_eq!(text_of(&events), "partial ");
    assert!(
        matches!(events.last(), Some(StreamEvent::Failed(ApiError::Api { kind, .. })) if kind == "server_error")
    );
}

#[tokio::test]
async fn a_cut_connection_is_interrupted() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["half"]).cut());
    let events = collect(
        &client(&mock, Some("k"), 30),
        &request(SamplingOptions::default()),
    )
    .await;
    assert_eq!(text_of(&events), "half");
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Failed(ApiError::Interrupted))
    );
}

#[tokio::test]
async fn a_silent_server_hits_the_idle_timeout() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["slow"]).hang(Duration::from_secs(30)));
    let events = collect(
        &client(&mock, Some("k"), 1),
        &request(SamplingOptions::default()),
    )
    .await;
    assert_eq!(text_of(&events), "slow");
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Failed(ApiError::IdleTimeout(1)))
    );
}

#[tokio::test]
async fn no_key_fails_before_anything_is_sent() {
    let mock = MockKimi::start();
    let events = collect(
        &client(&mock, None, 30),
        &request(SamplingOptions::default()),
    )
    .await;
    assert_eq!(events, [StreamEvent::Failed(ApiError::NoKey)]);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn a_refused_connection_names_the_url() {
    let mock = MockKimi::start();
    let client = client(&mock, Some("k"), 30);
    drop(mock); // nothing listens on that port any more
    let events = collect(&client, &request(SamplingOptions::default())).await;
    let [StreamEvent::Failed(error)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(matches!(error, ApiError::Connect { .. }), "{error:?}");
    assert!(error.to_string().contains("127.0.0.1"), "{error}");
}

#[tokio::test]
async fn requests_go_through_the_proxy_the_environment_names() {
    // The mock answers absolute-form requests too, so it can stand in for an HTTP proxy.
    let proxy = MockKimi::start();
    proxy.push(Reply::text(&["via the proxy"]));
    let args = support::args(Some("http://kimi.invalid/v1"), None);
    let proxy_url = format!("http://{}", proxy.addr);
    let env = move |name: &str| match name {
        "http_proxy" => Some(proxy_url.clone()),
        "MOONSHOT_API_KEY" => Some("sk-proxied".to_string()),
        _ => None,
    };
    let config = resolve(&args, FileConfig::default(), env);
    assert!(config.proxy.is_some(), "lower-case http_proxy is read");
    let client = LlmClient::new(&config).expect("client");
    let events = collect(&client, &request(SamplingOptions::default())).await;
    assert_eq!(text_of(&events), "via the proxy");
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn https_uses_https_proxy_and_all_proxy_is_the_fallback() {
    let args = |url: &str| support::args(Some(url), None);
    let env = |name: &str| match name {
        "HTTPS_PROXY" => Some("socks5://127.0.0.1:1080".to_string()),
        "ALL_PROXY" => Some("http://all:3128".to_string()),
        "NO_PROXY" => Some("internal.example".to_string()),
        _ => None,
    };
    let https = resolve(
        &args("https://api.moonshot.ai/v1"),
        FileConfig::default(),
        env,
    );
    assert_eq!(https.proxy.as_deref(), Some("socks5://127.0.0.1:1080"));
    assert_eq!(https.no_proxy.as_deref(), Some("internal.example"));
    let http = resolve(&args("http://example.com/v1"), FileConfig::default(), env);
    assert_eq!(
        http.proxy.as_deref(),
        Some("http://all:3128"),
        "ALL_PROXY when the scheme has none"
    );
    assert!(
        LlmClient::new(&https).is_ok(),
        "socks5 proxies are supported"
    );
}
