//! Commands typed in the input box: a line that starts with `/` and a command's name runs it
//! instead of being sent. `//text` sends `/text`; an unknown `/word` is sent as it is, and the
//! status bar says so. Each command is also an action of the key table (palette, help).

use crate::effect::Effect;
use crate::ids::Millis;
use crate::msg::{NavIntent, PickerIntent};
use crate::state::AppState;
use crate::state::saved::meta_of;

pub use crate::bindings::COMMANDS;

/// What a line typed in the input box is.
pub enum Line<'a> {
    /// Not a command: send it (as written, or without the doubled `/`).
    Send(&'a str),
    /// A command to run now; the input box empties.
    Run(&'a str, &'a str),
    /// `/word` that is no command: sent as text, and said.
    Unknown(&'a str),
}

pub fn classify(text: &str) -> Line<'_> {
    let Some(rest) = text.strip_prefix('/') else {
        return Line::Send(text);
    };
    if rest.starts_with('/') {
        return Line::Send(rest);
    }
    let (name, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let known = COMMANDS
        .iter()
        .any(|(command, _)| command.get(1..) == Some(name));
    // A slash in the middle of a line (a path, a fraction) is just text.
    if known {
        Line::Run(name, arg.trim())
    } else if !name.is_empty() && !name.contains('/') && name.chars().all(char::is_alphanumeric) {
        Line::Unknown(name)
    } else {
        Line::Send(text)
    }
}

/// Runs command `name` with `arg`.
pub fn run(state: &mut AppState, name: &str, arg: &str, now: Millis) -> Vec<Effect> {
    if name == "attach" || name == "image" {
        // The line stays in the box until the files are read: a wrong path is mended there.
        return attach(state, name, arg);
    }
    state.input = crate::state::composer::new_textarea(&state.theme);
    state.pastes.clear();
    match name {
        "web" => match arg {
            "on" => set_web(state, true),
            "off" => set_web(state, false),
            "" => {
                let on = !state.active_conversation().web_search;
                set_web(state, on)
            }
            other => {
                state.flash = Some(format!("/web takes on or off, not {other:?}."));
                Vec::new()
            }
        },
        "detach" => super::documents::detach_all(state),
        "files" => super::documents::open_files(state),
        "model" => super::picker::update(state, PickerIntent::Open),
        "new" => super::nav::update(state, NavIntent::NewConversation, now),
        _ => super::nav::update(state, NavIntent::ToggleHelp, now),
    }
}

/// `/attach PATH…` and `/image PATH…`: paths split as a shell would (quotes, backslashes),
/// read by the runtime.
fn attach(state: &mut AppState, name: &str, arg: &str) -> Vec<Effect> {
    let paths = match shell_words::split(arg) {
        Ok(paths) if !paths.is_empty() => paths,
        Ok(_) => {
            state.flash = Some(if name == "image" {
                "/image takes the paths of images (PNG, JPEG, WebP, GIF): /image shot.png".into()
            } else {
                "/attach takes the paths of files: /attach notes.md report.pdf".into()
            });
            return Vec::new();
        }
        Err(_) => {
            state.flash = Some(format!("/{name}: a quote is not closed."));
            return Vec::new();
        }
    };
    let conversation = state.conversations.active_id();
    let line = state.input_text();
    if name == "image" {
        vec![Effect::ReadImages {
            conversation,
            line,
            paths,
        }]
    } else {
        vec![Effect::ReadAttachments {
            conversation,
            line,
            paths,
        }]
    }
}

/// Turns Kimi's web search on or off for the open conversation (saved with it).
pub fn set_web(state: &mut AppState, on: bool) -> Vec<Effect> {
    if on && !state.settings.kimi_fields {
        state.flash = Some(
            "Web search is Kimi's own tool; this profile's endpoint is not Kimi, so it stays off."
                .into(),
        );
        return Vec::new();
    }
    let conv = state.active_conversation_mut();
    conv.web_search = on;
    let effects = if conv.saved {
        vec![Effect::SaveConversation(meta_of(conv))]
    } else {
        Vec::new()
    };
    state.flash = Some(if on {
        "Web search on for this conversation: Kimi may search before it answers (each search costs a little more).".into()
    } else {
        "Web search off for this conversation.".into()
    });
    effects
}

/// Tab in the input box on `/na`: the command's name completed (the common part, when several
/// match). `None` when the text is not the start of a command.
pub fn complete(text: &str) -> Option<String> {
    if !text.starts_with('/') || text.contains(char::is_whitespace) || text.starts_with("//") {
        return None;
    }
    let matching: Vec<&str> = COMMANDS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| name.starts_with(text))
        .collect();
    match matching.as_slice() {
        [] => None,
        [one] => Some(format!("{one} ")),
        many => {
            let first = many[0];
            let common = (text.len()..=first.len())
                .rev()
                .find(|&n| many.iter().all(|m| m.get(..n) == first.get(..n)))
                .unwrap_or(text.len());
            Some(first[..common].to_string())
        }
    }
}
