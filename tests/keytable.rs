//! The key table: it parses, it drives help and the README, chords of several keys work.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use kimi_tui::bindings::table::DEFAULT_BINDINGS;
use kimi_tui::bindings::{KeyTable, markdown};
use kimi_tui::keymap::to_msg;
use kimi_tui::msg::{ChatIntent, Intent, Msg, NavIntent};
use kimi_tui::update::update;
use support::{T0, app};

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

#[test]
fn every_default_binding_parses() {
    if let Err((_, errors)) = KeyTable::new(DEFAULT_BINDINGS) {
        panic!("{errors:?}");
    }
}

#[test]
fn an_action_name_means_one_thing_in_its_context_and_no_key_is_bound_twice() {
    for (i, a) in DEFAULT_BINDINGS.iter().enumerate() {
        assert!(
            a.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{} is not snake_case",
            a.name
        );
        for b in &DEFAULT_BINDINGS[i + 1..] {
            if a.context != b.context {
                continue;
            }
            if a.name == b.name {
                assert_eq!(a.intent, b.intent, "{} means two things", a.name);
            }
            for key in a.keys {
                assert!(
                    !b.keys.contains(key),
                    "{key} is bound to {} and {} in {:?}",
                    a.name,
                    b.name,
                    a.context
                );
            }
        }
    }
}

#[test]
fn the_readme_key_table_is_the_real_bindings() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let begin = "<!-- keys:begin (generated from src/bindings/table.rs; a test checks it) -->\n";
    let start = readme.find(begin).expect("the README marks its key table") + begin.len();
    let end = readme[start..]
        .find("<!-- keys:end -->")
        .expect("the key table ends")
        + start;
    let expected = markdown(&KeyTable::default());
    assert!(
        readme[start..end] == expected,
        "README.md's key table differs from the bindings; replace it with:\n{expected}"
    );
}

#[test]
fn help_lists_every_binding() {
    let mut state = app();
    update(&mut state, Msg::from(NavIntent::ToggleHelp), T0);
    let rows = kimi_tui::bindings::help_rows(&state.keys);
    for binding in DEFAULT_BINDINGS {
        assert!(
            rows.iter().any(|(_, label)| *label == binding.label),
            "{} is missing from help",
            binding.name
        );
    }
}

#[test]
fn keys_prints_every_context_action_and_key() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kimi-tui"))
        .arg("--keys")
        .env_clear()
        .output()
        .expect("run kimi-tui --keys");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for binding in DEFAULT_BINDINGS {
        assert!(
            text.lines()
                .any(|l| l.starts_with(binding.context.name()) && l.contains(binding.name)),
            "{}.{} is missing:\n{text}",
            binding.context.name(),
            binding.name
        );
    }
    assert!(text.contains("Ctrl+N"));
}

#[test]
fn a_chord_of_two_keys_runs_its_action_and_a_wrong_second_key_says_so() {
    // The table's own chord: Ctrl+X Ctrl+E edits the message in the editor.
    let mut state = app();
    let ctrl_x = key(KeyCode::Char('x'), KeyModifiers::CONTROL);
    let ctrl_e = key(KeyCode::Char('e'), KeyModifiers::CONTROL);
    let msg = to_msg(&state, &ctrl_x).expect("a prefix");
    assert!(matches!(
        msg,
        Msg::Intent(Intent::Nav(NavIntent::KeyPrefix(_)))
    ));
    update(&mut state, msg, T0);
    assert_eq!(state.pending_keys.len(), 1);
    assert_eq!(
        to_msg(&state, &ctrl_e),
        Some(Msg::from(kimi_tui::msg::ComposerIntent::OpenEditor)),
        "the second key completes the chord, not Ctrl+E's own end of line"
    );
    // A wrong second key: said in the status bar, and the next key is on its own again.
    let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
    let msg = to_msg(&state, &q).expect("unbound");
    update(&mut state, msg, T0);
    assert!(state.pending_keys.is_empty());
    assert_eq!(
        state.flash.as_deref(),
        Some("Ctrl+X q is not bound to anything.")
    );
    // On its own again, Ctrl+E in the input box is the shell's end of line.
    assert_eq!(
        to_msg(&state, &ctrl_e),
        Some(Msg::from(kimi_tui::msg::ComposerIntent::Edit(
            kimi_tui::msg::EditOp::LineEnd
        )))
    );
    // Esc gives up a started chord without a word.
    let msg = to_msg(&state, &ctrl_x).expect("a prefix");
    update(&mut state, msg, T0);
    assert!(!state.pending_keys.is_empty());
    let esc = key(KeyCode::Esc, KeyModifiers::NONE);
    let msg = to_msg(&state, &esc).expect("cancels");
    update(&mut state, msg, T0);
    assert!(state.pending_keys.is_empty());
    assert_eq!(state.flash, None);
}

