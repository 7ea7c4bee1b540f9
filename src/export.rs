//! A conversation as Markdown and as JSON, for export. Pure: the runtime writes the files.

use serde::Serialize;

use crate::ids::Millis;
use crate::io::store::records::{MessageStatus, Role};
use crate::io::store::records::{role_name, status_name};
use crate::state::Conversation;

/// The JSON export: the whole tree (README, "Export formats").
#[derive(Serialize)]
struct JsonConversation<'a> {
    format: &'static str,
    version: u32,
    title: &'a str,
    model: &'a str,
    system_prompt: &'a str,
    created_at_ms: Millis,
    updated_at_ms: Millis,
    /// The last message of the branch shown.
    current: Option<uuid::Uuid>,
    messages: Vec<JsonMessage<'a>>,
}

#[derive(Serialize)]
struct JsonMessage<'a> {
    id: uuid::Uuid,
    parent: Option<uuid::Uuid>,
    /// On the branch shown.
    shown: bool,
    role: &'static str,
    content: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    reasoning: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completion_tokens: Option<u64>,
    created_at_ms: Millis,
    chosen_at_ms: Millis,
    /// Documents sent with it: name, size, file id and the extracted text.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    documents: &'a [crate::api::Document],
    /// Images sent with it, each with its bytes as a data URL.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    images: Vec<JsonImage<'a>>,
}

#[derive(Serialize)]
struct JsonImage<'a> {
    name: &'a str,
    width: u32,
    height: u32,
    /// `data:image/png;base64,…` (empty if the bytes were not kept).
    data_url: String,
}

/// The conversation's whole tree as JSON: every message on every branch with its id and its
/// parent's (UUIDs, stable across databases), parents before children; `shown` and `current`
/// say which branch was on screen.
pub fn to_json(conv: &Conversation, model: &str) -> String {
    serde_json::to_string_pretty(&to_json_value(conv, model))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The same, as a value (`--export-all` puts many in one file).
pub fn to_json_value(conv: &Conversation, model: &str) -> serde_json::Value {
    let uids: std::collections::HashMap<u64, uuid::Uuid> =
        conv.all_messages().map(|m| (m.id, m.uid)).collect();
    let mut all: Vec<(bool, &crate::state::Message)> = conv
        .messages
        .iter()
        .map(|m| (true, m))
        .chain(conv.tree.hidden().map(|m| (false, m)))
        .collect();
    all.sort_by_key(|(_, m)| (m.depth, m.created_at, m.id));
    let doc = JsonConversation {
        format: "kimi-tui-conversation",
        version: 2,
        title: conv.display_title(),
        model,
        system_prompt: &conv.system_prompt,
        created_at_ms: conv.created_at,
        updated_at_ms: conv.updated_at,
        current: conv.messages.last().map(|m| m.uid),
        messages: all
            .into_iter()
            .map(|(shown, m)| JsonMessage {
                id: m.uid,
                parent: m.parent.and_then(|p| uids.get(&p).copied()),
                shown,
                role: role_name(m.role),
                content: &m.content,
                reasoning: &m.reasoning,
                status: status_name(m.status),
                error: m.error.as_deref(),
                model: m.model.as_deref(),
                finish_reason: m.finish_reason.as_deref(),
                prompt_tokens: m.usage.map(|u| u.prompt_tokens),
                completion_tokens: m.usage.map(|u| u.completion_tokens),
                created_at_ms: m.created_at,
                chosen_at_ms: m.chosen_at,
                documents: &m.documents,
                images: m
                    .images
                    .iter()
                    .map(|i| JsonImage {
                        name: &i.name,
                        width: i.width,
                        height: i.height,
                        data_url: if i.data.is_empty() {
                            String::new()
                        } else {
                            i.data_url()
                        },
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_value(&doc).unwrap_or_default()
}

pub fn to_markdown(conv: &Conversation, model: &str) -> String {
    let mut out = format!("# {}\n\n_Model: {model}_\n\n", conv.display_title());
    for message in &conv.messages {
        match message.role {
            Role::User => out.push_str("## You\n\n"),
            Role::Assistant => out.push_str("## Kimi\n\n"),
        }
        for doc in &message.documents {
            let fence = crate::text::plain::fence_for(&doc.text);
            out.push_str(&format!(
                "📎 **{}** ({} bytes, extracted text):\n\n{fence}text\n{}\n{fence}\n\n",
                doc.name.replace('*', "\\*"),
                doc.bytes,
                doc.text.trim_end_matches('\n')
            ));
        }
        for image in &message.images {
            out.push_str(&format!(
                "📷 **{}** ({}×{}, in the JSON export)\n\n",
                image.name.replace('*', "\\*"),
                image.width,
                image.height
            ));
        }
        if !message.reasoning.is_empty() {
            for line in message.reasoning.lines() {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
        }
        out.push_str(&message.content);
        out.push_str("\n\n");
        match message.status {
            MessageStatus::Stopped => out.push_str("_(stopped)_\n\n"),
            MessageStatus::Interrupted => out.push_str("_(interrupted)_\n\n"),
            MessageStatus::Failed => {
                out.push_str(&format!(
                    "_(failed: {})_\n\n",
                    message.error.as_deref().unwrap_or("")
                ));
            }
            MessageStatus::Streaming | MessageStatus::Complete => {}
        }
    }
    out
}

/// The branch on screen as plain text for the terminal's own scrollback (`print_on_exit`):
/// the title, then each message under "You" or "Kimi · model", control characters shown as
/// symbols as on screen. Reasoning is left out: it is the answer that is wanted there.
pub fn to_plain(conv: &Conversation) -> String {
    use crate::text::plain::sanitize_lines;
    let mut out = format!("── {} ──\n\n", sanitize_lines(conv.display_title()));
    for message in &conv.messages {
        match (message.role, &message.model) {
            (Role::User, _) => out.push_str("You\n"),
            (Role::Assistant, Some(model)) => {
                out.push_str(&format!("Kimi · {}\n", sanitize_lines(model)));
            }
            (Role::Assistant, None) => out.push_str("Kimi\n"),
        }
        out.push_str(&sanitize_lines(&message.content));
        if !message.content.ends_with('\n') {
            out.push('\n');
        }
        match message.status {
            MessageStatus::Stopped => out.push_str("(stopped)\n"),
            MessageStatus::Interrupted => out.push_str("(interrupted)\n"),
            MessageStatus::Failed => out.push_str(&format!(
                "(failed: {})\n",
                sanitize_lines(message.error.as_deref().unwrap_or(""))
            )),
            MessageStatus::Streaming | MessageStatus::Complete => {}
        }
        out.push('\n');
    }
    out
}

/// A file name (no extension) from a title: path separators and spaces become dashes.
pub fn default_stem(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.chars().count() >= 40 {
            break;
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "kimi-chat".into()
    } else {
        format!("kimi-{slug}")
    }
}
