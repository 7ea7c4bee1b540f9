//! The model picker, thinking controls, the model list and the balance.

use crate::catalog::{ThinkingControl, thinking_control};
use crate::effect::Effect;
use crate::layout::picker::{PickerRow, picker_rows};
use crate::msg::{ModelsReport, PickerIntent};
use crate::state::cursor::stepped;
use crate::state::saved::meta_of;
use crate::state::{AppState, Effort, Overlay};

/// Switches the provider: its endpoint, key and default model from now on (the runtime
/// builds the new client); the open conversation moves to the profile's model.
/// The session's settings and the open conversation's model follow `choice`.
pub(super) fn apply_profile(state: &mut AppState, choice: &crate::state::ProfileChoice) {
    state.settings.profile = choice.name.clone();
    state.settings.endpoint = choice.endpoint.clone();
    state.settings.has_key = choice.has_key;
    state.settings.kimi_fields = choice.kimi_fields;
    state.settings.model = choice.model.clone();
    state.models.clear();
    state.balance = None;
    let conv = state.active_conversation_mut();
    conv.model = choice.model.clone();
    conv.thinking = None;
    conv.effort = None;
}

fn use_profile(state: &mut AppState, name: &str) -> Vec<Effect> {
    let Some(choice) = state
        .settings
        .profiles
        .iter()
        .find(|p| p.name == name)
        .cloned()
    else {
        return Vec::new();
    };
    apply_profile(state, &choice);
    state.flash = Some(if choice.has_key {
        format!(
            "Using profile {} ({}) with {}.",
            choice.name, choice.endpoint, choice.model
        )
    } else {
        format!(
            "Using profile {} ({}), but its API key is not set.",
            choice.name, choice.endpoint
        )
    });
    // Answers still on their way from the old endpoint are dropped from now on.
    state.epoch += 1;
    let epoch = state.epoch;
    let mut effects = vec![Effect::UseProfile {
        name: choice.name,
        epoch,
    }];
    if choice.has_key {
        effects.push(Effect::FetchModels { epoch });
    }
    effects
}

pub fn started(state: &AppState) -> Vec<Effect> {
    if state.settings.has_key {
        vec![Effect::FetchModels { epoch: state.epoch }]
    } else {
        Vec::new()
    }
}

/// Opens the picker; with `regenerate`, picking a model also asks again for that reply with it.
pub fn open(state: &mut AppState, regenerate: Option<u64>) -> Vec<Effect> {
    let rows = picker_rows(state);
    let current = PickerRow::Model(state.active_conversation().model.clone());
    let selected = rows.iter().position(|row| *row == current).unwrap_or(0);
    state.overlay = Some(Overlay::Models {
        selected,
        regenerate,
    });
    if state.settings.has_key {
        let epoch = state.epoch;
        vec![
            Effect::FetchModels { epoch },
            Effect::FetchBalance { epoch },
        ]
    } else {
        Vec::new()
    }
}

pub fn update(state: &mut AppState, intent: PickerIntent) -> Vec<Effect> {
    match intent {
        PickerIntent::Open => open(state, None),
        PickerIntent::Move(step) => {
            let len = picker_rows(state).len();
            if let Some(Overlay::Models { selected, .. }) = &mut state.overlay {
                *selected = stepped(*selected, step, len);
            }
            Vec::new()
        }
        PickerIntent::Pick => {
            let Some(Overlay::Models {
                selected,
                regenerate,
            }) = state.overlay
            else {
                return Vec::new();
            };
            state.overlay = None;
            let Some(row) = picker_rows(state).get(selected).cloned() else {
                return Vec::new();
            };
            let is_model = matches!(row, PickerRow::Model(_));
            let mut effects = choose(state, row);
            if let Some(reply) = regenerate.filter(|_| is_model) {
                let conv = state.active_conversation_mut();
                if let Some(index) = conv.messages.iter().position(|m| m.id == reply) {
                    conv.focus = Some(index);
                    let now = state.now;
                    effects.extend(super::turns::regenerate(state, now));
                }
            }
            effects
        }
        PickerIntent::ToggleThinking => toggle_thinking(state),
    }
}

/// The conversation uses model `row` (or the app switches to the profile).
pub fn choose(state: &mut AppState, row: PickerRow) -> Vec<Effect> {
    let id = match row {
        PickerRow::Model(id) => id,
        PickerRow::Profile(name) => return use_profile(state, &name),
    };
    let conv = state.active_conversation_mut();
    if conv.model == id {
        return Vec::new();
    }
    conv.model = id.clone();
    // A new model starts from its own defaults.
    conv.thinking = None;
    conv.effort = None;
    let effects = if !conv.saved {
        Vec::new() // saved with its first message
    } else {
        vec![Effect::SaveConversation(meta_of(conv))]
    };
    state.flash = Some(format!("This conversation now uses {id}."));
    effects
}

fn toggle_thinking(state: &mut AppState) -> Vec<Effect> {
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
    let effects = if !conv.saved || control == ThinkingControl::None {
        Vec::new()
    } else {
        vec![Effect::SaveConversation(meta_of(conv))]
    };
    state.flash = Some(note);
    effects
}

pub fn on_report(state: &mut AppState, report: ModelsReport) -> Vec<Effect> {
    match report {
        // Asked before a profile switch: about another endpoint.
        ModelsReport::Listed { epoch, .. }
        | ModelsReport::Balance { epoch, .. }
        | ModelsReport::TokensCounted { epoch, .. }
        | ModelsReport::ProfileFailed { epoch, .. }
            if epoch != state.epoch => {}
        ModelsReport::TokensCounted {
            id, local, counted, ..
        } => {
            if let (Some(conv), Some(counted)) = (state.conversations.get_mut(id), counted) {
                conv.counted_tokens = Some(counted);
                if local > 0 {
                    conv.token_scale = (counted as f64 / local as f64).clamp(0.5, 4.0);
                }
            }
        }
        ModelsReport::Listed {
            result: Ok(models), ..
        } => state.models = models,
        ModelsReport::Listed {
            result: Err(error), ..
        } => {
            // Keep working with the configured model; say so only if the user is looking.
            if matches!(state.overlay, Some(Overlay::Models { .. })) {
                state.flash = Some(format!(
                    "Could not list models ({error}); keeping {}.",
                    state.settings.model
                ));
            }
        }
        ModelsReport::ProfileFailed { error, kept, .. } => {
            // The runtime still talks to `kept`: the settings go back to match it.
            let previous = state
                .settings
                .profiles
                .iter()
                .find(|p| p.name == kept)
                .cloned();
            if let Some(choice) = previous {
                apply_profile(state, &choice);
            }
            state.flash = Some(format!(
                "Could not switch profiles ({error}); still using {kept}."
            ));
        }
        ModelsReport::Balance { result, .. } => {
            state.balance = Some(match result {
                Ok(text) => text,
                Err(error) => format!("unavailable: {error}"),
            });
        }
    }
    Vec::new()
}
