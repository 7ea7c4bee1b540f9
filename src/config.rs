//! Configuration: command-line flags beat environment variables, which beat the TOML config
//! file, which beats the built-in defaults. The API key comes only from the environment and is
//! never written anywhere.

pub mod profiles;
pub mod themes;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use serde::Deserialize;

use crate::api::SamplingOptions;

pub const DEFAULT_BASE_URL: &str = "https://api.moonshot.ai/v1";
pub const DEFAULT_MODEL: &str = "kimi-k2.6";
pub const DEFAULT_SYSTEM_PROMPT: &str = include_str!("../assets/system_prompt.txt");
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 15;
/// Thinking can take minutes before the first byte of content; this is generous but finite.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 300;
pub const DEFAULT_MAX_RETRIES: u32 = 3;
pub const KEY_VARS: [&str; 2] = ["MOONSHOT_API_KEY", "KIMI_API_KEY"];

#[derive(Debug, Parser)]
#[command(
    name = "kimi-tui",
    version,
    about = "A full-screen terminal chat client for Kimi"
)]
pub struct Args {
    /// API base URL [env: MOONSHOT_BASE_URL, KIMI_BASE_URL] [default: https://api.moonshot.ai/v1]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Model id [env: KIMI_MODEL] [default: kimi-k2.6]
    #[arg(long)]
    pub model: Option<String>,
    /// Config file to read instead of the default one [env: KIMI_TUI_CONFIG]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Provider profile: kimi, kimi-cn, or one from the config file [env: KIMI_TUI_PROFILE]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Where conversations are saved [env: KIMI_TUI_DATA_DIR]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print the saved conversations and exit
    #[arg(long)]
    pub list: bool,
    /// Print every key binding (context, action, keys, what it does) and exit
    #[arg(long)]
    pub keys: bool,
    /// Open the most recently active conversation (what happens by default); with -p, add to
    /// it instead of starting a new one
    #[arg(short = 'c', long, conflicts_with = "new")]
    pub r#continue: bool,
    /// Send one prompt, print the reply to stdout and exit. Text piped to stdin is sent too
    /// (after the prompt); with no PROMPT, stdin is the prompt. Exit status: 0 done, 1 API or
    /// network error, 2 usage error, 130 interrupted
    #[arg(short = 'p', long = "print", value_name = "PROMPT", num_args = 0..=1, default_missing_value = "")]
    pub print: Option<String>,
    /// With -p: the model's reasoning goes to stderr
    #[arg(long, requires = "print")]
    pub show_reasoning: bool,
    /// With -p: do not save the conversation
    #[arg(long, requires = "print")]
    pub no_save: bool,
    /// With -p: the system prompt for this conversation
    #[arg(long, value_name = "TEXT", requires = "print")]
    pub system: Option<String>,
    /// Theme: auto (asks the terminal for its background), dark, light, high-contrast, or a
    /// file's name in the config directory's themes/ [env: KIMI_TUI_THEME]
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// On quit, print the open conversation into the terminal's normal screen, so it stays in
    /// its scrollback
    #[arg(long)]
    pub print_on_exit: bool,
    /// Write every conversation (every branch, with ids, models, usage, times) to FILE as JSON
    /// and exit
    #[arg(long, value_name = "FILE")]
    pub export_all: Option<PathBuf>,
    /// Add the conversations in FILE (an --export-all file, one conversation's export, or
    /// ChatGPT's conversations.json) and exit; importing a file twice adds nothing
    #[arg(long, value_name = "FILE")]
    pub import: Option<PathBuf>,
    /// Remove the API key kept in the credential store (for the profile in use) and exit
    #[arg(long)]
    pub logout: bool,
    /// Check the setup (config, key, the API, the balance, the database, the proxy, the
    /// terminal), one line each, and exit: 0 when chatting would work
    #[arg(long)]
    pub check: bool,
    /// Colours: auto (none when NO_COLOR is set), always, or never
    #[arg(long, value_name = "WHEN", value_parser = ["auto", "always", "never"])]
    pub color: Option<String>,
    /// Start with a new conversation
    #[arg(long)]
    pub new: bool,
}

