//! Every style the UI uses, in one place, so themes (light, high contrast, NO_COLOR) can
//! replace this table later without touching the views.

use ratatui::style::{Color, Modifier, Style};

pub fn accent() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn border() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn border_focused() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn user_header() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}
pub fn assistant_header() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn header_meta() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn text() -> Style {
    Style::new()
}
pub fn reasoning_label() -> Style {
    Style::new()
        .fg(Color::Magenta)
        .add_modifier(Modifier::ITALIC)
}
pub fn reasoning() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::ITALIC)
}
pub fn reasoning_bar() -> Style {
    Style::new().fg(Color::Magenta).add_modifier(Modifier::DIM)
}
pub fn footer() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn warning() -> Style {
    Style::new().fg(Color::Yellow)
}
pub fn error() -> Style {
    Style::new().fg(Color::Red)
}
pub fn notice() -> Style {
    Style::new().fg(Color::Yellow)
}
pub fn placeholder() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn more_below() -> Style {
    Style::new().fg(Color::Black).bg(Color::Cyan)
}
pub fn sidebar_item() -> Style {
    Style::new()
}
pub fn sidebar_active() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn sidebar_selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
pub fn sidebar_live() -> Style {
    Style::new().fg(Color::Green)
}
pub fn status_bar() -> Style {
    Style::new().bg(Color::Indexed(236)).fg(Color::Gray)
}
pub fn status_model() -> Style {
    Style::new()
        .bg(Color::Cyan)
        .fg(Color::Black)
        .add_modifier(Modifier::BOLD)
}
pub fn status_busy() -> Style {
    Style::new().bg(Color::Indexed(236)).fg(Color::Yellow)
}
pub fn status_error() -> Style {
    Style::new().bg(Color::Red).fg(Color::White)
}
pub fn status_hint() -> Style {
    Style::new().bg(Color::Indexed(236)).fg(Color::DarkGray)
}
pub fn search_match() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}
pub fn field() -> Style {
    Style::new().fg(Color::White)
}
pub fn cursor() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
pub fn dialog() -> Style {
    Style::new()
}
pub fn help_key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn help_text() -> Style {
    Style::new()
}
pub fn heading(level: u8) -> Style {
    match level {
        1 => Style::new()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        2 => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        _ => Style::new().add_modifier(Modifier::BOLD),
    }
}
pub fn emphasis() -> Style {
    Style::new().add_modifier(Modifier::ITALIC)
}
pub fn strong() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn strikethrough() -> Style {
    Style::new().add_modifier(Modifier::CROSSED_OUT)
}
pub fn inline_code() -> Style {
    Style::new().fg(Color::Yellow)
}
pub fn link() -> Style {
    Style::new()
        .fg(Color::Blue)
        .add_modifier(Modifier::UNDERLINED)
}
pub fn link_url() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn quote() -> Style {
    Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC)
}
pub fn quote_bar() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn list_marker() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn task_done() -> Style {
    Style::new().fg(Color::Green)
}
pub fn rule() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn code() -> Style {
    Style::new().fg(Color::Gray)
}
pub fn code_frame() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn table_border() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn table_head() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn focus_bar() -> Style {
    Style::new().fg(Color::Cyan)
}
