//! Reading exports to import: kimi-tui's own (`--export-all`, one conversation's `.json` of
//! version 2 with ids, or of version 1 without) and ChatGPT's data export
//! (`conversations.json`). Pure: `main` reads the file and the store writes the result in one
//! transaction. A malformed file is refused with where it is wrong (line and column, or the
//! conversation and field).

use serde::Deserialize;

use crate::api::Usage;
use crate::ids::Millis;
use crate::io::store::records::{
    ImportedConversation, ImportedMessage, MessageStatus, Role, status_from,
};

/// Every conversation in `text`, whichever of the formats it is.
pub fn parse(text: &str) -> Result<Vec<ImportedConversation>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match &value {
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                chatgpt(item)
                    .map_err(|e| format!("conversation {} of the ChatGPT export: {e}", i + 1))
            })
            .collect(),
        serde_json::Value::Object(map) => match map.get("format").and_then(|f| f.as_str()) {
            Some("kimi-tui-export") => {
                let all: ExportAll = serde_json::from_value(value.clone())
                    .map_err(|e| format!("not a kimi-tui export: {e}"))?;
                all.conversations
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| own(c).map_err(|e| format!("conversation {}: {e}", i + 1)))
                    .collect()
            }
            Some("kimi-tui-conversation") | None if map.contains_key("messages") => {
                let one: OwnConversation = serde_json::from_value(value.clone())
                    .map_err(|e| format!("not a kimi-tui conversation export: {e}"))?;
                Ok(vec![own(one)?])
            }
            Some(other) => Err(format!("unknown format {other:?}")),
            None => {
                Err("neither a kimi-tui export nor ChatGPT's conversations.json (an array)".into())
            }
        },
        _ => Err("neither a kimi-tui export nor ChatGPT's conversations.json (an array)".into()),
    }
}

#[derive(Deserialize)]
struct ExportAll {
    conversations: Vec<OwnConversation>,
}

#[derive(Deserialize)]
struct OwnConversation {
    #[serde(default)]
    title: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    system_prompt: String,
    #[serde(default)]
    created_at_ms: Millis,
    #[serde(default)]
    updated_at_ms: Millis,
    messages: Vec<OwnMessage>,
}

#[derive(Deserialize)]
struct OwnMessage {
    /// Version 2 names every message; version 1 did not (its messages are one branch).
    id: Option<uuid::Uuid>,
    parent: Option<uuid::Uuid>,
    role: String,
    content: String,
    #[serde(default)]
    reasoning: String,
    #[serde(default)]
    status: Option<String>,
    error: Option<String>,
    model: Option<String>,
    finish_reason: Option<String>,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    #[serde(default)]
    created_at_ms: Millis,
    chosen_at_ms: Option<Millis>,
    /// Documents sent with it (version 2 files from kimi-tui 0.2 on).
    #[serde(default)]
    documents: Vec<crate::api::Document>,
    /// Images sent with it, their bytes as data URLs.
    #[serde(default)]
    images: Vec<OwnImage>,
}

#[derive(Deserialize)]
struct OwnImage {
    name: String,
    #[serde(default)]
    data_url: String,
}

/// An exported image back: its bytes from the data URL, read again as an image (so what
/// it says it is comes from its bytes). One that does not read is left out.
fn image_from(own: &OwnImage) -> Option<crate::api::Image> {
    use base64::Engine as _;
    let (_, data) = own.data_url.split_once(";base64,")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()?;
    crate::io::image::from_bytes(&own.name, bytes).ok()
}

fn role(name: &str) -> Result<Role, String> {
    match name {
        "user" => Ok(Role::User),
        "assistant" => Ok(Role::Assistant),
        other => Err(format!("role {other:?} is neither user nor assistant")),
    }
}

fn own(c: OwnConversation) -> Result<ImportedConversation, String> {
    let versioned = c.messages.iter().all(|m| m.id.is_some());
    let mut previous: Option<uuid::Uuid> = None;
    let mut messages = Vec::with_capacity(c.messages.len());
    for (i, m) in c.messages.into_iter().enumerate() {
        let (uid, parent) = if versioned {
            (m.id.unwrap_or_default(), m.parent)
        } else {
            // Version 1: one branch in order; the uid is made from what the message is, so
            // importing the same file again finds it.
            let uid = derived_uid(
                &[c.title.as_str(), &i.to_string(), &m.role, &m.content],
                m.created_at_ms,
            );
            (uid, previous)
        };
        previous = Some(uid);
        messages.push(ImportedMessage {
            uid,
            parent,
            role: role(&m.role).map_err(|e| format!("message {}: {e}", i + 1))?,
            content: m.content,
            reasoning: m.reasoning,
            status: m
                .status
                .as_deref()
                .map_or(MessageStatus::Complete, status_from),
            error: m.error,
            model: m.model,
            finish_reason: m.finish_reason,
            usage: m.prompt_tokens.map(|prompt_tokens| Usage {
                prompt_tokens,
                completion_tokens: m.completion_tokens.unwrap_or(0),
                cached_tokens: None,
            }),
            created_at: m.created_at_ms,
            chosen_at: m.chosen_at_ms.unwrap_or(m.created_at_ms),
            documents: if m.documents.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&m.documents).unwrap_or_default()
            },
            images: m.images.iter().filter_map(image_from).collect(),
        });
    }
    Ok(ImportedConversation {
        title: c.title,
        model: c.model,
        system_prompt: c.system_prompt,
        created_at: c.created_at_ms,
        updated_at: c.updated_at_ms.max(c.created_at_ms),
        messages: parents_first(messages)?,
    })
}

