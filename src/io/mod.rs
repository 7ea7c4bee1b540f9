//! IO: the network. Everything here runs inside the runtime's tasks; results go back to the
//! reducer as `Msg`s.

pub mod llm;
pub mod sse;
