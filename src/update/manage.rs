//! Managing saved conversations: rename, delete, search, export, and the results that come
//! back from the store and the file system.

use crate::effect::Effect;
use crate::export;
use crate::msg::{ConversationId, FieldEdit, Focus, Millis, Msg};
use crate::persist::{fill, meta_of};
use crate::state::{AppState, Dialog, Scroll, SidebarMode};

use super::nav::open;

pub fn update(state: &mut AppState, msg: Msg, now: Millis) -> Vec<Effect> {
    match msg {
        Msg::StartRename => {
            if let Some(id) = target(state) {
                let text = state.conversations[&id].title.clone();
                state.sidebar_visible = true;
                state.focus = Focus::Sidebar;
                state.sidebar_mode = SidebarMode::Rename { id, text };
            }
            Vec::new()
        }
        Msg::StartDelete => {
            if let Some(id) = target(state) {
                state.sidebar_mode = SidebarMode::ConfirmDelete { id };
            }
            Vec::new()
        }
        Msg::ConfirmDelete(yes) => {
            let mode = std::mem::replace(&mut state.sidebar_mode, SidebarMode::List);
            match mode {
                SidebarMode::ConfirmDelete { id } if yes => delete(state, id, now),
                _ => Vec::new(),
            }
        }
        Msg::StartSearch => {
            let request = state.next_id();
            state.sidebar_visible = true;
            state.focus = Focus::Sidebar;
            state.sidebar_mode = SidebarMode::Search {
                query: String::new(),
                request,
                hits: Vec::new(),
                selected: 0,
            };
            Vec::new()
        }
        Msg::EditField(edit) => edit_field(state, edit),
        Msg::SubmitField => submit_field(state),
        Msg::CancelField => {
            if state.dialog.take().is_none() {
                state.sidebar_mode = SidebarMode::List;
            }
            Vec::new()
        }
        Msg::StartExport => {
            let conv = state.active_conversation();
            if conv.messages.is_empty() {
                state.flash = Some("Nothing to export yet: this conversation is empty.".into());
            } else {
                let text = format!("./{}", export::default_stem(conv.display_title()));
                state.dialog = Some(Dialog::ExportPath { id: conv.id, text });
            }
            Vec::new()
        }
        Msg::ConfirmOverwrite(yes) => match state.dialog.take() {
            Some(Dialog::ConfirmOverwrite { id, stem, .. }) if yes => {
                export_effect(state, id, stem, true)
            }
            _ => {
                state.flash = Some("Export cancelled; nothing was written.".into());
                Vec::new()
            }
        },
        Msg::ConversationLoaded {
            id,
            messages,
            system_prompt,
        } => {
            if let Some(conv) = state.conversations.get_mut(&id)
                && !conv.loaded
            {
                fill(conv, messages, system_prompt);
                conv.notice = None;
            }
            Vec::new()
        }
        Msg::ConversationLoadFailed { id, error } => {
            if let Some(conv) = state.conversations.get_mut(&id) {
                conv.notice = Some(format!(
                    "Could not read this conversation: {error}. Open it again to retry."
                ));
            }
            Vec::new()
        }
        Msg::SearchResults { request, hits } => {
            if let SidebarMode::Search {
                request: current,
                hits: shown,
                selected,
                ..
            } = &mut state.sidebar_mode
                && *current == request
            {
                *shown = hits;
                *selected = 0;
            }
            Vec::new()
        }
        Msg::SearchFailed { request, error } => {
            if matches!(&state.sidebar_mode, SidebarMode::Search { request: current, .. } if *current == request)
            {
                state.flash = Some(format!("Search failed: {error}"));
            }
            Vec::new()
        }
        Msg::StoreStatus(error) => {
            state.store_error = error;
            Vec::new()
        }
        Msg::SaveRefused { id, error } => {
            if let Some(conv) = state.conversations.get_mut(&id) {
                conv.notice = Some(format!("Not saved: {error}"));
            }
            state.flash = Some(format!("Not saved: {error}"));
            Vec::new()
        }
        Msg::Exported { paths } => {
            state.flash = Some(format!("Exported to {}", paths.join(" and ")));
            Vec::new()
        }
        Msg::ExportBlocked { id, stem, existing } => {
            state.dialog = Some(Dialog::ConfirmOverwrite { id, stem, existing });
            Vec::new()
        }
        Msg::ExportFailed(error) => {
            state.flash = Some(format!("Export failed: {error}"));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The conversation a sidebar command acts on: the highlighted row when the sidebar has
/// focus, else the open conversation.
fn target(state: &AppState) -> Option<ConversationId> {
    if state.focus == Focus::Sidebar {
        state.order.get(state.sidebar_selected).copied()
    } else {
        Some(state.active)
    }
}

fn delete(state: &mut AppState, id: ConversationId, now: Millis) -> Vec<Effect> {
    let Some(conv) = state.conversations.remove(&id) else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    if let Some(stream) = conv.phase.stream() {
        state.live.remove(&stream);
        effects.push(Effect::CancelStream(stream));
    }
    let row = state.order.iter().position(|&c| c == id).unwrap_or(0);
    state.order.retain(|&c| c != id);
    effects.push(Effect::DeleteConversation(id));
    if state.active == id {
        match state
            .order
            .get(row.min(state.order.len().saturating_sub(1)))
            .copied()
        {
            Some(next) => effects.extend(open(state, next)),
            None => {
                let fresh = state.fresh_conversation(now);
                state.order.push(fresh);
                state.active = fresh;
            }
        }
    }
    state.sidebar_selected = row.min(state.order.len().saturating_sub(1));
    effects
}

fn apply_edit(text: &mut String, edit: &FieldEdit) {
    match edit {
        FieldEdit::Insert(c) if !c.is_control() => text.push(*c),
        FieldEdit::Insert(_) => {}
        FieldEdit::Paste(pasted) => {
            let clean: String = pasted
                .chars()
                .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
                .filter(|c| !c.is_control())
                .collect();
            text.push_str(&clean);
        }
        FieldEdit::Backspace => {
            text.pop();
        }
        FieldEdit::Clear => text.clear(),
    }
}

fn edit_field(state: &mut AppState, edit: FieldEdit) -> Vec<Effect> {
    if let Some(Dialog::ExportPath { text, .. }) = &mut state.dialog {
        apply_edit(text, &edit);
        return Vec::new();
    }
    let next_request = state.next_id();
    match &mut state.sidebar_mode {
        SidebarMode::Rename { text, .. } => {
            apply_edit(text, &edit);
            Vec::new()
        }
        SidebarMode::Search {
            query,
            request,
            hits,
            selected,
        } => {
            apply_edit(query, &edit);
            *request = next_request;
            *selected = 0;
            if query.trim().is_empty() {
                hits.clear();
                return Vec::new();
            }
            vec![Effect::Search {
                request: next_request,
                query: query.clone(),
            }]
        }
        _ => Vec::new(),
    }
}

fn submit_field(state: &mut AppState) -> Vec<Effect> {
    if let Some(Dialog::SystemPrompt { id }) = state.dialog {
        state.dialog = None;
        let prompt = state.prompt_editor.lines().join("\n").trim().to_string();
        let Some(conv) = state.conversations.get_mut(&id) else {
            return Vec::new();
        };
        if conv.system_prompt == prompt {
            return Vec::new();
        }
        conv.system_prompt = prompt;
        state.flash = Some("System prompt saved; it applies from the next message.".into());
        return if !conv.saved {
            Vec::new()
        } else {
            vec![Effect::SaveConversation(meta_of(conv))]
        };
    }
    if let Some(Dialog::ExportPath { id, text }) = state.dialog.take() {
        let stem = text
            .trim()
            .trim_end_matches(".md")
            .trim_end_matches(".json")
            .to_string();
        if stem.is_empty() {
            state.flash = Some("Export cancelled: no path given.".into());
            return Vec::new();
        }
        return export_effect(state, id, stem, false);
    }
    match std::mem::replace(&mut state.sidebar_mode, SidebarMode::List) {
        SidebarMode::Rename { id, text } => {
            let title = text.trim().to_string();
            match state.conversations.get_mut(&id) {
                Some(conv) if !title.is_empty() => {
                    conv.title = title;
                    if !conv.saved {
                        // Not saved until its first message; the title goes with it.
                        return Vec::new();
                    }
                    vec![Effect::SaveConversation(meta_of(conv))]
                }
                _ => Vec::new(),
            }
        }
        SidebarMode::Search { hits, selected, .. } => {
            let Some(hit) = hits.get(selected) else {
                return Vec::new();
            };
            let (id, seq) = (hit.conversation_id, hit.message_seq);
            state.focus = Focus::Input;
            let effects = open(state, id);
            if let Some(conv) = state.conversations.get_mut(&id) {
                conv.scroll = match seq {
                    Some(item) => Scroll::Anchored {
                        item: item as usize,
                        row: 0,
                    },
                    None => Scroll::Follow,
                };
            }
            effects
        }
        other => {
            state.sidebar_mode = other;
            Vec::new()
        }
    }
}

/// Moves the highlight among search results.
pub fn select_hit(state: &mut AppState, down: bool) -> bool {
    if let SidebarMode::Search { hits, selected, .. } = &mut state.sidebar_mode {
        *selected = if down {
            (*selected + 1).min(hits.len().saturating_sub(1))
        } else {
            selected.saturating_sub(1)
        };
        true
    } else {
        false
    }
}

fn export_effect(
    state: &mut AppState,
    id: ConversationId,
    stem: String,
    overwrite: bool,
) -> Vec<Effect> {
    let Some(conv) = state.conversations.get(&id) else {
        return Vec::new();
    };
    let model = &state.settings.model;
    vec![Effect::Export {
        id,
        stem,
        markdown: export::to_markdown(conv, model),
        json: export::to_json(conv, model),
        overwrite,
    }]
}
