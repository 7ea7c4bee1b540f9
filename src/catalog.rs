//! What kimi-tui knows about models: what GET /v1/models says (with Kimi's extra capability
//! fields), and, for models it does not list, what the API docs say about the known ids. Pure.

use serde::Deserialize;

/// One model, as listed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    #[serde(default)]
    pub context_length: Option<u64>,
    #[serde(default)]
    pub supports_reasoning: Option<bool>,
    #[serde(default)]
    pub supports_image_in: Option<bool>,
    #[serde(default)]
    pub supports_video_in: Option<bool>,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Deserialize)]
struct ModelList {
    #[serde(default)]
    data: Vec<ModelInfo>,
}

/// Parses the body of GET /v1/models.
pub fn parse_models(body: &str) -> Result<Vec<ModelInfo>, String> {
    serde_json::from_str::<ModelList>(body)
        .map(|list| list.data)
        .map_err(|e| format!("the model list could not be read: {e}"))
}

/// How a model's thinking is controlled in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThinkingControl {
    /// A top-level `thinking: {"type": "enabled"|"disabled"}` switch (kimi-k2.6, k2.5).
    Switch,
    /// A top-level `reasoning_effort` of low, high or max (kimi-k3).
    Effort,
    /// Nothing to send: always thinking (k2.7-code) or not a thinking model.
    None,
}

pub fn thinking_control(model: &str) -> ThinkingControl {
    if model.starts_with("kimi-k3") {
        ThinkingControl::Effort
    } else if model == "kimi-k2.6" || model == "kimi-k2.5" {
        ThinkingControl::Switch
    } else {
        ThinkingControl::None
    }
}

/// The context window of a model: what the list says, else the documented size of the known
/// ids, else `None`.
pub fn context_length(model: &str, listed: &[ModelInfo]) -> Option<u64> {
    if let Some(info) = listed.iter().find(|m| m.id == model)
        && let Some(n) = info.context_length
    {
        return Some(n);
    }
    if model.starts_with("kimi-k3") {
        Some(1_048_576)
    } else if model.starts_with("kimi-k2") {
        Some(262_144)
    } else {
        model
            .strip_prefix("moonshot-v1-")
            .and_then(|rest| rest.strip_suffix('k'))
            .and_then(|n| n.parse::<u64>().ok())
            .map(|k| k * 1024)
    }
}

/// Whether `model` reads images: what its `/models` entry says, else what the docs say of
/// the known ids (kimi-k3 and kimi-k2.6 do; the code models are not known to), else `None`.
pub fn accepts_images(model: &str, listed: &[ModelInfo]) -> Option<bool> {
    if let Some(says) = listed
        .iter()
        .find(|m| m.id == model)
        .and_then(|m| m.supports_image_in)
    {
        return Some(says);
    }
    if model.starts_with("kimi-k3") || model.starts_with("kimi-k2.6") || model.contains("vision") {
        Some(true)
    } else if model.starts_with("kimi-") || model.starts_with("moonshot-") {
        Some(false)
    } else {
        None
    }
}

/// Tokens the API bills for an image, whatever its size.
pub const IMAGE_TOKENS: u64 = 1024;

/// A rough token count: about four ASCII characters or one CJK character per token. Used for
/// the context meter and for trimming, never for billing.
pub fn estimate_tokens(text: &str) -> u64 {
    let (ascii, other) = text.chars().fold((0u64, 0u64), |(a, o), c| {
        if c.is_ascii() { (a + 1, o) } else { (a, o + 1) }
    });
    ascii.div_ceil(4) + other
}

/// The completion budget asked for when the user set none: the docs advise at least 16,000
/// for thinking models.
pub const DEFAULT_MAX_COMPLETION: u64 = 32_768;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kimi_extra_fields() {
        let body = r#"{"object":"list","data":[
            {"id":"kimi-k2.6","object":"model","created":1,"owned_by":"moonshot","context_length":262144,
             "supports_image_in":true,"supports_video_in":true,"supports_reasoning":true},
            {"id":"kimi-k3","object":"model","context_length":1048576,"supports_reasoning":true,"display_name":"Kimi K3"},
            {"id":"other"}]}"#;
        let models = parse_models(body).expect("parse");
        assert_eq!(models.len(), 3);
        assert_eq!(models[0].context_length, Some(262_144));
        assert_eq!(models[0].supports_video_in, Some(true));
        assert_eq!(models[1].display_name.as_deref(), Some("Kimi K3"));
        assert_eq!(models[2].supports_reasoning, None);
        assert!(parse_models("<html>").is_err());
    }

    #[test]
    fn thinking_controls_follow_the_docs() {
        assert_eq!(thinking_control("kimi-k2.6"), ThinkingControl::Switch);
        assert_eq!(thinking_control("kimi-k3"), ThinkingControl::Effort);
        assert_eq!(thinking_control("kimi-k2.7-code"), ThinkingControl::None);
        assert_eq!(thinking_control("gpt-4o"), ThinkingControl::None);
    }

    #[test]
    fn context_lengths_come_from_the_list_then_the_docs() {
        let listed = vec![ModelInfo {
            id: "kimi-k2.6".into(),
            context_length: Some(131_072),
            supports_reasoning: None,
            supports_image_in: None,
            supports_video_in: None,
            display_name: None,
        }];
        assert_eq!(context_length("kimi-k2.6", &listed), Some(131_072));
        assert_eq!(context_length("kimi-k2.6", &[]), Some(262_144));
        assert_eq!(context_length("kimi-k3", &[]), Some(1_048_576));
        assert_eq!(context_length("moonshot-v1-32k", &[]), Some(32_768));
        assert_eq!(context_length("mystery", &[]), None);
    }
}
