//! The reducer: `update(state, msg, now)` changes the state and returns the effects the
//! runtime must run. Pure and synchronous: the time comes in as an argument, and everything
//! that waits goes out as an `Effect`. Each feature's reducer matches its own message enum
//! exhaustively; nothing here has a catch-all arm.

mod branches;
mod chat;
mod commands;
mod composer;
mod documents;
mod fields;
mod key;
mod messages;
mod nav;
mod palette;
mod picker;
mod pictures;
mod request;
mod retry;
mod sidebar;
mod turns;

use crate::effect::Effect;
use crate::ids::Millis;
use crate::msg::{ChatIntent, ComposerIntent, EditOp, Focus, Intent, Msg, NavIntent, Report};

pub use commands::complete as complete_command;
pub use request::build_request;
pub use retry::retry_delay;

use crate::state::{AppState, Dialog};

pub fn update(state: &mut AppState, msg: Msg, now: Millis) -> Vec<Effect> {
    state.now = now;
    let effects = match msg {
        Msg::Intent(intent) => {
            // A status-bar message lasts until the user does something.
            state.flash = None;
            if !matches!(intent, Intent::Nav(NavIntent::KeyPrefix(_))) {
                state.pending_keys.clear();
            }
            on_intent(state, intent, now)
        }
        Msg::Report(report) => on_report(state, report, now),
        Msg::Resize { width, height } => {
            nav::resize(state, width, height);
            // A picture on screen is drawn again for its new box.
            pictures::wanted(state)
        }
        Msg::Tick => {
            let mut effects = retry::retry_due(state, now);
            effects.extend(chat::autosave(state, now));
            effects
        }
        Msg::Started => picker::started(state),
    };
    // The input box shows its cursor only while it has focus, whichever message moved it
    // (setting a style is a field write: cheap enough for every message).
    let focused = state.focus == Focus::Input;
    crate::state::composer::show_cursor(&mut state.input, focused);
    effects
}

fn on_intent(state: &mut AppState, intent: Intent, now: Millis) -> Vec<Effect> {
    match intent {
        Intent::Palette(intent) => palette::update(state, intent, now),
        Intent::Chat(intent) => match intent {
            ChatIntent::Submit => chat::submit(state, now),
            ChatIntent::Stop => chat::stop_active(state),
            ChatIntent::Quit if state.store_error.is_some() => {
                // Saving fails: quitting now would leave what is unsaved to a rescue file,
                // so ask first.
                state.dialog = Some(Dialog::ConfirmQuit);
                Vec::new()
            }
            ChatIntent::Quit | ChatIntent::QuitNow | ChatIntent::ConfirmQuit(true) => quit(state),
            ChatIntent::ConfirmQuit(false) => {
                state.dialog = None;
                Vec::new()
            }
            ChatIntent::ContinueReply => turns::continue_reply(state, now),
            ChatIntent::Regenerate => turns::regenerate(state, now),
            ChatIntent::Images(choice) => chat::images_answer(state, choice, now),
            ChatIntent::ToggleWebSearch => {
                let on = !state.active_conversation().web_search;
                commands::set_web(state, on)
            }
        },
        Intent::Composer(intent) => {
            // Typing goes to the input box, wherever the focus was.
            state.focus = Focus::Input;
            match intent {
                ComposerIntent::Key(key)
                    if key.code == crossterm::event::KeyCode::Backspace
                        && composer::delete_chip(state) => {}
                // Backspace in an empty box takes off the last document attached.
                ComposerIntent::Key(key)
                    if key.code == crossterm::event::KeyCode::Backspace
                        && state.input.is_empty()
                        && (!state.active_conversation().documents.is_empty()
                            || !state.active_conversation().images.is_empty()) =>
                {
                    return documents::detach_last(state);
                }
                ComposerIntent::Key(key) => {
                    state.input.input(key);
                }
                ComposerIntent::NewLine => state.input.insert_newline(),
                ComposerIntent::Edit(op) => edit(&mut state.input, op),
                ComposerIntent::HistoryOlder => composer::older(state),
                ComposerIntent::HistoryNewer => composer::newer(state),
                ComposerIntent::OpenEditor => {
                    return vec![Effect::EditInEditor {
                        text: state.message_text(),
                    }];
                }
                ComposerIntent::Paste(text) => {
                    composer::paste(state, &text);
                    // Files dropped on the terminal arrive as a paste of their paths.
                    let t = text.trim_start();
                    if t.len() < 16 * 1024
                        && (t.starts_with('/')
                            || t.starts_with("~/")
                            || t.starts_with("'/")
                            || t.starts_with("\"/")
                            || t.starts_with("file://"))
                    {
                        return vec![Effect::CheckDropped { text }];
                    }
                }
                ComposerIntent::UnfoldPaste => composer::unfold(state),
                ComposerIntent::CancelEdit => return branches::cancel_edit(state),
                ComposerIntent::AttachDropped(yes) => return documents::drop_answer(state, yes),
                ComposerIntent::PasteImage => {
                    return vec![Effect::PasteImage {
                        conversation: state.conversations.active_id(),
                    }];
                }
                ComposerIntent::Complete => {
                    let text = state.input_text();
                    // A path after /attach or /image: completed from the disk.
                    if (text.starts_with("/attach ") || text.starts_with("/image "))
                        && !text.contains('\n')
                    {
                        return vec![Effect::CompletePath { line: text }];
                    }
                    match commands::complete(&text) {
                        Some(done) => {
                            state.input = crate::state::composer::new_textarea(&state.theme);
                            state.input.insert_str(done);
                        }
                        // Tab elsewhere moves the focus, as everywhere else.
                        None => return nav::update(state, NavIntent::FocusNext, now),
                    }
                }
            }
            Vec::new()
        }
        Intent::Nav(intent) => nav::update(state, intent, now),
        Intent::Sidebar(intent) => sidebar::update(state, intent, now),
        Intent::Field(intent) => fields::update(state, intent),
        Intent::Picker(intent) => picker::update(state, intent),
        Intent::Files(intent) => documents::on_files(state, intent),
        Intent::Transcript(intent) => messages::update(state, intent, now),
    }
}

