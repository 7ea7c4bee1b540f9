//! kimi-tui's benchmarks: `cargo bench --bench kimi` prints a Markdown table (see BENCHMARKS.md).
//!
//! The real binary runs in a pseudo-terminal against the loopback mock for start-up,
//! streaming, idle CPU and memory; the in-process rows drive the reducer and the renderer
//! (into ratatui's TestBackend) directly. Every figure is the median of several runs with the
//! spread; nothing here passes or fails. `cargo bench --bench kimi -- quick` runs fewer rounds.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "benches are an edge: they start servers, read clocks and write files"
)]

#[path = "../tests/support/mock_kimi.rs"]
mod mock_kimi;
#[path = "../tests/support/pty.rs"]
mod pty;

use std::io::Write;
use std::time::{Duration, Instant};

use kimi_tui::api::SamplingOptions;
use kimi_tui::api::StreamEvent;
use kimi_tui::io::store::records::MessageStatus;
use kimi_tui::msg::{ChatIntent, ComposerIntent, Msg, NavIntent, Report, ScrollCmd};
use kimi_tui::state::{Message, Scroll};
use kimi_tui::update::update;
use kimi_tui::{AppState, Settings, ui};
use mock_kimi::{MockKimi, Reply};
use pty::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Messages pushed straight onto the branch shown, outside the tree: their ids do not matter.
const NO_ID: kimi_tui::state::MessageId = kimi_tui::state::MessageId {
    id: 0,
    uid: uuid::Uuid::nil(),
};

const T0: u64 = 1_700_000_000_000;

// ---------------------------------------------------------------- measuring

fn proc_field(pid: u32, file: &str, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) a process has used.
fn proc_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

/// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID: nanosecond precision).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

fn self_rss_kb() -> u64 {
    proc_field(std::process::id(), "status", "VmRSS:")
}

struct Stat {
    median: f64,
    min: f64,
    max: f64,
}

fn stat(mut values: Vec<f64>) -> Stat {
    if values.is_empty() {
        eprintln!("no measurement succeeded for a row");
        values.push(f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    Stat {
        median,
        min: values[0],
        max: values[n - 1],
    }
}

struct Table {
    rows: Vec<String>,
}

impl Table {
    fn row(
        &mut self,
        what: &str,
        s: &Stat,
        unit: &str,
        digits: usize,
        target: &str,
        met: Option<bool>,
    ) {
        let verdict = match met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "",
        };
        let line = format!(
            "| {what} | {:.d$} {unit} | {:.d$}–{:.d$} | {target} | {verdict} |",
            s.median,
            s.min,
            s.max,
            d = digits
        );
        println!("{line}");
        self.rows.push(line);
    }
}

fn wait_screen(app: &App, needle: &str, limit: Duration) -> Option<Instant> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if app.contents().contains(needle) {
            return Some(Instant::now());
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    None
}

fn quit(mut app: App) {
    app.keys("\x11");
    app.wait_exit();
}

// ---------------------------------------------------------------- content

/// Reply pieces like a model's tokens: ~4-byte words, a paragraph break every 20 words.
fn token_pieces(count: usize) -> Vec<String> {
    let words = [
        "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog, ", "和", "中文",
        "字符 ",
    ];
    (0..count)
        .map(|i| {
            let w = words[i % words.len()];
            if i % 20 == 19 {
                format!("{w}\n\n")
            } else {
                w.to_string()
            }
        })
        .collect()
}

/// A markdown document of about `bytes`, cut into `piece`-byte deltas (on char boundaries).
fn markdown_pieces(bytes: usize, piece: usize) -> Vec<String> {
    let block = "## Section\n\nSome **bold** text and `inline code` in a paragraph that wraps over the \
                 width of the terminal more than once, with a [link](https://example.com).\n\n\
                 - item one\n- item two\n\n```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n\n";
    let mut doc = String::new();
    while doc.len() < bytes {
        doc.push_str(block);
    }
    split_pieces(&doc, piece)
}

fn settings() -> Settings {
    Settings {
        model: "kimi-k2.6".into(),
        endpoint: "bench".into(),
        system_prompt: String::new(),
        has_key: true,
        sampling: SamplingOptions::default(),
        max_retries: 3,
        kimi_fields: true,
        profile: "kimi".into(),
        profiles: Vec::new(),
    }
}

/// A state whose active conversation holds about `bytes` of earlier transcript.
fn state_with_transcript(bytes: usize) -> AppState {
    let mut state = AppState::new(settings(), T0);
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 40,
        },
        T0,
    );
    let paragraph: String = token_pieces(200).concat();
    let mut total = 0;
    let conv = state.active_conversation_mut();
    while total < bytes {
        conv.messages
            .push(Message::user(NO_ID, "Tell me more, please.".into(), T0));
        let mut reply = Message::assistant_streaming(NO_ID, "kimi-k2.6".into(), T0);
        reply.content = paragraph.clone();
        reply.status = MessageStatus::Complete;
        total += reply.content.len() + 21;
        conv.messages.push(reply);
    }
    state
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &AppState) {
    terminal
        .draw(|frame| ui::render(state, frame))
        .expect("draw");
}

// ---------------------------------------------------------------- scenarios

fn first_frame(table: &mut Table, rounds: usize) {
    let mock = MockKimi::start();
    let mut times = Vec::new();
    let mut rss = Vec::new();
    let mut keys = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let app = App::start(&mock.base_url(), &[]);
        let Some(seen) = wait_screen(&app, "Type a message below", Duration::from_secs(10)) else {
            eprintln!("first frame never appeared");
            continue;
        };
        times.push((seen - start).as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(200));
        rss.push(proc_field(app.pid(), "status", "VmRSS:") as f64 / 1024.0);
        // Keypress to frame, through the real terminal: type a letter, see it on screen.
        let mut app = app;
        for i in 1..=10 {
            let typed = "x".repeat(i);
            let start = Instant::now();
            app.writer.write_all(b"x").expect("type");
            app.writer.flush().expect("flush");
            if let Some(seen) = wait_screen(&app, &format!("│{typed} "), Duration::from_secs(5)) {
                keys.push((seen - start).as_secs_f64() * 1000.0);
            }
        }
        quit(app);
    }
    let s = stat(times);
    let met = s.median < 50.0;
    table.row(
        "1. Time to first frame, empty (spawn to welcome on screen)",
        &s,
        "ms",
        1,
        "< 50 ms",
        Some(met),
    );
    table.row(
        "4. Keypress to frame in the input box, through the pty",
        &stat(keys),
        "ms",
        2,
        "",
        None,
    );
    let r = stat(rss);
    let met = r.median < 30.0;
    table.row(
        "6. RSS when empty (after the first frame)",
        &r,
        "MB",
        1,
        "< 30 MB",
        Some(met),
    );
}

