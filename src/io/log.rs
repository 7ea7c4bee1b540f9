//! The log file. Warnings only unless `KIMI_TUI_LOG` (or `RUST_LOG`) asks for more; written
//! only when there is something to write; capped in size (the file rolls over to `.1`).
//!
//! What is logged never holds the API key, and never message text above `trace`: messages
//! and effects are logged by their shape (`shape`), with every string and character literal
//! blanked and everything nested deeper than two levels left out.
//!
//! The size cap is written here rather than taken from `tracing-appender`, which rolls files
//! by time only: a log that grows by size is what fills a disk.

use std::fmt::{self, Debug, Write as _};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The log rolls over past this size; with the one older file kept, it takes at most twice.
pub const CAP_BYTES: u64 = 4 * 1024 * 1024;

/// Where the log goes: the platform's state directory (cache directory where there is none).
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "kimi-tui")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("kimi-tui.log"))
}

/// The filter for a `KIMI_TUI_LOG` value. A bare level (`debug`) applies to kimi-tui only,
/// other crates stay at `warn`; anything else is taken as `tracing` directives.
pub fn filter(value: Option<&str>) -> Result<EnvFilter, String> {
    let value = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("warn");
    let levels = ["off", "error", "warn", "info", "debug", "trace"];
    let directives = if levels.contains(&value.to_ascii_lowercase().as_str()) {
        format!("warn,kimi_tui={value}")
    } else {
        value.to_string()
    };
    EnvFilter::try_new(&directives).map_err(|e| format!("log filter {value:?}: {e}"))
}

/// Sends `tracing` events to the file at `path`, filtered by `filter`. Fails if a global
/// subscriber is already set.
pub fn init(path: &Path, filter: EnvFilter) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(true)
        .with_writer(Mutex::new(CappedFile::new(path.to_path_buf(), CAP_BYTES)))
        .try_init()
        .map_err(|e| format!("cannot start the log: {e}"))
}

/// A file opened at the first write, rolled over to `<name>.1` when it would pass `cap`.
pub struct CappedFile {
    path: PathBuf,
    cap: u64,
    file: Option<File>,
    written: u64,
}

impl CappedFile {
    pub fn new(path: PathBuf, cap: u64) -> CappedFile {
        CappedFile {
            path,
            cap,
            file: None,
            written: 0,
        }
    }

    fn open(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut options = OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file = options.open(&self.path)?;
            self.written = file.metadata().map_or(0, |m| m.len());
            self.file = Some(file);
        }
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("log file not open"))
    }

    fn roll_over(&mut self) -> io::Result<()> {
        self.file = None;
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        std::fs::rename(&self.path, old)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for CappedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.open()?;
        if self.written > 0 && self.written + buf.len() as u64 > self.cap {
            self.roll_over()?;
        }
        let n = self.open()?.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

/// `value`'s `Debug` form with every string and character literal blanked (`"…"`) and
/// everything nested deeper than `depth` brackets left out: the kind of a message or effect
/// and its ids, never the text it carries.
pub fn shape(value: &impl Debug, depth: usize) -> String {
    let mut out = Shaper {
        out: String::new(),
        depth: 0,
        max: depth,
        quote: None,
        escaped: false,
        elided: false,
    };
    let _ = write!(out, "{value:?}");
    out.out
}

struct Shaper {
    out: String,
    depth: usize,
    max: usize,
    /// Inside a literal opened by this quote.
    quote: Option<char>,
    escaped: bool,
    /// "…" was written for the current too-deep stretch.
    elided: bool,
}

impl Shaper {
    fn emit(&mut self, c: char) {
        if self.depth <= self.max {
            self.out.push(c);
            self.elided = false;
        } else if !self.elided {
            self.out.push('…');
            self.elided = true;
        }
    }
}

impl fmt::Write for Shaper {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if let Some(quote) = self.quote {
                if self.escaped {
                    self.escaped = false;
                } else if c == '\\' {
                    self.escaped = true;
                } else if c == quote {
                    self.quote = None;
                    self.emit(c);
                }
                continue;
            }
            match c {
                '"' | '\'' => {
                    self.emit(c);
                    self.quote = Some(c);
                    if self.depth <= self.max {
                        self.out.push('…');
                    }
                }
                '(' | '{' | '[' => {
                    self.emit(c);
                    self.depth += 1;
                }
                ')' | '}' | ']' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.emit(c);
                }
                _ => self.emit(c),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    #[allow(dead_code, reason = "read through Debug")]
    enum Outer {
        Paste(String),
        Key(char),
        Deep { id: u64, inner: Vec<Vec<String>> },
    }

    #[test]
    fn shapes_keep_kinds_and_ids_and_drop_text() {
        let paste = shape(&Outer::Paste("my \"secret\" text".into()), 2);
        assert_eq!(paste, "Paste(\"…\")");
        assert_eq!(shape(&Outer::Key('x'), 2), "Key('…')");
        let deep = shape(
            &Outer::Deep {
                id: 7,
                inner: vec![vec!["hidden".into()]],
            },
            1,
        );
        assert!(deep.starts_with("Deep { id: 7, inner: […"), "{deep}");
        assert!(!deep.contains("hidden"), "{deep}");
    }

    #[test]
    fn a_bare_level_is_for_kimi_tui_only() {
        assert_eq!(
            filter(Some("debug")).map(|f| f.to_string()).ok(),
            Some("kimi_tui=debug,warn".into())
        );
        assert!(filter(Some("kimi_tui=[")).is_err());
        assert!(filter(None).is_ok());
    }

    #[test]
    fn the_file_rolls_over_at_its_cap() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("sub").join("k.log");
        let mut file = CappedFile::new(path.clone(), 100);
        for _ in 0..5 {
            file.write_all(&[b'x'; 40]).expect("write");
        }
        let now = std::fs::metadata(&path).expect("log").len();
        let old = std::fs::metadata(dir.path().join("sub").join("k.log.1"))
            .expect("rolled")
            .len();
        // 40, 80, then 120 would pass 100: rolled; again at the fifth write.
        assert_eq!((now, old), (40, 80));
    }
}
