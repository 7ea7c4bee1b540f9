//! What the command palette lists for a query: every action of the key table that works
//! outside dialogs (with its keys), every conversation, every model and profile, every other
//! theme, matched with nucleo (helix's fuzzy matcher) and best first; with no query, the
//! actions run lately come first.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::picker::{PickerRow, picker_rows};
use crate::bindings::table::Context;
use crate::ids::ConversationId;
use crate::msg::Intent;
use crate::state::AppState;

/// One entry of the palette.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Action {
        name: &'static str,
        label: &'static str,
        keys: String,
        intent: Intent,
    },
    Conversation {
        id: ConversationId,
        title: String,
    },
    /// A model or another profile, as the model picker lists it.
    Model(PickerRow),
    /// A prompt sent before (the palette opened on the history).
    Prompt(String),
    /// A theme to switch to, by name.
    Theme(String),
    /// Keep the theme in use: write it into the config file.
    SaveTheme(String),
    /// A command typed in the input box (`/attach`): chosen, it is put there to finish.
    Command {
        name: &'static str,
        what: &'static str,
    },
}

impl Entry {
    /// What the matcher sees and the palette shows.
    pub fn text(&self) -> String {
        match self {
            Entry::Action { label, .. } => (*label).to_string(),
            Entry::Conversation { title, .. } => format!("Open: {title}"),
            Entry::Model(PickerRow::Model(id)) => format!("Model: {id}"),
            Entry::Model(PickerRow::Profile(name)) => format!("Profile: {name}"),
            Entry::Theme(name) => format!("Theme: {name}"),
            Entry::SaveTheme(name) => format!("Theme: keep {name} (write it into the config file)"),
            Entry::Command { name, what } => format!("Command: {name} {what}"),
            // One line of it: the first, with the count of the others.
            Entry::Prompt(text) => {
                let mut lines = text.lines();
                let first = lines.next().unwrap_or_default();
                match lines.count() {
                    0 => first.to_string(),
                    n => format!("{first} (+{n} lines)"),
                }
            }
        }
    }

    /// The words the matcher also looks at (an action's name).
    fn name(&self) -> &str {
        match self {
            Entry::Action { name, .. } => name,
            _ => "",
        }
    }
}

/// Every entry, unfiltered: recent actions, the other actions, conversations, models.
fn all(state: &AppState) -> Vec<Entry> {
    if state.palette.history {
        return state.history.iter().cloned().map(Entry::Prompt).collect();
    }
    let mut actions: Vec<Entry> = Vec::new();
    for context in [Context::Global, Context::Anywhere, Context::Input] {
        for group in state.keys.groups(context) {
            if actions.iter().any(|a| a.name() == group.name) || group.name == "command_palette" {
                continue;
            }
            let Some(bound) = state
                .keys
                .rows()
                .iter()
                .find(|b| b.binding.context == context && b.binding.name == group.name)
            else {
                continue;
            };
            // Moving the cursor by a character is not something anyone looks up.
            if context == Context::Input && !matches!(group.name, "edit_in_editor" | "send") {
                continue;
            }
            actions.push(Entry::Action {
                name: group.name,
                label: group.label,
                keys: group.keys_text(),
                intent: bound.binding.intent.clone(),
            });
        }
    }
    let recent = &state.palette.recent;
    actions.sort_by_key(|a| {
        recent
            .iter()
            .position(|r| *r == a.name())
            .unwrap_or(usize::MAX)
    });
    let conversations = state.conversations.iter().map(|c| Entry::Conversation {
        id: c.id,
        title: c.display_title().to_string(),
    });
    let models = picker_rows(state).into_iter().map(Entry::Model);
    let themes = state
        .themes
        .iter()
        .filter(|t| t.name != state.theme.name)
        .map(|t| Entry::Theme(t.name.clone()))
        .chain(
            // Only a theme the palette can list can be kept (not no-color).
            state
                .themes
                .iter()
                .find(|t| t.name == state.theme.name && t.name != "no-color")
                .map(|t| Entry::SaveTheme(t.name.clone())),
        );
    let commands = crate::bindings::COMMANDS
        .iter()
        .map(|&(name, what)| Entry::Command { name, what });
    actions
        .into_iter()
        .chain(commands)
        .chain(conversations)
        .chain(models)
        .chain(themes)
        .collect()
}

/// The entries that match `query`, best first (all of them, in order, for an empty query).
pub fn matches(state: &AppState, query: &str) -> Vec<Entry> {
    let entries = all(state);
    if query.trim().is_empty() {
        return entries;
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize, Entry)> = entries
        .into_iter()
        .enumerate()
        .filter_map(|(i, entry)| {
            let text = format!("{} {}", entry.text(), entry.name());
            let score = pattern.score(Utf32Str::new(&text, &mut buf), &mut matcher)?;
            Some((score, i, entry))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, entry)| entry).collect()
}
