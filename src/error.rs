//! Errors the user reads. Each variant's Display is the plain sentence shown in the
//! conversation, with a next step where there is one.

use thiserror::Error;

/// Why a reply did not complete.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// The server answered with the API's JSON error shape, over HTTP or inside the stream.
    #[error("{}", describe_api_error(.status, .kind, .message))]
    Api {
        status: Option<u16>,
        kind: String,
        message: String,
    },
    /// An HTTP error whose body is not the API's JSON (an HTML gateway page, a proxy error).
    #[error("{}", describe_http_status(*.status, .reason, .snippet))]
    Http {
        status: u16,
        reason: String,
        snippet: String,
    },
    /// The connection ended before `data: [DONE]`.
    #[error("The connection closed before the reply finished (interrupted). What arrived is kept.")]
    Interrupted,
    #[error(
        "No data from the server for {0} s, so the request was given up (idle timeout). What arrived is kept."
    )]
    IdleTimeout(u64),
    #[error("Could not connect to {url}: {detail}. Check the network, a proxy, or the base URL.")]
    Connect { url: String, detail: String },
    #[error("The request failed: {0}")]
    Transport(String),
    #[error("No API key is set. {}", NO_KEY_HELP)]
    NoKey,
    /// A side endpoint answered, but not with what it should (no balance, no model list).
    #[error("The answer could not be read: {0}")]
    BadAnswer(String),
    /// Another window wrote to this conversation first; the message was not sent.
    #[error(
        "This conversation was changed in another window, so the message was not sent. It was reloaded with the other window's turns; your message is back in the input box."
    )]
    ChangedElsewhere,
    /// One event of the stream passed the size limit (its line never ended, say).
    #[error(
        "The server sent an event longer than {} MB, so the reply was given up. What arrived before it is kept.",
        .0 / (1024 * 1024)
    )]
    EventTooLong(usize),
}

impl ApiError {
    /// Whether sending the same request again later may work: overload, rate limits, server
    /// errors and network failures. Never a used-up quota, a bad key or a bad request.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Api { status, kind, .. } => match kind.as_str() {
                "engine_overloaded_error"
                | "rate_limit_reached_error"
                | "server_error"
                | "server_unavailable"
                | "unexpected_output" => true,
                "exceeded_current_quota_error" => false,
                _ => status.is_some_and(|s| s >= 500),
            },
            ApiError::Http { status, .. } => *status == 429 || *status >= 500,
            ApiError::Connect { .. } | ApiError::Transport(_) | ApiError::Interrupted => true,
            ApiError::IdleTimeout(_)
            | ApiError::NoKey
            | ApiError::BadAnswer(_)
            | ApiError::EventTooLong(_)
            | ApiError::ChangedElsewhere => false,
        }
    }
}

/// The guidance shown when no key is configured.
pub const NO_KEY_HELP: &str = "Set MOONSHOT_API_KEY (or KIMI_API_KEY) in your environment, e.g. \
`export MOONSHOT_API_KEY=sk-...`, then restart kimi-tui. Keys are made at platform.kimi.ai \
(international) or platform.kimi.com (China, use --base-url https://api.moonshot.cn/v1).";

/// Whether an `invalid_request_error` says the prompt does not fit the model's window.
pub fn is_context_overflow(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("token limit") || m.contains("too long") || m.contains("context length")
}

fn describe_api_error(status: &Option<u16>, kind: &str, message: &str) -> String {
    let head = match status {
        Some(code) => format!("{kind} (HTTP {code})"),
        None => kind.to_string(),
    };
    let hint = match kind {
        "invalid_authentication_error" | "incorrect_api_key_error" => {
            " Check your API key; keys only work in the region that issued them (.ai vs .cn)."
        }
        "permission_denied_error" => " Your account may not have access to this API or model.",
        "resource_not_found_error" => " The model may be unknown or retired; Ctrl+O picks another.",
        "exceeded_current_quota_error" => " Your balance is used up; top up your account.",
        "rate_limit_reached_error" => " You hit a rate limit; wait a moment and send again.",
        "engine_overloaded_error" => " Kimi is overloaded right now; send again in a moment.",
        "content_filter" => " The request was flagged by the content filter; rephrase it.",
        "invalid_request_error" if is_context_overflow(message) => {
            " The conversation is too long for the model's window; Ctrl+R sends it again with the oldest turns left out."
        }
        _ => "",
    };
    let message = message.trim();
    if message.is_empty() {
        format!("The API returned an error: {head}.{hint}")
    } else if message.ends_with(['.', '!', '?', '。']) {
        format!("The API returned an error: {head}: {message}{hint}")
    } else {
        format!("The API returned an error: {head}: {message}.{hint}")
    }
}

fn describe_http_status(status: u16, reason: &str, snippet: &str) -> String {
    let hint = if status == 504 {
        " The gateway timed out; send again."
    } else if status >= 500 {
        " The server had a problem; send again in a moment."
    } else {
        ""
    };
    if snippet.is_empty() {
        format!("The server answered HTTP {status} {reason} with no API error body.{hint}")
    } else {
        format!(
            "The server answered HTTP {status} {reason} with a page that is not an API error (\"{snippet}\").{hint}"
        )
    }
}
