//! Choosing the theme and the colours: flags, environment and file; NO_COLOR; terminals of 16
//! colours; theme files; and the real binary with NO_COLOR set.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::config::{FileConfig, color_depth, resolve};
use kimi_tui::theme::Depth;
use support::args;
use support::mock_kimi::MockKimi;
use support::pty::App;

#[test]
fn the_theme_comes_from_the_flag_then_the_environment_then_the_file() {
    let file = || FileConfig {
        theme: Some("light".into()),
        ..FileConfig::default()
    };
    let none = |_: &str| None;
    assert_eq!(
        resolve(&args(None, None), FileConfig::default(), none).theme,
        "auto"
    );
    assert_eq!(resolve(&args(None, None), file(), none).theme, "light");
    let env = |name: &str| (name == "KIMI_TUI_THEME").then(|| "high-contrast".to_string());
    assert_eq!(
        resolve(&args(None, None), file(), env).theme,
        "high-contrast"
    );
    let mut flag = args(None, None);
    flag.theme = Some("dark".into());
    assert_eq!(resolve(&flag, file(), env).theme, "dark");
}

#[test]
fn no_color_is_honoured_unless_colour_is_forced() {
    let no_color = |name: &str| (name == "NO_COLOR").then(|| "1".to_string());
    let empty = |name: &str| (name == "NO_COLOR").then(String::new);
    assert!(resolve(&args(None, None), FileConfig::default(), no_color).no_color);
    assert!(
        !resolve(&args(None, None), FileConfig::default(), empty).no_color,
        "an empty NO_COLOR does not count (no-color.org)"
    );
    let mut always = args(None, None);
    always.color = Some("always".into());
    assert!(!resolve(&always, FileConfig::default(), no_color).no_color);
    let mut never = args(None, None);
    never.color = Some("never".into());
    assert!(resolve(&never, FileConfig::default(), |_| None).no_color);
}

#[test]
fn terminals_that_name_no_more_get_sixteen_colours() {
    assert_eq!(
        color_depth(false, Some("xterm-256color"), None),
        Depth::Full
    );
    assert_eq!(color_depth(false, Some("tmux-256color"), None), Depth::Full);
    assert_eq!(
        color_depth(false, Some("xterm"), Some("truecolor")),
        Depth::Full
    );
    assert_eq!(color_depth(false, Some("xterm"), None), Depth::Ansi16);
    assert_eq!(color_depth(false, Some("linux"), None), Depth::Ansi16);
    assert_eq!(color_depth(false, None, None), Depth::Ansi16);
    assert_eq!(
        color_depth(true, Some("xterm-256color"), Some("truecolor")),
        Depth::None
    );
}

#[test]
fn colorfgbg_tells_a_light_background_from_a_dark_one() {
    use kimi_tui::config::light_from_colorfgbg;
    assert_eq!(light_from_colorfgbg(Some("15;0")), Some(false));
    assert_eq!(light_from_colorfgbg(Some("0;15")), Some(true));
    assert_eq!(light_from_colorfgbg(Some("0;default;7")), Some(true));
    assert_eq!(light_from_colorfgbg(Some("12;8")), Some(false));
    assert_eq!(light_from_colorfgbg(Some("nonsense")), None);
    assert_eq!(light_from_colorfgbg(None), None);
}

#[test]
fn theme_files_in_the_config_directory_are_read_and_bad_ones_named() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("sepia.toml"),
        "base = \"light\"\naccent = \"#704214 bold\"\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("broken.toml"), "acent = \"red\"\n").expect("write");
    std::fs::write(dir.path().join("dark.toml"), "accent = \"red\"\n").expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not a theme").expect("write");
    let (themes, errors) = kimi_tui::config::themes::load_dir(dir.path());
    let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["sepia"]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("broken.toml") && e.contains("acent"))
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("dark.toml") && e.contains("built-in"))
    );
}

