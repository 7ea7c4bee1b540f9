//! Documents attached with `/attach` (uploaded for Kimi's extraction) and `/files`, as the
//! reducer sees them: chips on the input box, what a request carries, Backspace and
//! `/detach`, editing a message that had documents, the account's files; and what the store
//! keeps of them.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::api::{Document, FileInfo};
use kimi_tui::effect::Effect;
use kimi_tui::io::attach::Read;
use kimi_tui::msg::{ChatIntent, ComposerIntent, FilesIntent, Msg, Report};
use kimi_tui::state::{AppState, Dialog, Overlay};
use kimi_tui::update::update;
use support::{T0, app};

fn doc(name: &str, text: &str) -> Document {
    Document {
        name: name.into(),
        bytes: 38 * 1024,
        file_id: format!("file_{name}"),
        text: text.into(),
        tokens: None,
    }
}

/// `/attach` read `files`; returns the uploads it started (id, name).
fn attach(state: &mut AppState, files: Vec<Result<Read, String>>) -> Vec<(u64, String)> {
    let conversation = state.conversations.active_id();
    let line = state.input_text();
    update(
        state,
        Msg::Report(Report::Attached {
            conversation,
            line,
            files,
        }),
        T0,
    )
    .into_iter()
    .filter_map(|e| match e {
        Effect::UploadDocument { upload, name, .. } => Some((upload, name)),
        _ => None,
    })
    .collect()
}

fn pdf(name: &str) -> Result<Read, String> {
    Ok(Read::Document {
        path: std::path::PathBuf::from(format!("/tmp/{name}")),
        name: name.into(),
        bytes: 38 * 1024,
        text: false,
    })
}

/// Upload `upload` ended with `document`; returns what the reducer asked for.
fn uploaded(state: &mut AppState, upload: u64, document: Document) -> Vec<Effect> {
    update(
        state,
        Msg::Report(Report::Uploaded {
            upload,
            result: Ok(document),
        }),
        T0,
    )
}

fn type_line(state: &mut AppState, text: &str) {
    update(state, Msg::from(ComposerIntent::Paste(text.into())), T0);
}

fn submit(state: &mut AppState) -> Vec<Effect> {
    update(state, Msg::from(ChatIntent::Submit), T0)
}

/// The screen's text, wide characters once.
fn chips(state: &mut AppState) -> String {
    let terminal = support::draw(state, 100, 20);
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            text.push_str(symbol);
            x += u16::try_from(unicode_width::UnicodeWidthStr::width(symbol).max(1)).unwrap_or(1);
        }
        text.push('\n');
    }
    text
}

#[test]
fn a_document_uploads_waits_on_the_box_and_goes_before_its_message() {
    let mut state = app();
    type_line(&mut state, "/attach report.pdf");
    let uploads = attach(&mut state, vec![pdf("report.pdf")]);
    assert_eq!(uploads.len(), 1);
    let (upload, _) = uploads[0].clone();
    assert_eq!(state.input_text(), "", "the /attach line leaves the box");
    update(
        &mut state,
        Msg::Report(Report::UploadProgress {
            upload,
            sent: 19 * 1024,
            total: 38 * 1024,
        }),
        T0,
    );
    assert!(chips(&mut state).contains("⇡ report.pdf 50%"));
    // Sending while it uploads: refused, the text kept.
    type_line(&mut state, "summarize it");
    assert!(submit(&mut state).is_empty());
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("report.pdf is still uploading (50%)"),
        "{:?}",
        state.flash
    );
    assert_eq!(state.input_text(), "summarize it");
    let text = r#"{"content":"The report says 42.","type":"file"}"#;
    update(
        &mut state,
        Msg::Report(Report::Uploaded {
            upload,
            result: Ok(doc("report.pdf", text)),
        }),
        T0,
    );
    assert!(chips(&mut state).contains("📎 report.pdf · 38 KB · ~"));
    let effects = submit(&mut state);
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request.clone()),
            _ => None,
        })
        .expect("sent");
    let roles: Vec<(&str, &str)> = request
        .messages
        .iter()
        .map(|m| (m.role.as_str(), m.content.as_str()))
        .collect();
    assert_eq!(
        roles.last_chunk::<2>(),
        Some(&[("system", text), ("user", "summarize it")])
    );
    // The message keeps it: saved with it, shown on it, sent again with it next turn.
    let saved = effects
        .iter()
        .find_map(|e| match e {
            Effect::SaveMessage(r) if r.role == kimi_tui::io::store::records::Role::User => {
                Some(r.documents.clone())
            }
            _ => None,
        })
        .expect("saved");
    assert!(saved.contains("file_report.pdf"), "{saved}");
    assert!(state.active_conversation().documents.is_empty());
    let screen = chips(&mut state);
    assert!(screen.contains("📎 report.pdf"), "{screen}");
    let conv = state.active_conversation();
    let next = kimi_tui::update::build_request(conv, &state.settings, &state.models);
    assert!(
        next.messages
            .iter()
            .any(|m| m.role == "system" && m.content == text)
    );
}

