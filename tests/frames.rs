//! Frames drawn with the transcript's and the sidebar's cells from the last frame
//! (`text::cells`) are the frames drawn afresh, whatever changed in between: a delta, a
//! scroll, a resize, focus, a fold, a theme, a branch, an edit, the clock. And when following
//! the end, the pane shows the conversation's last row at its bottom.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::AppState;
use kimi_tui::api::StreamEvent;
use kimi_tui::msg::{
    ChatIntent, ComposerIntent, Focus, Msg, NavIntent, ScrollCmd, Step, TranscriptIntent,
};
use kimi_tui::update::update;
use ratatui::buffer::Buffer;
use support::{T0, app, draw, feed, send};

/// Draws with the cache as the last frame left it, then afresh; both must be the same.
fn same_as_fresh(state: &mut AppState, size: (u16, u16), what: &str) -> Buffer {
    let warm = draw(state, size.0, size.1).backend().buffer().clone();
    state.transcript_cells.clear();
    state.sidebar_cells.clear();
    let cold = draw(state, size.0, size.1).backend().buffer().clone();
    assert_eq!(
        warm, cold,
        "after {what}, the cached frame differs from a fresh one"
    );
    warm
}

fn press(state: &mut AppState, msg: impl Into<Msg>) {
    update(state, msg.into(), state.now);
}

fn started(effects: Vec<kimi_tui::effect::Effect>) -> kimi_tui::ids::StreamId {
    effects
        .into_iter()
        .find_map(|e| match e {
            kimi_tui::effect::Effect::StartStream { stream, .. } => Some(stream),
            _ => None,
        })
        .expect("a stream starts")
}

fn reply(n: usize) -> String {
    (0..n)
        .map(|i| format!("Paragraph {i} of the reply, with `code` and **bold** words in it.\n\n"))
        .collect()
}

#[test]
fn a_frame_from_the_cache_is_the_frame_drawn_afresh() {
    let size = (100, 30);
    let mut state = app();
    let stream = send(&mut state, "first question", T0).expect("stream");
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Reasoning("Thinking it over.\nStep two.".into()),
            StreamEvent::Content(reply(20)),
            StreamEvent::Done,
        ],
        T0 + 1,
    );
    same_as_fresh(&mut state, size, "a reply");

    // Typing draws the transcript from the cache…
    let hits = state.transcript_cells.hits();
    let key = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('x'));
    press(&mut state, ComposerIntent::Key(key));
    draw(&mut state, size.0, size.1);
    assert!(
        state.transcript_cells.hits() > hits,
        "typing redrew the transcript instead of reusing its cells"
    );
    press(&mut state, ComposerIntent::Key(key));
    same_as_fresh(&mut state, size, "a key");

    // …and everything the transcript shows makes a new frame.
    press(&mut state, ComposerIntent::Paste("second".into()));
    let stream = started(update(&mut state, Msg::from(ChatIntent::Submit), T0 + 2));
    same_as_fresh(&mut state, size, "sending");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content("A delta".into())],
        T0 + 3,
    );
    same_as_fresh(&mut state, size, "a delta");
    feed(
        &mut state,
        stream,
        vec![StreamEvent::Content(" more".into())],
        T0 + 3,
    );
    same_as_fresh(&mut state, size, "another delta");
    state.now = T0 + 500;
    same_as_fresh(&mut state, size, "the spinner's clock");
    feed(&mut state, stream, vec![StreamEvent::Done], T0 + 4);
    same_as_fresh(&mut state, size, "the end of a reply");

    press(&mut state, NavIntent::Scroll(ScrollCmd::PageUp));
    same_as_fresh(&mut state, size, "a scroll");
    press(&mut state, NavIntent::Scroll(ScrollCmd::Bottom));
    same_as_fresh(&mut state, size, "a scroll to the end");
    same_as_fresh(&mut state, (80, 30), "a narrower terminal");
    same_as_fresh(&mut state, (80, 20), "a shorter terminal");
    press(&mut state, NavIntent::ToggleSidebar);
    same_as_fresh(&mut state, size, "the sidebar hidden");

    press(&mut state, NavIntent::SetFocus(Focus::Scrollback));
    same_as_fresh(&mut state, size, "focus on the scrollback");
    for _ in 0..2 {
        press(&mut state, TranscriptIntent::FocusMessage(Step::Up));
        same_as_fresh(&mut state, size, "the outline moving");
    }
    press(&mut state, TranscriptIntent::FocusMessage(Step::Up));
    press(&mut state, TranscriptIntent::ToggleReasoning);
    same_as_fresh(&mut state, size, "a fold");

    state.set_theme(kimi_tui::theme::Theme::light());
    same_as_fresh(&mut state, size, "a theme");

    // A new version of the last reply, then back to the first.
    let stream = started(update(
        &mut state,
        Msg::from(ChatIntent::Regenerate),
        T0 + 5,
    ));
    feed(
        &mut state,
        stream,
        vec![
            StreamEvent::Content("Another answer".into()),
            StreamEvent::Done,
        ],
        T0 + 6,
    );
    same_as_fresh(&mut state, size, "a new version");
    press(&mut state, NavIntent::SetFocus(Focus::Scrollback));
    press(&mut state, TranscriptIntent::PrevVersion);
    same_as_fresh(&mut state, size, "a branch switch");

    press(&mut state, TranscriptIntent::FocusMessage(Step::Up));
    press(&mut state, TranscriptIntent::Edit);
    same_as_fresh(&mut state, size, "an edit");
}

#[test]
fn following_the_end_shows_the_last_row_at_the_bottom_with_no_blank_rows_above() {
    for lines in [1, 3, 10, 60] {
        let mut state = app();
        let stream = send(&mut state, "go", T0).expect("stream");
        let text: String = (0..lines).map(|i| format!("line {i}\n\n")).collect();
        // Deltas of every size, a frame after each.
        for piece in text.as_bytes().chunks(7) {
            let piece = String::from_utf8_lossy(piece).into_owned();
            feed(
                &mut state,
                stream,
                vec![StreamEvent::Content(piece)],
                T0 + 1,
            );
            draw(&mut state, 100, 30);
        }
        feed(&mut state, stream, vec![StreamEvent::Done], T0 + 2);
        let terminal = draw(&mut state, 100, 30);
        let screen: Vec<String> = (0..30)
            .map(|y| {
                (0..100)
                    .map(|x| terminal.backend().buffer()[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect();
        let last = format!("line {}", lines - 1);
        let at = screen
            .iter()
            .position(|row| row.contains(&last))
            .unwrap_or_else(|| {
                panic!(
                    "{lines} lines: the last one is not on screen:\n{}",
                    screen.join("\n")
                )
            });
        let shown = screen.join("\n");
        // The transcript pane's bottom border: the first row with a corner after the top.
        let bottom = screen
            .iter()
            .skip(1)
            .position(|row| row.contains("╰──"))
            .map_or(0, |p| p + 1);
        if lines <= 10 {
            // It fits: shown from its top, the question first.
            assert!(
                screen[1].contains("You"),
                "{lines} lines: not from the top:\n{shown}"
            );
        } else {
            // It does not fit: its last row sits at the bottom (one blank row of spacing
            // under a reply at most).
            assert!(
                bottom.saturating_sub(at) <= 2,
                "{lines} lines: blank rows under the last one:\n{shown}"
            );
        }
    }
}