fn streaming(table: &mut Table, rounds: usize, label: &str, pieces: Vec<String>) {
    let mock = MockKimi::start();
    let count = pieces.len();
    let bytes: usize = pieces.iter().map(String::len).sum();
    let (mut cpu, mut wall, mut rate, mut latency, mut peak) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        mock.push(Reply::chat::<&str, String>(&[], &pieces, Duration::ZERO));
        let mut app = App::start(&mock.base_url(), &[]);
        wait_screen(&app, "Type a message below", Duration::from_secs(10));
        let cpu0 = proc_cpu(app.pid());
        let before = mock.requests().len();
        app.keys("go\r");
        let Some(seen) = wait_screen(&app, "completion tokens", Duration::from_secs(300)) else {
            eprintln!("{label}: the reply never completed");
            quit(app);
            continue;
        };
        let cpu1 = proc_cpu(app.pid());
        let sent_at = mock.requests().get(before).map_or(seen, |r| r.at);
        let last = mock.last_sent().unwrap_or(seen);
        let secs = (seen - sent_at).as_secs_f64();
        cpu.push((cpu1 - cpu0).as_secs_f64());
        wall.push(secs);
        rate.push(count as f64 / secs);
        latency.push(seen.saturating_duration_since(last).as_secs_f64() * 1000.0);
        peak.push(proc_field(app.pid(), "status", "VmHWM:") as f64 / 1024.0);
        quit(app);
    }
    let kb = bytes / 1024;
    table.row(
        &format!("2. {label} ({count} deltas, {kb} KB): app CPU"),
        &stat(cpu),
        "s",
        2,
        "REPL ≈ 0.4 s / 1 s",
        None,
    );
    table.row(
        &format!("2. {label}: wall time, request to last frame"),
        &stat(wall),
        "s",
        2,
        "",
        None,
    );
    let r = stat(rate);
    let met = r.median >= 50_000.0;
    table.row(
        &format!("2. {label}: deltas per second kept up with"),
        &r,
        "/s",
        0,
        "≥ 50,000/s",
        Some(met),
    );
    table.row(
        &format!("2. {label}: last byte sent to frame showing it"),
        &stat(latency),
        "ms",
        1,
        "",
        None,
    );
    table.row(
        &format!("2. {label}: peak RSS"),
        &stat(peak),
        "MB",
        1,
        "",
        None,
    );
}

/// CPU per delta with `prior` bytes of transcript before the reply: (update only, update
/// plus one frame).
fn per_delta(prior: usize, deltas: usize, rounds: usize) -> (Stat, Stat) {
    let mut updates = Vec::new();
    let mut values = Vec::new();
    for _ in 0..rounds {
        let mut state = state_with_transcript(prior);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        update(
            &mut state,
            Msg::from(ComposerIntent::Paste("next".into())),
            T0,
        );
        let effects = update(&mut state, Msg::from(ChatIntent::Submit), T0);
        let Some(stream) = effects.into_iter().find_map(|e| match e {
            kimi_tui::effect::Effect::StartStream { stream, .. } => Some(stream),
            _ => None,
        }) else {
            panic!("no stream started");
        };
        draw(&mut terminal, &state);
        let pieces = token_pieces(deltas * 10);
        let start = thread_cpu();
        for piece in pieces {
            update(
                &mut state,
                Msg::from(Report::Stream {
                    stream,
                    event: StreamEvent::Content(piece),
                }),
                T0,
            );
        }
        updates.push((thread_cpu() - start).as_secs_f64() * 1e6 / (deltas * 10) as f64);
        draw(&mut terminal, &state);
        let pieces = token_pieces(deltas);
        let start = thread_cpu();
        for piece in pieces {
            update(
                &mut state,
                Msg::from(Report::Stream {
                    stream,
                    event: StreamEvent::Content(piece),
                }),
                T0,
            );
            draw(&mut terminal, &state);
        }
        values.push((thread_cpu() - start).as_secs_f64() * 1e6 / deltas as f64);
    }
    (stat(updates), stat(values))
}

fn delta_cost(table: &mut Table, rounds: usize) {
    // Warm caches and the allocator first, so the first figure is not the coldest.
    let _ = per_delta(100 * 1024, 500, 1);
    let (base_update, base) = per_delta(0, 2000, rounds);
    table.row(
        "3. CPU per delta, update only, 0 B before",
        &base_update,
        "µs",
        3,
        "",
        None,
    );
    table.row(
        "3. CPU per delta + frame (120x40), 0 B before",
        &base,
        "µs",
        1,
        "",
        None,
    );
    for (label, bytes) in [("100 KB", 100 * 1024), ("2 MB", 2 * 1024 * 1024)] {
        let (u, s) = per_delta(bytes, 2000, rounds);
        let ratio = u.median / base_update.median;
        table.row(
            &format!("3. CPU per delta, update only, {label} before ({ratio:.2}x)"),
            &u,
            "µs",
            3,
            "≤ 1.2x the 0 B cost",
            Some(ratio <= 1.2),
        );
        let ratio = s.median / base.median;
        let met = ratio <= 1.2;
        table.row(
            &format!("3. CPU per delta + frame (120x40), {label} before ({ratio:.2}x)"),
            &s,
            "µs",
            1,
            "≤ 1.2x the 0 B cost",
            Some(met),
        );
    }
}

fn scrolling(table: &mut Table, rounds: usize) {
    let mut pgup = Vec::new();
    let mut frame = Vec::new();
    let mut keypress = Vec::new();
    for _ in 0..rounds {
        let mut state = state_with_transcript(2 * 1024 * 1024);
        update(
            &mut state,
            Msg::Resize {
                width: 200,
                height: 60,
            },
            T0,
        );
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        let middle = state.active_conversation().messages.len() / 2;
        state.active_conversation_mut().scroll = Scroll::Anchored {
            item: middle,
            row: 0,
        };
        draw(&mut terminal, &state);
        let start = thread_cpu();
        for _ in 0..200 {
            update(
                &mut state,
                Msg::from(NavIntent::Scroll(ScrollCmd::PageUp)),
                T0,
            );
            draw(&mut terminal, &state);
        }
        pgup.push((thread_cpu() - start).as_secs_f64() * 1e6 / 200.0);
        let start = thread_cpu();
        for _ in 0..200 {
            draw(&mut terminal, &state);
        }
        frame.push((thread_cpu() - start).as_secs_f64() * 1e3 / 200.0);
        let key = Msg::from(ComposerIntent::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('a'),
        )));
        let start = thread_cpu();
        for _ in 0..200 {
            update(&mut state, key.clone(), T0);
            draw(&mut terminal, &state);
        }
        keypress.push((thread_cpu() - start).as_secs_f64() * 1e6 / 200.0);
    }
    table.row(
        "4. CPU per PgUp (update + frame), 2 MB transcript, 200x60",
        &stat(pgup),
        "µs",
        1,
        "",
        None,
    );
    let f = stat(frame);
    let met = f.median < 2.0;
    table.row(
        "4. Frame time at 200x60, scrolled to the middle of 2 MB",
        &f,
        "ms",
        3,
        "< 2 ms",
        Some(met),
    );
    table.row(
        "4. Keypress to frame in the input box (update + frame)",
        &stat(keypress),
        "µs",
        1,
        "",
        None,
    );
}

