//! IO: the network. Everything here runs inside the runtime's tasks; results go back to the
//! reducer as `Msg`s.

pub mod clipboard;
pub mod files;
pub mod llm;
pub mod sse;
pub mod store;
pub mod store_worker;