/// The config file's contents. Every field is optional; unknown fields are an error, so a
/// typo is reported instead of silently ignored.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// The system prompt sent first in every conversation; "" sends none.
    pub system_prompt: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    /// Sampling values are sent only when set here: current Kimi models reject others.
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub max_completion_tokens: Option<u32>,
    /// How many times a failed request is sent again (overload, rate limit, 5xx, network);
    /// 0 turns retrying off. Default 3.
    pub max_retries: Option<u32>,
    /// Send Kimi-only fields (thinking, reasoning_effort, a default max_completion_tokens).
    /// Default true; false for other OpenAI-compatible endpoints.
    pub kimi_fields: Option<bool>,
    /// The profile to use when no flag or environment variable names one.
    pub profile: Option<String>,
    /// Profiles by name: `[profiles.NAME]` with base_url, key_env, model, kimi_fields.
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, crate::config::profiles::ProfileFile>,
    /// Capture the mouse for wheel scrolling (default true). Off keeps the terminal's own
    /// text selection without holding Shift.
    pub mouse: Option<bool>,
    /// "auto" (the default), "dark", "light", "high-contrast", or a user theme's name.
    pub theme: Option<String>,
    /// On quit, print the open conversation into the terminal's normal screen.
    pub print_on_exit: Option<bool>,
    /// How images are shown (Enter on a message with images): "auto" (the default: ask the
    /// terminal), "kitty", "sixel", "iterm2", "blocks", or "off".
    pub pictures: Option<Pictures>,
    /// Keys by action name: `[keys]` for every context that has the action, `[keys.sidebar]`
    /// and so on for one context (see `kimi-tui --keys`).
    #[serde(default)]
    pub keys: toml::Table,
    /// The file's text, to name lines in errors about `[keys]`.
    #[serde(skip)]
    pub text: String,
}

/// How pictures are drawn (`pictures` in the config file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pictures {
    /// Ask the terminal; half blocks where it has no picture protocol.
    Auto,
    Kitty,
    Sixel,
    Iterm2,
    /// Coloured half blocks (`▀`), which every terminal with 256 colours shows.
    Blocks,
    /// Name and size only.
    Off,
}

/// Everything the app runs with, resolved.
#[derive(Clone)]
pub struct Config {
    pub base_url: String,
    pub model: String,
    pub system_prompt: String,
    pub connect_timeout: Duration,
    pub idle_timeout: Duration,
    pub sampling: SamplingOptions,
    pub mouse: bool,
    /// The theme asked for ("auto" unless a flag, `KIMI_TUI_THEME` or the file names one).
    pub theme: String,
    /// No colours at all: `--color never`, or NO_COLOR set without `--color always`.
    pub no_color: bool,
    /// Print the open conversation when quitting (flag or file).
    pub print_on_exit: bool,
    /// How images are shown.
    pub pictures: Pictures,
    /// The config file in use (it may not exist yet): where a theme chosen to keep is written.
    pub config_path: Option<PathBuf>,
    pub max_retries: u32,
    pub kimi_fields: bool,
    /// The proxy for the base URL's scheme, from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY (any
    /// case; socks5:// included), and the hosts NO_PROXY exempts.
    pub proxy: Option<String>,
    pub no_proxy: Option<String>,
    /// The profile in use, and every profile there is.
    pub profile: String,
    pub profiles: Vec<crate::config::profiles::Profile>,
    /// A profile was asked for that does not exist (main refuses to start).
    pub unknown_profile: Option<String>,
    pub api_key: Option<ApiKey>,
    /// Where the key came from (an environment variable's name), never the key.
    pub api_key_source: Option<String>,
    /// `[keys]` from the config file, and the file's text (to name lines in errors).
    pub keys: toml::Table,
    pub keys_text: String,
}

