//! Turning text into rows for the terminal: cell widths, sanitizing, wrapping, the per-message
//! cache, and the transcript as rows. Pure: no IO, no ratatui Frame.

pub mod cells;
pub mod highlight;
pub mod markdown;
pub mod plain;
pub mod rows;
