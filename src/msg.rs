//! Msg: everything that can happen to the app. Intents come from the keymap (imperative
//! names); results come from effects the runtime ran, tagged with the id they belong to so
//! the reducer can drop stale ones.

use crossterm::event::KeyEvent;

use crate::api::StreamEvent;
use crate::ids::{ConversationId, StreamId};
use crate::io::files::ExportReport;
use crate::io::store_worker::StoreReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Sidebar,
    Scrollback,
    Input,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrollCmd {
    Up(usize),
    Down(usize),
    PageUp,
    PageDown,
    Top,
    Bottom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Up,
    Down,
    First,
    Last,
}

/// Everything the reducer is told: what the user asked for, what an effect reported, and
/// the two things that just happen (the terminal resizes, time passes).
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// What the user asked for (keys, paste, mouse). Clears the status-bar note.
    Intent(Intent),
    /// What an effect reported, tagged with what it answers.
    Report(Report),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passes while something animates (a reply is live).
    Tick,
    /// The loop has started (asks for the model list).
    Started,
}

/// What the user asked for, by feature. Each feature's reducer matches its own enum
/// exhaustively, so a new variant is a compile error wherever it is not handled.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    Chat(ChatIntent),
    Composer(ComposerIntent),
    Nav(NavIntent),
    Sidebar(SidebarIntent),
    Field(FieldIntent),
    Picker(PickerIntent),
    Transcript(TranscriptIntent),
    Palette(PaletteIntent),
    Files(FilesIntent),
}

/// The list of files on the account (`/files`).
#[derive(Debug, Clone, PartialEq)]
pub enum FilesIntent {
    Move(Step),
    /// Asks whether to delete the highlighted file.
    Delete,
    /// Asks whether to delete every file kimi-tui uploaded.
    DeleteOurs,
    /// The answer to either question.
    Confirm(bool),
    /// Lists them again.
    Reload,
}

/// Sending, stopping, and the turns built on the last reply.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatIntent {
    Submit,
    /// Stops the active conversation's reply (the keymap sends it only while one is live).
    Stop,
    /// Quits; while saving fails it asks first.
    Quit,
    /// The answer to "quit anyway?" (asked while saving fails).
    ConfirmQuit(bool),
    /// Quits without asking (a signal, the terminal went away): what cannot be saved goes to
    /// a rescue file.
    QuitNow,
    /// Continues the last reply where it was cut off.
    ContinueReply,
    /// Asks the last question again; the old reply is kept as a branch.
    Regenerate,
    /// Kimi's web search on or off for the open conversation.
    ToggleWebSearch,
    /// The answer to "this model does not read images".
    Images(ImagesChoice),
}

/// What to do with images the conversation's model does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImagesChoice {
    /// Switch the conversation to the model offered, and send.
    Switch,
    /// Send without the images.
    Drop,
    /// Neither: back to the input box.
    Cancel,
}

/// The input box.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposerIntent {
    /// A key for the text area (typing, cursor movement, deleting).
    Key(KeyEvent),
    NewLine,
    Paste(String),
    /// A shell (readline) editing key.
    Edit(EditOp),
    /// Up: the line above, or on the first line, the prompt sent before this one.
    HistoryOlder,
    /// Down: the line below, or on the last line, back toward what was being typed.
    HistoryNewer,
    /// Edits the input in `$VISUAL`/`$EDITOR`.
    OpenEditor,
    /// Shows the folded paste before the cursor in full.
    UnfoldPaste,
    /// Stops editing a sent message; the input box gets back what it held.
    CancelEdit,
    /// Tab: completes a command's name (`/we` → `/web `), else moves the focus.
    Complete,
    /// The answer to "attach the files dropped?": yes attaches them, no keeps the text.
    AttachDropped(bool),
    /// Ctrl+V: the image on the clipboard goes with the message.
    PasteImage,
}

/// What the shell's editing keys do in the input box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    LineStart,
    LineEnd,
    CharBack,
    CharForward,
    WordBack,
    WordForward,
    /// Deletes the word before the cursor (kept for `Yank`).
    DeleteWordBack,
    /// Deletes from the line's start to the cursor (kept for `Yank`).
    DeleteToLineStart,
    /// Deletes from the cursor to the line's end (kept for `Yank`).
    DeleteToLineEnd,
    /// Puts back what was deleted last.
    Yank,
}

