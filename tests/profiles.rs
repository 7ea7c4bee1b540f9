//! Provider profiles: chosen by flag, env or file; switched in the UI, after which requests go
//! to the other endpoint with its own key.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::collections::BTreeMap;

use kimi_tui::config::profiles::ProfileFile;
use kimi_tui::config::{Args, FileConfig, resolve};
use kimi_tui::effect::Effect;
use kimi_tui::layout::picker::{PickerRow, picker_rows};
use kimi_tui::msg::{ModelsReport, Msg, PickerIntent, Step};
use kimi_tui::update::update;
use support::mock_kimi::MockKimi;
use support::pty::{App, PATIENCE};
use support::{T0, app};

fn args(profile: Option<&str>, base_url: Option<&str>) -> Args {
    support::args(base_url, profile)
}

fn file_with_local() -> FileConfig {
    let mut profiles = BTreeMap::new();
    profiles.insert(
        "local".to_string(),
        ProfileFile {
            base_url: Some("http://127.0.0.1:9/v1".into()),
            key_env: Some("LOCAL_KEY".into()),
            model: Some("qwen".into()),
            kimi_fields: None,
        },
    );
    FileConfig {
        base_url: Some("http://top-level/v1".into()),
        profiles,
        ..FileConfig::default()
    }
}

#[test]
fn the_china_profile_by_flag_sets_the_region() {
    let config = resolve(&args(Some("kimi-cn"), None), FileConfig::default(), |_| {
        None
    });
    assert_eq!(config.base_url, "https://api.moonshot.cn/v1");
    assert_eq!(config.profile, "kimi-cn");
    assert!(config.kimi_fields);
}

#[test]
fn a_file_profile_brings_its_endpoint_key_variable_model_and_no_kimi_fields() {
    let env = |name: &str| match name {
        "LOCAL_KEY" => Some("sk-local".to_string()),
        "MOONSHOT_API_KEY" => Some("sk-kimi".to_string()),
        _ => None,
    };
    let config = resolve(&args(Some("local"), None), file_with_local(), env);
    assert_eq!(
        config.base_url, "http://127.0.0.1:9/v1",
        "the profile beats the top-level base_url"
    );
    assert_eq!(config.model, "qwen");
    assert_eq!(
        config
            .api_key
            .as_ref()
            .map(kimi_tui::config::ApiKey::expose),
        Some("sk-local")
    );
    assert!(!config.kimi_fields);
    let config = resolve(
        &args(Some("local"), Some("http://flag/v1")),
        file_with_local(),
        env,
    );
    assert_eq!(
        config.base_url, "http://flag/v1",
        "a flag still beats the profile"
    );
    let config = resolve(&args(None, None), file_with_local(), env);
    assert_eq!(
        config.base_url, "http://top-level/v1",
        "no profile named: the top level applies"
    );
}

#[test]
fn an_unknown_profile_is_reported() {
    let config = resolve(&args(Some("nope"), None), FileConfig::default(), |_| None);
    assert_eq!(config.unknown_profile.as_deref(), Some("nope"));
}

/// The profiles a picker offers in these tests: Kimi, and a local endpoint without Kimi's
/// fields.
fn kimi_and_local() -> Vec<kimi_tui::state::ProfileChoice> {
    vec![
        kimi_tui::state::ProfileChoice {
            name: "kimi".into(),
            endpoint: "api.moonshot.ai".into(),
            model: "kimi-k2.6".into(),
            has_key: true,
            kimi_fields: true,
        },
        kimi_tui::state::ProfileChoice {
            name: "local".into(),
            endpoint: "127.0.0.1:9".into(),
            model: "qwen".into(),
            has_key: true,
            kimi_fields: false,
        },
    ]
}

#[test]
fn the_picker_switches_profiles() {
    let mut state = app();
    state.settings.profiles = kimi_and_local();
    update(&mut state, Msg::from(PickerIntent::Open), T0);
    assert_eq!(
        picker_rows(&state).last(),
        Some(&PickerRow::Profile("local".into()))
    );
    update(&mut state, Msg::from(PickerIntent::Move(Step::Last)), T0);
    let effects = update(&mut state, Msg::from(PickerIntent::Pick), T0);
    assert_eq!(
        effects,
        [
            Effect::UseProfile {
                name: "local".into(),
                epoch: 1
            },
            Effect::FetchModels { epoch: 1 }
        ]
    );
    assert_eq!(state.settings.profile, "local");
    assert!(!state.settings.kimi_fields);
    assert_eq!(state.active_conversation().model, "qwen");
}

