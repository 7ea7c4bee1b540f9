//! Files attached with `/attach`: text goes into the input box as a chip; documents are
//! uploaded for extraction and wait on the input box's border (`📎 report.pdf · 38 KB ·
//! ~9.6k tokens`) until the message is sent, which takes them along. Also `/files`: the files
//! stored on the account.

use crate::api::{Document, FileInfo, Image};
use crate::catalog;
use crate::effect::Effect;
use crate::ids::ConversationId;
use crate::io::attach::Read;
use crate::msg::FilesIntent;
use crate::state::cursor::stepped;
use crate::state::{AppState, Dialog, Overlay, PendingDocument};
use crate::text::plain::sanitize;

/// The files of `/attach` are read: each text file becomes a chip (`[📎 notes.md · 3 KB ·
/// ~800 tokens]`) standing for its text fenced with its name; each document starts
/// uploading. The `/attach` line leaves the box. What could not be attached is said; when
/// nothing could, the line stays to be mended.
pub fn attached(
    state: &mut AppState,
    conversation: ConversationId,
    line: &str,
    files: Vec<Result<Read, String>>,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut failed = Vec::new();
    let mut texts = Vec::new();
    let mut started = Vec::new();
    for file in files {
        match file {
            Ok(Read::Text(text)) => texts.push(text),
            Ok(Read::Document { name, .. }) if !state.settings.kimi_fields => failed.push(format!(
                "{name}: documents are read by Kimi's file extraction, and this profile's endpoint is not Kimi."
            )),
            Ok(Read::Document {
                name, bytes, text, ..
            }) if text && too_long(state, conversation, bytes).is_some() => {
                let (tokens, window, model) =
                    too_long(state, conversation, bytes).unwrap_or_default();
                failed.push(format!(
                    "{} was not attached: at ~{} tokens it is {} more than {model}'s {}-token window.",
                    sanitize(&name),
                    crate::layout::transcript::token_count(tokens),
                    crate::layout::transcript::token_count(tokens - window),
                    crate::layout::transcript::token_count(window),
                ));
            }
            Ok(Read::Document {
                path, name, bytes, ..
            }) => {
                let upload = state.next_id();
                started.push(PendingDocument {
                    upload,
                    name: name.clone(),
                    bytes,
                    sent: 0,
                    document: None,
                });
                effects.push(Effect::UploadDocument { upload, path, name });
            }
            Err(why) => failed.push(why),
        }
    }
    let active = state.conversations.active_id();
    if (!texts.is_empty() || !started.is_empty())
        && conversation == active
        && state.input_text() == line
    {
        state.input = crate::state::composer::new_textarea(&state.theme);
        state.pastes.clear();
    }
    if let Some(conv) = state.conversations.get_mut(conversation) {
        conv.documents.extend(started);
    }
    for file in texts {
        // What is typed after the chip starts below the fence.
        let text = format!("{}\n\n", file.fenced());
        let chip = format!(
            "[📎 {} · {} · ~{} tokens]",
            crate::text::plain::sanitize(&file.name),
            crate::text::plain::size_label(file.text.len()),
            crate::layout::transcript::token_count(
                u64::try_from(crate::layout::transcript::estimate_tokens(&file.text))
                    .unwrap_or(u64::MAX)
            )
        );
        state.add_chip(chip, text);
    }
    if !failed.is_empty() {
        state.flash = Some(failed.join(" "));
    }
    effects
}

/// A text file of `bytes` bytes that is surely longer than the window of `conversation`'s
/// model (at four bytes a token, the fewest a text takes): (its tokens at that rate, the
/// window, the model).
fn too_long(
    state: &AppState,
    conversation: ConversationId,
    bytes: u64,
) -> Option<(u64, u64, String)> {
    let model = state.conversations.get(conversation)?.model.clone();
    let window = catalog::context_length(&model, &state.models)?;
    let tokens = bytes / 4;
    (tokens > window).then_some((tokens, window, model))
}

/// The images of `/image` are read: each goes with the message being written (a chip on the
/// input box's border); one made smaller is said. The `/image` line leaves the box; when no
/// image could be read, it stays to be mended.
pub fn images_read(
    state: &mut AppState,
    conversation: ConversationId,
    line: &str,
    images: Vec<Result<Image, String>>,
) -> Vec<Effect> {
    let (read, failed): (Vec<_>, Vec<_>) = images.into_iter().partition(Result::is_ok);
    let read: Vec<Image> = read.into_iter().filter_map(Result::ok).collect();
    let mut said: Vec<String> = failed.into_iter().filter_map(Result::err).collect();
    for image in read.iter().filter(|i| i.downscaled()) {
        said.push(format!(
            "{} is {}×{}: sent at {}×{}.",
            sanitize(&image.name),
            image.original_width,
            image.original_height,
            image.width,
            image.height
        ));
    }
    if !read.is_empty()
        && conversation == state.conversations.active_id()
        && state.input_text() == line
    {
        state.input = crate::state::composer::new_textarea(&state.theme);
        state.pastes.clear();
    }
    let model = state
        .conversations
        .get(conversation)
        .map(|c| c.model.clone())
        .unwrap_or_default();
    if !read.is_empty() && catalog::accepts_images(&model, &state.models) == Some(false) {
        said.push(format!(
            "{model} does not read images: Enter offers another model."
        ));
    }
    if let Some(conv) = state.conversations.get_mut(conversation) {
        conv.images.extend(read);
    }
    if !said.is_empty() {
        state.flash = Some(said.join(" "));
    }
    Vec::new()
}