/// Moving around: conversations, focus, scrolling, the help overlay.
#[derive(Debug, Clone, PartialEq)]
pub enum NavIntent {
    NewConversation,
    ToggleSidebar,
    FocusNext,
    FocusPrev,
    SetFocus(Focus),
    Scroll(ScrollCmd),
    ToggleHelp,
    /// Scrolls the help overlay.
    ScrollHelp(ScrollCmd),
    /// Scrolls the pager (a message's attachments).
    ScrollPager(ScrollCmd),
    /// The pager's next page (true) or the one before.
    PagerPage(bool),
    CloseOverlay,
    /// The first keys of a multi-key chord were pressed; the next key completes it.
    KeyPrefix(Vec<crate::chord::KeyPress>),
    /// A chord that started with a bound prefix ended in a key nothing is bound to.
    Unbound(String),
}

/// The sidebar's list and its questions.
#[derive(Debug, Clone, PartialEq)]
pub enum SidebarIntent {
    Select(Step),
    Open,
    StartRename,
    StartDelete,
    /// y or n to a delete question.
    ConfirmDelete(bool),
    StartSearch,
    /// Moves the highlight among search results.
    MoveHit(Step),
    /// A click on the conversation at this row of the list: it opens.
    Click(usize),
}

/// One-line fields (rename, search, export path) and dialogs (export, system prompt).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldIntent {
    Edit(FieldEdit),
    /// Enter in a field or dialog.
    Submit,
    /// Esc in a field or dialog.
    Cancel,
    StartExport,
    /// y or n to an overwrite question.
    ConfirmOverwrite(bool),
    /// Opens this conversation's system prompt to view and edit.
    EditSystemPrompt,
    /// Opens the API key dialog (where to get a key, a masked field).
    StartKeyEntry,
    /// A key for the system prompt editor.
    PromptKey(KeyEvent),
    PromptNewline,
    PromptPaste(String),
}

/// The model picker and the thinking controls.
#[derive(Debug, Clone, PartialEq)]
pub enum PickerIntent {
    Open,
    Move(Step),
    /// Enter in the picker: the conversation uses the highlighted model (or profile).
    Pick,
    /// Thinking on/off, or the next reasoning effort, for this conversation's model.
    ToggleThinking,
}

/// The command palette: every action, conversation and model, filtered as you type.
#[derive(Debug, Clone, PartialEq)]
pub enum PaletteIntent {
    Open,
    /// Opens it on the prompts sent before (Alt+r): Enter puts one in the input box.
    OpenHistory,
    Close,
    Move(Step),
    Edit(FieldEdit),
    /// Enter: runs the highlighted entry.
    Run,
}

/// The scrollback's messages.
#[derive(Debug, Clone, PartialEq)]
pub enum TranscriptIntent {
    /// Moves the outline between messages (and the view to it).
    FocusMessage(Step),
    /// Folds or unfolds the focused message's reasoning.
    ToggleReasoning,
    /// Copies the focused message (or the last reply).
    CopyMessage,
    /// Copies code block N (from 1) of the focused message, or of the last reply.
    CopyCodeBlock(usize),
    CopyLastReply,
    /// A click on item N of the transcript: the scrollback takes focus and outlines it.
    Click(usize),
    /// Loads the outlined message of yours into the input box, to send as a new version.
    Edit,
    /// Shows the version before the outlined message.
    PrevVersion,
    /// Shows the version after the outlined message.
    NextVersion,
    /// A new conversation with the branch down to the outlined message.
    Fork,
    /// Opens the model picker to ask again for the outlined reply with the model picked.
    RegenerateWith,
    /// Asks whether to delete the outlined message and everything under it.
    Delete,
    /// The answer to that question.
    ConfirmDelete(bool),
}

/// What checking and storing an API key reported.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyReport {
    /// `GET /models` with the key, at `profile`'s endpoint: how many models, or the error.
    Checked {
        profile: String,
        result: Result<usize, crate::error::ApiError>,
    },
    /// The credential store took the key, or why not.
    Saved(Result<(), String>),
}