/// The race of issue 9: the picker asks profile A for its models and balance, the user
/// switches to B, and A's answers arrive late. They must not show while talking to B.
#[test]
fn answers_asked_before_a_profile_switch_are_dropped() {
    let mut state = app();
    state.settings.profiles = kimi_and_local();
    let asked = update(&mut state, Msg::from(PickerIntent::Open), T0);
    let old = match asked.first() {
        Some(Effect::FetchModels { epoch }) => *epoch,
        other => panic!("{other:?}"),
    };
    update(&mut state, Msg::from(PickerIntent::Move(Step::Last)), T0);
    update(&mut state, Msg::from(PickerIntent::Pick), T0);
    assert_eq!(state.settings.profile, "local");
    let model = |id: &str| kimi_tui::catalog::ModelInfo {
        id: id.into(),
        context_length: Some(262_144),
        supports_reasoning: Some(true),
        supports_image_in: None,
        supports_video_in: None,
        display_name: None,
    };
    // A's late answers: dropped.
    update(
        &mut state,
        Msg::from(ModelsReport::Listed {
            epoch: old,
            result: Ok(vec![model("kimi-k2.6"), model("kimi-k3")]),
        }),
        T0,
    );
    update(
        &mut state,
        Msg::from(ModelsReport::Balance {
            epoch: old,
            result: Ok("49.58 available".into()),
        }),
        T0,
    );
    update(
        &mut state,
        Msg::from(ModelsReport::ProfileFailed {
            epoch: old,
            error: "late".into(),
            kept: "kimi".into(),
        }),
        T0,
    );
    assert!(state.models.is_empty(), "{:?}", state.models);
    assert_eq!(state.balance, None);
    assert_eq!(
        state.settings.profile, "local",
        "a stale failure undoes nothing"
    );
    // B's own answer: taken.
    let epoch = state.epoch;
    update(
        &mut state,
        Msg::from(ModelsReport::Listed {
            epoch,
            result: Ok(vec![model("qwen")]),
        }),
        T0,
    );
    assert_eq!(state.models.len(), 1);
}

#[test]
fn after_switching_in_the_ui_requests_go_to_the_other_endpoint_with_its_key() {
    let first = MockKimi::start();
    let second = MockKimi::start();
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("kimi.toml");
    std::fs::write(
        &config,
        format!(
            "profile = \"first\"\n\n[profiles.first]\nbase_url = \"{}\"\nkey_env = \"FIRST_KEY\"\nmodel = \"kimi-k2.6\"\n\n[profiles.second]\nbase_url = \"{}\"\nkey_env = \"SECOND_KEY\"\nmodel = \"other-model\"\n",
            first.base_url(),
            second.base_url()
        ),
    )
    .expect("config");
    let config_arg = config.display().to_string();
    let mut app = App::spawn(
        home.path(),
        &["--config", &config_arg],
        &[("FIRST_KEY", "sk-first"), ("SECOND_KEY", "sk-second")],
    );
    app.wait_for("Type a message below");
    app.keys("to the first");
    app.keys("\r");
    app.wait_for("Echo #2: to the first");
    app.keys("\x0f"); // Ctrl+O
    app.wait_for("profile second");
    app.keys("G");
    app.keys("\r");
    app.wait_for("Using profile second");
    app.keys("now the second");
    app.keys("\r");
    app.wait_for("Echo #4: now the second");
    let log = second.wait_for_requests(1, PATIENCE);
    assert_eq!(log[0].authorization.as_deref(), Some("Bearer sk-second"));
    assert_eq!(log[0].body["model"], "other-model");
    assert!(log[0].body.get("thinking").is_none());
    assert_eq!(first.requests().len(), 1);
    assert_eq!(
        first.requests()[0].authorization.as_deref(),
        Some("Bearer sk-first")
    );
    app.keys("\x11");
    app.wait_exit();
}

#[test]
fn a_profile_switch_the_runtime_could_not_make_is_undone() {
    let mut state = app();
    state.settings.profiles = vec![
        kimi_tui::state::ProfileChoice {
            name: "kimi".into(),
            endpoint: "api.moonshot.ai".into(),
            model: "kimi-k2.6".into(),
            has_key: true,
            kimi_fields: true,
        },
        kimi_tui::state::ProfileChoice {
            name: "broken".into(),
            endpoint: "bad".into(),
            model: "other".into(),
            has_key: true,
            kimi_fields: false,
        },
    ];
    update(&mut state, Msg::from(PickerIntent::Open), T0);
    update(&mut state, Msg::from(PickerIntent::Move(Step::Last)), T0);
    update(&mut state, Msg::from(PickerIntent::Pick), T0);
    assert_eq!(state.settings.profile, "broken");
    let epoch = state.epoch;
    update(
        &mut state,
        Msg::from(ModelsReport::ProfileFailed {
            epoch,
            error: "bad proxy".into(),
            kept: "kimi".into(),
        }),
        T0,
    );
    assert_eq!(state.settings.profile, "kimi");
    assert!(state.settings.kimi_fields);
    assert_eq!(state.active_conversation().model, "kimi-k2.6");
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("still using kimi")
    );
}
