//! Images (`/image`): read and sniffed, on the input box, sent as content parts with data
//! URLs (never a JSON string), the model asked about first when it does not read images,
//! kept once per hash in the store, and in exports.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use std::io::Cursor;

use kimi_tui::api::Image;
use kimi_tui::effect::Effect;
use kimi_tui::msg::{ChatIntent, ComposerIntent, ImagesChoice, Msg, Report};
use kimi_tui::state::{AppState, Dialog};
use kimi_tui::update::update;
use support::mock_kimi::{MockKimi, Reply};
use support::{T0, app};

fn png(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        width,
        height,
        image::Rgb([shade, 0, 0]),
    ))
    .write_to(&mut out, image::ImageFormat::Png)
    .expect("encode");
    out.into_inner()
}

fn shot(name: &str, shade: u8) -> Image {
    kimi_tui::io::image::from_bytes(name, png(64, 48, shade)).expect("image")
}

fn read(state: &mut AppState, images: Vec<Result<Image, String>>) {
    let conversation = state.conversations.active_id();
    let line = state.input_text();
    update(
        state,
        Msg::Report(Report::ImagesRead {
            conversation,
            line,
            images,
        }),
        T0,
    );
}

fn type_line(state: &mut AppState, text: &str) {
    update(state, Msg::from(ComposerIntent::Paste(text.into())), T0);
}

fn request_of(effects: &[Effect]) -> Option<serde_json::Value> {
    effects.iter().find_map(|e| match e {
        Effect::StartStream { request, .. } => serde_json::to_value(request).ok(),
        _ => None,
    })
}

#[test]
fn an_image_goes_as_content_parts_with_a_data_url() {
    let mut state = app();
    type_line(&mut state, "/image shot.png");
    read(
        &mut state,
        vec![
            Ok(shot("shot.png", 10)),
            Err("x.txt: not a PNG, JPEG, WebP or GIF image.".into()),
        ],
    );
    assert_eq!(state.input_text(), "");
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("x.txt: not a PNG")
    );
    type_line(&mut state, "What is in it?");
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let body = request_of(&effects).expect("sent");
    let last = body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .cloned()
        .expect("last");
    assert_eq!(last["role"], "user");
    let parts = last["content"]
        .as_array()
        .expect("an array, never a string");
    assert_eq!(
        parts[0],
        serde_json::json!({"type": "text", "text": "What is in it?"})
    );
    assert_eq!(parts[1]["type"], "image_url");
    let url = parts[1]["image_url"]["url"].as_str().unwrap_or_default();
    assert!(
        url.starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{url:.40}"
    );
    // The message keeps it, shown with its size.
    let conv = state.active_conversation();
    assert_eq!(conv.messages[0].images.len(), 1);
    assert!(conv.images.is_empty());
    let screen = format!("{:?}", support::draw(&mut state, 100, 20).backend());
    assert!(screen.contains("shot.png · 64×48"), "{screen}");
}

#[test]
fn a_model_that_does_not_read_images_is_asked_about_first() {
    for (choice, sent_model, sent_images) in [
        (ImagesChoice::Switch, Some("kimi-k2.6"), 1),
        (ImagesChoice::Drop, Some("kimi-k2.7-code"), 0),
        (ImagesChoice::Cancel, None, 0),
    ] {
        let mut state = app();
        state.active_conversation_mut().model = "kimi-k2.7-code".into();
        read(&mut state, vec![Ok(shot("a.png", 1))]);
        assert!(
            state
                .flash
                .as_deref()
                .unwrap_or_default()
                .contains("does not read images"),
            "{:?}",
            state.flash
        );
        type_line(&mut state, "look");
        assert!(update(&mut state, Msg::from(ChatIntent::Submit), T0).is_empty());
        assert!(matches!(
            &state.dialog,
            Some(Dialog::ImagesNeedModel { instead: Some(m), .. }) if m == "kimi-k2.6"
        ));
        let effects = update(&mut state, Msg::from(ChatIntent::Images(choice)), T0);
        assert!(state.dialog.is_none());
        let body = request_of(&effects);
        assert_eq!(
            body.as_ref().and_then(|b| b["model"].as_str()),
            sent_model,
            "{choice:?}"
        );
        if let Some(body) = body {
            let images = body["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m["content"].as_array())
                .flatten()
                .filter(|p| p["type"] == "image_url")
                .count();
            assert_eq!(images, sent_images, "{choice:?}");
        } else {
            assert_eq!(state.input_text(), "look", "back: the message stays");
            assert_eq!(state.active_conversation().images.len(), 1);
        }
    }
}

#[test]
fn images_come_off_with_backspace_before_documents() {
    let mut state = app();
    read(&mut state, vec![Ok(shot("a.png", 1)), Ok(shot("b.png", 2))]);
    let backspace = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Backspace);
    update(&mut state, Msg::from(ComposerIntent::Key(backspace)), T0);
    let names: Vec<String> = state
        .active_conversation()
        .images
        .iter()
        .map(|i| i.name.clone())
        .collect();
    assert_eq!(names, ["a.png"]);
    type_line(&mut state, "/detach");
    update(&mut state, Msg::from(ChatIntent::Submit), T0);
    assert!(state.active_conversation().images.is_empty());
    assert_eq!(
        state.flash.as_deref(),
        Some("Removed from the message: a.png.")
    );
}

