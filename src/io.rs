//! The edge: the network (`llm`, `sse`), the database (`store`, `store_worker`), export files,
//! the clipboard, and the terminal's pictures (`graphics`: asking which protocol it speaks,
//! encoding an image for it). Everything here runs inside the runtime's tasks or threads, and reports
//! typed results (`StreamEvent`, `StoreReport`, `ExportReport`, `ApiError`) that the runtime
//! hands to the reducer as `Msg`s. Nothing here knows the app state.

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "io/ is the edge: it owns the network, the database, files and the clipboard"
)]

pub mod attach;
pub mod clipboard;
pub mod editor;
pub mod files;
pub mod graphics;
pub mod image;
pub mod keys;
pub mod llm;
pub mod log;
pub mod paths;
pub mod sse;
pub mod store;
pub mod store_worker;
