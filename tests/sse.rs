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

fn delta(text: &str) -> String {
    format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}}}}]}}\n\n")
}

#[test]
fn an_invalid_byte_is_replaced_counted_and_the_rest_still_arrives() {
    let mut body = Vec::new();
    body.extend_from_slice(
        b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bad \xff byte\"}}]}\n\n",
    );
    for i in 0..100 {
        body.extend_from_slice(delta(&format!("{i} ")).as_bytes());
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    // Also split at odd places, the bad byte alone in its chunk.
    let at = body.iter().position(|&b| b == 0xff).expect("the bad byte");
    for chunks in [
        vec![&body[..]],
        vec![&body[..at], &body[at..=at], &body[at + 1..]],
    ] {
        let out = run(chunks);
        assert_eq!(out[0], StreamEvent::InvalidBytes(1));
        assert_eq!(out[1], content("bad \u{fffd} byte"));
        let texts: Vec<&StreamEvent> = out
            .iter()
            .filter(|e| matches!(e, StreamEvent::Content(_)))
            .collect();
        assert_eq!(texts.len(), 101, "every delta after the bad byte arrives");
        assert_eq!(out.last(), Some(&StreamEvent::Done));
    }
}

#[test]
fn a_line_that_never_ends_fails_the_reply_at_the_cap() {
    let cap = kimi_tui::io::sse::EVENT_CAP;
    let piece = vec![b'x'; 64 * 1024];
    let mut chunks: Vec<Result<Bytes, ByteError>> = vec![Ok(Bytes::from(delta("before")))];
    chunks.push(Ok(Bytes::from_static(b"data: ")));
    for _ in 0..(cap / piece.len() + 8) {
        chunks.push(Ok(Bytes::copy_from_slice(&piece)));
    }
    let out: Vec<_> = futures::executor::block_on(events(futures::stream::iter(chunks)).collect());
    assert_eq!(
        out,
        [
            content("before"),
            StreamEvent::Failed(ApiError::EventTooLong(cap))
        ]
    );
    let message = ApiError::EventTooLong(cap).to_string();
    assert!(message.contains("16 MB"), "{message}");
}

#[test]
fn only_the_choice_with_index_zero_is_the_reply() {
    let out = run(vec![
        b"data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"wrong\"}},{\"index\":0,\"delta\":{\"content\":\"right\"}}]}\n\n",
        b"data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"never\"}}]}\n\n",
        b"data: [DONE]\n\n",
    ]);
    assert_eq!(out, [content("right"), StreamEvent::Done]);
}

#[test]
fn the_decoder_takes_lf_cr_and_crlf_line_ends_split_anywhere() {
    use kimi_tui::io::sse::{Decoded, SseDecoder};
    let text = "data: a\r\ndata: b\r\rdata: c\n\n: comment\nevent: x\ndata:d\r\n\r\n";
    let whole = {
        let mut d = SseDecoder::new(1024);
        let mut out = Vec::new();
        d.push(text.as_bytes(), &mut out);
        out
    };
    assert_eq!(
        whole,
        [
            Decoded::Data {
                data: "a\nb".into(),
                replaced: 0
            },
            Decoded::Data {
                data: "c".into(),
                replaced: 0
            },
            Decoded::Data {
                data: "d".into(),
                replaced: 0
            },
        ]
    );
    for split in 0..text.len() {
        let mut d = SseDecoder::new(1024);
        let mut out = Vec::new();
        d.push(&text.as_bytes()[..split], &mut out);
        d.push(&text.as_bytes()[split..], &mut out);
        assert_eq!(out, whole, "split at {split}");
    }
}
