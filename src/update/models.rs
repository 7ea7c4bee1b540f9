//! The model picker, thinking controls, the model list and the balance.

use crate::effect::Effect;
use crate::models::{ThinkingControl, thinking_control};
use crate::msg::{Millis, Msg, Step};
use crate::persist::meta_of;
use crate::state::{AppState, Dialog, Effort, Overlay};

/// The ids the picker offers: the listed models, or at least the ones in use.
pub fn picker_rows(state: &AppState) -> Vec<String> {
    let mut rows: Vec<String> = state.models.iter().map(|m| m.id.clone()).collect();
    for id in [&state.active_conversation().model, &state.settings.model] {
        if !rows.contains(id) {
            rows.push(id.clone());
        }
    }
    rows
}

pub fn update(state: &mut AppState, msg: Msg, _now: Millis) -> Vec<Effect> {
    match msg {
        Msg::Started => {
            if state.settings.has_key {
                vec![Effect::FetchModels]
            } else {
                Vec::new()
            }
        }
        Msg::OpenModelPicker => {
            let rows = picker_rows(state);
            let current = &state.active_conversation().model;
            let selected = rows.iter().position(|id| id == current).unwrap_or(0);
            state.overlay = Some(Overlay::Models { selected });
            if state.settings.has_key {
                vec![Effect::FetchModels, Effect::FetchBalance]
            } else {
                Vec::new()
            }
        }
        Msg::MovePicker(step) => {
            let last = picker_rows(state).len().saturating_sub(1);
            if let Some(Overlay::Models { selected }) = &mut state.overlay {
                *selected = match step {
                    Step::Up => selected.saturating_sub(1),
                    Step::Down => (*selected + 1).min(last),
                    Step::First => 0,
                    Step::Last => last,
                };
            }
            Vec::new()
        }
        Msg::PickModel => {
            let Some(Overlay::Models { selected }) = state.overlay else {
                return Vec::new();
            };
            state.overlay = None;
            let Some(id) = picker_rows(state).get(selected).cloned() else {
                return Vec::new();
            };
            let conv = state.active_conversation_mut();
            if conv.model == id {
                return Vec::new();
            }
            conv.model = id.clone();
            // A new model starts from its own defaults.
            conv.thinking = None;
            conv.effort = None;
            let effects = if conv.messages.is_empty() {
                Vec::new() // saved with its first message
            } else {
                vec![Effect::SaveConversation(meta_of(conv))]
            };
            state.flash = Some(format!("This conversation now uses {id}."));
            effects
        }
        Msg::ToggleThinking => {
            let kimi = state.settings.kimi_fields;
            let conv = state.active_conversation_mut();
            let control = if kimi {
                thinking_control(&conv.model)
            } else {
                ThinkingControl::None
            };
            let note = match control {
                ThinkingControl::Switch => {
                    let on = !conv.thinking.unwrap_or(true);
                    conv.thinking = Some(on);
                    format!(
                        "Thinking {} for this conversation.",
                        if on { "on" } else { "off" }
                    )
                }
                ThinkingControl::Effort => {
                    let next = match conv.effort.unwrap_or(Effort::Max) {
                        Effort::Max => Effort::High,
                        Effort::High => Effort::Low,
                        Effort::Low => Effort::Max,
                    };
                    conv.effort = Some(next);
                    format!("Reasoning effort {} for this conversation.", next.as_str())
                }
                ThinkingControl::None => {
                    format!("{} has no thinking switch to turn.", conv.model)
                }
            };
            let effects = if conv.messages.is_empty() || control == ThinkingControl::None {
                Vec::new()
            } else {
                vec![Effect::SaveConversation(meta_of(conv))]
            };
            state.flash = Some(note);
            effects
        }
        Msg::EditSystemPrompt => {
            let conv = state.active_conversation();
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
            Vec::new()
        }
        Msg::PromptKey(key) => {
            state.prompt_editor.input(key);
            Vec::new()
        }
        Msg::PromptNewline => {
            state.prompt_editor.insert_newline();
            Vec::new()
        }
        Msg::ModelsListed(Ok(models)) => {
            state.models = models;
            Vec::new()
        }
        Msg::ModelsListed(Err(error)) => {
            // Keep working with the configured model; say so only if the user is looking.
            if matches!(state.overlay, Some(Overlay::Models { .. })) {
                state.flash = Some(format!(
                    "Could not list models ({error}); keeping {}.",
                    state.settings.model
                ));
            }
            Vec::new()
        }
        Msg::BalanceFetched(result) => {
            state.balance = Some(match result {
                Ok(text) => text,
                Err(error) => format!("unavailable: {error}"),
            });
            Vec::new()
        }
        _ => Vec::new(),
    }
}
