//! Syntax highlighting of code blocks with syntect (its pure-Rust regex engine, so no C
//! library). The syntax and theme sets load on the first code block, not at start-up.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, Theme, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

struct Sets {
    syntaxes: SyntaxSet,
    themes: ThemeSet,
}

static SETS: OnceLock<Sets> = OnceLock::new();

fn sets() -> &'static Sets {
    SETS.get_or_init(|| Sets {
        syntaxes: SyntaxSet::load_defaults_newlines(),
        themes: ThemeSet::load_defaults(),
    })
}

/// The lines of `code` as (style, text) pieces, or `None` when the language is unknown or
/// `ui` has no code colours (the caller then shows the code in one colour). The colours come
/// from `ui`'s syntect theme, fitted to its depth.
pub fn highlight(
    lang: &str,
    code: &str,
    ui: &crate::theme::Theme,
) -> Option<Vec<Vec<(Style, String)>>> {
    let lang = lang.trim();
    if lang.is_empty() || ui.syntax.is_empty() || ui.depth == crate::theme::Depth::None {
        return None;
    }
    let sets = sets();
    let theme: &Theme = sets.themes.themes.get(ui.syntax)?;
    let sixteen = ui.depth == crate::theme::Depth::Ansi16;
    let syntax = sets
        .syntaxes
        .find_syntax_by_token(lang)
        .or_else(|| sets.syntaxes.find_syntax_by_extension(lang))?;
    let mut lines = HighlightLines::new(syntax, theme);
    let mut out = Vec::new();
    for line in LinesWithEndings::from(code) {
        let pieces = lines.highlight_line(line, &sets.syntaxes).ok()?;
        out.push(
            pieces
                .into_iter()
                .map(|(style, text)| {
                    let text = text.trim_end_matches(['\n', '\r']).to_string();
                    let mut style = convert(style);
                    if sixteen {
                        style.fg = style.fg.map(crate::theme::ansi16);
                    }
                    (style, text)
                })
                .filter(|(_, text)| !text.is_empty())
                .collect(),
        );
    }
    Some(out)
}

fn convert(style: syntect::highlighting::Style) -> Style {
    let fg = style.foreground;
    let mut out = Style::new().fg(Color::Rgb(fg.r, fg.g, fg.b));
    if style.font_style.contains(FontStyle::BOLD) {
        out = out.add_modifier(Modifier::BOLD);
    }
    if style.font_style.contains(FontStyle::ITALIC) {
        out = out.add_modifier(Modifier::ITALIC);
    }
    out
}