/// Runs in a fresh child process (`memory-child`), so memory freed by other scenarios does
/// not hide the growth; prints the growth in KB.
fn transcript_memory_child() {
    let bytes = 2 * 1024 * 1024;
    let before = self_rss_kb();
    let mut state = state_with_transcript(bytes);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    // Scroll through everything so every message's wrap cache is filled: the worst case.
    update(&mut state, Msg::from(NavIntent::Scroll(ScrollCmd::Top)), T0);
    for _ in 0..5_000 {
        update(
            &mut state,
            Msg::from(NavIntent::Scroll(ScrollCmd::PageDown)),
            T0,
        );
        draw(&mut terminal, &state);
        if state.active_conversation().scroll == Scroll::Follow {
            break;
        }
    }
    let after = self_rss_kb();
    println!("{}", after.saturating_sub(before));
    drop(state);
}

fn transcript_memory(table: &mut Table) {
    let bytes = 2 * 1024 * 1024;
    let exe = std::env::current_exe().expect("bench exe");
    let out = std::process::Command::new(exe)
        .arg("memory-child")
        .output()
        .expect("run child");
    let kb: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0.0);
    let mb = kb / 1024.0;
    let ratio = mb / (f64::from(bytes) / 1024.0 / 1024.0);
    let s = Stat {
        median: mb,
        min: mb,
        max: mb,
    };
    let met = mb < 4.0 * 2.0 + 30.0;
    table.row(
        &format!("6. Memory a 2 MB transcript takes, all of it wrapped ({ratio:.1}x its bytes)"),
        &s,
        "MB",
        1,
        "< 4x bytes + 30 MB",
        Some(met),
    );
}

// ---------------------------------------------------------------- a big database

const CONVERSATIONS: u64 = 10_000;
const MESSAGES_EACH: u64 = 50;
const BIG_CONVERSATION: u64 = 5_000;
const BIG_MESSAGES: u64 = 2_000;

/// Fills a database with 10,000 conversations and about 500,000 messages (one of them with
/// 2,000), the newest one holding the text "LATEST CONVERSATION". Returns (messages, MB).
fn generate_db(path: &std::path::Path) -> (u64, f64) {
    kimi_tui::io::store::Store::open(path).expect("create schema");
    let mut conn = rusqlite::Connection::open(path).expect("open");
    let words = [
        "terminal", "stream", "token", "reply", "rust", "async", "buffer", "render", "cursor",
        "终端", "模型", "流式", "中文", "字符", "宽度", "换行", "history", "sqlite", "search",
    ];
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let tx = conn.transaction().expect("tx");
    let mut total = 0;
    {
        let mut conv = tx
            .prepare("INSERT INTO conversations (id, title, model, system_prompt, created_at, updated_at) VALUES (?1, ?2, 'kimi-k2.6', '', ?3, ?3)")
            .expect("prepare");
        let mut msg = tx
            .prepare("INSERT INTO messages (id, conversation_id, parent_id, seq, role, content, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'complete', ?7, ?7)")
            .expect("prepare");
        let mut id: i64 = 0;
        for c in 1..=CONVERSATIONS {
            let title = if c == CONVERSATIONS {
                "LATEST CONVERSATION".to_string()
            } else {
                format!(
                    "Chat {c} about {} and {}",
                    words[next() % words.len()],
                    words[next() % words.len()]
                )
            };
            conv.execute(rusqlite::params![c, title, T0 + c * 1000])
                .expect("conversation");
            let count = if c == BIG_CONVERSATION {
                BIG_MESSAGES
            } else {
                MESSAGES_EACH
            };
            for seq in 0..count {
                id += 1;
                let mut text = String::new();
                for _ in 0..16 {
                    text.push_str(words[next() % words.len()]);
                    text.push(' ');
                }
                if next() % 5000 == 0 {
                    text.push_str("zebra");
                }
                if c == CONVERSATIONS && seq == 0 {
                    text = "LATEST CONVERSATION".into();
                }
                let role = if seq % 2 == 0 { "user" } else { "assistant" };
                let parent = (seq > 0).then_some(id - 1);
                msg.execute(rusqlite::params![id, c, parent, seq, role, text, T0])
                    .expect("message");
                total += 1;
            }
        }
    }
    tx.commit().expect("commit");
    // The bigram index is written by the store with each message; rows inserted here get
    // theirs as the migration gives them, and its size is what the file grows by.
    let size = |path: &std::path::Path| std::fs::metadata(path).map_or(0, |m| m.len()) as f64;
    let before = size(path);
    let tx = conn.transaction().expect("tx");
    kimi_tui::io::store::fill_bigrams(&tx).expect("bigrams");
    tx.commit().expect("commit");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    let mb = size(path) / 1e6;
    println!(
        "<!-- the bigram index takes {:.1} MB of the {mb:.0} MB database -->",
        (size(path) - before) / 1e6
    );
    (total, mb)
}

