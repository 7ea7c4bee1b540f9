//! Syntax highlighting of code blocks with syntect (its pure-Rust regex engine, so no C
//! library). The syntax and theme sets load on the first code block, not at start-up.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use syntect::highlighting::{
    FontStyle, HighlightIterator, HighlightState, Highlighter, Theme, ThemeSet,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
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

/// One line's (style, text) pieces, line breaks left out.
pub type Pieces = Vec<(Style, String)>;

/// Highlights a code block line by line, keeping syntect's state between lines, so a block
/// that grows is highlighted once per line, not once per frame. Cloning it copies the state
/// (to highlight a line still arriving without committing to it).
#[derive(Clone)]
pub struct LineHighlighter {
    theme: &'static Theme,
    parse: ParseState,
    state: HighlightState,
    sixteen: bool,
}

impl std::fmt::Debug for LineHighlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineHighlighter").finish_non_exhaustive()
    }
}

impl LineHighlighter {
    /// `None` when the language is unknown or `ui` has no code colours (the caller then
    /// shows the code in one colour). The colours come from `ui`'s syntect theme, fitted to
    /// its depth.
    pub fn new(lang: &str, ui: &crate::theme::Theme) -> Option<Self> {
        let lang = lang.trim();
        if lang.is_empty() || ui.syntax.is_empty() || ui.depth == crate::theme::Depth::None {
            return None;
        }
        let sets = sets();
        let theme: &'static Theme = sets.themes.themes.get(ui.syntax)?;
        let syntax = sets
            .syntaxes
            .find_syntax_by_token(lang)
            .or_else(|| sets.syntaxes.find_syntax_by_extension(lang))?;
        let highlighter = Highlighter::new(theme);
        Some(LineHighlighter {
            theme,
            parse: ParseState::new(syntax),
            state: HighlightState::new(&highlighter, ScopeStack::new()),
            sixteen: ui.depth == crate::theme::Depth::Ansi16,
        })
    }

    /// The pieces of the next line (with its line break, if it has one). `None` when syntect
    /// fails on it.
    pub fn line(&mut self, line: &str) -> Option<Pieces> {
        let sets = sets();
        let ops = self.parse.parse_line(line, &sets.syntaxes).ok()?;
        let highlighter = Highlighter::new(self.theme);
        let pieces = HighlightIterator::new(&mut self.state, &ops, line, &highlighter);
        Some(
            pieces
                .map(|(style, text)| {
                    let text = text.trim_end_matches(['\n', '\r']).to_string();
                    let mut style = convert(style);
                    if self.sixteen {
                        style.fg = style.fg.map(crate::theme::ansi16);
                    }
                    (style, text)
                })
                .filter(|(_, text)| !text.is_empty())
                .collect(),
        )
    }
}

/// The lines of `code` as (style, text) pieces, or `None` when it cannot be highlighted (see
/// `LineHighlighter`). A line keeps its line break while highlighting, as syntect expects.
pub fn highlight(lang: &str, code: &str, ui: &crate::theme::Theme) -> Option<Vec<Pieces>> {
    let mut lines = LineHighlighter::new(lang, ui)?;
    LinesWithEndings::from(code)
        .map(|line| lines.line(line))
        .collect()
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
