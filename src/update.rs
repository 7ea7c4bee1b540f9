//! The reducer: `update(state, msg, now)` changes the state and returns the effects the
//! runtime must run. Pure and synchronous: the time comes in as an argument, and everything
//! that waits goes out as an `Effect`.

mod chat;
mod manage;
mod messages;
mod models;
mod nav;
mod request;
mod retry;
mod turns;

use crate::effect::Effect;
use crate::msg::{Focus, Millis, Msg, Step};
use crate::state::SidebarMode;

pub use models::{PickerRow, picker_rows};
pub use request::build_request;
pub use retry::retry_delay;

use crate::state::AppState;

pub fn update(state: &mut AppState, msg: Msg, now: Millis) -> Vec<Effect> {
    let effects = dispatch(state, msg, now);
    // The input box shows its cursor only while it has focus, whichever message moved it
    // (setting a style is a field write: cheap enough for every message).
    let focused = state.focus == Focus::Input;
    crate::ui::input::show_cursor(&mut state.input, focused);
    effects
}

fn dispatch(state: &mut AppState, msg: Msg, now: Millis) -> Vec<Effect> {
    state.now = now;
    if is_intent(&msg) {
        // A status-bar message lasts until the user does something.
        state.flash = None;
    }
    match msg {
        Msg::Submit => chat::submit(state, now),
        Msg::InsertNewline => {
            focus_input(state);
            state.input.insert_newline();
            Vec::new()
        }
        Msg::InputKey(key) => {
            focus_input(state);
            state.input.input(key);
            Vec::new()
        }
        Msg::Paste(text)
            if matches!(
                state.dialog,
                Some(crate::state::Dialog::SystemPrompt { .. })
            ) =>
        {
            state
                .prompt_editor
                .insert_str(crate::render::text::clean_input(&text));
            Vec::new()
        }
        Msg::Paste(text) => {
            focus_input(state);
            state
                .input
                .insert_str(crate::render::text::clean_input(&text));
            Vec::new()
        }
        Msg::Stop => chat::stop_active(state),
        Msg::Interrupt => {
            if state.active_conversation().phase.is_live() {
                chat::stop_active(state)
            } else {
                quit(state)
            }
        }
        Msg::Quit => quit(state),
        Msg::Stream { stream, event } => chat::on_stream_event(state, stream, event, now),
        Msg::Tick => {
            let mut effects = retry::retry_due(state, now);
            effects.extend(chat::autosave(state, now));
            effects
        }
        Msg::StartRename
        | Msg::StartDelete
        | Msg::ConfirmDelete(_)
        | Msg::StartSearch
        | Msg::EditField(_)
        | Msg::SubmitField
        | Msg::CancelField
        | Msg::StartExport
        | Msg::ConfirmOverwrite(_)
        | Msg::ConversationLoaded { .. }
        | Msg::ConversationLoadFailed { .. }
        | Msg::SearchResults { .. }
        | Msg::SearchFailed { .. }
        | Msg::StoreStatus(_)
        | Msg::SaveRefused { .. }
        | Msg::Exported { .. }
        | Msg::ExportBlocked { .. }
        | Msg::ExportFailed(_) => manage::update(state, msg, now),
        Msg::ContinueReply => turns::continue_reply(state, now),
        Msg::Started
        | Msg::OpenModelPicker
        | Msg::MovePicker(_)
        | Msg::PickModel
        | Msg::ToggleThinking
        | Msg::EditSystemPrompt
        | Msg::PromptKey(_)
        | Msg::PromptNewline
        | Msg::ModelsListed(_)
        | Msg::TokensCounted { .. }
        | Msg::BalanceFetched(_)
        | Msg::ProfileFailed { .. } => models::update(state, msg, now),
        Msg::Regenerate => turns::regenerate(state, now),
        Msg::FocusMessage(_)
        | Msg::ToggleReasoning
        | Msg::CopyMessage
        | Msg::CopyCodeBlock(_)
        | Msg::CopyLastReply
        | Msg::Copied { .. } => messages::update(state, msg, now),
        Msg::SelectConversation(step) if manage::select_hit(state, matches!(step, Step::Down)) => {
            Vec::new()
        }
        Msg::OpenSelectedConversation
            if matches!(state.sidebar_mode, SidebarMode::Search { .. }) =>
        {
            update(state, Msg::SubmitField, now)
        }
        other => nav::update(state, other, now),
    }
}

/// Typing goes to the input box, wherever the focus was.
fn focus_input(state: &mut AppState) {
    state.focus = Focus::Input;
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quitting = true;
    let mut effects: Vec<Effect> = state
        .live
        .keys()
        .map(|&s| Effect::CancelStream(s))
        .collect();
    effects.sort_by_key(|e| match e {
        Effect::CancelStream(s) => s.0,
        _ => 0,
    });
    effects.push(Effect::Quit);
    effects
}

fn is_intent(msg: &Msg) -> bool {
    !matches!(
        msg,
        Msg::Stream { .. }
            | Msg::Tick
            | Msg::Resize { .. }
            | Msg::ConversationLoaded { .. }
            | Msg::ConversationLoadFailed { .. }
            | Msg::SearchResults { .. }
            | Msg::SearchFailed { .. }
            | Msg::ProfileFailed { .. }
            | Msg::StoreStatus(_)
            | Msg::SaveRefused { .. }
            | Msg::Exported { .. }
            | Msg::ExportBlocked { .. }
            | Msg::ExportFailed(_)
            | Msg::Copied { .. }
            | Msg::Started
            | Msg::ModelsListed(_)
            | Msg::TokensCounted { .. }
            | Msg::BalanceFetched(_)
    )
}
