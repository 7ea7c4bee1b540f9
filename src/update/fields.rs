//! One-line fields (rename, search, export path) and dialogs (export, overwrite, system
//! prompt), and what an export reports back.

use crate::effect::Effect;
use crate::export;
use crate::ids::ConversationId;
use crate::io::files::ExportReport;
use crate::msg::{FieldEdit, FieldIntent};
use crate::state::saved::meta_of;
use crate::state::{AppState, Dialog, SidebarMode};

pub fn update(state: &mut AppState, intent: FieldIntent) -> Vec<Effect> {
    match intent {
        FieldIntent::Edit(edit) if matches!(state.dialog, Some(Dialog::Welcome(_))) => {
            super::key::edit(state, &edit);
            Vec::new()
        }
        FieldIntent::Submit if matches!(state.dialog, Some(Dialog::Welcome(_))) => {
            super::key::submit(state)
        }
        FieldIntent::Cancel if matches!(state.dialog, Some(Dialog::Welcome(_))) => {
            super::key::cancel(state);
            Vec::new()
        }
        FieldIntent::StartKeyEntry => super::key::open(state),
        FieldIntent::Edit(edit) => edit_field(state, edit),
        FieldIntent::Submit => submit_field(state),
        FieldIntent::Cancel => {
            if state.dialog.take().is_none() {
                state.sidebar_mode = SidebarMode::List;
            }
            Vec::new()
        }
        FieldIntent::StartExport => {
            let conv = state.active_conversation();
            if conv.messages.is_empty() {
                state.flash = Some("Nothing to export yet: this conversation is empty.".into());
            } else {
                let text = format!("./{}", export::default_stem(conv.display_title()));
                state.dialog = Some(Dialog::ExportPath { id: conv.id, text });
            }
            Vec::new()
        }
        FieldIntent::ConfirmOverwrite(yes) => match state.dialog.take() {
            Some(Dialog::ConfirmOverwrite { id, stem, .. }) if yes => {
                export_effect(state, id, stem, true)
            }
            _ => {
                state.flash = Some("Export cancelled; nothing was written.".into());
                Vec::new()
            }
        },
        FieldIntent::EditSystemPrompt => {
            edit_system_prompt(state);
            Vec::new()
        }
        FieldIntent::PromptKey(key) => {
            state.prompt_editor.input(key);
            Vec::new()
        }
        FieldIntent::PromptNewline => {
            state.prompt_editor.insert_newline();
            Vec::new()
        }
        FieldIntent::PromptPaste(text) => {
            state
                .prompt_editor
                .insert_str(crate::text::plain::clean_input(&text));
            Vec::new()
        }
    }
}

/// Opens the open conversation's system prompt in the editor dialog.
fn edit_system_prompt(state: &mut AppState) {
    let conv = state.active_conversation();
    if !conv.loaded {
        // Its prompt is not read yet: an edit now would be overwritten when it arrives.
        state.flash =
            Some("This conversation is still being read; try F3 again in a moment.".into());
        return;
    }
    let id = conv.id;
    let mut editor: tui_textarea::TextArea<'static> =
        conv.system_prompt.lines().map(String::from).collect();
    editor.set_wrap_mode(tui_textarea::WrapMode::WordOrGlyph);
    // Start at the end, ready to add to it.
    editor.move_cursor(tui_textarea::CursorMove::Bottom);
    editor.move_cursor(tui_textarea::CursorMove::End);
    editor.set_placeholder_text("No system prompt: the model gets only the conversation.");
    state.prompt_editor = editor;
    state.dialog = Some(Dialog::SystemPrompt { id });
}

pub fn on_export(state: &mut AppState, report: ExportReport) -> Vec<Effect> {
    match report {
        ExportReport::Done { paths } => {
            state.flash = Some(format!("Exported to {}", paths.join(" and ")));
        }
        ExportReport::Blocked { id, stem, existing } => {
            state.dialog = Some(Dialog::ConfirmOverwrite { id, stem, existing });
        }
        ExportReport::Failed(error) => {
            state.flash = Some(format!("Export failed: {error}"));
        }
    }
    Vec::new()
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
        let Some(conv) = state.conversations.get_mut(id) else {
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
            match state.conversations.get_mut(id) {
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
        mode @ SidebarMode::Search { .. } => {
            state.sidebar_mode = mode;
            super::sidebar::open_hit(state)
        }
        other => {
            state.sidebar_mode = other;
            Vec::new()
        }
    }
}

fn export_effect(
    state: &mut AppState,
    id: ConversationId,
    stem: String,
    overwrite: bool,
) -> Vec<Effect> {
    let Some(conv) = state.conversations.get(id) else {
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
