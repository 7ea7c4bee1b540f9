//! Images drawn in the terminal: Enter on a message with images opens the pager on them, a
//! page each; the picture for the page is asked of the runtime for the pager's box, kept
//! when it comes back for that image and box, asked again when the box changes, and named
//! with a way to turn pictures on where the terminal shows none.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::io::Cursor;

use kimi_tui::api::Image;
use kimi_tui::effect::Effect;
use kimi_tui::io::graphics::{self, Graphics, Kind};
use kimi_tui::msg::{ChatIntent, ComposerIntent, Msg, NavIntent, Report, TranscriptIntent};
use kimi_tui::state::{AppState, Overlay};
use kimi_tui::update::update;
use support::{T0, app};

const BLOCKS: Graphics = Graphics {
    kind: Kind::Blocks,
    cell: (1, 2),
};

/// Red above, blue below, with a white diagonal: half blocks show both halves of a cell.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        if x * height / width.max(1) == y {
            image::Rgb([255, 255, 255])
        } else if y < height / 2 {
            image::Rgb([200, 0, 0])
        } else {
            image::Rgb([0, 0, 200])
        }
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    out.into_inner()
}

fn shot(name: &str, width: u32, height: u32) -> Image {
    kimi_tui::io::image::from_bytes(name, png(width, height)).expect("image")
}

/// A state with a sent message carrying `images`, focused, on a `width`×`height` screen.
fn sent_with(images: Vec<Image>, width: u16, height: u16) -> AppState {
    let mut state = app();
    update(&mut state, Msg::Resize { width, height }, T0);
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("/image a.png".into())),
        T0,
    );
    let conversation = state.conversations.active_id();
    let line = state.input_text();
    update(
        &mut state,
        Msg::Report(Report::ImagesRead {
            conversation,
            line,
            images: images.into_iter().map(Ok).collect(),
        }),
        T0,
    );
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("What are these?".into())),
        T0,
    );
    update(&mut state, Msg::from(ChatIntent::Submit), T0);
    state.active_conversation_mut().focus = Some(0);
    state
}

fn open(state: &mut AppState) -> Vec<Effect> {
    update(state, Msg::from(TranscriptIntent::ToggleReasoning), T0)
}

/// The picture asked for: which image, for which box.
fn asked(effects: &[Effect]) -> Option<(String, (u16, u16))> {
    effects.iter().find_map(|e| match e {
        Effect::DrawPicture { hash, cells, .. } => Some((hash.clone(), *cells)),
        _ => None,
    })
}

/// Runs the drawing the runtime would run for `effects`, and reports it.
fn draw_for(state: &mut AppState, effects: &[Effect]) {
    for effect in effects {
        if let Effect::DrawPicture {
            graphics,
            hash,
            data,
            cells,
        } = effect
        {
            let result = graphics::draw(*graphics, data, *cells, graphics::id_of(hash));
            update(
                state,
                Msg::Report(Report::PictureDrawn {
                    hash: hash.clone(),
                    cells: *cells,
                    result,
                }),
                T0,
            );
        }
    }
}

fn screen(state: &mut AppState) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let (width, height) = (state.width, state.height);
    support::draw(state, width, height)
}