/// A UUIDv7 from the time and a hash of `parts` (the same parts, the same uid).
fn derived_uid(parts: &[&str], at: Millis) -> uuid::Uuid {
    // FNV-1a over the parts, twice with different seeds for 80 bits.
    let hash = |seed: u64| {
        let mut h = seed;
        for part in parts {
            for byte in part.bytes().chain([0xff]) {
                h ^= u64::from(byte);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        h.to_le_bytes()
    };
    let (a, b) = (hash(0xcbf2_9ce4_8422_2325), hash(0x8422_2325_cbf2_9ce4));
    let bytes = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]];
    uuid::Builder::from_unix_timestamp_millis(at, &bytes).into_uuid()
}

/// The messages ordered so that each comes after its parent; a parent that is not in the
/// conversation is an error, and so is a loop.
fn parents_first(messages: Vec<ImportedMessage>) -> Result<Vec<ImportedMessage>, String> {
    use std::collections::{HashMap, HashSet};
    let known: HashSet<uuid::Uuid> = messages.iter().map(|m| m.uid).collect();
    if known.len() != messages.len() {
        return Err("two messages have the same id".into());
    }
    if let Some(orphan) = messages
        .iter()
        .find(|m| m.parent.is_some_and(|p| !known.contains(&p)))
    {
        return Err(format!(
            "message {} follows one that is not in the file",
            orphan.uid
        ));
    }
    let mut children: HashMap<Option<uuid::Uuid>, Vec<usize>> = HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        children.entry(m.parent).or_default().push(i);
    }
    let mut order = Vec::with_capacity(messages.len());
    let mut stack: Vec<Option<uuid::Uuid>> = vec![None];
    while let Some(parent) = stack.pop() {
        for &i in children.get(&parent).map_or(&[][..], Vec::as_slice) {
            order.push(i);
            stack.push(Some(messages[i].uid));
        }
    }
    if order.len() != messages.len() {
        return Err("the messages' parents go round in a loop".into());
    }
    let mut slots: Vec<Option<ImportedMessage>> = messages.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// One conversation of ChatGPT's `conversations.json`: a tree in `mapping`, the branch last
/// shown ending at `current_node`. System and tool messages are left out (their children
/// follow their parent instead); text parts are joined.
fn chatgpt(item: &serde_json::Value) -> Result<ImportedConversation, String> {
    let seconds = |v: &serde_json::Value| {
        v.as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(0, |s| {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a finite, non-negative number of seconds, saturating"
                )]
                let ms = (s * 1000.0) as u64;
                ms
            })
    };
    let mapping = item
        .get("mapping")
        .and_then(|m| m.as_object())
        .ok_or("no \"mapping\" (is this ChatGPT's conversations.json?)")?;
    let created = seconds(&item["create_time"]);
    let updated = seconds(&item["update_time"]).max(created);
    // Which nodes are kept (user and assistant text), and each node's nearest kept ancestor.
    let kept = |node: &serde_json::Value| -> Option<(Role, String)> {
        let message = node.get("message")?;
        let role = match message["author"]["role"].as_str()? {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            _ => return None,
        };
        let parts = message["content"]["parts"].as_array()?;
        let text: Vec<&str> = parts.iter().filter_map(|p| p.as_str()).collect();
        let text = text.join("\n");
        (!text.trim().is_empty()).then_some((role, text))
    };
    let parent_of = |id: &str| mapping.get(id).and_then(|n| n["parent"].as_str());
    let uid_of = |id: &str| {
        uuid::Uuid::parse_str(id).unwrap_or_else(|_| derived_uid(&["chatgpt", id], created))
    };
    // The branch shown: current_node and its ancestors.
    let mut shown = std::collections::HashSet::new();
    let mut at = item["current_node"].as_str();
    let mut steps = 0;
    while let Some(id) = at {
        if !shown.insert(id) || steps > mapping.len() {
            break;
        }
        steps += 1;
        at = parent_of(id);
    }
    let mut messages = Vec::new();
    for (id, node) in mapping {
        let Some((role, content)) = kept(node) else {
            continue;
        };
        // The nearest kept ancestor.
        let mut parent = None;
        let mut up = parent_of(id);
        let mut steps = 0;
        while let Some(p) = up {
            steps += 1;
            if steps > mapping.len() {
                return Err(format!("node {id}: its parents go round in a loop"));
            }
            if mapping.get(p).and_then(&kept).is_some() {
                parent = Some(uid_of(p));
                break;
            }
            up = parent_of(p);
        }
        let at = seconds(&node["message"]["create_time"]).max(created);
        messages.push(ImportedMessage {
            uid: uid_of(id),
            parent,
            role,
            content,
            reasoning: String::new(),
            status: MessageStatus::Complete,
            error: None,
            model: node["message"]["metadata"]["model_slug"]
                .as_str()
                .map(String::from),
            finish_reason: None,
            usage: None,
            created_at: at,
            chosen_at: if shown.contains(id.as_str()) {
                updated.max(at)
            } else {
                at
            },
            documents: String::new(),
            images: Vec::new(),
        });
    }
    Ok(ImportedConversation {
        title: item["title"].as_str().unwrap_or_default().to_string(),
        model: messages
            .iter()
            .rev()
            .find_map(|m| m.model.clone())
            .unwrap_or_default(),
        system_prompt: String::new(),
        created_at: created,
        updated_at: updated,
        messages: parents_first(messages)?,
    })
}