/// The API key. Its Debug never shows it.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key typed or pasted (surrounding blank space dropped).
    pub fn new(key: &str) -> ApiKey {
        ApiKey(key.trim().to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &redact_urls(&self.base_url))
            .field("model", &self.model)
            .field("api_key", &self.api_key)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
}

/// The default data directory: `<platform data dir>/kimi-tui`.
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kimi-tui").map(|d| d.data_dir().to_path_buf())
}

/// The database file in a data directory.
pub fn database_path(dir: &Path) -> PathBuf {
    dir.join("conversations.sqlite3")
}

/// The default config file: `<platform config dir>/kimi-tui/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "kimi-tui").map(|d| d.config_dir().join("config.toml"))
}

/// How many colours to use: none when asked (`no_color`), the 16 ANSI ones when the terminal
/// says nothing of more (no `256color` in TERM, no COLORTERM), else all.
pub fn color_depth(
    no_color: bool,
    term: Option<&str>,
    colorterm: Option<&str>,
) -> crate::theme::Depth {
    use crate::theme::Depth;
    if no_color {
        Depth::None
    } else if colorterm.is_some_and(|c| !c.is_empty())
        || term.is_some_and(|t| t.contains("256color") || t.contains("direct"))
    {
        Depth::Full
    } else {
        Depth::Ansi16
    }
}

/// Whether COLORFGBG ("15;0": foreground, then background, as ANSI colour numbers) says the
/// background is light: 7 (white) or 9–15 (the bright ones but bright black).
pub fn light_from_colorfgbg(value: Option<&str>) -> Option<bool> {
    let background: u8 = value?.rsplit(';').next()?.trim().parse().ok()?;
    Some(matches!(background, 7 | 9..=15))
}

/// `text` (a config file's, or empty) with `theme = "name"` set, the rest kept as it was
/// (comments and order included).
pub fn with_theme(text: &str, name: &str) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("the config file cannot be read: {e}"))?;
    doc["theme"] = toml_edit::value(name);
    Ok(doc.to_string())
}

/// Writes `theme = "name"` into the config file at `path` (made if missing), through a file
/// beside it moved into place.
#[allow(
    clippy::disallowed_methods,
    reason = "writing the config file the user asked to change is the edge"
)]
pub fn save_theme(path: &Path, name: &str) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    };
    let updated = with_theme(&text, name)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    let partial = path.with_extension("toml.partial");
    std::fs::write(&partial, updated)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Reads the config file. A missing default file is fine; a missing file the user named is
/// not, and a malformed one never is.
#[allow(
    clippy::disallowed_methods,
    reason = "loading the config file is the edge"
)]
pub fn load_file(path: &Path, required: bool) -> Result<FileConfig, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && !required => {
            return Ok(FileConfig::default());
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut file: FileConfig = toml::from_str(&text).map_err(|err| ConfigError::Parse {
        path: path.to_path_buf(),
        message: err.to_string(),
    })?;
    file.text = text;
    Ok(file)
}