/// A paste turned out to be files dropped on the terminal: asks whether to attach them (the
/// paste stays in the box until then).
pub fn dropped(state: &mut AppState, pasted: String, files: Vec<(String, bool)>) -> Vec<Effect> {
    if state.dialog.is_none() && state.overlay.is_none() && state.input_text().contains(&pasted) {
        state.dialog = Some(Dialog::AttachDropped { pasted, files });
    }
    Vec::new()
}

/// Enter: the dropped files are attached (images with `/image`'s path, the others with
/// `/attach`'s) and their paths leave the box; Esc: the paths stay as typed text.
pub fn drop_answer(state: &mut AppState, yes: bool) -> Vec<Effect> {
    let Some(Dialog::AttachDropped { pasted, files }) = state.dialog.take() else {
        return Vec::new();
    };
    if !yes {
        return Vec::new();
    }
    let text = state.input_text();
    if let Some(at) = text.rfind(&pasted) {
        let rest = format!("{}{}", &text[..at], &text[at + pasted.len()..]);
        super::composer::replace_input(state, &rest);
    }
    let conversation = state.conversations.active_id();
    let (images, others): (Vec<_>, Vec<_>) = files.into_iter().partition(|(_, image)| *image);
    let paths = |list: Vec<(String, bool)>| list.into_iter().map(|(p, _)| p).collect::<Vec<_>>();
    let mut effects = Vec::new();
    // `line` is empty: the box is cleared only if nothing else is in it.
    if !others.is_empty() {
        effects.push(Effect::ReadAttachments {
            conversation,
            line: String::new(),
            paths: paths(others),
        });
    }
    if !images.is_empty() {
        effects.push(Effect::ReadImages {
            conversation,
            line: String::new(),
            paths: paths(images),
        });
    }
    effects
}

/// The conversation and place of upload `upload` among its pending documents.
fn find(state: &mut AppState, upload: u64) -> Option<(ConversationId, usize)> {
    state.conversations.iter().find_map(|conv| {
        conv.documents
            .iter()
            .position(|d| d.upload == upload)
            .map(|at| (conv.id, at))
    })
}

pub fn progress(state: &mut AppState, upload: u64, sent: u64, total: u64) -> Vec<Effect> {
    if let Some((id, at)) = find(state, upload)
        && let Some(doc) = state
            .conversations
            .get_mut(id)
            .and_then(|c| c.documents.get_mut(at))
    {
        doc.sent = sent;
        doc.bytes = total;
    }
    Vec::new()
}

/// An upload ended: the document waits for the message, or the reason it failed is said
/// (and a document too long for the model's window is refused, and deleted from the
/// account). An upload whose chip was removed meanwhile is deleted from the account.
pub fn uploaded(
    state: &mut AppState,
    upload: u64,
    result: Result<Document, String>,
) -> Vec<Effect> {
    let Some((id, at)) = find(state, upload) else {
        return match result {
            Ok(doc) => vec![Effect::DeleteFiles(vec![doc.file_id])],
            Err(_) => Vec::new(),
        };
    };
    let models = state.models.clone();
    let Some(conv) = state.conversations.get_mut(id) else {
        return Vec::new();
    };
    match result {
        Err(why) => {
            let name = conv.documents.remove(at).name;
            state.flash = Some(if why.contains(&name) {
                format!("Not attached: {why}")
            } else {
                format!("{name} was not attached: {why}")
            });
            Vec::new()
        }
        Ok(mut doc) => {
            let tokens = catalog::estimate_tokens(&doc.text);
            doc.tokens = Some(tokens);
            let window = catalog::context_length(&conv.model, &models);
            if let Some(window) = window.filter(|&w| tokens > w) {
                conv.documents.remove(at);
                state.flash = Some(format!(
                    "{} was not attached: its text is ~{} tokens, {} more than {}'s {}-token window.",
                    doc.name,
                    crate::layout::transcript::token_count(tokens),
                    crate::layout::transcript::token_count(tokens - window),
                    conv.model,
                    crate::layout::transcript::token_count(window),
                ));
                return vec![Effect::DeleteFiles(vec![doc.file_id])];
            }
            if doc.text.trim().is_empty() {
                conv.documents.remove(at);
                state.flash = Some(format!(
                    "{} was not attached: the API found no text in it (a scan? images are not read as documents).",
                    doc.name
                ));
                return vec![Effect::DeleteFiles(vec![doc.file_id])];
            }
            // The API's own count, where it has one (a Kimi profile); the local estimate
            // stands meanwhile.
            let count = crate::api::ChatRequest {
                model: conv.model.clone(),
                messages: vec![crate::api::ChatMessage {
                    role: "system".into(),
                    content: doc.text.clone(),
                    ..crate::api::ChatMessage::default()
                }],
                stream: false,
                stream_options: crate::api::StreamOptions {
                    include_usage: false,
                },
                sampling: crate::api::SamplingOptions::default(),
                thinking: None,
                reasoning_effort: None,
                tools: None,
                prompt_cache_key: None,
            };
            if let Some(pending) = conv.documents.get_mut(at) {
                pending.sent = pending.bytes;
                pending.document = Some(doc);
            }
            if state.settings.kimi_fields {
                vec![Effect::CountDocument {
                    upload,
                    request: count,
                }]
            } else {
                Vec::new()
            }
        }
    }
}

