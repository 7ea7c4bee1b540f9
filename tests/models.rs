//! Kimi-first requests: the model picker and per-conversation models, thinking controls sent
//! only where allowed, the completion budget, trimming to the window, the model list and the
//! balance from the loopback mock.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are an edge: they start servers, read clocks and write files"
)]

mod support;

use kimi_tui::api::StreamEvent;
use kimi_tui::catalog::ModelInfo;
use kimi_tui::effect::Effect;
use kimi_tui::msg::{
    ChatIntent, ComposerIntent, FieldIntent, ModelsReport, Msg, NavIntent, PickerIntent, Step,
};
use kimi_tui::state::Overlay;
use kimi_tui::update::{build_request, update};
use support::mock_kimi::MockKimi;
use support::{T0, app, feed, send};

fn listed() -> Vec<ModelInfo> {
    ["kimi-k2.6", "kimi-k3", "kimi-k2.7-code"]
        .iter()
        .map(|id| ModelInfo {
            id: (*id).into(),
            context_length: Some(if *id == "kimi-k3" { 1_048_576 } else { 262_144 }),
            supports_reasoning: Some(true),
            supports_image_in: None,
            supports_video_in: None,
            display_name: None,
        })
        .collect()
}

fn body_of(effects: &[Effect]) -> serde_json::Value {
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no stream in {effects:?}"));
    serde_json::to_value(request).expect("json")
}

fn submit(state: &mut kimi_tui::AppState, text: &str) -> serde_json::Value {
    update(state, Msg::from(ComposerIntent::Paste(text.into())), T0);
    body_of(&update(state, Msg::from(ChatIntent::Submit), T0))
}

#[test]
fn the_picker_sets_the_model_for_this_conversation_only() {
    let mut state = app();
    assert_eq!(
        update(&mut state, Msg::Started, T0),
        [Effect::FetchModels { epoch: 0 }]
    );
    update(
        &mut state,
        Msg::from(ModelsReport::Listed {
            epoch: 0,
            result: Ok(listed()),
        }),
        T0,
    );
    let effects = update(&mut state, Msg::from(PickerIntent::Open), T0);
    assert_eq!(
        effects,
        [
            Effect::FetchModels { epoch: 0 },
            Effect::FetchBalance { epoch: 0 }
        ]
    );
    assert_eq!(
        state.overlay,
        Some(Overlay::Models {
            selected: 0,
            regenerate: None
        })
    );
    update(&mut state, Msg::from(PickerIntent::Move(Step::Down)), T0);
    update(&mut state, Msg::from(PickerIntent::Pick), T0);
    assert_eq!(state.overlay, None);
    assert_eq!(state.active_conversation().model, "kimi-k3");
    let body = submit(&mut state, "hi");
    assert_eq!(body["model"], "kimi-k3");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    assert_eq!(
        state.active_conversation().model,
        "kimi-k2.6",
        "a new conversation uses the default"
    );
}

#[test]
fn a_failed_model_list_keeps_the_configured_model() {
    let mut state = app();
    update(&mut state, Msg::from(PickerIntent::Open), T0);
    update(
        &mut state,
        Msg::from(ModelsReport::Listed {
            epoch: 0,
            result: Err(kimi_tui::error::ApiError::Http {
                status: 404,
                reason: "Not Found".into(),
                snippet: String::new(),
            }),
        }),
        T0,
    );
    assert!(
        state
            .flash
            .as_deref()
            .unwrap_or_default()
            .contains("keeping kimi-k2.6")
    );
    assert_eq!(
        kimi_tui::layout::picker::picker_rows(&state),
        [kimi_tui::layout::picker::PickerRow::Model(
            "kimi-k2.6".into()
        )]
    );
}

#[test]
fn thinking_is_sent_as_a_switch_only_to_models_that_have_one() {
    let mut state = app();
    let body = submit(&mut state, "default");
    assert!(
        body.get("thinking").is_none(),
        "nothing sent until the user chooses"
    );
    assert!(body.get("reasoning_effort").is_none());
    support::end_streams(&mut state);
    state.active_conversation_mut().phase = kimi_tui::state::StreamPhase::Idle;
    update(&mut state, Msg::from(PickerIntent::ToggleThinking), T0);
    let body = submit(&mut state, "off please");
    assert_eq!(body["thinking"]["type"], "disabled");
    assert!(
        body.get("reasoning_effort").is_none(),
        "k2.6 does not take an effort"
    );
}

#[test]
fn kimi_k3_gets_a_reasoning_effort_and_never_the_switch() {
    let mut state = app();
    state.active_conversation_mut().model = "kimi-k3".into();
    update(&mut state, Msg::from(PickerIntent::ToggleThinking), T0);
    assert!(state.flash.as_deref().unwrap_or_default().contains("high"));
    let body = submit(&mut state, "think hard");
    assert_eq!(body["reasoning_effort"], "high");
    assert!(body.get("thinking").is_none());
}

