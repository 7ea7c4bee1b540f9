//! The kimi-tui binary: flags and config, the database, then the terminal and the event
//! loop. Whatever way the loop ends, the terminal is restored before anything is printed.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "main is the edge: arguments, environment, files, the terminal"
)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use kimi_tui::config::{self, Args};
use kimi_tui::io::store::Store;
use kimi_tui::runtime::{self};
use kimi_tui::terminal;

fn fail(message: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("kimi-tui: {message}");
    ExitCode::from(code)
}

fn data_dir(args: &Args) -> Option<PathBuf> {
    args.data_dir
        .clone()
        .or_else(|| {
            std::env::var_os("KIMI_TUI_DATA_DIR")
                .filter(|v| !v.is_empty())
                .map(Into::into)
        })
        .or_else(config::default_data_dir)
}

/// Starts the log file. A bad `KIMI_TUI_LOG` is said once, before the screen is taken, and
/// the log stays at warnings.
fn start_log(path: Option<&std::path::Path>) {
    let Some(path) = path else { return };
    let value = std::env::var("KIMI_TUI_LOG")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("RUST_LOG").ok());
    let filter = match kimi_tui::io::log::filter(value.as_deref()) {
        Ok(filter) => filter,
        Err(err) => {
            eprintln!("kimi-tui: {err}; logging warnings only");
            match kimi_tui::io::log::filter(None) {
                Ok(filter) => filter,
                Err(_) => return,
            }
        }
    };
    if let Err(err) = kimi_tui::io::log::init(path, filter) {
        eprintln!("kimi-tui: {err}");
    }
}

