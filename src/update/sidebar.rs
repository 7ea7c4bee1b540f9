//! The sidebar: choosing, opening, renaming, deleting and searching saved conversations, and
//! what the store reports back.

use crate::effect::Effect;
use crate::ids::{ConversationId, Millis};
use crate::io::store_worker::StoreReport;
use crate::msg::{Focus, SidebarIntent};
use crate::state::cursor::stepped;
use crate::state::saved::{fill, meta_of};
use crate::state::{AppState, Scroll, SidebarMode};

pub fn update(state: &mut AppState, intent: SidebarIntent, now: Millis) -> Vec<Effect> {
    match intent {
        SidebarIntent::Select(step) => {
            state.conversations.select(stepped(
                state.conversations.selected(),
                step,
                state.conversations.len(),
            ));
            Vec::new()
        }
        SidebarIntent::Click(row) => {
            state.conversations.select(row);
            match state.conversations.selected_id() {
                Some(id) => {
                    state.focus = Focus::Input;
                    open(state, id)
                }
                None => Vec::new(),
            }
        }
        SidebarIntent::Open => match state.conversations.selected_id() {
            Some(id) => {
                state.focus = Focus::Input;
                open(state, id)
            }
            None => Vec::new(),
        },
        SidebarIntent::StartRename => {
            if let Some(id) = target(state) {
                let text = state
                    .conversations
                    .get(id)
                    .map(|c| c.title.clone())
                    .unwrap_or_default();
                state.sidebar_visible = true;
                state.focus = Focus::Sidebar;
                state.sidebar_mode = SidebarMode::Rename { id, text };
            }
            Vec::new()
        }
        SidebarIntent::StartDelete => {
            if let Some(id) = target(state) {
                state.sidebar_mode = SidebarMode::ConfirmDelete { id };
            }
            Vec::new()
        }
        SidebarIntent::ConfirmDelete(yes) => {
            let mode = std::mem::replace(&mut state.sidebar_mode, SidebarMode::List);
            match mode {
                SidebarMode::ConfirmDelete { id } if yes => delete(state, id, now),
                _ => Vec::new(),
            }
        }
        SidebarIntent::StartSearch => {
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
        SidebarIntent::MoveHit(step) => {
            if let SidebarMode::Search { hits, selected, .. } = &mut state.sidebar_mode {
                *selected = stepped(*selected, step, hits.len());
            }
            Vec::new()
        }
    }
}

pub fn on_store(state: &mut AppState, report: StoreReport) -> Vec<Effect> {
    match report {
        StoreReport::Loaded {
            id,
            messages,
            system_prompt,
        } => {
            if let Some(conv) = state.conversations.get_mut(id)
                && !conv.loaded
            {
                fill(conv, messages, system_prompt);
                conv.notice = conv.notice_after_load.take();
                if let Some(message) = conv.reveal.take() {
                    let now = state.now;
                    return reveal(state, id, message, now);
                }
            }
        }
        StoreReport::LoadFailed { id, error } => {
            if let Some(conv) = state.conversations.get_mut(id) {
                conv.notice = Some(format!(
                    "Could not read this conversation: {error}. Open it again to retry."
                ));
            }
        }
        StoreReport::SearchResults { request, hits } => {
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
        }
        StoreReport::SearchFailed { request, error } => {
            if matches!(&state.sidebar_mode, SidebarMode::Search { request: current, .. } if *current == request)
            {
                state.flash = Some(format!("Search failed: {error}"));
            }
        }
        StoreReport::Status(error) => state.store_error = error,
        StoreReport::SaveDiverged { id, message } => {
            // Saved whole now (and from then on in parts again).
            let now = state.now;
            if let Some(conv) = state.conversations.get_mut(id)
                && let Some(m) = conv.message_mut(message)
            {
                m.saved_text = (0, 0);
                return super::chat::save(conv, message, now).into_iter().collect();
            }
        }
        StoreReport::SaveRefused { id, error } => {
            if let Some(conv) = state.conversations.get_mut(id) {
                conv.notice = Some(format!("Not saved: {error}"));
            }
            state.flash = Some(format!("Not saved: {error}"));
        }
    }
    Vec::new()
}

/// Shows conversation `id`, asking for its messages if they were not read yet.
pub fn open(state: &mut AppState, id: ConversationId) -> Vec<Effect> {
    let Some(conv) = state.conversations.get(id) else {
        return Vec::new();
    };
    let loaded = conv.loaded;
    let mut effects = Vec::new();
    if let Some(left) = state.switch_to(id)
        && let Some(conv) = state.conversations.get_mut(left)
    {
        // The draft of the conversation left is saved, so a restart brings it back.
        conv.saved = true;
        effects.push(Effect::SaveConversation(meta_of(conv)));
    }
    state.conversations.select_active();
    if !loaded {
        effects.push(Effect::LoadConversation(id));
    }
    effects
}

/// Opens the search hit that is highlighted, at its message.
pub fn open_hit(state: &mut AppState) -> Vec<Effect> {
    let SidebarMode::Search { hits, selected, .. } =
        std::mem::replace(&mut state.sidebar_mode, SidebarMode::List)
    else {
        return Vec::new();
    };
    let Some(hit) = hits.get(selected) else {
        return Vec::new();
    };
    let (id, message) = (hit.conversation_id, hit.message);
    state.focus = Focus::Input;
    let mut effects = open(state, id);
    let now = state.now;
    match (state.conversations.get_mut(id), message) {
        (Some(conv), Some(message)) if conv.loaded => {
            effects.extend(reveal(state, id, message, now));
        }
        (Some(conv), Some(message)) => conv.reveal = Some(message),
        (Some(conv), None) => conv.scroll = Scroll::Follow,
        (None, _) => {}
    }
    effects
}

/// Shows message `message` of conversation `id` at the top of the scrollback, outlined,
/// switching to the branch that holds it (a search hit may be on a branch not shown).
fn reveal(state: &mut AppState, id: ConversationId, message: u64, now: Millis) -> Vec<Effect> {
    let Some(conv) = state.conversations.get_mut(id) else {
        return Vec::new();
    };
    let chosen = conv.show(message, now);
    let effects = chosen
        .into_iter()
        .filter_map(|m| super::chat::save(conv, m, now))
        .collect();
    if let Some(index) = conv.messages.iter().position(|m| m.id == message) {
        conv.scroll = Scroll::Anchored {
            item: index,
            row: 0,
        };
        conv.focus = Some(index);
    }
    effects
}

/// The conversation a sidebar command acts on: the highlighted row when the sidebar has
/// focus, else the open conversation.
fn target(state: &AppState) -> Option<ConversationId> {
    if state.focus == Focus::Sidebar {
        state.conversations.selected_id()
    } else {
        Some(state.conversations.active_id())
    }
}

fn delete(state: &mut AppState, id: ConversationId, now: Millis) -> Vec<Effect> {
    let fresh = state.fresh_conversation(now);
    let Some(removed) = state.conversations.remove(id, || fresh) else {
        return Vec::new();
    };
    let mut effects: Vec<Effect> = removed
        .stream
        .map(Effect::CancelStream)
        .into_iter()
        .collect();
    effects.push(Effect::DeleteConversation(id));
    if let Some(next) = removed.opened {
        let row = state.conversations.selected();
        effects.extend(open(state, next));
        state.conversations.select(row);
    }
    effects
}
