//! Effect: what the reducer asks the runtime to do, as data. The runtime runs each one and
//! reports the outcome back as a `Msg`.

use crate::api::ChatRequest;
use crate::ids::{ConversationId, StreamId};
use crate::io::store::records::{ConversationMeta, MessageRecord};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send the request and stream the reply back as `Report::Stream { stream, .. }`. The
    /// runtime sends it only after every save asked for before it has been committed.
    StartStream {
        stream: StreamId,
        /// The conversation the reply belongs to: if a save of it was refused (another window
        /// wrote there first), the request is not sent.
        conversation: ConversationId,
        request: ChatRequest,
    },
    /// Read files for `/attach` (typed as `line` in `conversation`), reported as
    /// `Report::Attached`.
    ReadAttachments {
        conversation: ConversationId,
        line: String,
        paths: Vec<String>,
    },
    /// Read the image on the clipboard for the message being written in `conversation`:
    /// `Report::ImagesRead`.
    PasteImage {
        conversation: ConversationId,
    },
    /// See whether a paste is files dropped on the terminal: `Report::Dropped` if it is.
    CheckDropped {
        text: String,
    },
    /// Complete the last path of `line` (`/attach`, `/image`): `Report::PathCompleted`.
    CompletePath {
        line: String,
    },
    /// Draw the image `data` (its hash `hash`) for a box of `cells` in the terminal's picture
    /// protocol, off the loop's thread: `Report::PictureDrawn`.
    DrawPicture {
        graphics: crate::io::graphics::Graphics,
        hash: String,
        data: std::sync::Arc<Vec<u8>>,
        cells: (u16, u16),
    },
    /// Read images for `/image` (typed as `line` in `conversation`): `Report::ImagesRead`.
    ReadImages {
        conversation: ConversationId,
        line: String,
        paths: Vec<String>,
    },
    /// Upload the file at `path` for extraction: `Report::UploadProgress` as it goes, then
    /// `Report::Uploaded`.
    UploadDocument {
        upload: u64,
        path: std::path::PathBuf,
        name: String,
    },
    /// Count an uploaded document's tokens (`request` holds it as its one message):
    /// `Report::DocumentCounted`.
    CountDocument {
        upload: u64,
        request: ChatRequest,
    },
    /// List the files stored on the account: `Report::Files`.
    ListFiles,
    /// Delete these files from the account: `Report::FilesDeleted`.
    DeleteFiles(Vec<String>),
    /// Hand the terminal to the user's editor on `text`; `Report::Edited` answers.
    EditInEditor {
        text: String,
    },
    /// Close the stream's connection; whatever it still sends is dropped.
    CancelStream(StreamId),
    SaveConversation(ConversationMeta),
    SaveMessage(MessageRecord),
    DeleteConversation(ConversationId),
    /// Delete message `id` of the conversation and everything under it.
    DeleteMessages {
        conversation: ConversationId,
        id: u64,
    },
    /// Read a saved conversation's messages: `StoreReport::Loaded`.
    LoadConversation(ConversationId),
    /// Full-text search: `StoreReport::SearchResults` with the same request.
    Search {
        request: u64,
        query: String,
    },
    /// Write `markdown` to `{stem}.md` and `json` to `{stem}.json`; unless `overwrite`,
    /// existing files are reported back instead (`ExportReport::Blocked`).
    Export {
        id: ConversationId,
        stem: String,
        markdown: String,
        json: String,
        overwrite: bool,
    },
    /// Put `text` on the clipboard: OSC 52 (works over SSH) and the native clipboard where
    /// there is one. `what` names it for the confirmation.
    Copy {
        text: String,
        what: String,
    },
    /// Write `theme = "name"` into the config file: `Report::ThemeSaved`.
    SaveTheme {
        name: String,
    },
    /// `GET /models` at `profile`'s endpoint with `key`: `KeyReport::Checked`.
    CheckKey {
        profile: String,
        key: crate::config::ApiKey,
    },
    /// Put `key` in the credential store for `profile`: `KeyReport::Saved`.
    SaveKey {
        profile: String,
        key: crate::config::ApiKey,
    },
    /// Talk to `profile`'s endpoint with `key` from now on.
    UseKey {
        profile: String,
        key: crate::config::ApiKey,
    },
    /// Talk to this profile's endpoint with its key from now on; a failure is reported with
    /// `epoch`, the switch it undoes.
    UseProfile {
        name: String,
        epoch: u64,
    },
    /// POST /tokenizers/estimate-token-count for a request: `Msg::TokensCounted`.
    CountTokens {
        epoch: u64,
        id: crate::ids::ConversationId,
        request: ChatRequest,
        /// What the local estimate said, to learn the ratio.
        local: u64,
    },
    /// GET /models: `ModelsReport::Listed`, tagged with `epoch`.
    FetchModels {
        epoch: u64,
    },
    /// GET /users/me/balance: `ModelsReport::Balance`, tagged with `epoch`.
    FetchBalance {
        epoch: u64,
    },
    Quit,
}