fn main() -> ExitCode {
    let default_path = config::default_config_path();
    let shown = |p: &Option<PathBuf>| {
        p.as_ref().map_or_else(
            || "(no such directory on this system)".into(),
            |p| p.display().to_string(),
        )
    };
    let log_path = kimi_tui::io::log::default_path();
    let help = format!(
        "Config file: {}\nConversations: {}\n\
         Log: {} (warnings; KIMI_TUI_LOG=debug or RUST_LOG for more)\n\
         API key: MOONSHOT_API_KEY, else KIMI_API_KEY (read from the environment only).\n\
         Precedence: flag, then environment, then config file.",
        shown(&default_path),
        shown(&config::default_data_dir().map(|d| config::database_path(&d))),
        shown(&log_path),
    );
    let matches = Args::command().after_help(help).get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(err) => err.exit(),
    };
    start_log(log_path.as_deref());
    let env_path = std::env::var_os("KIMI_TUI_CONFIG")
        .filter(|v| !v.is_empty())
        .map(Into::into);
    let (path, required) = match args.config.clone().or(env_path) {
        Some(path) => (Some(path), true),
        None => (default_path, false),
    };
    let config_dir = path.as_ref().and_then(|p| p.parent()).map(PathBuf::from);
    let mut config_error = None;
    let file = match &path {
        Some(path) => match config::load_file(path, required) {
            Ok(file) => file,
            // --check says so among the rest; anything else stops here.
            Err(err) if args.check => {
                config_error = Some(err.to_string());
                config::FileConfig::default()
            }
            Err(err) => return fail(err, 2),
        },
        None => config::FileConfig::default(),
    };
    let mut config = config::resolve(&args, file, |name| std::env::var(name).ok());
    config.config_path.clone_from(&path);
    if args.logout {
        return match kimi_tui::io::keys::delete(&config.profile) {
            Ok(true) => {
                println!(
                    "Removed the API key of profile {} from the credential store.",
                    config.profile
                );
                ExitCode::SUCCESS
            }
            Ok(false) => {
                println!(
                    "No API key of profile {} was in the credential store.",
                    config.profile
                );
                ExitCode::SUCCESS
            }
            Err(err) => fail(err, 1),
        };
    }
    // Flag and environment first; then the key kept in the credential store.
    if config.api_key.is_none()
        && let Ok(Some(key)) = kimi_tui::io::keys::load(&config.profile)
    {
        config.api_key = Some(config::ApiKey::new(&key));
        config.api_key_source = Some("the credential store".into());
    }
    if args.check {
        let dir = data_dir(&args);
        let found = kimi_tui::check::Found {
            config_path: path.as_deref(),
            config_error,
            data_dir: dir.as_deref(),
        };
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(err) => return fail(format!("cannot start the async runtime: {err}"), 1),
        };
        let code = rt.block_on(kimi_tui::check::run(
            &config,
            &found,
            &mut std::io::stdout(),
        ));
        return ExitCode::from(code);
    }
    if args.keys {
        // The keys in force: the built-in table with the config file's [keys].
        return match runtime::key_table(&config) {
            Ok(table) => {
                print!("{}", kimi_tui::bindings::listing(&table));
                ExitCode::SUCCESS
            }
            Err(errors) => fail(runtime::StartError::Keys(errors), 2),
        };
    }
    if let Some(name) = &config.unknown_profile {
        let known: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
        return fail(
            format!("no profile named {name:?}; there are: {}", known.join(", ")),
            2,
        );
    }

    let Some(dir) = data_dir(&args) else {
        return fail("no data directory on this system; pass --data-dir", 2);
    };
    let db_path = config::database_path(&dir);
    if let Some(prompt) = args.print.clone() {
        return print(&config, &args, prompt, &db_path);
    }
    // A damaged or newer database stops here, untouched. A directory that cannot be written
    // yet (read-only, full) does not: the app runs, keeps everything in memory and retries.
    say_if_migrating(&db_path);
    let store = match Store::open(&db_path) {
        Ok(store) => Some(store),
        // A database that cannot be written is still listed.
        Err(err) if err.is_retryable() && args.list => {
            return list(Store::open_read_only(&db_path).ok().as_ref());
        }
        Err(err) if err.is_retryable() => None,
        Err(err) => return fail(err, 2),
    };

    if args.list {
        return list(store.as_ref());
    }
    if let Some(file) = &args.export_all {
        let Some(store) = store.as_ref() else {
            return fail("the database cannot be opened", 1);
        };
        return export_all(store, file);
    }
    if let Some(file) = &args.import {
        let Some(store) = store else {
            return fail("the database cannot be written", 1);
        };
        return import(store, file);
    }

    let (mut state, services) = match runtime::start(&config, db_path, store, !args.new, true) {
        Ok(started) => started,
        Err(err @ runtime::StartError::Store(_)) => return fail(err, 2),
        Err(err @ runtime::StartError::Client(_)) => return fail(err, 1),
        Err(err @ runtime::StartError::Keys(_)) => return fail(err, 2),
    };
    if let Err(err) = choose_theme(&config, config_dir.as_deref(), &mut state) {
        return fail(err, 2);
    }
    if !state.settings.has_key {
        // The first start: where to get a key, and a field to paste it.
        kimi_tui::update::update(
            &mut state,
            kimi_tui::msg::Msg::from(kimi_tui::msg::FieldIntent::StartKeyEntry),
            runtime::now_millis(),
        );
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => return fail(format!("cannot start the async runtime: {err}"), 1),
    };
    let mut tui = match terminal::init(config.mouse) {
        Ok(tui) => tui,
        Err(err) => {
            return fail(
                format!(
                    "cannot take over the terminal ({err}); run it in an interactive terminal."
                ),
                1,
            );
        }
    };
    // Asked once the screen is taken (anything the terminal prints for a question it does not
    // know lands there, under the first frame) and before the loop reads a key.
    state.pictures = pictures(&config);
    let mut host = runtime::TerminalHost {
        mouse: config.mouse,
    };
    let result = rt.block_on(runtime::run(&mut tui, &mut state, services, &mut host));
    terminal::restore();
    rt.shutdown_background();
    if config.print_on_exit && !state.active_conversation().messages.is_empty() {
        use std::io::Write;
        let text = kimi_tui::export::to_plain(state.active_conversation());
        let _ = std::io::stdout().write_all(text.as_bytes());
    }
    match result {
        Ok(None) => ExitCode::SUCCESS,
        // Where unsaved changes went: said once the screen is back.
        Ok(Some(farewell)) => {
            eprintln!("kimi-tui: {farewell}");
            ExitCode::SUCCESS
        }
        Err(err) => fail(err, 1),
    }
}

/// How long the terminal may take to answer the question about pictures. Every terminal
/// answers its last part at once; this only bounds one that does not.
const PICTURE_QUERY: std::time::Duration = std::time::Duration::from_millis(100);

/// How images are drawn in this terminal (`pictures` in the config file). The terminal is
/// asked which protocol it speaks, except over SSH, where its answer could come after the
/// wait and land in the input box as typed text: there its name (`TERM`, `LC_TERMINAL`)
/// decides.
fn pictures(config: &config::Config) -> Option<kimi_tui::io::graphics::Graphics> {
    use kimi_tui::io::graphics;
    use kimi_tui::theme::Depth;
    let env = |name: &str| std::env::var(name).ok();
    let remote = env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some();
    let ask = matches!(
        config.pictures,
        config::Pictures::Auto
            | config::Pictures::Kitty
            | config::Pictures::Sixel
            | config::Pictures::Iterm2
    );
    let answers = (ask && !remote)
        .then(|| graphics::ask(PICTURE_QUERY))
        .flatten();
    let colors = config::color_depth(
        config.no_color,
        env("TERM").as_deref(),
        env("COLORTERM").as_deref(),
    ) == Depth::Full;
    let chosen = graphics::decide(
        config.pictures,
        answers.as_ref(),
        &graphics::Env::from_vars(env),
        graphics::tty_cell(),
        colors,
    );
    tracing::debug!(?answers, ?chosen, "pictures");
    chosen
}