#[test]
fn enter_draws_each_image_a_page_at_a_time() {
    let (a, b) = (shot("a.png", 120, 60), shot("b.png", 40, 80));
    let mut state = sent_with(vec![a.clone(), b.clone()], 80, 24);
    state.pictures = Some(BLOCKS);
    let effects = open(&mut state);
    assert_eq!(state.overlay, Some(Overlay::Pager));
    let cells = kimi_tui::layout::panes::picture_cells(80, 24);
    assert_eq!(cells, (74, 20));
    assert_eq!(asked(&effects), Some((a.hash.clone(), cells)));
    // Until it comes back, the page says so.
    assert!(support::screen_text(screen(&mut state).backend().buffer()).contains("Drawing it…"));
    draw_for(&mut state, &effects);
    let terminal = screen(&mut state);
    insta::assert_snapshot!("pager_picture_blocks_80x24", terminal.backend());
    // The cells carry the image's colours: red above the middle, blue below.
    let buffer = terminal.backend().buffer();
    let (top, bottom) = (&buffer[(70, 4)], &buffer[(10, 19)]);
    assert_eq!(
        (top.fg, top.bg),
        (
            ratatui::style::Color::Rgb(200, 0, 0),
            ratatui::style::Color::Rgb(200, 0, 0)
        )
    );
    assert_eq!(bottom.bg, ratatui::style::Color::Rgb(0, 0, 200));
    // The next page: the other image, asked for; the first one's late answer is not kept.
    let effects = update(&mut state, Msg::from(NavIntent::PagerPage(true)), T0);
    assert_eq!(asked(&effects), Some((b.hash.clone(), cells)));
    let text = support::screen_text(screen(&mut state).backend().buffer());
    assert!(
        text.contains("b.png · 40×80") && text.contains("2 of 2"),
        "{text}"
    );
    // The border and the status bar name only the keys that do something here.
    assert!(
        text.contains("← back") && !text.contains("→ next") && !text.contains("PgDn"),
        "{text}"
    );
    // At the end, the next page stays.
    assert!(update(&mut state, Msg::from(NavIntent::PagerPage(true)), T0).is_empty());
    draw_for(&mut state, &effects);
    let picture = state.pager.picture.clone().expect("asked");
    assert!(matches!(picture.drawn, Some(Ok(_))));
    // A tall image keeps its shape: 40×80 pixels in 1×2 cells is as many rows as columns,
    // bound by the box's 20 rows.
    if let Some(Ok(drawn)) = &picture.drawn {
        assert_eq!(drawn.size(), (20, 20));
    }
    // Back, and the screen shrinks: asked again for the new box; an answer for the old box
    // is dropped.
    let back = update(&mut state, Msg::from(NavIntent::PagerPage(false)), T0);
    assert_eq!(asked(&back), Some((a.hash.clone(), cells)));
    let resized = update(
        &mut state,
        Msg::Resize {
            width: 60,
            height: 20,
        },
        T0,
    );
    let small = kimi_tui::layout::panes::picture_cells(60, 20);
    assert_eq!(asked(&resized), Some((a.hash.clone(), small)));
    draw_for(&mut state, &back);
    assert_eq!(
        state.pager.picture.as_ref().map(|p| p.drawn.is_none()),
        Some(true),
        "a picture for the old box is not kept"
    );
    draw_for(&mut state, &resized);
    assert!(matches!(
        state.pager.picture.as_ref().and_then(|p| p.drawn.as_ref()),
        Some(Ok(_))
    ));
    // Closing lets the picture go.
    update(&mut state, Msg::from(NavIntent::CloseOverlay), T0);
    assert_eq!(state.overlay, None);
    assert!(state.pager.picture.is_none() && state.pager.images.is_empty());
}

#[test]
fn without_pictures_the_image_is_named_with_how_to_turn_them_on() {
    let mut state = sent_with(vec![shot("a.png", 64, 48)], 80, 24);
    state.pictures = None;
    let effects = open(&mut state);
    assert_eq!(asked(&effects), None);
    let terminal = screen(&mut state);
    insta::assert_snapshot!("pager_picture_off_80x24", terminal.backend());
    let text = support::screen_text(terminal.backend().buffer());
    assert!(text.contains("a.png · 64×48"), "{text}");
    assert!(text.contains("Pictures are not shown"), "{text}");
}

#[test]
fn an_image_that_cannot_be_drawn_says_why() {
    let mut state = sent_with(vec![shot("a.png", 64, 48)], 80, 24);
    state.pictures = Some(BLOCKS);
    let effects = open(&mut state);
    let (hash, cells) = asked(&effects).expect("asked");
    update(
        &mut state,
        Msg::Report(Report::PictureDrawn {
            hash,
            cells,
            result: Err("cannot decode it: truncated".into()),
        }),
        T0,
    );
    let text = support::screen_text(screen(&mut state).backend().buffer());
    assert!(
        text.contains("It cannot be shown: cannot decode it: truncated"),
        "{text}"
    );
}

#[test]
fn documents_come_first_then_each_image() {
    let mut state = sent_with(vec![shot("a.png", 64, 48)], 80, 24);
    state.pictures = Some(BLOCKS);
    state.active_conversation_mut().messages[0]
        .documents
        .push(kimi_tui::api::Document {
            name: "notes.pdf".into(),
            bytes: 2048,
            file_id: "file-1".into(),
            text: "the notes' text".into(),
            tokens: Some(4),
        });
    let effects = open(&mut state);
    // The text page first: nothing to draw yet.
    assert_eq!(asked(&effects), None);
    let text = support::screen_text(screen(&mut state).backend().buffer());
    assert!(
        text.contains("the notes' text") && text.contains("1 of 2"),
        "{text}"
    );
    assert!(text.contains("→ next"), "{text}");
    let effects = update(&mut state, Msg::from(NavIntent::PagerPage(true)), T0);
    assert!(asked(&effects).is_some());
    let text = support::screen_text(screen(&mut state).backend().buffer());
    assert!(
        text.contains("a.png · 64×48") && text.contains("2 of 2"),
        "{text}"
    );
}