#[test]
fn a_failed_or_too_long_document_is_said_and_leaves_nothing_behind() {
    let mut state = app();
    state.models = vec![kimi_tui::catalog::ModelInfo {
        id: state.active_conversation().model.clone(),
        context_length: Some(1000),
        ..kimi_tui::catalog::ModelInfo::default()
    }];
    let uploads = attach(
        &mut state,
        vec![
            pdf("big.pdf"),
            pdf("bad.pdf"),
            Err("x.zip is a zip archive".into()),
        ],
    );
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("x.zip is a zip archive")
    );
    let effects = update(
        &mut state,
        Msg::Report(Report::Uploaded {
            upload: uploads[0].0,
            result: Ok(doc("big.pdf", &"word ".repeat(5000))),
        }),
        T0,
    );
    assert_eq!(effects, [Effect::DeleteFiles(vec!["file_big.pdf".into()])]);
    let flash = state.flash.clone().unwrap_or_default();
    assert!(
        flash.contains("big.pdf was not attached: its text is ~"),
        "{flash}"
    );
    assert!(flash.contains("more than"), "{flash}");
    update(
        &mut state,
        Msg::Report(Report::Uploaded {
            upload: uploads[1].0,
            result: Err("the API could not extract bad.pdf: the file is broken".into()),
        }),
        T0,
    );
    assert_eq!(
        state.flash.as_deref(),
        Some("Not attached: the API could not extract bad.pdf: the file is broken")
    );
    assert!(state.active_conversation().documents.is_empty());
}

#[test]
fn documents_need_kimi_and_come_off_with_backspace_or_detach() {
    let mut state = app();
    state.settings.kimi_fields = false;
    assert!(attach(&mut state, vec![pdf("a.pdf")]).is_empty());
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("not Kimi")
    );
    state.settings.kimi_fields = true;
    let uploads = attach(&mut state, vec![pdf("a.pdf"), pdf("b.pdf")]);
    for (upload, name) in &uploads {
        uploaded(&mut state, *upload, doc(name, "text"));
    }
    // Backspace in the empty box takes off the last, and deletes its file.
    let backspace = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Backspace);
    let effects = update(&mut state, Msg::from(ComposerIntent::Key(backspace)), T0);
    assert_eq!(effects, [Effect::DeleteFiles(vec!["file_b.pdf".into()])]);
    assert_eq!(state.active_conversation().documents.len(), 1);
    // With text in the box, Backspace edits the text.
    type_line(&mut state, "ab");
    update(&mut state, Msg::from(ComposerIntent::Key(backspace)), T0);
    assert_eq!(state.input_text(), "a");
    assert_eq!(state.active_conversation().documents.len(), 1);
    update(&mut state, Msg::from(ComposerIntent::Key(backspace)), T0);
    type_line(&mut state, "/detach");
    let effects = submit(&mut state);
    assert_eq!(effects, [Effect::DeleteFiles(vec!["file_a.pdf".into()])]);
    assert!(state.active_conversation().documents.is_empty());
    // An upload whose chip was taken off while it went: its file is deleted when it ends.
    let late = attach(&mut state, vec![pdf("c.pdf")]);
    update(&mut state, Msg::from(ComposerIntent::Key(backspace)), T0);
    let effects = update(
        &mut state,
        Msg::Report(Report::Uploaded {
            upload: late[0].0,
            result: Ok(doc("c.pdf", "text")),
        }),
        T0,
    );
    assert_eq!(effects, [Effect::DeleteFiles(vec!["file_c.pdf".into()])]);
}