/// What an effect reported.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    Stream {
        stream: StreamId,
        event: StreamEvent,
    },
    Store(StoreReport),
    Models(ModelsReport),
    Key(KeyReport),
    /// Where the theme was saved, or why not.
    ThemeSaved(Result<String, String>),
    Export(ExportReport),
    /// The editor closed: the text it saved, or why it failed (the input stays as it was).
    Edited(Result<String, String>),
    /// The files of `/attach` (typed as `line` in `conversation`): each read, or why not.
    Attached {
        conversation: crate::ids::ConversationId,
        line: String,
        files: Vec<Result<crate::io::attach::Read, String>>,
    },
    /// The paste `text` is files dropped on the terminal: each path, and whether it is an
    /// image.
    Dropped {
        text: String,
        files: Vec<(String, bool)>,
    },
    /// Tab after `/attach` or `/image` on `line`: the line completed, and the names that
    /// matched when there were several.
    PathCompleted {
        line: String,
        completed: String,
        choices: Vec<String>,
    },
    /// The image `hash` drawn for a box of `cells` (`Effect::DrawPicture`), or why it
    /// cannot be.
    PictureDrawn {
        hash: String,
        cells: (u16, u16),
        result: Result<crate::io::graphics::Picture, String>,
    },
    /// The images of `/image` (typed as `line` in `conversation`): each read, or why not.
    ImagesRead {
        conversation: crate::ids::ConversationId,
        line: String,
        images: Vec<Result<crate::api::Image, String>>,
    },
    /// Upload `upload` (`Effect::UploadDocument`) has sent `sent` of `total` bytes.
    UploadProgress {
        upload: u64,
        sent: u64,
        total: u64,
    },
    /// Upload `upload` ended: the document with its extracted text, or why not.
    Uploaded {
        upload: u64,
        result: Result<crate::api::Document, String>,
    },
    /// Upload `upload`'s document counted by the token-estimate endpoint (`None`: it could
    /// not be).
    DocumentCounted {
        upload: u64,
        tokens: Option<u64>,
    },
    /// The files stored on the account (`/files`), or why they could not be listed; and the
    /// ids of the files kimi-tui uploaded (kept with the messages they went with).
    Files {
        result: Result<Vec<crate::api::FileInfo>, String>,
        ours: Vec<String>,
    },
    /// Files deleted from the account (by id), and the first failure if some were not.
    FilesDeleted {
        ids: Vec<String>,
        error: Option<String>,
    },
    /// The clipboard got `what`; `native` says whether the system clipboard took it too (OSC
    /// 52 always goes to the terminal).
    Copied {
        what: String,
        native: bool,
    },
}

/// Answers from the provider's side endpoints. Each names the profile epoch it was asked in
/// (`AppState::epoch`); an answer from before a profile switch is dropped.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelsReport {
    Listed {
        epoch: u64,
        result: Result<Vec<crate::catalog::ModelInfo>, crate::error::ApiError>,
    },
    /// The tokenizer endpoint's count of a request's prompt (`None`: it could not be asked).
    TokensCounted {
        epoch: u64,
        id: ConversationId,
        local: u64,
        counted: Option<u64>,
    },
    Balance {
        epoch: u64,
        result: Result<String, crate::error::ApiError>,
    },
    /// The client for the profile chosen at `epoch` could not be built; profile `kept` stays
    /// in use.
    ProfileFailed {
        epoch: u64,
        error: String,
        kept: String,
    },
}

macro_rules! into_msg {
    ($($feature:ident => $variant:ident),* $(,)?) => {
        $(impl From<$feature> for Msg {
            fn from(intent: $feature) -> Msg {
                Msg::Intent(Intent::$variant(intent))
            }
        })*
    };
}

into_msg!(
    ChatIntent => Chat,
    ComposerIntent => Composer,
    NavIntent => Nav,
    SidebarIntent => Sidebar,
    FieldIntent => Field,
    PickerIntent => Picker,
    TranscriptIntent => Transcript,
    PaletteIntent => Palette,
    FilesIntent => Files,
);

impl From<Report> for Msg {
    fn from(report: Report) -> Msg {
        Msg::Report(report)
    }
}

impl From<StoreReport> for Msg {
    fn from(report: StoreReport) -> Msg {
        Msg::Report(Report::Store(report))
    }
}

impl From<ModelsReport> for Msg {
    fn from(report: ModelsReport) -> Msg {
        Msg::Report(Report::Models(report))
    }
}

impl From<KeyReport> for Msg {
    fn from(report: KeyReport) -> Msg {
        Msg::Report(Report::Key(report))
    }
}

impl From<ExportReport> for Msg {
    fn from(report: ExportReport) -> Msg {
        Msg::Report(Report::Export(report))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldEdit {
    Insert(char),
    /// Pasted text; line breaks become spaces.
    Paste(String),
    Backspace,
    /// Ctrl+U: clear the field.
    Clear,
}