/// The API counted an uploaded document: its chip says so, and one longer than the model's
/// window is taken off (and deleted) after all.
pub fn counted(state: &mut AppState, upload: u64, tokens: Option<u64>) -> Vec<Effect> {
    let Some(tokens) = tokens else {
        return Vec::new();
    };
    let Some((id, at)) = find(state, upload) else {
        return Vec::new();
    };
    let models = state.models.clone();
    let Some(conv) = state.conversations.get_mut(id) else {
        return Vec::new();
    };
    let window = catalog::context_length(&conv.model, &models);
    if let Some(window) = window.filter(|&w| tokens > w) {
        let removed = conv.documents.remove(at);
        state.flash = Some(format!(
            "{} was not attached: its text is {} tokens, {} more than {}'s {}-token window.",
            sanitize(&removed.name),
            crate::layout::transcript::token_count(tokens),
            crate::layout::transcript::token_count(tokens - window),
            conv.model,
            crate::layout::transcript::token_count(window),
        ));
        return removed
            .document
            .map(|d| vec![Effect::DeleteFiles(vec![d.file_id])])
            .unwrap_or_default();
    }
    if let Some(doc) = conv.documents.get_mut(at).and_then(|d| d.document.as_mut()) {
        doc.tokens = Some(tokens);
    }
    Vec::new()
}

/// Takes the active conversation's documents for the message being sent; none while one is
/// still uploading (said, and nothing is taken).
pub fn take_for_send(state: &mut AppState) -> Result<Vec<Document>, String> {
    let conv = state.active_conversation_mut();
    if let Some(up) = conv.documents.iter().find(|d| d.document.is_none()) {
        return Err(format!(
            "{} is still uploading ({}%); your message stays in the input box.",
            up.name,
            up.sent.saturating_mul(100) / up.bytes.max(1)
        ));
    }
    Ok(conv
        .documents
        .drain(..)
        .filter_map(|d| d.document)
        .collect())
}

/// Removes the last image, or else the last document, attached to the message being written
/// (Backspace in an empty box); an uploaded document is deleted from the account (an upload
/// still going is deleted when it ends).
pub fn detach_last(state: &mut AppState) -> Vec<Effect> {
    if let Some(image) = state.active_conversation_mut().images.pop() {
        state.flash = Some(format!(
            "{} removed from the message (/image adds it again).",
            sanitize(&image.name)
        ));
        return Vec::new();
    }
    let Some(doc) = state.active_conversation_mut().documents.pop() else {
        return Vec::new();
    };
    state.flash = Some(format!(
        "{} removed from the message (/attach adds it again).",
        doc.name
    ));
    doc.document
        .map(|d| vec![Effect::DeleteFiles(vec![d.file_id])])
        .unwrap_or_default()
}

