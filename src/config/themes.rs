//! User themes: `themes/NAME.toml` in the config directory, a built-in theme with some styles
//! replaced. Every key is a style's name (`Theme::STYLE_NAMES`; the README lists them), its
//! value a colour, `on` and a background, and attributes, in any order:
//!
//! ```toml
//! base = "light"            # dark (the default), light or high-contrast
//! syntax = "InspiredGitHub" # syntect theme for code blocks ("" for one colour)
//! accent = "magenta bold"
//! status_bar = "black on #e8e8e8"
//! search_match = "reversed underline"
//! ```
//!
//! Colours: the 16 names (`black`, `red`, … `white`, `gray`, `dark-gray`, `light-red`, …),
//! `#rrggbb`, or a number 0–255. A name that is not a style, a colour or an attribute that is
//! not known, is an error that names it.

use ratatui::style::{Color, Modifier, Style};

use crate::theme::Theme;

/// Syntect themes that ship with the binary (what `syntax` may name).
pub const SYNTAX_THEMES: [&str; 7] = [
    "base16-ocean.dark",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.light",
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
];

/// The theme `name` from the text of its file.
pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let base = match table.get("base") {
        None => "dark",
        Some(toml::Value::String(base)) => base.as_str(),
        Some(other) => return Err(format!("base should be a theme's name, not {other}")),
    };
    let mut theme = Theme::built_in(base)
        .filter(|_| base != "no-color")
        .ok_or_else(|| {
            format!(
                "base = {base:?} is not a built-in theme ({})",
                Theme::BUILT_IN.join(", ")
            )
        })?;
    theme.name = name.to_string();
    let mut errors = Vec::new();
    for (key, value) in &table {
        if key == "base" {
            continue;
        }
        let Some(text) = value.as_str() else {
            errors.push(format!("{key}: should be a string like \"cyan bold\""));
            continue;
        };
        if key == "syntax" {
            match SYNTAX_THEMES.iter().find(|s| **s == text) {
                Some(found) => theme.syntax = found,
                None if text.is_empty() => theme.syntax = "",
                None => errors.push(format!(
                    "syntax = {text:?} is not one of: {}",
                    SYNTAX_THEMES.join(", ")
                )),
            }
            continue;
        }
        match (theme.style_mut(key), style(text)) {
            (None, _) => errors.push(format!("{key}: no style has this name")),
            (Some(_), Err(e)) => errors.push(format!("{key}: {e}")),
            (Some(slot), Ok(parsed)) => *slot = parsed,
        }
    }
    if errors.is_empty() {
        Ok(theme.stamped())
    } else {
        Err(errors.join("; "))
    }
}

/// "yellow on #202020 bold italic".
pub fn style(text: &str) -> Result<Style, String> {
    let mut style = Style::new();
    let mut words = text.split_whitespace();
    let mut fg_set = false;
    while let Some(word) = words.next() {
        let lower = word.to_ascii_lowercase();
        if lower == "on" {
            let Some(bg) = words.next() else {
                return Err("\"on\" needs a colour after it".into());
            };
            style = style.bg(color(bg)?);
            continue;
        }
        let modifier = match lower.as_str() {
            "bold" => Some(Modifier::BOLD),
            "dim" => Some(Modifier::DIM),
            "italic" => Some(Modifier::ITALIC),
            "underline" | "underlined" => Some(Modifier::UNDERLINED),
            "reversed" | "reverse" => Some(Modifier::REVERSED),
            "crossed-out" | "strikethrough" => Some(Modifier::CROSSED_OUT),
            _ => None,
        };
        match modifier {
            Some(m) => style = style.add_modifier(m),
            None if !fg_set => {
                style = style.fg(color(word)?);
                fg_set = true;
            }
            None => {
                return Err(format!(
                    "{word:?} is neither an attribute nor the background (on …)"
                ));
            }
        }
    }
    Ok(style)
}

fn color(word: &str) -> Result<Color, String> {
    let lower = word.to_ascii_lowercase().replace('_', "-");
    if let Some(hex) = lower.strip_prefix('#') {
        let ok = hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16);
        return match (ok, byte(0), byte(2), byte(4)) {
            (true, Ok(r), Ok(g), Ok(b)) => Ok(Color::Rgb(r, g, b)),
            _ => Err(format!("{word:?} is not a colour like #1e90ff")),
        };
    }
    if let Ok(n) = lower.parse::<u8>() {
        return Ok(Color::Indexed(n));
    }
    Ok(match lower.as_str() {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "dark-gray" | "dark-grey" | "darkgray" | "darkgrey" => Color::DarkGray,
        "light-red" => Color::LightRed,
        "light-green" => Color::LightGreen,
        "light-yellow" => Color::LightYellow,
        "light-blue" => Color::LightBlue,
        "light-magenta" => Color::LightMagenta,
        "light-cyan" => Color::LightCyan,
        "white" => Color::White,
        "default" | "reset" => Color::Reset,
        _ => return Err(format!("{word:?} is not a colour")),
    })
}

/// Every theme file in `dir` (`NAME.toml`), by name, in name order: the ones that read well,
/// and what is wrong with the others (`file: why`).
#[allow(
    clippy::disallowed_methods,
    reason = "loading the config directory's theme files is the edge"
)]
pub fn load_dir(dir: &std::path::Path) -> (Vec<Theme>, Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Vec::new(), Vec::new());
    };
    let mut paths: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut themes = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if Theme::built_in(name).is_some() {
            errors.push(format!(
                "{}: {name} is a built-in theme's name; rename the file",
                path.display()
            ));
            continue;
        }
        match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| parse(name, &text))
        {
            Ok(theme) => themes.push(theme),
            Err(why) => errors.push(format!("{}: {why}", path.display())),
        }
    }
    (themes, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_file_replaces_the_styles_it_names() {
        let theme = parse(
            "mine",
            "base = \"light\"\naccent = \"magenta bold\"\nstatus_bar = \"black on #e8e8e8\"\nsyntax = \"\"",
        )
        .expect("parses");
        assert_eq!(theme.name, "mine");
        assert_eq!(
            theme.accent,
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)
        );
        assert_eq!(theme.status_bar.bg, Some(Color::Rgb(0xe8, 0xe8, 0xe8)));
        assert_eq!(theme.syntax, "");
        // The rest is the light theme's.
        assert_eq!(theme.heading2, Theme::light().heading2);
    }

    #[test]
    fn unknown_names_colours_and_attributes_are_each_named() {
        let err = parse(
            "bad",
            "acent = \"red\"\nerror = \"rouge\"\nwarning = \"red blinking\"\nsyntax = \"Nope\"",
        )
        .expect_err("refused");
        assert!(err.contains("acent: no style has this name"), "{err}");
        assert!(err.contains("\"rouge\" is not a colour"), "{err}");
        assert!(err.contains("\"blinking\""), "{err}");
        assert!(err.contains("syntax = \"Nope\""), "{err}");
        assert!(parse("x", "base = \"sepia\"").is_err());
        assert!(parse("x", "not toml [").is_err());
        assert!(style("on").is_err());
        assert_eq!(style("244").map(|s| s.fg), Ok(Some(Color::Indexed(244))));
    }
}
