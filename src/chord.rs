//! Key presses as the key table names them ("Ctrl+N", "Shift+Enter", "g", "F2"), parsed into
//! values that compare equal to what the terminal sends, and shown back the same way.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key with its modifiers, normalized: a character carries its own case, so Shift is
/// dropped from characters (and from Shift+Tab, which terminals send as BackTab).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyPress {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PgUp", KeyCode::PageUp),
    ("PgDn", KeyCode::PageDown),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Space", KeyCode::Char(' ')),
    // The arrows as help and `--keys` show them, so a key copied from there means the same
    // (found by fuzzing: "Down" showed as "↓", which read back as the character).
    ("↑", KeyCode::Up),
    ("↓", KeyCode::Down),
    ("←", KeyCode::Left),
    ("→", KeyCode::Right),
];

impl KeyPress {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyPress {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                // Ctrl+letter arrives lower case from most terminals, upper case from some.
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            other => other,
        };
        KeyPress { code, mods }
    }

    pub fn from_event(key: &KeyEvent) -> KeyPress {
        KeyPress::new(key.code, key.modifiers)
    }

    /// Parses one key as the table writes it: modifiers joined by `+` before the key.
    pub fn parse(text: &str) -> Result<KeyPress, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        while let Some((head, tail)) = rest.split_once('+') {
            if tail.is_empty() {
                break; // "+" itself, or "Ctrl++"
            }
            // Any case: the config file may say "ctrl+x".
            mods |= match head.to_ascii_lowercase().as_str() {
                "ctrl" => KeyModifiers::CONTROL,
                "alt" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier {head:?} in {text:?}")),
            };
            rest = tail;
        }
        let named = NAMED
            .iter()
            .find(|(name, _)| *name == rest || rest.len() > 1 && name.eq_ignore_ascii_case(rest));
        let code = if let Some((_, code)) = named {
            *code
        } else if let Some(n) = rest
            .strip_prefix(['F', 'f'])
            .filter(|n| !n.is_empty())
            .and_then(|n| n.parse::<u8>().ok())
        {
            if !(1..=12).contains(&n) {
                return Err(format!("no such function key: {text:?}"));
            }
            KeyCode::F(n)
        } else {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => KeyCode::Char(c),
                _ => return Err(format!("unknown key {rest:?} in {text:?}")),
            }
        };
        Ok(KeyPress::new(code, mods))
    }

    /// How help, hints and the README show it: the table's spelling, arrows as arrows.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for (flag, name) in [
            (KeyModifiers::CONTROL, "Ctrl+"),
            (KeyModifiers::ALT, "Alt+"),
            (KeyModifiers::SHIFT, "Shift+"),
        ] {
            if self.mods.contains(flag) {
                out.push_str(name);
            }
        }
        match self.code {
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::Left => out.push('←'),
            KeyCode::Right => out.push('→'),
            KeyCode::BackTab => out.push_str("Shift+Tab"),
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            code => match NAMED.iter().find(|(_, c)| *c == code) {
                Some((name, _)) => out.push_str(name),
                None => {
                    if let KeyCode::Char(c) = code {
                        // Ctrl+letter is one key whatever its case; written upper case.
                        if self.mods.contains(KeyModifiers::CONTROL) {
                            out.push(c.to_ascii_uppercase());
                        } else {
                            out.push(c);
                        }
                    }
                }
            },
        }
        out
    }
}

/// A chord: one or more keys pressed one after the other ("Ctrl+X Ctrl+E").
pub fn parse_chord(text: &str) -> Result<Vec<KeyPress>, String> {
    let keys: Vec<KeyPress> = text
        .split(' ')
        .filter(|k| !k.is_empty())
        .map(KeyPress::parse)
        .collect::<Result<_, _>>()?;
    if keys.is_empty() {
        return Err("an empty key".into());
    }
    Ok(keys)
}

pub fn display_chord(keys: &[KeyPress]) -> String {
    keys.iter()
        .map(KeyPress::display)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_to_what_terminals_send() {
        let ctrl_n = KeyPress::parse("Ctrl+N").expect("parse");
        assert_eq!(
            ctrl_n,
            KeyPress::new(KeyCode::Char('n'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            KeyPress::parse("Shift+Tab").expect("parse"),
            KeyPress::new(KeyCode::BackTab, KeyModifiers::SHIFT)
        );
        assert_eq!(
            KeyPress::parse("G").expect("parse"),
            KeyPress::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
        );
        assert_eq!(
            KeyPress::parse("+").expect("parse").code,
            KeyCode::Char('+')
        );
        assert_eq!(parse_chord("Ctrl+X Ctrl+E").expect("parse").len(), 2);
        assert!(KeyPress::parse("Hyper+K").is_err());
        assert!(KeyPress::parse("F13").is_err());
        assert!(KeyPress::parse("Nope").is_err());
        assert!(parse_chord("  ").is_err());
    }

    #[test]
    fn keys_show_as_they_are_written() {
        for text in [
            "Ctrl+N",
            "Shift+Enter",
            "Alt+Enter",
            "F2",
            "PgUp",
            "g",
            "?",
            "Esc",
        ] {
            let key = KeyPress::parse(text).expect("parse");
            assert_eq!(key.display(), text);
        }
        assert_eq!(KeyPress::parse("Up").expect("parse").display(), "↑");
    }
}
