//! The ids and the time value every layer passes around. A leaf: it uses nothing of the crate.

/// Wall-clock time in milliseconds since the UNIX epoch. The runtime reads the clock and hands
/// the time to the reducer, which never reads it itself.
pub type Millis = u64;

/// Tags one request's stream. A fresh id for every request, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub u64);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ConversationId(pub u64);