fn big_database(table: &mut Table, rounds: usize) {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let path = kimi_tui::config::database_path(&data);
    let started = Instant::now();
    let (messages, mb) = generate_db(&path);
    println!(
        "<!-- generated {CONVERSATIONS} conversations, {messages} messages, {mb:.0} MB in {:.0} s -->",
        started.elapsed().as_secs_f64()
    );
    let mock = MockKimi::start();
    let data_arg = data.display().to_string();
    let (mut first, mut rss) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        let app = App::start(&mock.base_url(), &["--data-dir", &data_arg]);
        let Some(seen) = wait_screen(&app, "LATEST CONVERSATION", Duration::from_secs(20)) else {
            eprintln!("the big database never showed");
            continue;
        };
        first.push((seen - start).as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(200));
        rss.push(proc_field(app.pid(), "status", "VmRSS:") as f64 / 1024.0);
        quit(app);
    }
    let s = stat(first);
    let met = s.median < 100.0;
    table.row(
        "1. Time to first frame, 10,000 conversations / 500,000 messages",
        &s,
        "ms",
        1,
        "< 100 ms",
        Some(met),
    );
    table.row(
        "6. RSS with 10,000 conversations listed",
        &stat(rss),
        "MB",
        1,
        "",
        None,
    );

    let store = kimi_tui::io::store::Store::open(&path).expect("open");
    let mut open = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let mut state = AppState::new(settings(), T0);
        update(
            &mut state,
            Msg::Resize {
                width: 120,
                height: 40,
            },
            T0,
        );
        let id = kimi_tui::ids::ConversationId(BIG_CONVERSATION);
        let records = store.load(id).expect("load");
        let prompt = store.system_prompt(id).expect("prompt");
        let conv = state.active_conversation_mut();
        kimi_tui::state::saved::fill(conv, records, prompt);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        draw(&mut terminal, &state);
        open.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let s = stat(open);
    let met = s.median < 50.0;
    table.row(
        "Open a 2,000-message conversation (read + first frame)",
        &s,
        "ms",
        1,
        "< 50 ms",
        Some(met),
    );

    for (label, query) in [
        ("rare word", "zebra"),
        ("common word", "terminal"),
        ("Chinese, 3+ chars", "终端 模"),
    ] {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            found = store.search(query, 200).expect("search").len();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        let s = stat(times);
        let met = s.median < 100.0;
        table.row(
            &format!("Full-text search, {label} ({found} hits shown)"),
            &s,
            "ms",
            1,
            "< 100 ms",
            Some(met),
        );
    }
    for (label, query) in [("common", "中文"), ("no match", "斑马")] {
        let mut times = Vec::new();
        for _ in 0..rounds {
            let start = Instant::now();
            store.search(query, 200).expect("search");
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        let s = stat(times);
        let met = s.median < 100.0;
        table.row(
            &format!("Search, two-character Chinese query, {label} (bigram index)"),
            &s,
            "ms",
            1,
            "< 100 ms",
            Some(met),
        );
    }
}

fn idle(table: &mut Table, rounds: usize, seconds: u64) {
    let mock = MockKimi::start();
    let mut values = Vec::new();
    for _ in 0..rounds {
        let app = App::start(&mock.base_url(), &[]);
        wait_screen(&app, "Type a message below", Duration::from_secs(10));
        std::thread::sleep(Duration::from_secs(1));
        let cpu0 = proc_cpu(app.pid());
        std::thread::sleep(Duration::from_secs(seconds));
        let cpu1 = proc_cpu(app.pid());
        values.push((cpu1 - cpu0).as_secs_f64() / seconds as f64 * 100.0);
        quit(app);
    }
    let s = stat(values);
    let met = s.median < 0.1;
    table.row(
        &format!("5. Idle CPU over {seconds} s"),
        &s,
        "%",
        2,
        "< 0.1%",
        Some(met),
    );
}

/// Milliseconds per typed key, the reducer and a full frame each, over 200 keys a round.
fn typing(state: &mut AppState, terminal: &mut Terminal<TestBackend>, rounds: usize) -> Stat {
    let mut per_key = Vec::new();
    for _ in 0..rounds {
        let keys = 200;
        let start = Instant::now();
        // A hundred letters, then a hundred Backspaces: the box ends as it began.
        for i in 0..keys {
            let code = match i {
                i if i >= keys / 2 => crossterm::event::KeyCode::Backspace,
                i if i % 2 == 0 => crossterm::event::KeyCode::Char('x'),
                _ => crossterm::event::KeyCode::Char('y'),
            };
            let key = crossterm::event::KeyEvent::from(code);
            update(state, Msg::from(ComposerIntent::Key(key)), T0);
            draw(terminal, state);
        }
        per_key.push(start.elapsed().as_secs_f64() * 1000.0 / f64::from(keys));
    }
    stat(per_key)
}

/// An empty app at 120x40 and a test terminal of that size.
fn blank_state() -> (AppState, Terminal<TestBackend>) {
    let mut state = AppState::new(settings(), T0);
    let terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 40,
        },
        T0,
    );
    (state, terminal)
}

/// Key press to frame with a 200 KB transcript on screen: the reducer and a full draw at
/// 120x40, per key.
fn transcript_keys(table: &mut Table, rounds: usize) {
    let mut state = state_with_transcript(200 * 1024);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    draw(&mut terminal, &state);
    let s = typing(&mut state, &mut terminal, rounds);
    table.row(
        "Key to frame with a 200 KB transcript on screen (120x40)",
        &s,
        "ms",
        3,
        "< 0.12 ms",
        Some(s.median < 0.12),
    );
}

/// Key press to frame after a 1 MB single line came back from the editor (kept folded).
fn line_keys(table: &mut Table, rounds: usize) {
    let (mut state, mut terminal) = blank_state();
    let line = "0123456789".repeat(100_000);
    update(&mut state, Msg::Report(Report::Edited(Ok(line))), T0);
    draw(&mut terminal, &state);
    let s = typing(&mut state, &mut terminal, rounds);
    table.row(
        "Key to frame with a 1 MB single line put in the input box (120x40)",
        &s,
        "ms",
        3,
        "< 50 ms",
        Some(s.max < 50.0),
    );
}

/// Key press to frame while a 5 MB paste sits (folded) in the input box: the reducer and a
/// full draw at 120x40, per key.
fn paste_keys(table: &mut Table, rounds: usize) {
    let (mut state, mut terminal) = blank_state();
    let line = "a line of pasted text, long enough to matter 中文\n";
    let paste: String = line.repeat(5 * 1024 * 1024 / line.len());
    update(&mut state, Msg::from(ComposerIntent::Paste(paste)), T0);
    draw(&mut terminal, &state);
    let s = typing(&mut state, &mut terminal, rounds);
    table.row(
        "Key to frame with a 5 MB paste in the input box (120x40)",
        &s,
        "ms",
        3,
        "< 16 ms",
        Some(s.max < 16.0),
    );
}

/// Key press to frame after a reply ended with a 5 MB error message (kept to 4 KB).
fn error_keys(table: &mut Table, rounds: usize) {
    let (mut state, mut terminal) = blank_state();
    update(
        &mut state,
        Msg::from(ComposerIntent::Paste("go".into())),
        T0,
    );
    let stream = update(&mut state, Msg::from(ChatIntent::Submit), T0)
        .into_iter()
        .find_map(|e| match e {
            kimi_tui::effect::Effect::StartStream { stream, .. } => Some(stream),
            _ => None,
        })
        .expect("stream");
    let huge = "overloaded, ".repeat(5 * 1024 * 1024 / 12);
    update(
        &mut state,
        Msg::from(Report::Stream {
            stream,
            event: StreamEvent::Failed(kimi_tui::error::ApiError::Api {
                status: Some(400),
                kind: "invalid_request_error".into(),
                message: huge,
            }),
        }),
        T0,
    );
    draw(&mut terminal, &state);
    let s = typing(&mut state, &mut terminal, rounds);
    table.row(
        "Key to frame after a reply ended with a 5 MB error message (120x40)",
        &s,
        "ms",
        3,
        "< 50 ms",
        Some(s.max < 50.0),
    );
}

