//! kimi-tui: a full-screen terminal chat client for Kimi.
//!
//! Shape: terminal events and effect results become `Msg`s; `update` (pure) changes the
//! `AppState` and returns `Effect`s; the runtime runs those; `ui::render` (pure) draws the
//! state. ARCHITECTURE.md (in this repository) has the module map and the layer rules.

pub mod api;
pub mod bindings;
pub mod catalog;
pub mod check;
pub mod chord;
pub mod config;
pub mod effect;
pub mod error;
pub mod export;
pub mod fuzzing;
pub mod ids;
pub mod import;
pub mod io;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod num;
pub mod oneshot;
pub mod runtime;
pub mod state;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod ui;
pub mod update;

pub use state::{AppState, Settings};

/// The settings the UI shows and the reducer uses, from a resolved config.
pub fn settings_from(config: &config::Config) -> Settings {
    Settings {
        model: config.model.clone(),
        endpoint: config::endpoint_label(&config.base_url),
        system_prompt: config.system_prompt.clone(),
        has_key: config.api_key.is_some(),
        sampling: config.sampling.clone(),
        max_retries: config.max_retries,
        kimi_fields: config.kimi_fields,
        profile: config.profile.clone(),
        profiles: config
            .profiles
            .iter()
            .map(|p| state::ProfileChoice {
                name: p.name.clone(),
                endpoint: config::endpoint_label(&p.base_url),
                model: p.model.clone(),
                has_key: p.has_key,
                kimi_fields: p.kimi_fields,
            })
            .collect(),
    }
}
