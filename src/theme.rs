//! Every style the UI uses, as one value: views, the Markdown renderer and the transcript
//! layout take a `&Theme` (from `AppState::theme`) and never name a colour themselves. Built
//! in: dark, light, high-contrast, and no-color (NO_COLOR: attributes only); user themes are
//! one of those with styles replaced (`config/themes.rs`). `for_depth` fits any of them to a
//! terminal of 16 colours. A leaf: it uses nothing of the crate.

use ratatui::style::{Color, Modifier, Style};

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Depth {
    /// 256 colours and more (TERM names 256color, or COLORTERM is set).
    #[default]
    Full,
    /// The 16 ANSI colours only.
    Ansi16,
    /// No colour at all (NO_COLOR, `--color never`): bold, underline, reverse, dim.
    None,
}

/// Declares the theme with its styles once, and what walks them by name.
macro_rules! theme {
    ($($field:ident),* $(,)?) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            /// Which theme this is ("dark", "light", "high-contrast", "no-color", or a user
            /// theme's file name).
            pub name: String,
            /// Tells cached rows which theme and depth styled them (see `stamped`).
            pub id: u64,
            /// The syntect theme for code blocks; "" shows code in one colour.
            pub syntax: &'static str,
            pub depth: Depth,
            $(pub $field: Style,)*
        }

        impl Theme {
            /// Every style's name, as theme files and `style_mut` know them.
            pub const STYLE_NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// The style named `name` (a theme file's key), if there is one.
            pub fn style_mut(&mut self, name: &str) -> Option<&mut Style> {
                match name {
                    $(stringify!($field) => Some(&mut self.$field),)*
                    _ => None,
                }
            }

            /// Every style through `f`.
            fn map_styles(&mut self, f: impl Fn(Style) -> Style) {
                $(self.$field = f(self.$field);)*
            }
        }
    };
}

theme!(
    accent,
    border,
    border_focused,
    title,
    user_header,
    assistant_header,
    header_meta,
    text,
    reasoning_label,
    reasoning,
    reasoning_bar,
    footer,
    warning,
    error,
    notice,
    placeholder,
    more_below,
    sidebar_item,
    sidebar_active,
    sidebar_selected,
    sidebar_live,
    status_bar,
    status_model,
    status_busy,
    status_error,
    status_hint,
    search_match,
    field,
    cursor,
    dialog,
    help_key,
    help_text,
    emphasis,
    strong,
    strikethrough,
    inline_code,
    link,
    link_url,
    quote,
    quote_bar,
    list_marker,
    task_done,
    rule,
    code,
    code_frame,
    table_border,
    table_head,
    focus_bar,
    heading1,
    heading2,
    heading3,
);

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

