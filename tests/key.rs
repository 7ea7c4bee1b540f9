//! Entering the API key: the dialog's flow through the reducer (masked field, the check, the
//! other region after a refusal, stored or not), the credential store through keyring's test
//! store, and the whole flow in the real loop against the mock.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::AppState;
use kimi_tui::config::ApiKey;
use kimi_tui::effect::Effect;
use kimi_tui::error::ApiError;
use kimi_tui::msg::{FieldEdit, FieldIntent, KeyReport, Msg};
use kimi_tui::state::{Dialog, ProfileChoice, WelcomePhase};
use kimi_tui::update::update;
use support::mock_kimi::MockKimi;
use support::{T0, app};

fn no_key() -> AppState {
    let mut state = app();
    state.settings.has_key = false;
    state.settings.profile = "kimi".into();
    state.settings.profiles = ["kimi", "kimi-cn"]
        .iter()
        .map(|name| ProfileChoice {
            name: (*name).to_string(),
            endpoint: if *name == "kimi" {
                "api.moonshot.ai"
            } else {
                "api.moonshot.cn"
            }
            .into(),
            model: "kimi-k2.6".into(),
            has_key: false,
            kimi_fields: true,
        })
        .collect();
    update(&mut state, Msg::from(FieldIntent::StartKeyEntry), T0);
    state
}

fn phase(state: &AppState) -> Option<WelcomePhase> {
    match &state.dialog {
        Some(Dialog::Welcome(w)) => Some(w.phase.clone()),
        _ => None,
    }
}

fn type_key(state: &mut AppState, key: &str) -> Vec<Effect> {
    update(
        state,
        Msg::from(FieldIntent::Edit(FieldEdit::Paste(format!(" {key}\n")))),
        T0,
    );
    update(state, Msg::from(FieldIntent::Submit), T0)
}

fn refused() -> Result<usize, ApiError> {
    Err(ApiError::Api {
        status: Some(401),
        kind: "invalid_authentication_error".into(),
        message: "Invalid Authentication".into(),
    })
}

#[test]
fn a_key_that_works_is_used_and_stored_and_never_shown() {
    let mut state = no_key();
    let effects = type_key(&mut state, "sk-good-1234");
    assert_eq!(
        effects,
        [Effect::CheckKey {
            profile: "kimi".into(),
            key: ApiKey::new("sk-good-1234")
        }],
        "blank space and the line break pasted with it are dropped"
    );
    assert_eq!(phase(&state), Some(WelcomePhase::Checking));
    // Neither the state's Debug nor the log's shape of the effect shows the key.
    assert!(!format!("{:?}", state.dialog).contains("sk-good"));
    assert!(!format!("{effects:?}").contains("sk-good"));
    let effects = update(
        &mut state,
        Msg::from(KeyReport::Checked {
            profile: "kimi".into(),
            result: Ok(3),
        }),
        T0,
    );
    assert!(effects.contains(&Effect::UseKey {
        profile: "kimi".into(),
        key: ApiKey::new("sk-good-1234")
    }));
    assert!(effects.contains(&Effect::SaveKey {
        profile: "kimi".into(),
        key: ApiKey::new("sk-good-1234")
    }));
    assert!(state.settings.has_key);
    update(&mut state, Msg::from(KeyReport::Saved(Ok(()))), T0);
    assert!(state.dialog.is_none());
    assert!(
        state
            .flash
            .as_deref()
            .is_some_and(|f| f.contains("credential store"))
    );
}

#[test]
fn a_refused_key_is_tried_in_the_other_region_and_the_profile_follows() {
    let mut state = no_key();
    type_key(&mut state, "sk-china");
    update(
        &mut state,
        Msg::from(KeyReport::Checked {
            profile: "kimi".into(),
            result: refused(),
        }),
        T0,
    );
    assert_eq!(
        phase(&state),
        Some(WelcomePhase::WrongRegion {
            other: "kimi-cn".into(),
            endpoint: "api.moonshot.cn".into()
        })
    );
    let effects = update(&mut state, Msg::from(FieldIntent::Submit), T0);
    assert_eq!(
        effects,
        [Effect::CheckKey {
            profile: "kimi-cn".into(),
            key: ApiKey::new("sk-china")
        }]
    );
    let effects = update(
        &mut state,
        Msg::from(KeyReport::Checked {
            profile: "kimi-cn".into(),
            result: Ok(2),
        }),
        T0,
    );
    assert_eq!(state.settings.profile, "kimi-cn");
    assert!(effects.contains(&Effect::SaveKey {
        profile: "kimi-cn".into(),
        key: ApiKey::new("sk-china")
    }));
    // Refused there too: said plainly, Enter tries again.
    let mut state = no_key();
    type_key(&mut state, "sk-bad");
    update(
        &mut state,
        Msg::from(KeyReport::Checked {
            profile: "kimi".into(),
            result: refused(),
        }),
        T0,
    );
    update(&mut state, Msg::from(FieldIntent::Submit), T0);
    update(
        &mut state,
        Msg::from(KeyReport::Checked {
            profile: "kimi-cn".into(),
            result: refused(),
        }),
        T0,
    );
    assert!(matches!(phase(&state), Some(WelcomePhase::Failed(why)) if why.contains("region")));
    // Esc after a refusal goes back to the key; Esc again closes.
    let mut state = no_key();
    type_key(&mut state, "sk-bad");
    update(
        &mut state,
        Msg::from(KeyReport::Checked {
            profile: "kimi".into(),
            result: refused(),
        }),
        T0,
    );
    update(&mut state, Msg::from(FieldIntent::Cancel), T0);
    assert_eq!(phase(&state), Some(WelcomePhase::Typing));
    update(&mut state, Msg::from(FieldIntent::Cancel), T0);
    assert!(state.dialog.is_none());
    assert!(!state.settings.has_key);
}

