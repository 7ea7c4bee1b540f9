//! `kimi-tui --check`: the setup, one line per item with ✓ or ✗, and an exit status of 0 only
//! when chatting would work (a key, the API answering it, a database that can be written).
//! Never prints the key, or a proxy's password.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "the check is an edge: it reads files and the environment and asks the network"
)]

use std::io::Write;
use std::path::Path;

use crate::config::Config;
use crate::io::llm::LlmClient;
use crate::io::store::Store;

/// What `main` knows before the check: where the config file is and whether it read.
pub struct Found<'a> {
    pub config_path: Option<&'a Path>,
    /// Why the config file could not be used (then the defaults were).
    pub config_error: Option<String>,
    pub data_dir: Option<&'a Path>,
}

struct Report<'a, W: Write> {
    out: &'a mut W,
    fatal: bool,
}

impl<W: Write> Report<'_, W> {
    fn ok(&mut self, what: &str, detail: impl std::fmt::Display) {
        let _ = writeln!(self.out, "✓ {what}: {detail}");
    }

    /// A problem; `fatal` ones mean chatting would not work.
    fn bad(&mut self, what: &str, detail: impl std::fmt::Display, fatal: bool) {
        self.fatal |= fatal;
        let _ = writeln!(self.out, "✗ {what}: {detail}");
    }
}

/// Runs every check, writing a line each to `out`; returns the exit status.
pub async fn run(config: &Config, found: &Found<'_>, out: &mut impl Write) -> u8 {
    let mut report = Report { out, fatal: false };
    match (&found.config_error, found.config_path) {
        (Some(error), _) => report.bad("config file", error, true),
        (None, Some(path)) if path.exists() => report.ok("config file", path.display()),
        (None, Some(path)) => report.ok(
            "config file",
            format_args!("none at {} (the defaults apply)", path.display()),
        ),
        (None, None) => report.ok("config file", "none (the defaults apply)"),
    }
    let endpoint = crate::config::redact_urls(&config.base_url);
    match &config.api_key_source {
        Some(source) => report.ok(
            "API key",
            format_args!("from {source} (profile {})", config.profile),
        ),
        None => report.bad(
            "API key",
            "none: export MOONSHOT_API_KEY=sk-... (keys are made at platform.kimi.ai, or platform.kimi.com for the China region)",
            true,
        ),
    }
    match &config.proxy {
        Some(proxy) => report.ok("proxy", crate::config::redact_urls(proxy)),
        None => report.ok("proxy", "none"),
    }
    match LlmClient::new(config) {
        Err(error) => report.bad("HTTP client", error, true),
        Ok(client) if config.api_key.is_some() => {
            match client.list_models().await {
                Ok(models) => report.ok(
                    "GET /models",
                    format_args!("{endpoint} answered with {} models", models.len()),
                ),
                Err(error) => report.bad("GET /models", format_args!("{endpoint}: {error}"), true),
            }
            if config.kimi_fields {
                match client.balance().await {
                    Ok(balance) => report.ok("balance", balance),
                    Err(error) => report.bad("balance", error, false),
                }
            }
        }
        Ok(_) => report.bad("GET /models", "not asked: there is no key", true),
    }
    match found.data_dir {
        None => report.bad(
            "data directory",
            "none on this system; pass --data-dir",
            true,
        ),
        Some(dir) => {
            let probe = dir.join(".kimi-tui-check");
            let writable = std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(&probe, b"check"))
                .and_then(|()| std::fs::remove_file(&probe));
            match writable {
                Ok(()) => report.ok(
                    "data directory",
                    format_args!("{} (writable)", dir.display()),
                ),
                Err(error) => report.bad(
                    "data directory",
                    format_args!("{} cannot be written: {error}", dir.display()),
                    true,
                ),
            }
            let db = crate::config::database_path(dir);
            if db.exists() {
                match Store::open_read_only(&db)
                    .and_then(|store| Ok((store.quick_check()?, store.list()?.len())))
                {
                    Ok((check, count)) if check == "ok" => report.ok(
                        "database",
                        format_args!("{} ({count} conversations, integrity ok)", db.display()),
                    ),
                    Ok((check, _)) => report.bad(
                        "database",
                        format_args!("{} is damaged: {check}", db.display()),
                        true,
                    ),
                    Err(error) => report.bad("database", error, true),
                }
            } else {
                report.ok(
                    "database",
                    format_args!("{} (made on first start)", db.display()),
                );
            }
        }
    }
    terminal(&mut report);
    if report.fatal { 1 } else { 0 }
}

/// Colours and the keyboard protocol, when there is a terminal.
fn terminal<W: Write>(report: &mut Report<'_, W>) {
    use std::io::IsTerminal;
    let env = |name: &str| std::env::var(name).ok();
    let depth = crate::config::color_depth(
        env("NO_COLOR").is_some_and(|v| !v.is_empty()),
        env("TERM").as_deref(),
        env("COLORTERM").as_deref(),
    );
    let colours = match depth {
        crate::theme::Depth::Full => "256 colours or more",
        crate::theme::Depth::Ansi16 => "16 colours (TERM names no more)",
        crate::theme::Depth::None => "no colour (NO_COLOR)",
    };
    let term = env("TERM").unwrap_or_else(|| "unset".into());
    if !std::io::stdout().is_terminal() {
        report.ok(
            "terminal",
            format_args!(
                "TERM={term}, {colours}; stdout is not a terminal, so nothing more is asked"
            ),
        );
        return;
    }
    let keyboard = match crossterm::terminal::supports_keyboard_enhancement() {
        Ok(true) => "the keyboard protocol (Shift+Enter, Ctrl+I apart from Tab)",
        Ok(false) => "no keyboard protocol (Shift+Enter may arrive as Enter: Ctrl+J adds a line)",
        Err(_) => "the keyboard protocol could not be asked about",
    };
    report.ok(
        "terminal",
        format_args!("TERM={term}, {colours}, {keyboard}"),
    );
}
