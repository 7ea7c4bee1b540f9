//! `kimi-tui --check` against the loopback mock: all green, a refused key with the region
//! hint, a data directory that cannot be written, a broken config file; never the key.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::process::{Command, Output};

use support::mock_kimi::MockKimi;

fn check(home: &std::path::Path, mock: &MockKimi, extra: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kimi-tui"));
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "xterm-256color")
        .args(["--check", "--base-url", &mock.base_url()])
        .args(extra);
    if let Some(key) = key {
        cmd.env("MOONSHOT_API_KEY", key);
    }
    cmd.output().expect("run")
}

fn lines(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_working_setup_is_all_green_and_never_shows_the_key() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("home");
    let out = check(home.path(), &mock, &[], Some("sk-secret-123"));
    let text = lines(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for item in [
        "config file",
        "API key: from MOONSHOT_API_KEY",
        "GET /models",
        "balance",
        "data directory",
        "database",
        "proxy: none",
        "terminal: TERM=xterm-256color, 256 colours",
    ] {
        assert!(text.contains(&format!("✓ {item}")), "{item}: {text}");
    }
    assert!(!text.contains('✗'), "{text}");
    assert!(!text.contains("sk-secret-123"), "{text}");
}

#[test]
fn a_refused_key_says_which_region_and_fails() {
    let mock = MockKimi::start();
    mock.reject_key("sk-wrong-region");
    let home = tempfile::tempdir().expect("home");
    let out = check(home.path(), &mock, &[], Some("sk-wrong-region"));
    let text = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("✗ GET /models"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("region"), "{line}");
    // No key at all: said, with how to set one.
    let out = check(home.path(), &mock, &[], None);
    let text = lines(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("✗ API key: none: export MOONSHOT_API_KEY"),
        "{text}"
    );
}

#[test]
fn a_data_directory_that_cannot_be_written_and_a_broken_config_are_named() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("home");
    let blocker = home.path().join("a-file");
    std::fs::write(&blocker, "not a directory").expect("write");
    let inside = blocker.join("data");
    let out = check(
        home.path(),
        &mock,
        &["--data-dir", inside.to_str().expect("utf-8")],
        Some("sk"),
    );
    let text = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✗ data directory"), "{text}");

    let config = home.path().join("bad.toml");
    std::fs::write(&config, "model = [unclosed").expect("write");
    let out = check(
        home.path(),
        &mock,
        &["--config", config.to_str().expect("utf-8")],
        Some("sk"),
    );
    let text = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("✗ config file"), "{text}");
    // The rest is still checked.
    assert!(text.contains("✓ GET /models"), "{text}");
}
