//! What the model picker lists, in order: the models, then the other profiles. The reducer
//! and the view both read it.

use crate::state::AppState;

/// A row of the picker: a model of the current provider, or another provider profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerRow {
    Model(String),
    Profile(String),
}

/// What the picker offers: the listed models (or at least the ones in use), then the other
/// profiles.
pub fn picker_rows(state: &AppState) -> Vec<PickerRow> {
    let mut ids: Vec<String> = state.models.iter().map(|m| m.id.clone()).collect();
    for id in [&state.active_conversation().model, &state.settings.model] {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let mut rows: Vec<PickerRow> = ids.into_iter().map(PickerRow::Model).collect();
    rows.extend(
        state
            .settings
            .profiles
            .iter()
            .filter(|p| p.name != state.settings.profile)
            .map(|p| PickerRow::Profile(p.name.clone())),
    );
    rows
}