/// `/detach`: removes every document and image attached to the message being written.
pub fn detach_all(state: &mut AppState) -> Vec<Effect> {
    let conv = state.active_conversation_mut();
    let docs: Vec<PendingDocument> = conv.documents.drain(..).collect();
    let images: Vec<Image> = conv.images.drain(..).collect();
    if docs.is_empty() && images.is_empty() {
        state.flash = Some("No document or image is attached to this message.".into());
        return Vec::new();
    }
    state.flash = Some(format!(
        "Removed from the message: {}.",
        docs.iter()
            .map(|d| sanitize(&d.name))
            .chain(images.iter().map(|i| sanitize(&i.name)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let ids: Vec<String> = docs
        .into_iter()
        .filter_map(|d| d.document.map(|d| d.file_id))
        .collect();
    if ids.is_empty() {
        Vec::new()
    } else {
        vec![Effect::DeleteFiles(ids)]
    }
}

/// `/files`: lists the files on the account.
pub fn open_files(state: &mut AppState) -> Vec<Effect> {
    if !state.settings.kimi_fields {
        state.flash = Some(
            "/files lists a Kimi account's files; this profile's endpoint is not Kimi.".into(),
        );
        return Vec::new();
    }
    state.overlay = Some(Overlay::Files { selected: 0 });
    state.files = None;
    vec![Effect::ListFiles]
}

pub fn files(
    state: &mut AppState,
    result: Result<Vec<FileInfo>, String>,
    ours: Vec<String>,
) -> Vec<Effect> {
    // Newest first, as one looks for what was just uploaded.
    state.files = Some(result.map(|mut list| {
        list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        list
    }));
    state.our_files = ours.into_iter().collect();
    if let Some(Overlay::Files { selected }) = &mut state.overlay {
        let len = state
            .files
            .as_ref()
            .map_or(0, |f| f.as_ref().map_or(0, Vec::len));
        *selected = (*selected).min(len.saturating_sub(1));
    }
    Vec::new()
}

pub fn files_deleted(state: &mut AppState, ids: &[String], error: Option<String>) -> Vec<Effect> {
    if let Some(Ok(list)) = &mut state.files {
        list.retain(|f| !ids.contains(&f.id));
        let len = list.len();
        if let Some(Overlay::Files { selected }) = &mut state.overlay {
            *selected = (*selected).min(len.saturating_sub(1));
        }
    }
    // Only what `/files` asked for is said; a chip taken off deletes quietly unless it fails.
    let asked = state
        .overlay
        .is_some_and(|o| matches!(o, Overlay::Files { .. }));
    state.flash = match (error, asked) {
        (Some(why), _) if ids.is_empty() => Some(format!("Not deleted: {why}")),
        (Some(why), _) => Some(format!(
            "Deleted {} file{}; others were not: {why}",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        )),
        (None, true) => Some(format!(
            "Deleted {} file{} from the account.",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        )),
        (None, false) => state.flash.take(),
    };
    Vec::new()
}

pub fn on_files(state: &mut AppState, intent: FilesIntent) -> Vec<Effect> {
    let selected = match state.overlay {
        Some(Overlay::Files { selected }) => selected,
        _ => 0,
    };
    let list: &[FileInfo] = match &state.files {
        Some(Ok(list)) => list,
        _ => &[],
    };
    match intent {
        FilesIntent::Move(step) => {
            let len = list.len();
            if let Some(Overlay::Files { selected }) = &mut state.overlay {
                *selected = stepped(*selected, step, len);
            }
        }
        FilesIntent::Reload => return open_files(state),
        FilesIntent::Delete => {
            if let Some(file) = list.get(selected) {
                state.dialog = Some(Dialog::DeleteFiles {
                    ids: vec![file.id.clone()],
                    what: sanitize(&file.filename),
                });
            }
        }
        FilesIntent::DeleteOurs => {
            let ids: Vec<String> = list
                .iter()
                .filter(|f| state.our_files.contains(&f.id))
                .map(|f| f.id.clone())
                .collect();
            if ids.is_empty() {
                state.flash = Some("None of these files was uploaded by kimi-tui.".into());
            } else {
                let what = format!(
                    "the {} file{} kimi-tui uploaded",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" }
                );
                state.dialog = Some(Dialog::DeleteFiles { ids, what });
            }
        }
        FilesIntent::Confirm(yes) => {
            if let Some(Dialog::DeleteFiles { ids, .. }) = state.dialog.take()
                && yes
            {
                return vec![Effect::DeleteFiles(ids)];
            }
        }
    }
    Vec::new()
}

/// The pager for a message's attachments: its documents' extracted text on the first page,
/// each under its chip (the text out of the API's JSON answer when it is one), then a page
/// for each image.
pub fn pager_of(message: &crate::state::Message) -> crate::state::Pager {
    let mut text = String::new();
    for doc in &message.documents {
        let body = serde_json::from_str::<serde_json::Value>(&doc.text)
            .ok()
            .and_then(|v| v["content"].as_str().map(String::from))
            .unwrap_or_else(|| doc.text.clone());
        text.push_str(&crate::layout::transcript::document_chip(doc));
        text.push_str(&format!("  ({})\n\n", doc.file_id));
        text.push_str(body.trim_end());
        text.push_str("\n\n");
    }
    let title = match message.documents.len() {
        1 => format!(" {} ", sanitize(&message.documents[0].name)),
        d => format!(" {d} documents "),
    };
    crate::state::Pager {
        title,
        lines: text.lines().count(),
        text,
        scroll: 0,
        images: message.images.clone(),
        page: 0,
        picture: None,
    }
}