/// The real binary under NO_COLOR writes no colour escape at all; an unknown theme stops it
/// with the list of themes.
#[test]
fn the_binary_under_no_color_writes_no_colour_and_an_unknown_theme_is_refused() {
    let mock = MockKimi::start();
    let home = tempfile::tempdir().expect("home");
    let mut app = App::spawn(
        home.path(),
        &["--base-url", &mock.base_url()],
        &[("MOONSHOT_API_KEY", "sk"), ("NO_COLOR", "1")],
    );
    app.wait_for("Type a message below");
    app.keys("hello\r");
    app.wait_for("Echo #2: hello");
    app.keys("\x11");
    assert!(app.wait_exit().success());
    let raw = String::from_utf8_lossy(&app.raw.lock().expect("raw")).into_owned();
    // SGR sequences: ESC [ ... m. None may set a colour (30-37, 90-97, 38;…, 40-47, 100-107, 48;…).
    for sgr in raw.split("\u{1b}[").skip(1) {
        let Some(end) = sgr.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        if &sgr[end..=end] != "m" {
            continue;
        }
        for param in sgr[..end].split(';') {
            let n: u32 = param.parse().unwrap_or(0);
            assert!(
                !matches!(n, 30..=37 | 38 | 40..=47 | 48 | 90..=97 | 100..=107),
                "colour escape {:?}",
                &sgr[..=end]
            );
        }
    }

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kimi-tui"))
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .args(["--theme", "sepia", "--base-url", &mock.base_url()])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no theme named \"sepia\""), "{err}");
    assert!(err.contains("high-contrast"), "{err}");
}

#[test]
fn the_readme_names_every_style_a_theme_file_may_set() {
    let readme = include_str!("../README.md");
    for name in kimi_tui::theme::Theme::STYLE_NAMES {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md does not name `{name}`"
        );
    }
}

#[test]
fn keeping_a_theme_writes_only_the_theme_key_into_the_config_file() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("kimi-tui").join("config.toml");
    // No file yet: made.
    kimi_tui::config::save_theme(&path, "light").expect("save");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read").trim(),
        "theme = \"light\""
    );
    // A file with comments and other keys: only the theme changes.
    std::fs::write(
        &path,
        "# my settings\nmodel = \"kimi-k3\" # the big one\ntheme = \"dark\"\n\n[profiles.local]\nbase_url = \"http://localhost:8080/v1\"\n",
    )
    .expect("write");
    kimi_tui::config::save_theme(&path, "high-contrast").expect("save");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("# my settings\nmodel = \"kimi-k3\" # the big one\n"),
        "{text}"
    );
    assert!(text.contains("theme = \"high-contrast\""), "{text}");
    assert!(text.contains("[profiles.local]"), "{text}");
    // A broken file is left alone.
    std::fs::write(&path, "model = [").expect("write");
    assert!(kimi_tui::config::save_theme(&path, "light").is_err());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "model = [");
}

#[test]
fn the_palette_offers_to_keep_the_theme_in_use() {
    use kimi_tui::msg::{Msg, PaletteIntent};
    let mut state = support::app();
    state.themes = ["dark", "light"]
        .iter()
        .filter_map(|n| kimi_tui::theme::Theme::built_in(n))
        .collect();
    state.set_theme(kimi_tui::theme::Theme::light());
    let t0 = support::T0;
    kimi_tui::update::update(&mut state, Msg::from(PaletteIntent::Open), t0);
    for c in "keep light".chars() {
        kimi_tui::update::update(
            &mut state,
            Msg::from(PaletteIntent::Edit(kimi_tui::msg::FieldEdit::Insert(c))),
            t0,
        );
    }
    let effects = kimi_tui::update::update(&mut state, Msg::from(PaletteIntent::Run), t0);
    assert_eq!(
        effects,
        [kimi_tui::effect::Effect::SaveTheme {
            name: "light".into()
        }]
    );
}