#[test]
fn the_store_keeps_each_image_once_and_drops_it_with_its_last_message() {
    use kimi_tui::io::store::Store;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("c.sqlite3");
    let store = Store::open(&path).expect("open");
    let mut state = app();
    let mut first_conv = None;
    for round in 0..2 {
        if round == 1 {
            update(
                &mut state,
                Msg::from(kimi_tui::msg::NavIntent::NewConversation),
                T0,
            );
        }
        read(&mut state, vec![Ok(shot("same.png", 7))]);
        type_line(&mut state, "again");
        for effect in update(&mut state, Msg::from(ChatIntent::Submit), T0) {
            match effect {
                Effect::SaveConversation(meta) => store.save_conversation(&meta).expect("conv"),
                Effect::SaveMessage(record) => store.save_message(&record).expect("msg"),
                _ => {}
            }
        }
        first_conv.get_or_insert(state.conversations.active_id());
    }
    let rows = |sql: &str| -> i64 {
        rusqlite::Connection::open(&path)
            .and_then(|c| c.query_row(sql, [], |r| r.get(0)))
            .expect(sql)
    };
    assert_eq!(rows("SELECT COUNT(*) FROM images"), 1, "once per hash");
    let id = state.conversations.active_id();
    let back = store.load(id).expect("load");
    assert_eq!(back[0].images.len(), 1);
    assert_eq!(back[0].images[0], shot("same.png", 7), "with its bytes");
    store.delete_conversation(id).expect("delete");
    assert_eq!(
        rows("SELECT COUNT(*) FROM images"),
        1,
        "still named by the other"
    );
    store
        .delete_conversation(first_conv.expect("first"))
        .expect("delete");
    assert_eq!(rows("SELECT COUNT(*) FROM images"), 0, "gone with the last");
}

#[test]
fn an_exported_image_imports_back_with_its_bytes() {
    let mut state = app();
    read(&mut state, vec![Ok(shot("a.png", 3))]);
    type_line(&mut state, "see");
    update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let json = kimi_tui::export::to_json(state.active_conversation(), "kimi-k2.6");
    assert!(json.contains("data:image/png;base64,"));
    let markdown = kimi_tui::export::to_markdown(state.active_conversation(), "kimi-k2.6");
    assert!(markdown.contains("📷 **a.png** (64×48"), "{markdown}");
    let imported = kimi_tui::import::parse(&json).expect("import");
    let images = &imported[0].messages[0].images;
    assert_eq!(images.len(), 1);
    assert_eq!(images[0], shot("a.png", 3));
}

/// The real binary: `/image`, what the mock received, and the image sent again after a
/// restart (read back from the store).
#[test]
fn image_end_to_end_with_a_restart() {
    let mock = MockKimi::start();
    mock.push(Reply::text(&["A red square."]));
    mock.push(Reply::text(&["Still red."]));
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("red.png"), png(3000, 1500, 200)).expect("write");
    let app = support::app::App::start(&mock, dir.path());
    app.paste(&format!("/image {}", dir.path().join("red.png").display()));
    app.press("Enter");
    app.wait_for("red.png is 3000×1500: sent at 2048×1024.");
    app.paste("What is it?");
    app.press("Enter");
    app.wait_for("A red square.");
    let sent = mock
        .requests()
        .last()
        .map(support::mock_kimi::Recorded::images)
        .unwrap_or_default();
    let urls: Vec<&String> = sent.iter().flatten().collect();
    assert_eq!(urls.len(), 1);
    assert!(urls[0].starts_with("data:image/png;base64,"));
    drop(app);
    let app = support::app::App::start(&mock, dir.path());
    app.wait_for("red.png · 2048×1024");
    app.paste("And now?");
    app.press("Enter");
    app.wait_for("Still red.");
    let again = mock
        .requests()
        .last()
        .map(support::mock_kimi::Recorded::images)
        .unwrap_or_default();
    assert_eq!(again.iter().flatten().collect::<Vec<_>>(), urls);
}

#[test]
fn ctrl_v_asks_for_the_clipboards_image_and_a_failure_is_said() {
    let mut state = app();
    let conversation = state.conversations.active_id();
    let effects = update(&mut state, Msg::from(ComposerIntent::PasteImage), T0);
    assert_eq!(effects, [Effect::PasteImage { conversation }]);
    // Over SSH there is no clipboard to read: said, nothing attached.
    read(
        &mut state,
        vec![Err("Not pasted: there is no clipboard here (over SSH it is the other machine's): drop the file on the terminal, or /image its path.".into())],
    );
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .starts_with("Not pasted: there is no clipboard")
    );
    assert!(state.active_conversation().images.is_empty());
    // A screenshot: attached, the text typed so far kept.
    type_line(&mut state, "what is this");
    let pixels = kimi_tui::io::image::from_rgba("clipboard.png", 2, 2, vec![9; 16]).expect("rgba");
    let conversation = state.conversations.active_id();
    update(
        &mut state,
        Msg::Report(Report::ImagesRead {
            conversation,
            line: String::new(),
            images: vec![Ok(pixels)],
        }),
        T0,
    );
    assert_eq!(state.input_text(), "what is this");
    assert_eq!(state.active_conversation().images.len(), 1);
}
