//! Every style the UI uses, as one value: views, the Markdown renderer and the transcript
//! layout take a `&Theme` (from `AppState::theme`) and never name a colour themselves. Only
//! `Theme::dark` exists today; a light or NO_COLOR theme is another constructor. A leaf: it
//! uses nothing of the crate.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Which theme this is; layouts cached with another one are made again.
    pub name: &'static str,
    pub accent: Style,
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub user_header: Style,
    pub assistant_header: Style,
    pub header_meta: Style,
    pub text: Style,
    pub reasoning_label: Style,
    pub reasoning: Style,
    pub reasoning_bar: Style,
    pub footer: Style,
    pub warning: Style,
    pub error: Style,
    pub notice: Style,
    pub placeholder: Style,
    pub more_below: Style,
    pub sidebar_item: Style,
    pub sidebar_active: Style,
    pub sidebar_selected: Style,
    pub sidebar_live: Style,
    pub status_bar: Style,
    pub status_model: Style,
    pub status_busy: Style,
    pub status_error: Style,
    pub status_hint: Style,
    pub search_match: Style,
    pub field: Style,
    pub cursor: Style,
    pub dialog: Style,
    pub help_key: Style,
    pub help_text: Style,
    pub emphasis: Style,
    pub strong: Style,
    pub strikethrough: Style,
    pub inline_code: Style,
    pub link: Style,
    pub link_url: Style,
    pub quote: Style,
    pub quote_bar: Style,
    pub list_marker: Style,
    pub task_done: Style,
    pub rule: Style,
    pub code: Style,
    pub code_frame: Style,
    pub table_border: Style,
    pub table_head: Style,
    pub focus_bar: Style,
    pub heading1: Style,
    pub heading2: Style,
    pub heading3: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

impl Theme {
    /// The palette for dark terminals, in the 16 colours every terminal has.
    pub fn dark() -> Theme {
        Theme {
            name: "dark",
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
