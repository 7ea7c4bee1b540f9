//! What goes where, computed from the state: pane geometry, the transcript as rows and the
//! part of it in view, the help overlay's rows, the picker's list. Pure, no `Frame`: the
//! reducer uses it (how tall a page is, what the outline can reach) and the views draw it.

pub mod help;
pub mod palette;
pub mod panes;
pub mod picker;
pub mod transcript;
pub mod viewport;