impl Theme {
    /// The palette for dark terminals, in the 16 colours every terminal has.
    pub fn dark() -> Theme {
        Theme {
            name: "dark".into(),
            id: 0,
            syntax: "base16-ocean.dark",
            depth: Depth::Full,
            accent: Style::new().fg(Color::Cyan),
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan),
            title: Style::new().add_modifier(Modifier::BOLD),
            user_header: Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            assistant_header: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            header_meta: Style::new().fg(Color::DarkGray),
            text: Style::new(),
            reasoning_label: Style::new()
                .fg(Color::Magenta)
                .add_modifier(Modifier::ITALIC),
            reasoning: Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC),
            reasoning_bar: Style::new().fg(Color::Magenta).add_modifier(Modifier::DIM),
            footer: Style::new().fg(Color::DarkGray),
            warning: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red),
            notice: Style::new().fg(Color::Yellow),
            placeholder: Style::new().fg(Color::DarkGray),
            more_below: Style::new().fg(Color::Black).bg(Color::Cyan),
            sidebar_item: Style::new(),
            sidebar_active: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            sidebar_selected: Style::new().add_modifier(Modifier::REVERSED),
            sidebar_live: Style::new().fg(Color::Green),
            status_bar: Style::new().bg(Color::Indexed(236)).fg(Color::Gray),
            status_model: Style::new()
                .bg(Color::Cyan)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
            status_busy: Style::new().bg(Color::Indexed(236)).fg(Color::Yellow),
            status_error: Style::new().bg(Color::Red).fg(Color::White),
            status_hint: Style::new().bg(Color::Indexed(236)).fg(Color::DarkGray),
            search_match: Style::new().fg(Color::Black).bg(Color::Yellow),
            field: Style::new().fg(Color::White),
            cursor: Style::new().add_modifier(Modifier::REVERSED),
            dialog: Style::new(),
            help_key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            help_text: Style::new(),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: Style::new().add_modifier(Modifier::BOLD),
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            inline_code: Style::new().fg(Color::Yellow),
            link: Style::new()
                .fg(Color::Blue)
                .add_modifier(Modifier::UNDERLINED),
            link_url: Style::new().fg(Color::DarkGray),
            quote: Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC),
            quote_bar: Style::new().fg(Color::DarkGray),
            list_marker: Style::new().fg(Color::Cyan),
            task_done: Style::new().fg(Color::Green),
            rule: Style::new().fg(Color::DarkGray),
            code: Style::new().fg(Color::Gray),
            code_frame: Style::new().fg(Color::DarkGray),
            table_border: Style::new().fg(Color::DarkGray),
            table_head: Style::new().add_modifier(Modifier::BOLD),
            focus_bar: Style::new().fg(Color::Cyan),
            heading1: Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            heading2: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            heading3: Style::new().add_modifier(Modifier::BOLD),
        }
        .stamped()
    }

    /// The built-in themes' names, as `theme = "…"` and the palette know them.
    pub const BUILT_IN: [&'static str; 3] = ["dark", "light", "high-contrast"];

    /// A built-in theme by name.
    pub fn built_in(name: &str) -> Option<Theme> {
        match name {
            "dark" => Some(Theme::dark()),
            "light" => Some(Theme::light()),
            "high-contrast" => Some(Theme::high_contrast()),
            "no-color" => Some(Theme::no_color()),
            _ => None,
        }
    }

    /// For terminals with a light background: dark text, deep colours, pale bars.
    pub fn light() -> Theme {
        let mut t = Theme::dark();
        t.name = "light".into();
        t.syntax = "InspiredGitHub";
        let blue = Style::new().fg(Color::Blue);
        t.accent = blue;
        t.border = Style::new().fg(Color::Indexed(250));
        t.border_focused = blue;
        t.user_header = Style::new()
            .fg(Color::Indexed(28))
            .add_modifier(Modifier::BOLD);
        t.assistant_header = blue.add_modifier(Modifier::BOLD);
        t.header_meta = Style::new().fg(Color::Indexed(244));
        t.reasoning_label = Style::new()
            .fg(Color::Magenta)
            .add_modifier(Modifier::ITALIC);
        t.reasoning = Style::new()
            .fg(Color::Indexed(242))
            .add_modifier(Modifier::ITALIC);
        t.footer = Style::new().fg(Color::Indexed(244));
        t.warning = Style::new().fg(Color::Indexed(130));
        t.notice = t.warning;
        t.placeholder = Style::new().fg(Color::Indexed(246));
        t.more_below = Style::new().fg(Color::White).bg(Color::Blue);
        t.sidebar_active = blue.add_modifier(Modifier::BOLD);
        t.sidebar_live = Style::new().fg(Color::Indexed(28));
        let bar = Color::Indexed(254);
        t.status_bar = Style::new().bg(bar).fg(Color::Black);
        t.status_model = Style::new()
            .bg(Color::Blue)
            .fg(Color::White)
            .add_modifier(Modifier::BOLD);
        t.status_busy = Style::new().bg(bar).fg(Color::Indexed(130));
        t.status_hint = Style::new().bg(bar).fg(Color::Indexed(242));
        t.search_match = Style::new().fg(Color::Black).bg(Color::Indexed(220));
        t.field = Style::new().fg(Color::Black);
        t.help_key = blue.add_modifier(Modifier::BOLD);
        t.inline_code = Style::new().fg(Color::Indexed(124));
        t.link_url = Style::new().fg(Color::Indexed(244));
        t.quote = Style::new()
            .fg(Color::Indexed(240))
            .add_modifier(Modifier::ITALIC);
        t.quote_bar = Style::new().fg(Color::Indexed(248));
        t.list_marker = blue;
        t.task_done = Style::new().fg(Color::Indexed(28));
        t.rule = Style::new().fg(Color::Indexed(248));
        t.code = Style::new().fg(Color::Indexed(236));
        t.code_frame = Style::new().fg(Color::Indexed(248));
        t.table_border = Style::new().fg(Color::Indexed(248));
        t.focus_bar = blue;
        t.heading1 = blue.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        t.heading2 = blue.add_modifier(Modifier::BOLD);
        t.stamped()
    }

    /// Dark, with no dim grey anywhere: white text, bright colours, bold headers.
    pub fn high_contrast() -> Theme {
        let mut t = Theme::dark();
        t.name = "high-contrast".into();
        t.syntax = "base16-eighties.dark";
        let white = Style::new().fg(Color::White);
        let yellow = Style::new().fg(Color::LightYellow);
        t.accent = yellow;
        t.border = white;
        t.border_focused = yellow.add_modifier(Modifier::BOLD);
        t.title = white.add_modifier(Modifier::BOLD);
        t.user_header = Style::new()
            .fg(Color::LightGreen)
            .add_modifier(Modifier::BOLD);
        t.assistant_header = Style::new()
            .fg(Color::LightCyan)
            .add_modifier(Modifier::BOLD);
        t.header_meta = white;
        t.text = white;
        t.reasoning = white.add_modifier(Modifier::ITALIC);
        t.reasoning_label = Style::new()
            .fg(Color::LightMagenta)
            .add_modifier(Modifier::ITALIC | Modifier::BOLD);
        t.reasoning_bar = Style::new().fg(Color::LightMagenta);
        t.footer = white;
        t.warning = yellow.add_modifier(Modifier::BOLD);
        t.error = Style::new()
            .fg(Color::LightRed)
            .add_modifier(Modifier::BOLD);
        t.notice = t.warning;
        t.placeholder = white.add_modifier(Modifier::ITALIC);
        t.more_below = Style::new().fg(Color::Black).bg(Color::LightYellow);
        t.sidebar_active = yellow.add_modifier(Modifier::BOLD);
        t.sidebar_live = Style::new().fg(Color::LightGreen);
        t.status_bar = Style::new().bg(Color::Black).fg(Color::White);
        t.status_model = Style::new()
            .bg(Color::LightYellow)
            .fg(Color::Black)
            .add_modifier(Modifier::BOLD);
        t.status_busy = Style::new()
            .bg(Color::Black)
            .fg(Color::LightYellow)
            .add_modifier(Modifier::BOLD);
        t.status_hint = Style::new().bg(Color::Black).fg(Color::White);
        t.search_match = Style::new().fg(Color::Black).bg(Color::LightYellow);
        t.help_key = yellow.add_modifier(Modifier::BOLD);
        t.inline_code = yellow;
        t.link = Style::new()
            .fg(Color::LightCyan)
            .add_modifier(Modifier::UNDERLINED);
        t.link_url = white;
        t.quote = white.add_modifier(Modifier::ITALIC);
        t.quote_bar = white;
        t.list_marker = yellow;
        t.rule = white;
        t.code = white;
        t.code_frame = white;
        t.table_border = white;
        t.focus_bar = yellow.add_modifier(Modifier::BOLD);
        t.heading1 = yellow.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        t.heading2 = yellow.add_modifier(Modifier::BOLD);
        t.stamped()
    }

    /// No colour at all (no-color.org): only bold, italic, underline, reverse and dim, with
    /// focus, selection, search matches and errors still told apart.
    pub fn no_color() -> Theme {
        let mut t = Theme::dark();
        t.map_styles(|style| Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..style
        });
        t.name = "no-color".into();
        t.syntax = "";
        t.depth = Depth::None;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let reversed = Style::new().add_modifier(Modifier::REVERSED);
        t.accent = bold;
        t.border_focused = bold;
        t.header_meta = Style::new().add_modifier(Modifier::DIM);
        t.placeholder = Style::new().add_modifier(Modifier::DIM);
        t.footer = Style::new().add_modifier(Modifier::DIM);
        t.reasoning = Style::new().add_modifier(Modifier::DIM | Modifier::ITALIC);
        t.warning = bold;
        t.notice = bold;
        t.error = bold.add_modifier(Modifier::UNDERLINED);
        t.more_below = reversed;
        t.sidebar_active = bold;
        t.sidebar_selected = reversed;
        t.status_bar = reversed;
        t.status_model = reversed.add_modifier(Modifier::BOLD);
        t.status_busy = reversed.add_modifier(Modifier::BOLD);
        t.status_error = reversed.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        t.status_hint = reversed;
        t.search_match = reversed.add_modifier(Modifier::UNDERLINED);
        t.field = Style::new().add_modifier(Modifier::UNDERLINED);
        t.inline_code = bold;
        t.focus_bar = bold;
        t.stamped()
    }

    /// This theme on a terminal of `depth`: every colour the nearest of the 16 ANSI ones
    /// (code keeps its highlighting, in those 16), or no colour at all (the no-color theme).
    pub fn for_depth(mut self, depth: Depth) -> Theme {
        match depth {
            Depth::Full => {}
            Depth::Ansi16 => {
                self.map_styles(|style| Style {
                    fg: style.fg.map(ansi16),
                    bg: style.bg.map(ansi16),
                    underline_color: style.underline_color.map(ansi16),
                    ..style
                });
                self.depth = Depth::Ansi16;
            }
            Depth::None => return Theme::no_color(),
        }
        self.stamped()
    }

    /// Sets `id` from the name and depth, so rows cached with another theme are made again.
    pub fn stamped(mut self) -> Theme {
        // FNV-1a: stable, and plenty for telling a few themes apart.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.name.bytes().chain([self.depth as u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.id = hash;
        self
    }

    /// A Markdown heading of `level` (1 is the largest).
    pub fn heading(&self, level: u8) -> Style {
        match level {
            1 => self.heading1,
            2 => self.heading2,
            _ => self.heading3,
        }
    }
}