/// A conversation of 2,000 messages as a tree: a branch of 1,000 shown, and at every fifth
/// message another version of it with four messages under it (200 branches), saved in a
/// store. Returns the store and the conversation.
fn tree_store(
    dir: &std::path::Path,
) -> (kimi_tui::io::store::Store, kimi_tui::ids::ConversationId) {
    use kimi_tui::io::store::records::{ConversationMeta, MessageRecord, Role};
    let store = kimi_tui::io::store::Store::open(&dir.join("tree.sqlite3")).expect("open");
    let id = kimi_tui::ids::ConversationId(1);
    store
        .save_conversation(&ConversationMeta {
            id,
            title: "tree".into(),
            model: "kimi-k2.6".into(),
            system_prompt: Some(String::new()),
            created_at: T0,
            updated_at: T0,
            thinking: None,
            effort: None,
            draft: String::new(),
            web_search: false,
        })
        .expect("conversation");
    let text =
        "A paragraph of a reply, long enough to wrap once or twice at 120 cells, with 中文 in it. "
            .repeat(3);
    let record =
        |n: u64, parent: Option<u64>, seq: u32, chosen: u64, siblings: u32| MessageRecord {
            id: n,
            conversation_id: id,
            parent_id: parent,
            seq,
            role: if seq.is_multiple_of(2) {
                Role::User
            } else {
                Role::Assistant
            },
            content: format!("{n}: {text}"),
            reasoning: String::new(),
            status: MessageStatus::Complete,
            error: None,
            finish_reason: None,
            model: None,
            usage: None,
            created_at: T0,
            updated_at: T0,
            reasoning_started_at: None,
            reasoning_ended_at: None,
            chosen_at: chosen,
            uid: uuid::Uuid::from_u64_pair(1, n),
            siblings,
            tool_rounds: String::new(),
            documents: String::new(),
            images: Vec::new(),
            appended: None,
        };
    let mut next = 10_000;
    for seq in 0..1000u32 {
        let n = 1 + u64::from(seq);
        let parent = (seq > 0).then(|| n - 1);
        store
            .save_message(&record(n, parent, seq, T0 + 10, 0))
            .expect("message");
        if seq % 5 == 0 {
            // Another version of message `n`, chosen earlier, and four messages under it.
            let mut up = parent;
            for depth in 0..5u32 {
                next += 1;
                let siblings = u32::from(depth == 0);
                store
                    .save_message(&record(next, up, seq + depth, T0, siblings))
                    .expect("branch");
                up = Some(next);
            }
        }
    }
    (store, id)
}