#[test]
fn no_thinking_field_goes_to_other_models_or_non_kimi_endpoints() {
    let mut state = app();
    state.active_conversation_mut().model = "kimi-k2.7-code".into();
    update(&mut state, Msg::from(PickerIntent::ToggleThinking), T0);
    let body = submit(&mut state, "code");
    assert!(body.get("thinking").is_none() && body.get("reasoning_effort").is_none());

    let mut state = app();
    state.settings.kimi_fields = false;
    state.active_conversation_mut().thinking = Some(false);
    let body = submit(&mut state, "plain openai");
    assert!(body.get("thinking").is_none());
    assert!(
        body.get("max_completion_tokens").is_none(),
        "no Kimi default on other endpoints"
    );
}

#[test]
fn the_completion_budget_defaults_high_and_is_clamped_to_the_window() {
    let mut state = app();
    let body = submit(&mut state, "short");
    assert_eq!(body["max_completion_tokens"], 32_768);

    let mut state = app();
    state.active_conversation_mut().model = "moonshot-v1-32k".into();
    let body = submit(&mut state, &"word ".repeat(20_000));
    let limit = body["max_completion_tokens"].as_u64().expect("a limit");
    assert!((1_024..32_768).contains(&limit), "{limit}");
}

#[test]
fn old_turns_are_left_out_to_fit_the_window_but_never_the_system_prompt() {
    let mut state = app();
    state.active_conversation_mut().model = "moonshot-v1-8k".into();
    for i in 0..6 {
        let stream = send(
            &mut state,
            &format!("question {i} {}", "x ".repeat(3_000)),
            T0,
        )
        .expect("stream");
        feed(
            &mut state,
            stream,
            vec![
                StreamEvent::Content(format!("answer {i}")),
                StreamEvent::Done,
            ],
            T0,
        );
    }
    let conv = state.active_conversation();
    let request = build_request(conv, &state.settings, &[]);
    assert_eq!(request.messages[0].role, "system");
    assert_eq!(
        request.messages[1].role, "user",
        "the kept history starts on a question"
    );
    assert!(
        request.messages.len() < conv.messages.len() + 1,
        "something was left out"
    );
    assert_eq!(
        request.messages.last().map(|m| m.content.as_str()),
        Some("answer 5")
    );
    assert_eq!(
        conv.messages.len(),
        12,
        "the stored conversation is never cut"
    );
    assert!(conv.left_out > 0);
}