#[test]
fn editing_a_message_brings_its_documents_and_esc_puts_back_the_others() {
    let mut state = app();
    let up = attach(&mut state, vec![pdf("a.pdf")]);
    uploaded(&mut state, up[0].0, doc("a.pdf", "alpha"));
    type_line(&mut state, "first");
    let stream = submit(&mut state)
        .into_iter()
        .find_map(|e| match e {
            Effect::StartStream { stream, .. } => Some(stream),
            _ => None,
        })
        .expect("sent");
    update(
        &mut state,
        Msg::Report(Report::Stream {
            stream,
            event: kimi_tui::api::StreamEvent::Done,
        }),
        T0,
    );
    // Something attached for the next message, then the first one edited.
    let next = attach(&mut state, vec![pdf("b.pdf")]);
    uploaded(&mut state, next[0].0, doc("b.pdf", "beta"));
    state.active_conversation_mut().focus = Some(0);
    update(
        &mut state,
        Msg::from(kimi_tui::msg::TranscriptIntent::Edit),
        T0,
    );
    let names = |state: &AppState| -> Vec<String> {
        state
            .active_conversation()
            .documents
            .iter()
            .map(|d| d.name.clone())
            .collect()
    };
    assert_eq!(state.input_text(), "first");
    assert_eq!(names(&state), ["a.pdf"]);
    update(&mut state, Msg::from(ComposerIntent::CancelEdit), T0);
    assert_eq!(names(&state), ["b.pdf"]);
}

fn file(id: &str, name: &str, at: u64) -> FileInfo {
    FileInfo {
        id: id.into(),
        filename: name.into(),
        bytes: 2048,
        created_at: at,
        purpose: "file-extract".into(),
        status: "ok".into(),
        status_details: String::new(),
    }
}

#[test]
fn files_lists_the_account_and_deletes_one_or_kimi_tuis() {
    let mut state = app();
    type_line(&mut state, "/files");
    assert_eq!(submit(&mut state), [Effect::ListFiles]);
    assert!(chips(&mut state).contains("Asking the API"));
    update(
        &mut state,
        Msg::Report(Report::Files {
            result: Ok(vec![
                file("file_1", "old.pdf", 1_700_000_000),
                file("file_2", "mine.pdf", 1_700_000_100),
                file("file_3", "also-mine.docx", 1_700_000_200),
            ]),
            ours: vec!["file_2".into(), "file_3".into(), "file_gone".into()],
        }),
        T0,
    );
    let screen = chips(&mut state);
    assert!(
        screen.contains("Files on your Kimi account · 3 of 1,000"),
        "{screen}"
    );
    assert!(screen.contains("2 uploaded by kimi-tui"), "{screen}");
    // Newest first: the highlighted one is also-mine.docx; d asks about it.
    update(
        &mut state,
        Msg::from(FilesIntent::Move(kimi_tui::msg::Step::Last)),
        T0,
    );
    update(&mut state, Msg::from(FilesIntent::Delete), T0);
    assert!(matches!(&state.dialog, Some(Dialog::DeleteFiles { ids, .. }) if ids == &["file_1"]));
    assert!(chips(&mut state).contains("Delete old.pdf from your Kimi account?"));
    assert!(update(&mut state, Msg::from(FilesIntent::Confirm(false)), T0).is_empty());
    // D: the ones kimi-tui uploaded, after y.
    update(&mut state, Msg::from(FilesIntent::DeleteOurs), T0);
    assert!(chips(&mut state).contains("the 2 files kimi-tui uploaded"));
    assert_eq!(
        update(&mut state, Msg::from(FilesIntent::Confirm(true)), T0),
        [Effect::DeleteFiles(vec!["file_3".into(), "file_2".into()])]
    );
    update(
        &mut state,
        Msg::Report(Report::FilesDeleted {
            ids: vec!["file_3".into(), "file_2".into()],
            error: None,
        }),
        T0,
    );
    assert_eq!(
        state.flash.as_deref(),
        Some("Deleted 2 files from the account.")
    );
    assert!(matches!(
        state.overlay,
        Some(Overlay::Files { selected: 0 })
    ));
    assert!(chips(&mut state).contains("1 of 1,000"));
}