/// Opening a conversation of 2,000 messages and 200 branches, and switching versions in the
/// middle of it (issue 10: under 10 ms to the frame each).
fn tree(table: &mut Table, rounds: usize) {
    let dir = tempfile::tempdir().expect("dir");
    let (store, id) = tree_store(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut open = Vec::new();
    let mut state = AppState::new(settings(), T0);
    for _ in 0..rounds {
        let start = Instant::now();
        state = AppState::new(settings(), T0);
        update(
            &mut state,
            Msg::Resize {
                width: 120,
                height: 40,
            },
            T0,
        );
        let records = store.load(id).expect("load");
        let conv = state.active_conversation_mut();
        kimi_tui::state::saved::fill(conv, records, None);
        draw(&mut terminal, &state);
        open.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    assert_eq!(state.active_conversation().message_count(), 2000);
    let s = stat(open);
    table.row(
        "Open a 2,000-message conversation with 200 branches (read + tree + first frame)",
        &s,
        "ms",
        2,
        "< 10 ms",
        Some(s.median < 10.0),
    );
    // The outline on message 500 (it has two versions); ← and → in turn, each with a frame.
    state.focus = kimi_tui::msg::Focus::Scrollback;
    state.active_conversation_mut().focus = Some(500);
    let mut switch = Vec::new();
    for round in 0..rounds * 10 {
        let intent = if round % 2 == 0 {
            kimi_tui::msg::TranscriptIntent::PrevVersion
        } else {
            kimi_tui::msg::TranscriptIntent::NextVersion
        };
        let start = Instant::now();
        update(&mut state, Msg::from(intent), T0 + 100 + round as u64);
        draw(&mut terminal, &state);
        switch.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    assert!(state.active_conversation().versions(500).is_some());
    let s = stat(switch);
    table.row(
        "Switch versions in the middle of it (update + frame, 120x40)",
        &s,
        "ms",
        3,
        "< 10 ms",
        Some(s.median < 10.0),
    );
}

// ---------------------------------------------------------------- big content (issue 15)

/// A Rust-looking code block of about `bytes`, fenced, in `count` pieces.
fn code_block_pieces(bytes: usize, count: usize) -> Vec<String> {
    let mut doc = String::from("Here it is:\n\n```rust\n");
    let mut i = 0;
    while doc.len() < bytes {
        doc.push_str(&format!(
            "    let value_{i} = compute(&input[{i}..], {i} * 2); // step {i} of the loop\n"
        ));
        i += 1;
    }
    doc.push_str("```\n\nDone.");
    split_pieces(&doc, doc.len().div_ceil(count))
}

/// Prose of about `bytes`: sentences, a paragraph break every few hundred bytes.
fn prose_pieces(bytes: usize, piece: usize) -> Vec<String> {
    let words: String = token_pieces(40).concat();
    let mut doc = String::new();
    while doc.len() < bytes {
        doc.push_str(&words);
    }
    split_pieces(&doc, piece)
}

fn split_pieces(doc: &str, piece: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < doc.len() {
        let mut end = (start + piece).min(doc.len());
        while !doc.is_char_boundary(end) {
            end += 1;
        }
        out.push(doc[start..end].to_string());
        start = end;
    }
    out
}

/// Types `keys` letters, one every `every`, each waiting for its echo in the input box;
/// returns the milliseconds from each key to its echo.
fn echo_times(app: &mut App, keys: usize, every: Duration) -> Vec<f64> {
    let mut out = Vec::new();
    for i in 1..=keys {
        std::thread::sleep(every);
        let typed = "Z".repeat(i);
        let start = Instant::now();
        app.writer.write_all(b"Z").expect("type");
        app.writer.flush().expect("flush");
        match wait_screen(app, &format!("│{typed} "), Duration::from_secs(30)) {
            Some(seen) => out.push((seen - start).as_secs_f64() * 1000.0),
            None => {
                eprintln!("key {i} never echoed");
                break;
            }
        }
    }
    out
}

fn worst(values: &[f64]) -> Stat {
    stat(vec![values.iter().copied().fold(0.0, f64::max)])
}

/// Keys typed while a 512 KB code block streams at 20 deltas a second: key to echo, and the
/// app's CPU share meanwhile.
fn code_block_keys(table: &mut Table, rounds: usize) {
    let mock = MockKimi::start();
    let (mut medians, mut worsts, mut cpu) = (vec![], vec![], vec![]);
    for _ in 0..rounds {
        let pieces = code_block_pieces(512 * 1024, 200);
        mock.push(Reply::chat::<&str, String>(
            &[],
            &pieces,
            Duration::from_millis(50),
        ));
        let mut app = App::start(&mock.base_url(), &[]);
        wait_screen(&app, "Type a message below", Duration::from_secs(10));
        app.keys("go\r");
        wait_screen(&app, "┌ rust", Duration::from_secs(10));
        let (cpu0, t0) = (proc_cpu(app.pid()), Instant::now());
        // 20 keys over the stream's last three quarters, when the block is large.
        std::thread::sleep(Duration::from_millis(2500));
        let keys = echo_times(&mut app, 20, Duration::from_millis(300));
        let share = (proc_cpu(app.pid()) - cpu0).as_secs_f64() / t0.elapsed().as_secs_f64();
        cpu.push(share * 100.0);
        if !keys.is_empty() {
            medians.push(stat(keys.clone()).median);
            worsts.push(worst(&keys).median);
        }
        quit(app);
    }
    let w = stat(worsts);
    table.row(
        "Key to echo while a 512 KB code block streams (20 deltas/s): worst of 20 keys",
        &w,
        "ms",
        1,
        "< 50 ms",
        Some(w.median < 50.0),
    );
    table.row(
        "Key to echo while a 512 KB code block streams: median of 20 keys",
        &stat(medians),
        "ms",
        1,
        "",
        None,
    );
    let c = stat(cpu);
    table.row(
        "App CPU while a 512 KB code block streams",
        &c,
        "%",
        0,
        "< 20 %",
        Some(c.median < 20.0),
    );
}

/// Peak memory of the store saving a 20 MB reply, streaming then complete (`memory-save`).
fn memory_save() {
    use kimi_tui::ids::ConversationId;
    use kimi_tui::io::store::Store;
    use kimi_tui::io::store::records::{ConversationMeta, MessageRecord};
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("c.sqlite3")).expect("open");
    store
        .save_conversation(&ConversationMeta {
            id: ConversationId(1),
            title: "t".into(),
            model: "m".into(),
            system_prompt: None,
            created_at: 1,
            updated_at: 1,
            thinking: None,
            effort: None,
            draft: String::new(),
            web_search: false,
        })
        .expect("conv");
    let mut m = MessageRecord {
        id: 1,
        conversation_id: ConversationId(1),
        parent_id: None,
        seq: 0,
        role: kimi_tui::io::store::records::Role::Assistant,
        content: prose_pieces(20 * 1024 * 1024, 1 << 30).concat(),
        reasoning: String::new(),
        status: MessageStatus::Streaming,
        error: None,
        finish_reason: None,
        model: None,
        usage: None,
        created_at: 10,
        updated_at: 10,
        reasoning_started_at: None,
        reasoning_ended_at: None,
        chosen_at: 10,
        uid: uuid::Uuid::from_u64_pair(1, 1),
        siblings: 0,
        tool_rounds: String::new(),
        documents: String::new(),
        images: Vec::new(),
        appended: None,
    };
    let reset = || {
        std::fs::write("/proc/self/clear_refs", "5").expect("clear_refs");
    };
    let hwm = || proc_field(std::process::id(), "status", "VmHWM:") / 1024;
    let rss = || proc_field(std::process::id(), "status", "VmRSS:") / 1024;
    println!("before: {} MB", rss());
    reset();
    store.save_message(&m).expect("streaming");
    println!("streaming save: peak {} MB, after {} MB", hwm(), rss());
    m.status = MessageStatus::Complete;
    reset();
    store.save_message(&m).expect("complete");
    println!("complete save: peak {} MB, after {} MB", hwm(), rss());
}

/// The app's RSS every 10 ms while a 20 MB reply streams, ends and is saved: where the
/// peak comes from (`memory-timeline`).
fn memory_timeline() {
    let mock = MockKimi::start();
    let mut pieces = prose_pieces(20 * 1024 * 1024, 200);
    pieces.push("\n\nTHE END.".into());
    mock.push(Reply::chat::<&str, String>(&[], &pieces, Duration::ZERO));
    let home = tempfile::tempdir().expect("home");
    let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-bench"));
    wait_screen(&app, "Type a message below", Duration::from_secs(10));
    let start = Instant::now();
    app.keys("again\r");
    let mut last = 0.0;
    let mut ended = None;
    while start.elapsed() < Duration::from_secs(20) {
        let rss = proc_field(app.pid(), "status", "VmRSS:") as f64 / 1024.0;
        let at = start.elapsed().as_secs_f64();
        if ended.is_none() && app.contents().contains("THE END") {
            ended = Some(at);
            println!("{at:6.2} s  the end is on screen");
        }
        if (rss - last).abs() >= 4.0 {
            println!("{at:6.2} s  {rss:5.0} MB");
            last = rss;
        }
        if ended.is_some_and(|e| at > e + 4.0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    println!(
        "peak {} MB",
        proc_field(app.pid(), "status", "VmHWM:") / 1024
    );
    quit(app);
}

/// A 20 MB reply streamed as fast as loopback allows: Esc to "stopped" shortly after it
/// starts; then again, whole, with keys typed meanwhile; peak memory; then the conversation
/// reopened: spawn to the first frame showing the reply's end.
fn huge_reply(table: &mut Table, rounds: usize) {
    let mock = MockKimi::start();
    let (mut worsts, mut medians, mut esc, mut peak, mut reopen, mut ended) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut after = Vec::new();
    let mb = 20;
    for _ in 0..rounds {
        let mut pieces = prose_pieces(mb * 1024 * 1024, 200);
        pieces.push("\n\nTHE END.".into());
        mock.push(Reply::chat::<&str, String>(&[], &pieces, Duration::ZERO));
        mock.push(Reply::chat::<&str, String>(&[], &pieces, Duration::ZERO));
        // Esc shortly after the reply starts (a run of its own, so that what arrived before
        // Esc does not count in the memory measured below).
        let mut app = App::start(&mock.base_url(), &[]);
        wait_screen(&app, "Type a message below", Duration::from_secs(10));
        app.keys("go\r");
        wait_screen(&app, "fox", Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        app.keys("\x1b");
        match wait_screen(&app, "stopped", Duration::from_secs(60)) {
            Some(seen) => esc.push((seen - start).as_secs_f64() * 1000.0),
            None => eprintln!("the reply was not stopped"),
        }
        quit(app);
        // The whole reply, keys typed while it streams.
        let home = tempfile::tempdir().expect("home");
        let mut app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-bench"));
        wait_screen(&app, "Type a message below", Duration::from_secs(10));
        app.keys("again\r");
        wait_screen(&app, "fox", Duration::from_secs(10));
        let keys = echo_times(&mut app, 20, Duration::from_millis(20));
        if !keys.is_empty() {
            medians.push(stat(keys.clone()).median);
            worsts.push(worst(&keys).median);
        }
        if wait_screen(&app, "THE END", Duration::from_secs(120)).is_none() {
            eprintln!("the second reply never ended");
        }
        // Once the reply is saved and indexed (the peak is the high-water mark so far).
        std::thread::sleep(Duration::from_millis(1500));
        peak.push(proc_field(app.pid(), "status", "VmHWM:") as f64 / 1024.0);
        after.push(proc_field(app.pid(), "status", "VmRSS:") as f64 / 1024.0);
        quit(app);
        // Reopen: the last conversation opens at its end.
        let start = Instant::now();
        let app = App::start_at(home.path(), &mock.base_url(), &[], Some("sk-bench"));
        // The first frame shows the reply (laid out in part, or whole).
        let first = Instant::now();
        loop {
            let screen = app.contents();
            if screen.contains("laying out") || screen.contains("THE END") {
                reopen.push((Instant::now() - start).as_secs_f64() * 1000.0);
                break;
            }
            if first.elapsed() > Duration::from_secs(60) {
                eprintln!("the reopened reply never showed");
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        match wait_screen(&app, "THE END", Duration::from_secs(60)) {
            Some(seen) => ended.push((seen - start).as_secs_f64() * 1000.0),
            None => eprintln!("the reopened reply's end never showed"),
        }
        quit(app);
    }
    let w = stat(worsts);
    table.row(
        &format!("Key to echo while a {mb} MB reply streams at full speed: worst of 20 keys"),
        &w,
        "ms",
        1,
        "< 50 ms",
        Some(w.median < 50.0),
    );
    table.row(
        &format!("Key to echo while a {mb} MB reply streams: median of 20 keys"),
        &stat(medians),
        "ms",
        1,
        "",
        None,
    );
    let e = stat(esc);
    table.row(
        &format!("Esc to \"stopped\" on screen during the {mb} MB reply"),
        &e,
        "ms",
        1,
        "< 100 ms",
        Some(e.median < 100.0),
    );
    let p = stat(peak);
    let budget = (mb * 4 + 30) as f64;
    table.row(
        &format!("Peak RSS with the {mb} MB reply"),
        &p,
        "MB",
        0,
        &format!("< {budget} MB"),
        Some(p.median < budget),
    );
    table.row(
        &format!("RSS once the {mb} MB reply has ended and been saved"),
        &stat(after),
        "MB",
        0,
        "",
        None,
    );
    let r = stat(reopen);
    table.row(
        &format!("Reopening it: spawn to the first frame, the {mb} MB reply on screen"),
        &r,
        "ms",
        1,
        "< 100 ms",
        Some(r.median < 100.0),
    );
    table.row(
        "Reopening it: spawn to the reply's end on screen (laid out over frames)",
        &stat(ended),
        "ms",
        1,
        "",
        None,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return; // `cargo test --benches` asks; there is nothing to list
    }
    if args.iter().any(|a| a == "memory-child") {
        transcript_memory_child();
        return;
    }
    if args.iter().any(|a| a == "profile-markdown") {
        // For `perf record`: a 200 KB markdown reply, a frame every 100 deltas.
        let mut state = AppState::new(settings(), T0);
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        update(
            &mut state,
            Msg::Resize {
                width: 100,
                height: 30,
            },
            T0,
        );
        update(
            &mut state,
            Msg::from(ComposerIntent::Paste("go".into())),
            T0,
        );
        let stream = update(&mut state, Msg::from(ChatIntent::Submit), T0)
            .into_iter()
            .find_map(|e| match e {
                kimi_tui::effect::Effect::StartStream { stream, .. } => Some(stream),
                _ => None,
            })
            .expect("stream");
        let start = thread_cpu();
        for (i, piece) in markdown_pieces(200 * 1024, 4).into_iter().enumerate() {
            update(
                &mut state,
                Msg::from(Report::Stream {
                    stream,
                    event: StreamEvent::Content(piece),
                }),
                T0,
            );
            if i % 100 == 0 {
                draw(&mut terminal, &state);
            }
        }
        println!("{:.3} s", (thread_cpu() - start).as_secs_f64());
        return;
    }
    if args.iter().any(|a| a == "profile-huge") {
        // For `perf record`: the first frame of a conversation whose reply is 20 MB.
        let mut state = state_with_transcript(0);
        let conv = state.active_conversation_mut();
        conv.messages
            .push(Message::user(NO_ID, "Tell me more, please.".into(), T0));
        let mut reply = Message::assistant_streaming(NO_ID, "kimi-k2.6".into(), T0);
        reply.content = prose_pieces(20 * 1024 * 1024, 1 << 30).concat();
        reply.status = MessageStatus::Complete;
        conv.messages.push(reply);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let rss = self_rss_kb();
        let start = Instant::now();
        draw(&mut terminal, &state);
        println!("first frame: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
        println!(
            "RSS {} MB before the frame, {} MB after",
            rss / 1024,
            self_rss_kb() / 1024
        );
        let start = Instant::now();
        draw(&mut terminal, &state);
        println!(
            "second frame: {:.3} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
        return;
    }
    if args.iter().any(|a| a == "memory-save") {
        memory_save();
        return;
    }
    if args.iter().any(|a| a == "memory-timeline") {
        memory_timeline();
        return;
    }
    if args.iter().any(|a| a == "profile-typing") {
        // For `perf record`: keys typed with a 200 KB transcript on screen.
        let mut state = state_with_transcript(200 * 1024);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        draw(&mut terminal, &state);
        let s = typing(&mut state, &mut terminal, 100);
        println!("{:.3} ms per key", s.median);
        return;
    }
    if args.iter().any(|a| a == "profile-picture") {
        // For `perf record`: keys with a picture in the pager (`profile-picture blocks`, or
        // kitty, sixel, iterm2).
        let kind = args.iter().rev().find_map(|a| match a.as_str() {
            "kitty" => Some(kimi_tui::io::graphics::Kind::Kitty),
            "sixel" => Some(kimi_tui::io::graphics::Kind::Sixel),
            "iterm2" => Some(kimi_tui::io::graphics::Kind::Iterm2),
            "blocks" => Some(kimi_tui::io::graphics::Kind::Blocks),
            _ => None,
        });
        let mut table = Table { rows: Vec::new() };
        picture_keys(&mut table, kind, 50);
        return;
    }
    if args.iter().any(|a| a == "profile-delta") {
        // For `perf record`: only the per-delta loop.
        let (_, s) = per_delta(0, 20_000, 1);
        println!("{:.1} µs per delta", s.median);
        return;
    }
    let quick = args.iter().any(|a| a == "quick");
    let rounds = if args.iter().any(|a| a == "once") {
        1
    } else if quick {
        3
    } else {
        5
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("Machine: {cores} cores, {cpu}. Rounds per figure: {rounds} (median, min–max).\n");
    println!("| Scenario | Median | Spread | Target | |");
    println!("|---|---|---|---|---|");
    // `only=NAME[,NAME]` runs some scenarios: start, stream, delta, scroll, memory, db, paste,
    // tree, big, pictures, idle.
    let only: Option<Vec<String>> = args
        .iter()
        .find_map(|a| a.strip_prefix("only="))
        .map(|list| list.split(',').map(String::from).collect());
    let run = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|n| n == name));
    let mut table = Table { rows: Vec::new() };
    if run("start") {
        first_frame(&mut table, if quick { 5 } else { 10 });
    }
    if run("stream") {
        streaming(&mut table, rounds, "Streaming tokens", token_pieces(20_000));
        let markdown = markdown_pieces(200 * 1024, 4);
        streaming(
            &mut table,
            rounds,
            "Streaming a 200 KB markdown reply",
            markdown,
        );
    }
    if run("delta") {
        // Short runs on a shared machine are noisy: more rounds for the flatness ratio.
        delta_cost(&mut table, rounds * 2 - 1);
    }
    if run("scroll") {
        scrolling(&mut table, rounds);
    }
    if run("memory") {
        transcript_memory(&mut table);
    }
    if run("db") {
        big_database(&mut table, rounds);
    }
    if run("paste") {
        transcript_keys(&mut table, rounds);
        line_keys(&mut table, rounds);
        paste_keys(&mut table, rounds);
        error_keys(&mut table, rounds);
    }
    if run("tree") {
        tree(&mut table, rounds);
    }
    if run("big") {
        code_block_keys(&mut table, rounds);
        huge_reply(&mut table, rounds);
    }
    if run("pictures") {
        pictures(&mut table, rounds);
    }
    if run("idle") {
        idle(&mut table, 3, if quick { 5 } else { 10 });
    }
}

/// An image in the pager: how long drawing it for the terminal takes (off the loop's
/// thread), and a key to frame with it on screen, for each protocol, and with pictures off
/// (the image named) for comparison. The image is a 2048×1536 photo-like picture (the
/// largest a message carries), at 120x40 with 10×20 cells.
fn pictures(table: &mut Table, rounds: usize) {
    use kimi_tui::io::graphics::Kind;
    picture_keys(table, None, rounds);
    for kind in [Kind::Sixel, Kind::Kitty, Kind::Iterm2, Kind::Blocks] {
        picture_keys(table, Some(kind), rounds);
    }
}

fn photo() -> kimi_tui::api::Image {
    let (width, height) = (2048, 1536);
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        // Gradients with a little noise: sixel's palette and PNG's compression both work.
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) % 24;
        image::Rgb([
            u8::try_from((x * 255 / width + noise) % 256).unwrap_or(0),
            u8::try_from((y * 255 / height + noise) % 256).unwrap_or(0),
            u8::try_from(((x + y) * 255 / (width + height)) % 256).unwrap_or(0),
        ])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("encode");
    kimi_tui::io::image::from_bytes("photo.png", png.into_inner()).expect("image")
}

fn picture_keys(table: &mut Table, kind: Option<kimi_tui::io::graphics::Kind>, rounds: usize) {
    use kimi_tui::io::graphics::{self, Graphics, Kind};
    let image = photo();
    let graphics = kind.map(|kind| Graphics {
        kind,
        cell: if kind == Kind::Blocks {
            (1, 2)
        } else {
            (10, 20)
        },
    });
    let (mut state, mut terminal) = blank_state();
    state.pictures = graphics;
    let conv = state.active_conversation_mut();
    let mut message = Message::user(NO_ID, "What is in it?".into(), T0);
    message.images = vec![image];
    conv.messages.push(message);
    conv.focus = Some(0);
    let effects = update(
        &mut state,
        Msg::from(kimi_tui::msg::TranscriptIntent::ToggleReasoning),
        T0,
    );
    let name = kind.map_or("pictures off", Kind::name);
    if let Some(graphics) = graphics {
        let Some((hash, data, cells)) = effects.into_iter().find_map(|e| match e {
            kimi_tui::effect::Effect::DrawPicture {
                hash, data, cells, ..
            } => Some((hash, data, cells)),
            _ => None,
        }) else {
            panic!("no picture asked for");
        };
        let mut drawing = Vec::new();
        let mut picture = None;
        for _ in 0..rounds {
            let start = Instant::now();
            picture = Some(graphics::draw(graphics, &data, cells, 1).expect("drawn"));
            drawing.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        let s = stat(drawing);
        table.row(
            &format!("Drawing a 2048×1536 image for the pager, {name} (off the loop's thread)"),
            &s,
            "ms",
            1,
            "off the loop",
            None,
        );
        update(
            &mut state,
            Msg::Report(Report::PictureDrawn {
                hash,
                cells,
                result: Ok(picture.expect("drawn")),
            }),
            T0,
        );
    }
    draw(&mut terminal, &state);
    let mut per_key = Vec::new();
    for _ in 0..rounds {
        let keys = 200;
        let start = Instant::now();
        for _ in 0..keys {
            update(
                &mut state,
                Msg::from(NavIntent::ScrollPager(ScrollCmd::Down(1))),
                T0,
            );
            draw(&mut terminal, &state);
        }
        per_key.push(start.elapsed().as_secs_f64() * 1000.0 / f64::from(keys));
    }
    let s = stat(per_key);
    table.row(
        &format!("Key to frame with that image in the pager, {name} (120x40)"),
        &s,
        "ms",
        3,
        "< 0.12 ms",
        Some(s.median < 0.12),
    );
}