/// Resolves flags, environment (through `env`, so tests can pass their own) and file.
pub fn resolve(args: &Args, file: FileConfig, env: impl Fn(&str) -> Option<String>) -> Config {
    let env_nonempty = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let profiles = crate::config::profiles::resolve_all(&file.profiles, &env_nonempty);
    // A profile named by flag, env or file wins over the file's top-level base_url, model and
    // kimi_fields; flags and the URL/model variables still win over the profile.
    let chosen = args
        .profile
        .clone()
        .or_else(|| env_nonempty("KIMI_TUI_PROFILE"))
        .or(file.profile.clone());
    let name = chosen
        .clone()
        .unwrap_or_else(|| crate::config::profiles::DEFAULT_PROFILE.to_string());
    let unknown_profile = (!profiles.iter().any(|p| p.name == name)).then(|| name.clone());
    let profile = profiles
        .iter()
        .find(|p| p.name == name)
        .or(profiles.first())
        .cloned();
    let top = chosen.is_none();
    let base_url = args
        .base_url
        .clone()
        .or_else(|| env_nonempty("MOONSHOT_BASE_URL"))
        .or_else(|| env_nonempty("KIMI_BASE_URL"))
        .or(file.base_url.filter(|_| top))
        .or(profile.as_ref().map(|p| p.base_url.clone()))
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let model = args
        .model
        .clone()
        .or_else(|| env_nonempty("KIMI_MODEL"))
        .or(file.model.filter(|_| top))
        .or(profile.as_ref().map(|p| p.model.clone()))
        .unwrap_or_else(|| DEFAULT_MODEL.to_string());
    let key_vars: Vec<String> = profile.as_ref().map_or_else(
        || KEY_VARS.iter().map(ToString::to_string).collect(),
        |p| p.key_env.clone(),
    );
    let found = key_vars
        .iter()
        .find_map(|name| env_nonempty(name).map(|key| (name.clone(), key)));
    let api_key_source = found.as_ref().map(|(name, _)| name.clone());
    let api_key = found.map(|(_, key)| ApiKey(key.trim().to_string()));
    let kimi_fields = file
        .kimi_fields
        .filter(|_| top)
        .or(profile.as_ref().map(|p| p.kimi_fields))
        .unwrap_or(true);
    Config {
        base_url: base_url.trim_end_matches('/').to_string(),
        model,
        system_prompt: file
            .system_prompt
            .unwrap_or_else(|| DEFAULT_SYSTEM_PROMPT.trim().to_string()),
        connect_timeout: Duration::from_secs(
            file.connect_timeout_secs
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT_SECS)
                .max(1),
        ),
        idle_timeout: Duration::from_secs(
            file.idle_timeout_secs
                .unwrap_or(DEFAULT_IDLE_TIMEOUT_SECS)
                .max(1),
        ),
        sampling: SamplingOptions {
            temperature: file.temperature,
            top_p: file.top_p,
            max_completion_tokens: file.max_completion_tokens,
        },
        mouse: file.mouse.unwrap_or(true),
        theme: args
            .theme
            .clone()
            .or_else(|| env_nonempty("KIMI_TUI_THEME"))
            .or(file.theme.clone())
            .unwrap_or_else(|| "auto".into()),
        print_on_exit: args.print_on_exit || file.print_on_exit.unwrap_or(false),
        pictures: file.pictures.unwrap_or(Pictures::Auto),
        config_path: None,
        no_color: match args.color.as_deref() {
            Some("never") => true,
            Some("always") => false,
            // no-color.org: set and not empty.
            _ => env_nonempty("NO_COLOR").is_some(),
        },
        max_retries: file.max_retries.unwrap_or(DEFAULT_MAX_RETRIES).min(10),
        kimi_fields,
        proxy: proxy_for(&base_url, &env_nonempty),
        no_proxy: env_nonempty("NO_PROXY").or_else(|| env_nonempty("no_proxy")),
        profile: name,
        profiles,
        unknown_profile,
        api_key,
        api_key_source,
        keys: file.keys,
        keys_text: file.text,
    }
}

/// The proxy the environment asks for, for a base URL: HTTPS_PROXY for https, HTTP_PROXY for
/// http, else ALL_PROXY (upper or lower case).
fn proxy_for(base_url: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let scheme_var = if base_url.starts_with("https:") {
        "HTTPS_PROXY"
    } else {
        "HTTP_PROXY"
    };
    [scheme_var, "ALL_PROXY"]
        .iter()
        .find_map(|var| env(var).or_else(|| env(&var.to_ascii_lowercase())))
}

/// The first of `vars` that is set, as a key.
pub fn key_from_env(vars: &[String], env: impl Fn(&str) -> Option<String>) -> Option<ApiKey> {
    vars.iter()
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))
        .map(|key| ApiKey(key.trim().to_string()))
}

/// The host part of a base URL, for the status bar (without any user name or password).
pub fn endpoint_label(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_string()
}

