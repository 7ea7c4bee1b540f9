//! The pager: a message's attachments over the screen, a page each. Documents' extracted
//! text is scrolled by lines (only the lines in view are cleaned and wrapped, whatever the
//! text's length); an image is drawn in the terminal's picture protocol once the runtime has
//! encoded it, or named with its size where pictures are not shown.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::state::AppState;
use crate::text::plain::sanitize;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let pager = &state.pager;
    let hints = crate::keymap::pager_hints(state).join(" · ");
    let of = if pager.pages() > 1 {
        format!("{} of {} · ", pager.page + 1, pager.pages())
    } else {
        String::new()
    };
    if let Some(image) = pager.image() {
        let popup = crate::layout::panes::pager_box(area, true);
        let title = format!(" {} ", crate::layout::transcript::image_chip(image));
        frame.render_widget(Clear, popup);
        let block = super::pane(true, theme)
            .title(Span::styled(title, theme.title))
            .title_bottom(Line::styled(
                format!(" {of}{} ", hints.trim()),
                theme.header_meta,
            ));
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        picture(state, frame, inner);
        return;
    }
    let popup = crate::layout::panes::pager_box(area, false);
    let rows = usize::from(popup.height.saturating_sub(2));
    let lines: Vec<Line> = pager
        .text
        .lines()
        .skip(pager.scroll)
        .take(rows)
        .map(|line| Line::from(sanitize(line)))
        .collect();
    let at = format!(
        " {of}line {} of {} · {} ",
        (pager.scroll + 1).min(pager.lines.max(1)),
        pager.lines,
        hints.trim()
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            super::pane(true, theme)
                .title(Span::styled(sanitize(&pager.title), theme.title))
                .title_bottom(Line::styled(at, theme.header_meta)),
        ),
        popup,
    );
}

/// The image's picture in the middle of `area`, or a line saying why there is none yet.
fn picture(state: &AppState, frame: &mut Frame, area: Rect) {
    let said = match (&state.pictures, &state.pager.picture) {
        (None, _) => "Pictures are not shown in this terminal. Set pictures = \"blocks\", \
                      \"kitty\", \"sixel\" or \"iterm2\" in the config file to draw them."
            .to_string(),
        (Some(_), Some(shown)) => match &shown.drawn {
            Some(Ok(picture)) => {
                let (width, height) = picture.size();
                let at = super::centered(area, width, height);
                frame.render_widget(picture, at);
                return;
            }
            Some(Err(why)) => format!("It cannot be shown: {}", sanitize(why)),
            None => "Drawing it…".to_string(),
        },
        (Some(_), None) => "Drawing it…".to_string(),
    };
    let middle = Rect {
        y: area.y + area.height / 2,
        height: (area.height - area.height / 2).min(3),
        ..area
    };
    frame.render_widget(
        Paragraph::new(said)
            .style(state.theme.header_meta)
            .centered()
            .wrap(Wrap { trim: true }),
        middle,
    );
}