/// The standard xterm values of the 16 ANSI colours, in their order.
const ANSI: [(Color, [u8; 3]); 16] = [
    (Color::Black, [0, 0, 0]),
    (Color::Red, [205, 0, 0]),
    (Color::Green, [0, 205, 0]),
    (Color::Yellow, [205, 205, 0]),
    (Color::Blue, [0, 0, 238]),
    (Color::Magenta, [205, 0, 205]),
    (Color::Cyan, [0, 205, 205]),
    (Color::Gray, [229, 229, 229]),
    (Color::DarkGray, [127, 127, 127]),
    (Color::LightRed, [255, 0, 0]),
    (Color::LightGreen, [0, 255, 0]),
    (Color::LightYellow, [255, 255, 0]),
    (Color::LightBlue, [92, 92, 255]),
    (Color::LightMagenta, [255, 0, 255]),
    (Color::LightCyan, [0, 255, 255]),
    (Color::White, [255, 255, 255]),
];

/// The RGB value of a 256-colour index.
fn indexed_rgb(n: u8) -> [u8; 3] {
    match n {
        0..=15 => ANSI[usize::from(n)].1,
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            let n = n - 16;
            [level(n / 36), level((n / 6) % 6), level(n % 6)]
        }
        _ => {
            let v = 8 + (n - 232) * 10;
            [v, v, v]
        }
    }
}