/// `text` with the user name and password of every URL in it replaced by `***`: for URLs
/// shown in messages or written to the log (`https://user:secret@host/` reads
/// `https://***@host/`).
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| {
                c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == ')' || c == '"'
            })
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(userinfo_end) => {
                out.push_str("***");
                out.push_str(&authority[userinfo_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests write their own files")]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_never_shown() {
        assert_eq!(
            endpoint_label("https://me:hunter2@api.example.com/v1"),
            "api.example.com"
        );
        assert_eq!(endpoint_label("http://127.0.0.1:8765/v1"), "127.0.0.1:8765");
        assert_eq!(
            redact_urls(
                "error sending request for url (https://me:hunter2@h.example/v1/chat): refused"
            ),
            "error sending request for url (https://***@h.example/v1/chat): refused"
        );
        assert_eq!(redact_urls("no url here"), "no url here");
        assert_eq!(
            redact_urls("socks5://u:p@proxy:1080"),
            "socks5://***@proxy:1080"
        );
        let config = Config {
            base_url: "https://me:hunter2@api.example.com/v1".into(),
            ..resolve(
                &Args::parse_from(["kimi-tui"]),
                FileConfig::default(),
                |_| None,
            )
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    fn args(base_url: Option<&str>) -> Args {
        let mut args = Args::parse_from(["kimi-tui"]);
        args.base_url = base_url.map(String::from);
        args
    }

    #[test]
    fn flag_beats_env_beats_file() {
        let file = || FileConfig {
            base_url: Some("http://file/v1".into()),
            ..FileConfig::default()
        };
        let env = |name: &str| (name == "MOONSHOT_BASE_URL").then(|| "http://env/v1/".to_string());
        assert_eq!(
            resolve(&args(Some("http://flag/v1")), file(), env).base_url,
            "http://flag/v1"
        );
        assert_eq!(resolve(&args(None), file(), env).base_url, "http://env/v1");
        assert_eq!(
            resolve(&args(None), file(), |_| None).base_url,
            "http://file/v1"
        );
        assert_eq!(
            resolve(&args(None), FileConfig::default(), |_| None).base_url,
            DEFAULT_BASE_URL
        );
    }

    #[test]
    fn key_prefers_moonshot_var_and_never_debug_prints() {
        let env = |name: &str| match name {
            "MOONSHOT_API_KEY" => Some("sk-first".to_string()),
            "KIMI_API_KEY" => Some("sk-second".to_string()),
            _ => None,
        };
        let config = resolve(&args(None), FileConfig::default(), env);
        assert_eq!(
            config.api_key.as_ref().map(ApiKey::expose),
            Some("sk-first")
        );
        assert!(!format!("{config:?}").contains("sk-first"));
    }

    #[test]
    fn unknown_config_field_is_reported_with_its_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "modle = \"x\"\n").expect("write");
        let err = load_file(&path, true)
            .expect_err("typo must fail")
            .to_string();
        assert!(err.contains("modle"), "{err}");
        assert!(err.contains("config.toml"), "{err}");
    }

    #[test]
    fn pictures_are_read_by_name_and_a_wrong_one_names_the_choices() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "pictures = \"sixel\"\n").expect("write");
        let file = load_file(&path, true).expect("valid");
        let config = resolve(&args(None), file, |_| None);
        assert_eq!(config.pictures, Pictures::Sixel);
        assert_eq!(
            resolve(&args(None), FileConfig::default(), |_| None).pictures,
            Pictures::Auto
        );
        std::fs::write(&path, "pictures = \"chafa\"\n").expect("write");
        let err = load_file(&path, true).expect_err("unknown").to_string();
        assert!(err.contains("chafa") && err.contains("blocks"), "{err}");
    }

    #[test]
    fn sampling_is_unset_unless_configured() {
        let config = resolve(&args(None), FileConfig::default(), |_| None);
        assert_eq!(config.sampling, SamplingOptions::default());
    }
}