fn on_report(state: &mut AppState, report: Report, now: Millis) -> Vec<Effect> {
    match report {
        Report::Stream { stream, event } => chat::on_stream_event(state, stream, event, now),
        Report::Store(report) => sidebar::on_store(state, report),
        Report::Models(report) => picker::on_report(state, report),
        Report::Key(report) => key::on_report(state, report),
        Report::ThemeSaved(result) => {
            state.flash = Some(match result {
                Ok(place) => format!("Saved: this theme opens from now on ({place})."),
                Err(why) => format!("The theme was not saved: {why}"),
            });
            Vec::new()
        }
        Report::Export(report) => fields::on_export(state, report),
        Report::Copied { what, native } => messages::copied(state, &what, native),
        Report::Edited(result) => composer::edited(state, result),
        Report::Attached {
            conversation,
            line,
            files,
        } => documents::attached(state, conversation, &line, files),
        Report::Dropped { text, files } => documents::dropped(state, text, files),
        Report::PathCompleted {
            line,
            completed,
            choices,
        } => {
            // Only onto the line it was asked for (a key typed meanwhile wins).
            if state.input_text() == line {
                state.flash = match choices.len() {
                    0 if completed == line => Some("No file name starts like that.".into()),
                    0 => None,
                    _ => Some(choices.join("  ")),
                };
                if completed != line {
                    state.input = crate::state::composer::new_textarea(&state.theme);
                    state.input.insert_str(completed);
                }
            }
            Vec::new()
        }
        Report::PictureDrawn {
            hash,
            cells,
            result,
        } => pictures::drawn(state, &hash, cells, result),
        Report::ImagesRead {
            conversation,
            line,
            images,
        } => documents::images_read(state, conversation, &line, images),
        Report::UploadProgress {
            upload,
            sent,
            total,
        } => documents::progress(state, upload, sent, total),
        Report::Uploaded { upload, result } => documents::uploaded(state, upload, result),
        Report::DocumentCounted { upload, tokens } => documents::counted(state, upload, tokens),
        Report::Files { result, ours } => documents::files(state, result, ours),
        Report::FilesDeleted { ids, error } => documents::files_deleted(state, &ids, error),
    }
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quitting = true;
    // Every live reply is stopped and saved as it stands (streams in id order, so the
    // effects come out the same from run to run); the runtime then waits for the saves.
    let mut effects = chat::stop_all(state);
    // What is in the input box is kept as the open conversation's draft for the next start.
    let typed = state.message_text();
    let conv = state.active_conversation_mut();
    if conv.saved || !typed.trim().is_empty() {
        conv.draft = typed;
        conv.saved = true;
        effects.push(Effect::SaveConversation(crate::state::saved::meta_of(conv)));
    }
    effects.push(Effect::Quit);
    effects
}

/// A shell editing key on the input box's text.
fn edit(input: &mut tui_textarea::TextArea<'static>, op: EditOp) {
    use tui_textarea::CursorMove;
    match op {
        EditOp::LineStart => input.move_cursor(CursorMove::Head),
        EditOp::LineEnd => input.move_cursor(CursorMove::End),
        EditOp::CharBack => input.move_cursor(CursorMove::Back),
        EditOp::CharForward => input.move_cursor(CursorMove::Forward),
        EditOp::WordBack => input.move_cursor(CursorMove::WordBack),
        EditOp::WordForward => input.move_cursor(CursorMove::WordForward),
        EditOp::DeleteWordBack => {
            input.delete_word();
        }
        EditOp::DeleteToLineStart => {
            input.delete_line_by_head();
        }
        EditOp::DeleteToLineEnd => {
            input.delete_line_by_end();
        }
        EditOp::Yank => {
            input.paste();
        }
    }
}
