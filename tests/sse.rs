//! SSE mapping on canned bytes: what the parser makes of every shape the API sends.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

use bytes::Bytes;
use futures::StreamExt;
use kimi_tui::api::StreamEvent;
use kimi_tui::api::Usage;
use kimi_tui::error::ApiError;
use kimi_tui::io::sse::{ByteError, events};

fn run(chunks: Vec<&[u8]>) -> Vec<StreamEvent> {
    let owned: Vec<Result<Bytes, ByteError>> = chunks
        .into_iter()
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::executor::block_on(events(futures::stream::iter(owned)).collect())
}

fn content(text: &str) -> StreamEvent {
    StreamEvent::Content(text.into())
}

const CHAT: &str = concat!(
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Think\"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"你好\"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":13,\"total_tokens\":32,\"cached_tokens\":8}}]}\n\n",
    "data: [DONE]\n\n",
);

fn chat_events() -> Vec<StreamEvent> {
    vec![
        StreamEvent::Reasoning("Think".into()),
        content("你好"),
        StreamEvent::Finish("stop".into()),
        StreamEvent::Usage(Usage {
            prompt_tokens: 19,
            completion_tokens: 13,
            cached_tokens: Some(8),
        }),
        StreamEvent::Done,
    ]
}

#[test]
fn a_whole_reply_in_one_chunk_maps_in_order() {
    assert_eq!(run(vec![CHAT.as_bytes()]), chat_events());
}

#[test]
fn events_split_at_every_byte_boundary_map_the_same() {
    let bytes = CHAT.as_bytes();
    let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(
        run(chunks),
        chat_events(),
        "split inside UTF-8 and inside JSON"
    );
    for size in [2, 3, 7, 64] {
        assert_eq!(
            run(bytes.chunks(size).collect()),
            chat_events(),
            "chunks of {size}"
        );
    }
}

#[test]
fn crlf_line_ends_are_accepted() {
    let crlf = CHAT.replace('\n', "\r\n");
    assert_eq!(run(vec![crlf.as_bytes()]), chat_events());
}

#[test]
fn comment_lines_and_other_fields_are_ignored() {
    let with_comments = format!(": keep-alive\n\nid: 7\nevent: message\n{CHAT}");
    assert_eq!(run(vec![with_comments.as_bytes()]), chat_events());
}

#[test]
fn nothing_after_done_is_read() {
    let after = format!("{CHAT}data: {{\"choices\":[{{\"delta\":{{\"content\":\"late\"}}}}]}}\n\n");
    assert_eq!(run(vec![after.as_bytes()]), chat_events());
}

#[test]
fn usage_at_the_top_level_with_empty_choices_is_read() {
    let body = concat!(
        "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":3}}}\n\n",
        "data: [DONE]\n\n"
    );
    assert_eq!(
        run(vec![body.as_bytes()]),
        [
            content("hi"),
            StreamEvent::Finish("stop".into()),
            StreamEvent::Usage(Usage {
                prompt_tokens: 21,
                completion_tokens: 5,
                cached_tokens: Some(3)
            }),
            StreamEvent::Done
        ]
    );
}

#[test]
fn chunks_without_choices_are_accepted() {
    let body = "data: {\"id\":\"x\"}\n\ndata: {\"choices\":null}\n\ndata: [DONE]\n\n";
    assert_eq!(run(vec![body.as_bytes()]), [StreamEvent::Done]);
}

#[test]
fn a_stream_that_ends_without_done_is_interrupted() {
    let body = "data: {\"choices\":[{\"delta\":{\"content\":\"half\"}}]}\n\n";
    assert_eq!(
        run(vec![body.as_bytes()]),
        [content("half"), StreamEvent::Failed(ApiError::Interrupted)]
    );
}

#[test]
fn finish_reason_without_done_is_still_interrupted() {
    let body =
        "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n";
    let out = run(vec![body.as_bytes()]);
    assert_eq!(
        out.last(),
        Some(&StreamEvent::Failed(ApiError::Interrupted))
    );
}

#[test]
fn malformed_json_is_reported_and_the_stream_goes_on() {
    let body = concat!(
        "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
        "data: {not json\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n",
        "data: [DONE]\n\n"
    );
    let out = run(vec![body.as_bytes()]);
    assert_eq!(out.len(), 4, "{out:?}");
    assert_eq!(out[0], content("a"));
    assert!(matches!(out[1], StreamEvent::Malformed(_)));
    assert_eq!(out[2], content("b"));
    assert_eq!(out[3], StreamEvent::Done);
}

#[test]
fn an_in_stream_error_ends_the_reply_with_its_type_and_message() {
    let body = concat!(
        "data: {\"choices\":[{\"delta\":{\"content\":\"part\"}}]}\n\n",
        "data: {\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"never\"}}]}\n\n",
    );
    assert_eq!(
        run(vec![body.as_bytes()]),
        [
            content("part"),
            StreamEvent::Failed(ApiError::Api {
                status: None,
                kind: "engine_overloaded_error".into(),
                message: "busy".into()
            })
        ]
    );
}

#[test]
fn json_split_over_several_data_lines_is_joined() {
    let body =
        "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"joined\"}}]}\n\ndata: [DONE]\n\n";
    assert_eq!(
        run(vec![body.as_bytes()]),
        [content("joined"), StreamEvent::Done]
    );
}

#[test]
fn a_transport_error_mid_stream_fails_the_reply() {
    let chunks: Vec<Result<Bytes, ByteError>> = vec![
        Ok(Bytes::from_static(
            b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
        )),
        Err(ByteError::Idle(30)),
    ];
    let out: Vec<_> = futures::executor::block_on(events(futures::stream::iter(chunks)).collect());
    assert_eq!(
        out,
        [content("a"), StreamEvent::Failed(ApiError::IdleTimeout(30))]
    );
}