#[test]
fn thinking_choices_are_saved_with_the_conversation() {
    let mut state = app();
    send(&mut state, "hi", T0).expect("stream");
    support::end_streams(&mut state);
    state.active_conversation_mut().phase = kimi_tui::state::StreamPhase::Idle;
    let effects = update(&mut state, Msg::from(PickerIntent::ToggleThinking), T0);
    let [Effect::SaveConversation(meta)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(meta.thinking, Some(false));
    let dir = tempfile::tempdir().expect("dir");
    let store = kimi_tui::io::store::Store::open(&dir.path().join("db")).expect("open");
    store.save_conversation(meta).expect("save");
    let summary = store.list().expect("list").remove(0);
    assert_eq!(
        kimi_tui::state::saved::conversation_from(summary).thinking,
        Some(false)
    );
}

#[tokio::test]
async fn the_model_list_and_the_balance_come_from_the_api() {
    let mock = MockKimi::start();
    let client = support::client(&mock.base_url(), Some("sk-test"), Default::default());
    let models = client.list_models().await.expect("models");
    assert_eq!(models.len(), 3);
    assert_eq!(models[1].id, "kimi-k3");
    assert_eq!(models[1].context_length, Some(1_048_576));
    assert_eq!(models[0].supports_video_in, Some(true));
    let balance = client.balance().await.expect("balance");
    assert_eq!(balance, "49.58 available (voucher 46.58, cash 3.00)");
}

#[test]
fn the_system_prompt_is_viewed_and_edited_per_conversation() {
    use crossterm::event::{KeyCode, KeyEvent};
    let mut state = app();
    send(&mut state, "first", T0).expect("stream");
    support::end_streams(&mut state);
    state.active_conversation_mut().phase = kimi_tui::state::StreamPhase::Idle;
    update(&mut state, Msg::from(FieldIntent::EditSystemPrompt), T0);
    assert_eq!(state.prompt_editor.lines().join("\n"), "Be brief.");
    for _ in 0.."Be brief.".len() {
        update(
            &mut state,
            Msg::from(FieldIntent::PromptKey(KeyEvent::from(KeyCode::Backspace))),
            T0,
        );
    }
    // The keymap sends a paste to the dialog that is open.
    let paste = crossterm::event::Event::Paste("Answer in French.".into());
    let msg = kimi_tui::keymap::to_msg(&state, &paste).expect("a paste");
    update(&mut state, msg, T0);
    update(&mut state, Msg::from(FieldIntent::PromptNewline), T0);
    update(
        &mut state,
        Msg::from(FieldIntent::PromptKey(KeyEvent::from(KeyCode::Char('!')))),
        T0,
    );
    let effects = update(&mut state, Msg::from(FieldIntent::Submit), T0);
    let [Effect::SaveConversation(meta)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(meta.system_prompt.as_deref(), Some("Answer in French.\n!"));
    assert_eq!(
        state.input_text(),
        "",
        "the paste went to the prompt, not the input box"
    );
    let body = submit(&mut state, "bonjour");
    assert_eq!(body["messages"][0]["content"], "Answer in French.\n!");
    update(&mut state, Msg::from(NavIntent::NewConversation), T0);
    assert_eq!(
        state.active_conversation().system_prompt,
        "Be brief.",
        "other conversations keep theirs"
    );
}

#[test]
fn too_long_for_the_window_offers_to_resend_with_older_turns_left_out() {
    let mut state = app();
    for i in 0..3 {
        let stream = send(&mut state, &format!("q{i}"), T0).expect("stream");
        feed(
            &mut state,
            stream,
            vec![StreamEvent::Content(format!("a{i}")), StreamEvent::Done],
            T0,
        );
    }
    let stream = send(&mut state, "q3", T0).expect("stream");
    let error = kimi_tui::error::ApiError::Api {
        status: Some(400),
        kind: "invalid_request_error".into(),
        message: "Invalid request: Your request exceeded model token limit: 262144".into(),
    };
    feed(&mut state, stream, vec![StreamEvent::Failed(error)], T0);
    let shown = state.active_conversation().messages[7]
        .error
        .clone()
        .unwrap_or_default();
    assert!(shown.contains("Ctrl+R"), "{shown}");
    let body = body_of(&update(&mut state, Msg::from(ChatIntent::Regenerate), T0));
    let contents: Vec<&str> = body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(
        contents,
        ["Be brief.", "q1", "a1", "q2", "a2", "q3"],
        "the oldest turn is left out"
    );
    assert_eq!(
        state.active_conversation().messages.len(),
        8,
        "and kept in the conversation"
    );
}

#[test]
fn the_tokenizer_count_teaches_the_estimate_used_to_trim() {
    let mut state = app();
    let id = state.conversations.active_id();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("hello".into())),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::CountTokens { .. })),
        "a short conversation is not counted: rate limits count every request"
    );
    support::end_streams(&mut state);
    state.active_conversation_mut().phase = kimi_tui::state::StreamPhase::Idle;
    state.active_conversation_mut().model = "moonshot-v1-8k".into();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("z ".repeat(10_000))),
        T0,
    );
    let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
    let Some(Effect::CountTokens { local, .. }) = effects
        .iter()
        .find(|e| matches!(e, Effect::CountTokens { .. }))
    else {
        panic!("{effects:?}")
    };
    assert!(*local > 0);
    update(
        &mut state,
        Msg::from(ModelsReport::TokensCounted {
            epoch: 0,
            id,
            local: 100,
            counted: Some(300),
        }),
        T0,
    );
    let conv = state.active_conversation();
    assert_eq!(conv.token_scale, 3.0);
    assert_eq!(conv.counted_tokens, Some(300));
    // A failed count (another provider, no network) leaves the local estimate alone.
    update(
        &mut state,
        Msg::from(ModelsReport::TokensCounted {
            epoch: 0,
            id,
            local: 100,
            counted: None,
        }),
        T0,
    );
    assert_eq!(state.active_conversation().token_scale, 3.0);
}

#[test]
fn a_larger_scale_leaves_more_out() {
    let mut state = app();
    state.active_conversation_mut().model = "moonshot-v1-8k".into();
    for i in 0..4 {
        let stream = send(&mut state, &format!("q{i} {}", "y ".repeat(1_500)), T0).expect("stream");
        feed(
            &mut state,
            stream,
            vec![StreamEvent::Content(format!("a{i}")), StreamEvent::Done],
            T0,
        );
    }
    let plain = build_request(state.active_conversation(), &state.settings, &[])
        .messages
        .len();
    state.active_conversation_mut().token_scale = 3.0;
    let scaled = build_request(state.active_conversation(), &state.settings, &[])
        .messages
        .len();
    assert!(scaled < plain, "{scaled} < {plain}");
}

#[tokio::test]
async fn the_tokenizer_endpoint_counts_a_request() {
    let mock = MockKimi::start();
    let client = support::client(&mock.base_url(), Some("sk-test"), Default::default());
    let mut state = app();
    state
        .active_conversation_mut()
        .push(kimi_tui::state::Message::user(
            kimi_tui::state::MessageId {
                id: 1,
                uid: uuid::Uuid::from_u64_pair(0, 1),
            },
            "x".repeat(300),
            T0,
        ));
    let request = build_request(state.active_conversation(), &state.settings, &[]);
    let counted = client.count_tokens(&request).await.expect("count");
    assert_eq!(counted, (300 + "Be brief.".len()) as u64 / 3);
}