#[test]
fn typing_goes_to_the_input_box_while_a_reply_streams() {
    let mut state = app();
    support::send(&mut state, "hi", T0).expect("stream");
    let h = key(KeyCode::Char('h'), KeyModifiers::NONE);
    let msg = to_msg(&state, &h).expect("typed");
    update(&mut state, msg, T0);
    assert_eq!(state.input_text(), "h");
}

#[test]
fn ctrl_c_and_esc_stop_a_reply_even_from_the_sidebar_and_ctrl_c_quits_when_idle() {
    let mut state = app();
    let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(to_msg(&state, &ctrl_c), Some(Msg::from(ChatIntent::Quit)));
    support::send(&mut state, "hi", T0).expect("stream");
    update(
        &mut state,
        Msg::from(NavIntent::SetFocus(kimi_tui::msg::Focus::Sidebar)),
        T0,
    );
    let esc = key(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(to_msg(&state, &esc), Some(Msg::from(ChatIntent::Stop)));
    assert_eq!(to_msg(&state, &ctrl_c), Some(Msg::from(ChatIntent::Stop)));
}

fn overrides(text: &str) -> Result<KeyTable, Vec<String>> {
    let table: toml::Table = toml::from_str(text).expect("toml");
    let keys = table
        .get("keys")
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    kimi_tui::bindings::with_config_keys(&keys, text)
}

#[test]
fn the_built_in_keys_have_no_conflicts() {
    assert_eq!(KeyTable::default().conflicts(), Vec::<String>::new());
}

#[test]
fn keys_in_the_config_file_replace_the_built_in_ones_in_any_case() {
    let table = overrides(
        "[keys]\nnew_conversation = \"f6\"\n\n[keys.input]\nnew_line = [\"shift+enter\", \"ctrl+j\"]\nedit_in_editor = \"ctrl+x ctrl+v\"\n",
    )
    .expect("valid");
    let mut state = app();
    state.keys = std::sync::Arc::new(table);
    let f6 = key(KeyCode::F(6), KeyModifiers::NONE);
    assert_eq!(
        to_msg(&state, &f6),
        Some(Msg::from(NavIntent::NewConversation))
    );
    let ctrl_n = key(KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_ne!(
        to_msg(&state, &ctrl_n),
        Some(Msg::from(NavIntent::NewConversation)),
        "the old key is gone"
    );
    let alt_enter = key(KeyCode::Enter, KeyModifiers::ALT);
    assert_ne!(
        to_msg(&state, &alt_enter),
        Some(Msg::from(kimi_tui::msg::ComposerIntent::NewLine)),
        "new_line has only the keys given"
    );
    // Help, hints and --keys show the user's keys.
    let listing = kimi_tui::bindings::listing(&state.keys);
    assert!(
        listing
            .lines()
            .any(|l| l.contains("new_conversation") && l.contains("F6")),
        "{listing}"
    );
    assert!(
        listing
            .lines()
            .any(|l| l.contains("edit_in_editor") && l.contains("Ctrl+X Ctrl+V"))
    );
    assert!(
        kimi_tui::keymap::hints(&state)
            .iter()
            .any(|h| h == "F6 new")
    );
}

#[test]
fn wrong_keys_in_the_config_file_are_each_named_and_nothing_is_applied() {
    let text = "[keys]\nnew_conversation = \"f1\"\nfrobnicate = \"x\"\nquit = 3\n\n[keys.sidebar]\nopen = \"ctrl+?+\"\n\n[keys.nowhere]\nsend = \"x\"\n";
    let errors = overrides(text).expect_err("refused");
    let all = errors.join("\n");
    for expected in [
        "[keys] line 3: there is no action \"frobnicate\"",
        "[keys] line 4: quit must be a key or a list of keys",
        "[keys.sidebar] line 7: open = \"ctrl+?+\"",
        "[keys.nowhere]: there is no context \"nowhere\"",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    // Conflicts are found once the rest is valid.
    let errors = overrides("[keys]\nnew_conversation = \"f1\"\n").expect_err("refused");
    assert_eq!(
        errors,
        ["[keys.global]: F1 is bound to both help and new_conversation"]
    );
}