#[test]
fn the_store_keeps_documents_with_their_message_and_knows_kimi_tuis_files() {
    use kimi_tui::io::store::Store;
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("c.sqlite3")).expect("open");
    let mut state = app();
    let up = attach(&mut state, vec![pdf("a.pdf")]);
    uploaded(&mut state, up[0].0, doc("a.pdf", "alpha"));
    type_line(&mut state, "about a");
    for effect in submit(&mut state) {
        match effect {
            Effect::SaveConversation(meta) => store.save_conversation(&meta).expect("conv"),
            Effect::SaveMessage(record) => store.save_message(&record).expect("message"),
            _ => {}
        }
    }
    let id = state.conversations.active_id();
    let records = store.load(id).expect("load");
    let message = kimi_tui::state::saved::message_from(records[0].clone());
    // With its size in tokens, counted once when it arrived.
    let expected = Document {
        tokens: Some(2),
        ..doc("a.pdf", "alpha")
    };
    assert_eq!(message.documents, [expected]);
    assert_eq!(store.uploaded_file_ids().expect("ids"), ["file_a.pdf"]);
}

#[test]
fn tab_completes_a_path_after_attach_and_only_onto_the_line_it_was_asked_for() {
    let mut state = app();
    type_line(&mut state, "/attach rep");
    let effects = update(&mut state, Msg::from(ComposerIntent::Complete), T0);
    assert_eq!(
        effects,
        [Effect::CompletePath {
            line: "/attach rep".into()
        }]
    );
    let completed = |state: &mut AppState, line: &str, choices: Vec<String>| {
        update(
            state,
            Msg::Report(Report::PathCompleted {
                line: "/attach rep".into(),
                completed: line.into(),
                choices,
            }),
            T0,
        );
    };
    completed(
        &mut state,
        "/attach report",
        vec!["report 2026.pdf".into(), "report-old.pdf".into()],
    );
    assert_eq!(state.input_text(), "/attach report");
    assert_eq!(
        state.flash.as_deref(),
        Some("report 2026.pdf  report-old.pdf")
    );
    // Typed on meanwhile: the answer is for another line and changes nothing.
    completed(&mut state, "/attach report-old.pdf ", Vec::new());
    assert_eq!(state.input_text(), "/attach report");
    // Elsewhere Tab still completes commands, or moves the focus.
    let mut state = app();
    type_line(&mut state, "/ima");
    assert!(update(&mut state, Msg::from(ComposerIntent::Complete), T0).is_empty());
    assert_eq!(state.input_text(), "/image ");
}

#[test]
fn files_dropped_on_the_terminal_are_offered_for_attaching() {
    let mut state = app();
    type_line(&mut state, "look at ");
    let pasted = "'/home/me/My Report.pdf' /home/me/shot.png";
    let effects = update(
        &mut state,
        Msg::from(ComposerIntent::Paste(pasted.into())),
        T0,
    );
    assert_eq!(
        effects,
        [Effect::CheckDropped {
            text: pasted.into()
        }]
    );
    // Prose is not looked at.
    let mut other = app();
    assert!(
        update(
            &mut other,
            Msg::from(ComposerIntent::Paste("hello".into())),
            T0
        )
        .is_empty()
    );
    let files = vec![
        ("/home/me/My Report.pdf".to_string(), false),
        ("/home/me/shot.png".to_string(), true),
    ];
    let dropped = |state: &mut AppState| {
        update(
            state,
            Msg::Report(Report::Dropped {
                text: pasted.into(),
                files: files.clone(),
            }),
            T0,
        );
    };
    dropped(&mut state);
    assert!(matches!(state.dialog, Some(Dialog::AttachDropped { .. })));
    assert!(chips(&mut state).contains("Attach My Report.pdf, shot.png to your message?"));
    // Esc: the paths stay as text.
    update(
        &mut state,
        Msg::from(ComposerIntent::AttachDropped(false)),
        T0,
    );
    assert_eq!(state.input_text(), format!("look at {pasted}"));
    // Enter: attached (each the way its kind goes), the paths leave the box.
    dropped(&mut state);
    let conversation = state.conversations.active_id();
    let effects = update(
        &mut state,
        Msg::from(ComposerIntent::AttachDropped(true)),
        T0,
    );
    assert_eq!(
        effects,
        [
            Effect::ReadAttachments {
                conversation,
                line: String::new(),
                paths: vec!["/home/me/My Report.pdf".into()],
            },
            Effect::ReadImages {
                conversation,
                line: String::new(),
                paths: vec!["/home/me/shot.png".into()],
            }
        ]
    );
    assert_eq!(state.input_text(), "look at ");
}