/// How long the terminal may take to say its background colour (`theme = "auto"`).
const BACKGROUND_QUERY: std::time::Duration = std::time::Duration::from_millis(50);

/// The theme asked for (flag, `KIMI_TUI_THEME`, config), fitted to the terminal's colours, and
/// the ones the palette offers. A theme that does not exist, or a broken file for the one
/// asked for, stops the start (exit 2); broken files of other themes are said in the status
/// bar.
fn choose_theme(
    config: &config::Config,
    config_dir: Option<&std::path::Path>,
    state: &mut kimi_tui::AppState,
) -> Result<(), String> {
    use kimi_tui::theme::{Depth, Theme};
    let env = |name: &str| std::env::var(name).ok();
    let depth = config::color_depth(
        config.no_color,
        env("TERM").as_deref(),
        env("COLORTERM").as_deref(),
    );
    let (user, errors) = config_dir
        .map(|dir| config::themes::load_dir(&dir.join("themes")))
        .unwrap_or_default();
    let wanted = config.theme.as_str();
    let theme = if depth == Depth::None {
        Theme::no_color()
    } else if wanted == "auto" {
        // COLORFGBG (set by some terminals) answers at once. Over SSH the terminal's answer
        // could come after the wait and land in the input box as typed text, so it is not
        // asked there; elsewhere it answers within a millisecond or two.
        let light = config::light_from_colorfgbg(env("COLORFGBG").as_deref()).or_else(|| {
            let remote = env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some();
            if remote {
                None
            } else {
                terminal::background_is_light(BACKGROUND_QUERY)
            }
        });
        if light == Some(true) {
            Theme::light()
        } else {
            Theme::dark()
        }
    } else if let Some(theme) =
        Theme::built_in(wanted).or_else(|| user.iter().find(|t| t.name == wanted).cloned())
    {
        theme
    } else if let Some(why) = errors
        .iter()
        .find(|e| e.contains(&format!("{wanted}.toml")))
    {
        return Err(format!("the theme {wanted:?} cannot be read: {why}"));
    } else {
        let mut known: Vec<String> = Theme::BUILT_IN.iter().map(|s| (*s).to_string()).collect();
        known.extend(user.iter().map(|t| t.name.clone()));
        return Err(format!(
            "no theme named {wanted:?}; there are: auto, {}",
            known.join(", ")
        ));
    };
    state.set_theme(theme.for_depth(depth));
    state.themes = if depth == Depth::None {
        vec![Theme::no_color()]
    } else {
        Theme::BUILT_IN
            .iter()
            .filter_map(|name| Theme::built_in(name))
            .chain(user)
            .map(|t| t.for_depth(depth))
            .collect()
    };
    if !errors.is_empty() {
        state.flash = Some(format!("Theme files not used: {}", errors.join("; ")));
    }
    Ok(())
}

