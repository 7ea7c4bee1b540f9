//! Effect: what the reducer asks the runtime to do, as data. The runtime runs each one and
//! reports the outcome back as a `Msg`.

use crate::api::ChatRequest;
use crate::msg::StreamId;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send the request and stream the reply back as `Msg::Stream { stream, .. }`.
    StartStream {
        stream: StreamId,
        request: ChatRequest,
    },
    /// Close the stream's connection; whatever it still sends is dropped.
    CancelStream(StreamId),
    Quit,
}