#[test]
fn enter_on_a_message_with_a_document_shows_its_text_in_a_pager() {
    let mut state = app();
    let up = attach(&mut state, vec![pdf("report.pdf")]);
    let lines: Vec<String> = (1..=200)
        .map(|n| format!("line {n} of the report"))
        .collect();
    let body = serde_json::json!({"content": lines.join("\n"), "type": "file"}).to_string();
    uploaded(&mut state, up[0].0, doc("report.pdf", &body));
    type_line(&mut state, "summarize");
    submit(&mut state);
    state.active_conversation_mut().focus = Some(0);
    update(
        &mut state,
        Msg::from(kimi_tui::msg::TranscriptIntent::ToggleReasoning),
        T0,
    );
    assert_eq!(state.overlay, Some(Overlay::Pager));
    let screen = chips(&mut state);
    assert!(screen.contains("line 1 of the report"), "{screen}");
    assert!(screen.contains("line 1 of 203"), "{screen}");
    update(
        &mut state,
        Msg::from(kimi_tui::msg::NavIntent::ScrollPager(
            kimi_tui::msg::ScrollCmd::Bottom,
        )),
        T0,
    );
    let screen = chips(&mut state);
    assert!(screen.contains("line 200 of the report"), "{screen}");
    assert!(!screen.contains("line 1 of the report\n"), "{screen}");
    update(
        &mut state,
        Msg::from(kimi_tui::msg::NavIntent::CloseOverlay),
        T0,
    );
    assert_eq!(state.overlay, None);
    assert!(state.pager.text.is_empty());
}

#[test]
fn a_text_too_long_for_the_window_is_refused_before_it_goes_up() {
    let mut state = app();
    // kimi-k2.6: 262,144 tokens; 2 MB of text is at least 524,288.
    let started = attach(
        &mut state,
        vec![Ok(Read::Document {
            path: "/tmp/big.log".into(),
            name: "big.log".into(),
            bytes: 2 * 1024 * 1024,
            text: true,
        })],
    );
    assert!(started.is_empty(), "nothing uploaded");
    let flash = state.flash.clone().unwrap_or_default();
    assert!(
        flash.contains("big.log was not attached: at ~524k tokens it is 262k more than kimi-k2.6's 262k-token window"),
        "{flash}"
    );
    // A PDF of that size may hold little text: it goes up, and is judged by its text.
    let pdf = attach(
        &mut state,
        vec![Ok(Read::Document {
            path: "/tmp/scan.pdf".into(),
            name: "scan.pdf".into(),
            bytes: 2 * 1024 * 1024,
            text: false,
        })],
    );
    assert_eq!(pdf.len(), 1);
}

#[test]
fn the_apis_count_of_a_document_replaces_the_estimate_or_refuses_it() {
    let mut state = app();
    let up = attach(&mut state, vec![pdf("a.pdf"), pdf("b.pdf")]);
    let mut counts = Vec::new();
    for (upload, name) in &up {
        let effects = update(
            &mut state,
            Msg::Report(Report::Uploaded {
                upload: *upload,
                result: Ok(doc(name, "short text")),
            }),
            T0,
        );
        // Counted by the endpoint, with the document as the request's one message.
        let request = effects
            .iter()
            .find_map(|e| match e {
                Effect::CountDocument { upload: u, request } if u == upload => {
                    Some(request.clone())
                }
                _ => None,
            })
            .expect("counted");
        assert_eq!(request.messages.len(), 1);
        assert_eq!(request.messages[0].content, "short text");
        counts.push(*upload);
    }
    update(
        &mut state,
        Msg::Report(Report::DocumentCounted {
            upload: counts[0],
            tokens: Some(9_600),
        }),
        T0,
    );
    assert!(chips(&mut state).contains("a.pdf · 38 KB · ~9.6k tokens"));
    // Far longer than it looked: taken off after all, and deleted.
    let effects = update(
        &mut state,
        Msg::Report(Report::DocumentCounted {
            upload: counts[1],
            tokens: Some(300_000),
        }),
        T0,
    );
    assert_eq!(effects, [Effect::DeleteFiles(vec!["file_b.pdf".into()])]);
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("b.pdf was not attached")
    );
    assert_eq!(state.active_conversation().documents.len(), 1);
}
