//! Entering the API key: the welcome dialog at the first start (or F5), a masked field, the
//! key checked at once against `GET /models`; a refusal offers the other region's endpoint
//! (keys work only in their own), and a key that works is put in the credential store and
//! used from then on. Where there is no store, it works for this session and the dialog says
//! how to keep it.

use crate::config::ApiKey;
use crate::effect::Effect;
use crate::error::ApiError;
use crate::msg::{FieldEdit, KeyReport};
use crate::state::{AppState, Dialog, Welcome, WelcomePhase};

/// The most a key field takes.
const KEY_CHARS: usize = 256;

/// The dialog, for the profile in use.
pub fn open(state: &mut AppState) -> Vec<Effect> {
    state.dialog = Some(Dialog::Welcome(Welcome {
        field: String::new(),
        profile: state.settings.profile.clone(),
        phase: WelcomePhase::Typing,
    }));
    Vec::new()
}

/// The other region's profile: a key refused at one endpoint may be the other's.
fn other_region(state: &AppState, profile: &str) -> Option<(String, String)> {
    let other = match profile {
        "kimi" => "kimi-cn",
        "kimi-cn" => "kimi",
        _ => return None,
    };
    state
        .settings
        .profiles
        .iter()
        .find(|p| p.name == other)
        .map(|p| (p.name.clone(), p.endpoint.clone()))
}

fn welcome(state: &mut AppState) -> Option<&mut Welcome> {
    match &mut state.dialog {
        Some(Dialog::Welcome(welcome)) => Some(welcome),
        _ => None,
    }
}

/// Typing or pasting into the field (only while it can be typed in).
pub fn edit(state: &mut AppState, edit: &FieldEdit) {
    let Some(welcome) = welcome(state) else {
        return;
    };
    if matches!(welcome.phase, WelcomePhase::Checking) {
        return;
    }
    welcome.phase = WelcomePhase::Typing;
    // A key is a few dozen characters: a paste of a whole file is cut here, so the masked
    // field stays one line and every frame cheap.
    let room = KEY_CHARS.saturating_sub(welcome.field.chars().count());
    match edit {
        FieldEdit::Insert(c) if !c.is_control() && !c.is_whitespace() && room > 0 => {
            welcome.field.push(*c);
        }
        FieldEdit::Insert(_) => {}
        // A key has no blank space; a pasted line break or two is dropped with it.
        FieldEdit::Paste(text) => welcome.field.extend(
            text.chars()
                .filter(|c| !c.is_control() && !c.is_whitespace())
                .take(room),
        ),
        FieldEdit::Backspace => {
            welcome.field.pop();
        }
        FieldEdit::Clear => welcome.field.clear(),
    }
}

/// Enter: check the key (again), or, after a refusal, try the other region.
pub fn submit(state: &mut AppState) -> Vec<Effect> {
    let Some(welcome) = welcome(state) else {
        return Vec::new();
    };
    let key = ApiKey::new(&welcome.field);
    if key.expose().is_empty() {
        return Vec::new();
    }
    let profile = match &welcome.phase {
        WelcomePhase::Checking => return Vec::new(),
        WelcomePhase::NotStored(_) => {
            state.dialog = None;
            return Vec::new();
        }
        WelcomePhase::WrongRegion { other, .. } => other.clone(),
        WelcomePhase::Typing | WelcomePhase::Failed(_) => welcome.profile.clone(),
    };
    welcome.phase = WelcomePhase::Checking;
    vec![Effect::CheckKey { profile, key }]
}

/// Esc: after a refusal, back to the key; else the dialog closes (the key can be set later
/// with F5 or MOONSHOT_API_KEY).
pub fn cancel(state: &mut AppState) {
    if let Some(welcome) = welcome(state)
        && matches!(welcome.phase, WelcomePhase::WrongRegion { .. })
    {
        welcome.phase = WelcomePhase::Typing;
        return;
    }
    state.dialog = None;
}

pub fn on_report(state: &mut AppState, report: KeyReport) -> Vec<Effect> {
    match report {
        KeyReport::Checked { profile, result } => checked(state, profile, result),
        KeyReport::Saved(result) => {
            match (result, welcome(state)) {
                (Err(why), Some(welcome)) => welcome.phase = WelcomePhase::NotStored(why),
                (Err(why), None) => {
                    state.flash = Some(format!("The key works but was not stored: {why}"));
                }
                (Ok(()), _) => {
                    state.dialog = None;
                    state.flash = Some(
                        "Key saved in the credential store; kimi-tui finds it from now on (kimi-tui --logout removes it)."
                            .into(),
                    );
                }
            }
            Vec::new()
        }
    }
}

fn checked(state: &mut AppState, profile: String, result: Result<usize, ApiError>) -> Vec<Effect> {
    let other = other_region(state, &profile);
    let Some(welcome) = welcome(state) else {
        return Vec::new();
    };
    if welcome.phase != WelcomePhase::Checking {
        return Vec::new();
    }
    match result {
        Ok(_) => {
            let key = ApiKey::new(&welcome.field);
            // Stays open, checking, until the store answers.
            let effects = vec![
                Effect::UseKey {
                    profile: profile.clone(),
                    key: key.clone(),
                },
                Effect::SaveKey {
                    profile: profile.clone(),
                    key,
                },
            ];
            use_profile(state, &profile);
            let epoch = state.epoch;
            let mut effects = effects;
            effects.push(Effect::FetchModels { epoch });
            effects
        }
        Err(ApiError::Api {
            status: Some(401), ..
        }) if other.is_some() && welcome.profile == profile => {
            let (other, endpoint) = other.unwrap_or_default();
            welcome.phase = WelcomePhase::WrongRegion { other, endpoint };
            Vec::new()
        }
        Err(error) => {
            welcome.phase = WelcomePhase::Failed(error.to_string());
            Vec::new()
        }
    }
}

/// The session talks to `profile` with the key from now on (the other region's, after a
/// refusal here).
fn use_profile(state: &mut AppState, profile: &str) {
    if state.settings.profile != profile
        && let Some(choice) = state
            .settings
            .profiles
            .iter()
            .find(|p| p.name == profile)
            .cloned()
    {
        super::picker::apply_profile(state, &choice);
        state.epoch += 1;
    }
    state.settings.has_key = true;
    if let Some(choice) = state
        .settings
        .profiles
        .iter_mut()
        .find(|p| p.name == profile)
    {
        choice.has_key = true;
    }
    let conv = state.active_conversation_mut();
    if conv
        .notice
        .as_deref()
        .is_some_and(|n| n.starts_with("Not sent:"))
    {
        conv.notice = None;
    }
}
