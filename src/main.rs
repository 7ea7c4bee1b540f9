//! The kimi-tui binary: flags and config, then the terminal and the event loop. Whatever way
//! the loop ends, the terminal is restored before anything is printed.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use kimi_tui::config::{self, Args};
use kimi_tui::io::llm::LlmClient;
use kimi_tui::{AppState, runtime, settings_from, terminal};

fn main() -> ExitCode {
    let default_path = config::default_config_path();
    let shown_path = default_path.as_ref().map_or_else(
        || "(no config directory on this system)".into(),
        |p| p.display().to_string(),
    );
    let help = format!(
        "Config file: {shown_path}\n\
         API key: MOONSHOT_API_KEY, else KIMI_API_KEY (read from the environment only).\n\
         Precedence: flag, then environment, then config file."
    );
    let matches = Args::command().after_help(help).get_matches();
    let args = match Args::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(err) => err.exit(),
    };
    let env_path = std::env::var_os("KIMI_TUI_CONFIG")
        .filter(|v| !v.is_empty())
        .map(Into::into);
    let (path, required) = match args.config.clone().or(env_path) {
        Some(path) => (Some(path), true),
        None => (default_path, false),
    };
    let file = match path {
        Some(path) => match config::load_file(&path, required) {
            Ok(file) => file,
            Err(err) => {
                eprintln!("kimi-tui: {err}");
                return ExitCode::from(2);
            }
        },
        None => config::FileConfig::default(),
    };
    let config = config::resolve(&args, file, |name| std::env::var(name).ok());
    let client = match LlmClient::new(&config) {
        Ok(client) => client,
        Err(err) => {
            eprintln!("kimi-tui: {err}");
            return ExitCode::FAILURE;
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("kimi-tui: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut state = AppState::new(settings_from(&config), runtime::now_millis());
    let mut tui = match terminal::init(config.mouse) {
        Ok(tui) => tui,
        Err(err) => {
            eprintln!(
                "kimi-tui: cannot take over the terminal ({err}); run it in an interactive terminal."
            );
            return ExitCode::FAILURE;
        }
    };
    let events = crossterm::event::EventStream::new();
    let result = rt.block_on(runtime::run(&mut tui, &mut state, client, events));
    terminal::restore();
    rt.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kimi-tui: {err}");
            ExitCode::FAILURE
        }
    }
}