/// The nearest of the 16 ANSI colours (named colours stay as they are).
pub fn ansi16(color: Color) -> Color {
    let rgb = match color {
        Color::Indexed(n) if n < 16 => return ANSI[usize::from(n)].0,
        Color::Indexed(n) => indexed_rgb(n),
        Color::Rgb(r, g, b) => [r, g, b],
        named => return named,
    };
    let distance = |c: [u8; 3]| -> u32 {
        rgb.iter()
            .zip(c)
            .map(|(&a, b)| {
                let d = u32::from(a.abs_diff(b));
                d * d
            })
            .sum()
    };
    ANSI.iter()
        .min_by_key(|(_, c)| distance(*c))
        .map_or(Color::Reset, |(named, _)| *named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_colours_are_the_nearest_ansi_ones() {
        assert_eq!(ansi16(Color::Indexed(236)), Color::Black);
        assert_eq!(ansi16(Color::Indexed(250)), Color::Gray);
        assert_eq!(ansi16(Color::Rgb(250, 10, 10)), Color::LightRed);
        assert_eq!(ansi16(Color::Indexed(9)), Color::LightRed);
        assert_eq!(ansi16(Color::Cyan), Color::Cyan);
        let t = Theme::dark().for_depth(Depth::Ansi16);
        assert_eq!(t.status_bar.bg, Some(Color::Black));
        assert_ne!(t.id, Theme::dark().id, "cached rows are made again");
    }

    #[test]
    fn no_color_sets_no_colour_anywhere_and_keeps_focus_and_matches_apart() {
        let mut t = Theme::no_color();
        let plain = Style::new();
        for name in Theme::STYLE_NAMES {
            let style = *t.style_mut(name).expect("named");
            assert_eq!((style.fg, style.bg), (None, None), "{name}");
        }
        assert_ne!(t.border_focused, t.border);
        assert_ne!(t.sidebar_selected, plain);
        assert_ne!(t.search_match, plain);
        assert_ne!(t.error, plain);
        assert_eq!(t.syntax, "");
    }
}