#[test]
fn without_a_credential_store_the_key_works_for_the_session_and_the_dialog_says_how_to_keep_it() {
    let mut state = no_key();
    type_key(&mut state, "sk-headless");
    update(
        &mut state,
        Msg::from(KeyReport::Checked {
            profile: "kimi".into(),
            result: Ok(1),
        }),
        T0,
    );
    update(
        &mut state,
        Msg::from(KeyReport::Saved(Err(
            "no credential store is available here".into(),
        ))),
        T0,
    );
    assert!(matches!(phase(&state), Some(WelcomePhase::NotStored(_))));
    assert!(state.settings.has_key);
    let terminal = support::draw(&mut state, 100, 30);
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(
        screen.contains("export MOONSHOT_API_KEY=<your key>"),
        "{screen}"
    );
    assert!(!screen.contains("sk-headless"), "masked");
    update(&mut state, Msg::from(FieldIntent::Submit), T0);
    assert!(state.dialog.is_none());
}

#[test]
fn the_credential_store_keeps_a_key_per_profile_until_logout() {
    kimi_tui::io::keys::use_test_store();
    use kimi_tui::io::keys::{delete, load, save};
    assert_eq!(load("test-a"), Ok(None));
    save("test-a", "sk-a").expect("save");
    save("test-b", "sk-b").expect("save");
    assert_eq!(load("test-a"), Ok(Some("sk-a".into())));
    assert_eq!(load("test-b"), Ok(Some("sk-b".into())));
    assert_eq!(delete("test-a"), Ok(true));
    assert_eq!(delete("test-a"), Ok(false));
    assert_eq!(load("test-a"), Ok(None));
}

/// The real loop: F5, a new key, checked against the mock, stored, and used from then on.
#[test]
fn f5_changes_the_key_and_the_next_request_carries_it() {
    kimi_tui::io::keys::use_test_store();
    let mock = MockKimi::start();
    mock.reject_key("sk-revoked");
    let dir = tempfile::tempdir().expect("dir");
    let app = support::app::App::start(&mock, dir.path());
    app.press("F5");
    app.wait_for("Welcome to kimi-tui");
    app.paste("sk-revoked");
    app.press("Enter");
    // Refused: it may be the other region's key; Esc goes back to edit it instead.
    app.wait_for("Keys work only in their own region");
    app.press("Esc");
    app.press("Ctrl+U");
    app.paste("sk-fresh-9876");
    app.press("Enter");
    app.wait_gone("Welcome to kimi-tui");
    app.paste("hello");
    app.press("Enter");
    app.wait_for("Echo #2: hello");
    let sent = mock.requests();
    assert_eq!(
        sent.last().and_then(|r| r.authorization.clone()).as_deref(),
        Some("Bearer sk-fresh-9876")
    );
    assert_eq!(
        kimi_tui::io::keys::load("kimi"),
        Ok(Some("sk-fresh-9876".into()))
    );
    app.close();
}

#[test]
fn a_huge_paste_into_the_key_field_is_cut_to_a_key_s_length() {
    let mut state = no_key();
    update(
        &mut state,
        Msg::from(FieldIntent::Edit(FieldEdit::Paste("k".repeat(1 << 20)))),
        T0,
    );
    update(
        &mut state,
        Msg::from(FieldIntent::Edit(FieldEdit::Insert('x'))),
        T0,
    );
    let Some(Dialog::Welcome(welcome)) = &state.dialog else {
        panic!("{:?}", state.dialog)
    };
    assert_eq!(welcome.field.len(), 256);
    assert!(!welcome.field.contains('x'));
}
