//! Taking over the terminal and giving it back. `restore` runs on every way out: a normal
//! quit, an error, a panic (through the hook installed here), SIGTERM and SIGHUP (the runtime
//! turns those into a quit). It is safe to call more than once.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "terminal setup is the edge that owns stdout"
)]

use std::io::{self, Stdout, Write, stdout};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

pub fn init(mouse: bool) -> io::Result<Tui> {
    install_panic_hook();
    enable_raw_mode()?;
    let mut out = stdout();
    // The keyboard protocol lets terminals that support it report Shift+Enter; terminals that
    // do not ignore the request, so it is sent without asking first (asking costs a round trip
    // at start-up, and some terminals never answer).
    let setup = execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES),
    )
    .and_then(|()| {
        if mouse {
            execute!(out, EnableMouseCapture)
        } else {
            Ok(())
        }
    });
    if let Err(err) = setup {
        restore();
        return Err(err);
    }
    Terminal::new(CrosstermBackend::new(out)).inspect_err(|_| restore())
}

/// Takes the terminal back after another program had it (the user's editor): raw mode, the
/// alternate screen, bracketed paste, the keyboard protocol, and the mouse if it was on.
pub fn resume(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
    )?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

pub fn restore() {
    let mut out = stdout();
    // Each step is attempted even if one before it failed.
    let _ = execute!(out, DisableMouseCapture);
    let _ = execute!(out, PopKeyboardEnhancementFlags);
    let _ = execute!(out, DisableBracketedPaste);
    let _ = execute!(out, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Whether the terminal's background is light, asked with OSC 11 (answered by most terminals,
/// over SSH and in tmux too). `None` when it does not answer within `timeout` (then the
/// caller assumes dark). Runs before the screen is taken, so its answer never reaches the UI.
pub fn background_is_light(timeout: std::time::Duration) -> Option<bool> {
    let mut options = terminal_colorsaurus::QueryOptions::default();
    options.timeout = timeout;
    match terminal_colorsaurus::theme_mode(options) {
        Ok(terminal_colorsaurus::ThemeMode::Light) => Some(true),
        Ok(terminal_colorsaurus::ThemeMode::Dark) => Some(false),
        Err(_) => None,
    }
}