/// `-p`: one prompt, the reply on stdout (`oneshot.rs`).
fn print(
    config: &config::Config,
    args: &Args,
    prompt: String,
    db_path: &std::path::Path,
) -> ExitCode {
    use std::io::{IsTerminal, Read};
    let mut piped = String::new();
    if !std::io::stdin().is_terminal() {
        let mut bytes = Vec::new();
        if let Err(err) = std::io::stdin().read_to_end(&mut bytes) {
            return fail(format!("cannot read stdin: {err}"), 2);
        }
        piped = String::from_utf8_lossy(&bytes).into_owned();
    }
    let text = match (prompt.trim().is_empty(), piped.trim().is_empty()) {
        (true, true) => {
            return fail(
                "-p needs a prompt: kimi-tui -p \"question\", or text on stdin (git diff | kimi-tui -p \"review this\")",
                2,
            );
        }
        (false, true) => prompt,
        (true, false) => piped,
        (false, false) => format!("{prompt}\n\n{piped}"),
    };
    let store = if args.no_save {
        None
    } else {
        say_if_migrating(db_path);
        match Store::open(db_path) {
            Ok(store) => Some(store),
            // A damaged or newer database is left alone; the reply still comes.
            Err(err) => {
                eprintln!("kimi-tui: this conversation is not saved: {err}");
                None
            }
        }
    };
    let options = kimi_tui::oneshot::Options {
        text,
        continue_last: args.r#continue,
        system: args.system.clone(),
        show_reasoning: args.show_reasoning,
        end_with_newline: std::io::stdout().is_terminal(),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => return fail(format!("cannot start the async runtime: {err}"), 1),
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr();
    let code = rt.block_on(kimi_tui::oneshot::run(
        config, store, options, &mut out, &mut err,
    ));
    ExitCode::from(code)
}

/// `--export-all FILE`: every conversation, one after another, into a new file (written
/// beside it first, then moved into place).
fn export_all(store: &Store, file: &std::path::Path) -> ExitCode {
    use std::io::Write;
    if file.exists() {
        return fail(
            format!("{} exists; remove it or name another file", file.display()),
            2,
        );
    }
    let partial = file.with_extension("json.partial");
    let result = (|| -> Result<usize, String> {
        let out = std::fs::File::create(&partial).map_err(|e| e.to_string())?;
        let mut out = std::io::BufWriter::new(out);
        let io = |e: std::io::Error| e.to_string();
        write!(
            out,
            "{{\n\"format\": \"kimi-tui-export\",\n\"version\": 2,\n\"exported_at_ms\": {},\n\"conversations\": [",
            runtime::now_millis()
        )
        .map_err(io)?;
        let summaries = store.list().map_err(|e| e.to_string())?;
        for (i, summary) in summaries.iter().enumerate() {
            let id = summary.id;
            let mut conv = kimi_tui::state::saved::conversation_from(summary.clone());
            let messages = store.load(id).map_err(|e| e.to_string())?;
            let prompt = store.system_prompt(id).map_err(|e| e.to_string())?;
            kimi_tui::state::saved::fill(&mut conv, messages, prompt);
            let model = conv.model.clone();
            let value = kimi_tui::export::to_json_value(&conv, &model);
            out.write_all(if i == 0 { b"\n" } else { b",\n" })
                .map_err(io)?;
            serde_json::to_writer(&mut out, &value).map_err(|e| e.to_string())?;
        }
        out.write_all(b"\n]\n}\n").map_err(io)?;
        out.flush().map_err(io)?;
        out.get_ref().sync_all().map_err(io)?;
        Ok(summaries.len())
    })();
    match result.and_then(|n| {
        std::fs::rename(&partial, file).map_err(|e| e.to_string())?;
        Ok(n)
    }) {
        Ok(n) => {
            println!("Wrote {n} conversation(s) to {}.", file.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            fail(format!("cannot write {}: {err}", file.display()), 1)
        }
    }
}

/// `--import FILE`: the conversations in it, added in one transaction.
fn import(mut store: Store, file: &std::path::Path) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(err) => return fail(format!("cannot read {}: {err}", file.display()), 2),
    };
    let conversations = match kimi_tui::import::parse(&text) {
        Ok(conversations) => conversations,
        Err(err) => {
            return fail(
                format!(
                    "{} was not imported (nothing was written): {err}",
                    file.display()
                ),
                2,
            );
        }
    };
    let seed = {
        use std::hash::BuildHasher;
        std::collections::hash_map::RandomState::new().hash_one(std::process::id())
    };
    let mut ids = kimi_tui::ids::IdSource::new(seed);
    let now = runtime::now_millis();
    match store.import(&conversations, || ids.next(now), now) {
        Ok(report) => {
            println!(
                "Imported from {}: {} new conversation(s), {} added to, {} message(s) added, {} already here.",
                file.display(),
                report.conversations_added,
                report.conversations_merged,
                report.messages_added,
                report.messages_present,
            );
            for conflict in &report.conflicts {
                println!("  conflict: {conflict}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => fail(
            format!(
                "{} was not imported (nothing was written): {err}",
                file.display()
            ),
            1,
        ),
    }
}

fn list(store: Option<&Store>) -> ExitCode {
    let Some(store) = store else {
        return fail("the database cannot be opened", 1);
    };
    let summaries = match store.list() {
        Ok(list) => list,
        Err(err) => return fail(err, 1),
    };
    if summaries.is_empty() {
        println!("No saved conversations yet.");
    }
    let now = runtime::now_millis();
    for s in summaries {
        let title = if s.title.is_empty() {
            "New chat"
        } else {
            &s.title
        };
        let title = kimi_tui::text::plain::truncate(title, 40);
        // Pad by display cells, so Chinese titles line up too.
        let pad = 40usize.saturating_sub(kimi_tui::text::plain::display_width(&title));
        println!(
            "{:>10}  {title}{}  {}",
            kimi_tui::ui::sidebar::relative_time(now, s.updated_at),
            " ".repeat(pad),
            s.model
        );
    }
    ExitCode::SUCCESS
}

/// Says so on stderr (the screen is still the shell's) when the database is about to be
/// brought up to this version: with many messages, rebuilding an index takes seconds, once.
fn say_if_migrating(db_path: &std::path::Path) {
    if let Some((from, messages)) = Store::migration_ahead(db_path)
        && messages >= 10_000
    {
        eprintln!(
            "kimi-tui: bringing {} up to this version (schema {from} to {}, {messages} messages); this happens once and can take a few seconds…",
            db_path.display(),
            kimi_tui::io::store::SCHEMA_VERSION
        );
    }
}
