//! Pictures in the terminal. Which protocol the terminal speaks is asked once, as the app
//! starts, after the screen is taken and before the event loop reads a key (`ask`); the
//! answer and the environment decide (`decide`). An image is then drawn for a box of cells
//! off the loop's thread (`draw`): decoded, fitted, and encoded by `ratatui-image` in that
//! protocol, or in coloured half blocks where the terminal has none.
//!
//! The query is written here rather than through `ratatui_image::picker::Picker`: the picker
//! reads stdin on a thread it leaves behind when the terminal does not answer in time (that
//! thread would then eat the user's first keys), and inside tmux it turns tmux's passthrough
//! on for the user's pane. Here the reads stop at the deadline, a byte at a time, so nothing
//! after the terminal's answer is taken from the event loop.

use std::time::Duration;

use image::DynamicImage;
use image::imageops::FilterType;
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Rect, Size};
use ratatui::widgets::Widget;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use ratatui_image::protocol::Protocol;

pub use crate::config::Pictures as Choice;

/// A picture protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Kitty,
    Sixel,
    Iterm2,
    Blocks,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Kitty => "kitty",
            Kind::Sixel => "sixel",
            Kind::Iterm2 => "iterm2",
            Kind::Blocks => "blocks",
        }
    }
}

/// How this terminal shows pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Graphics {
    pub kind: Kind,
    /// A cell's size in pixels (width, height). For half blocks, 1×2: one block per cell
    /// half.
    pub cell: (u16, u16),
}

/// What the terminal said to the query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub kitty: bool,
    pub sixel: bool,
    /// A cell's size in pixels, from `CSI 16 t`.
    pub cell: Option<(u16, u16)>,
    /// The status report that ends the query came back (every terminal answers it).
    pub complete: bool,
}

/// The environment variables that say which terminal this is.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub term: Option<String>,
    pub term_program: Option<String>,
    pub lc_terminal: Option<String>,
    /// `KONSOLE_VERSION`, `WEZTERM_EXECUTABLE` set: their kitty and sixel support is partial.
    pub konsole_or_wezterm: bool,
    /// Inside tmux or screen: only what the multiplexer itself draws (its own sixel).
    pub multiplexer: bool,
}

impl Env {
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Env {
        let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
        let term = var("TERM");
        Env {
            multiplexer: set("TMUX")
                || set("STY")
                || term
                    .as_deref()
                    .is_some_and(|t| t.starts_with("tmux") || t.starts_with("screen")),
            term,
            term_program: var("TERM_PROGRAM"),
            lc_terminal: var("LC_TERMINAL"),
            konsole_or_wezterm: set("KONSOLE_VERSION") || set("WEZTERM_EXECUTABLE"),
        }
    }
}

/// The query: kitty's graphics query, the device attributes (sixel), the cell size in pixels
/// and, last, a status report that every terminal answers, so the reading knows it is done.
pub fn query() -> String {
    Parser::query(false, QueryStdioOptions::default())
}

/// Reads the terminal's answers to `query()` out of `bytes`.
pub fn parse_answers(bytes: &[u8]) -> Answers {
    let mut parser = Parser::new();
    let mut answers = Answers::default();
    for &byte in bytes {
        for response in parser.push(char::from(byte)) {
            note(&mut answers, &response);
        }
    }
    answers
}

fn note(answers: &mut Answers, response: &Response) {
    match response {
        Response::Kitty => answers.kitty = true,
        Response::Sixel => answers.sixel = true,
        Response::CellSize(Some((w, h))) if *w > 0 && *h > 0 => answers.cell = Some((*w, *h)),
        Response::Status => answers.complete = true,
        _ => {}
    }
}

/// How pictures will be drawn, from the config's choice, what the terminal answered (`None`:
/// it was not asked), the environment, a cell's size in pixels from the tty (`TIOCGWINSZ`),
/// and whether the terminal shows 256 colours or more. `None`: pictures are not drawn (only
/// named).
pub fn decide(
    choice: Choice,
    answers: Option<&Answers>,
    env: &Env,
    tty_cell: Option<(u16, u16)>,
    colors: bool,
) -> Option<Graphics> {
    let blocks = Graphics {
        kind: Kind::Blocks,
        cell: (1, 2),
    };
    let cell = answers.and_then(|a| a.cell).or(tty_cell);
    let pixels = |kind| cell.map(|cell| Graphics { kind, cell });
    match choice {
        Choice::Off => None,
        Choice::Blocks => Some(blocks),
        // Named in the config: used whatever the terminal answered or its colours, with the
        // cell size it or the tty reports (a common 8×16 cell when neither does).
        Choice::Kitty | Choice::Sixel | Choice::Iterm2 => Some(Graphics {
            kind: match choice {
                Choice::Kitty => Kind::Kitty,
                Choice::Sixel => Kind::Sixel,
                _ => Kind::Iterm2,
            },
            cell: cell.unwrap_or((8, 16)),
        }),
        Choice::Auto => {
            let asked = answers.filter(|_| !env.konsole_or_wezterm);
            let from_query = asked.and_then(|a| {
                if a.kitty && !env.multiplexer {
                    pixels(Kind::Kitty)
                } else if a.sixel {
                    pixels(Kind::Sixel)
                } else {
                    None
                }
            });
            let from_env = || {
                if env.multiplexer {
                    return None;
                }
                let term = env.term.as_deref().unwrap_or("");
                let program = env.term_program.as_deref().unwrap_or("");
                if term == "xterm-kitty" || term == "xterm-ghostty" {
                    pixels(Kind::Kitty)
                } else if [
                    "iTerm",
                    "WezTerm",
                    "vscode",
                    "mintty",
                    "Tabby",
                    "Hyper",
                    "rio",
                    "WarpTerminal",
                ]
                .iter()
                .any(|name| program.contains(name))
                    || env
                        .lc_terminal
                        .as_deref()
                        .is_some_and(|t| t.contains("iTerm"))
                {
                    pixels(Kind::Iterm2)
                } else {
                    None
                }
            };
            from_query
                .or_else(from_env)
                .or_else(|| colors.then_some(blocks))
        }
    }
}

/// Asks the terminal (see `query`), waiting at most `timeout` for the answer. `None` when
/// stdin or stdout is not a terminal, when keys typed ahead are already waiting (asking
/// would mix its answer with them), or on a system without `poll`. Reads a byte at a time
/// and stops at the status report, so no key typed after it is taken.
pub fn ask(timeout: Duration) -> Option<Answers> {
    #[cfg(unix)]
    {
        ask_unix(timeout)
    }
    #[cfg(not(unix))]
    {
        let _ = timeout;
        None
    }
}

#[cfg(unix)]
fn ask_unix(timeout: Duration) -> Option<Answers> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use std::io::{IsTerminal, Write};
    use std::time::Instant;

    let stdin = rustix::stdio::stdin();
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return None;
    }
    let wait = |left: Duration| -> bool {
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        let left = Timespec {
            tv_sec: i64::try_from(left.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(left.subsec_nanos()),
        };
        matches!(poll(&mut fds, Some(&left)), Ok(n) if n > 0)
    };
    if wait(Duration::ZERO) {
        return None;
    }
    let mut out = std::io::stdout();
    out.write_all(query().as_bytes()).ok()?;
    out.flush().ok()?;
    let deadline = Instant::now() + timeout;
    let mut parser = Parser::new();
    let mut answers = Answers::default();
    let mut byte = [0_u8; 1];
    while !answers.complete {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || !wait(left) {
            break;
        }
        match rustix::io::read(stdin, &mut byte) {
            Ok(1) => {
                for response in parser.push(char::from(byte[0])) {
                    note(&mut answers, &response);
                }
            }
            Ok(_) => break,
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
            Err(_) => break,
        }
    }
    Some(answers)
}

/// A cell's size in pixels as the tty reports it (`None` where it reports none, as many do
/// over SSH).
pub fn tty_cell() -> Option<(u16, u16)> {
    let size = crossterm::terminal::window_size().ok()?;
    if size.width == 0 || size.height == 0 || size.columns == 0 || size.rows == 0 {
        return None;
    }
    Some((size.width / size.columns, size.height / size.rows)).filter(|&(w, h)| w > 0 && h > 0)
}

/// An image encoded for the terminal, ready to be put in cells. Cloning shares it; two are
/// equal when they are the same encoding.
#[derive(Clone)]
pub struct Picture(std::sync::Arc<Encoded>);

enum Encoded {
    /// Kitty, sixel or iTerm2: an escape sequence in the first cell, the rest skipped.
    Pixels(Protocol),
    /// Half blocks, put in cells once: each frame copies them. They are marked one column
    /// wide, so ratatui's diff does not measure `▀` in each of them on every frame (that
    /// was a fifth of a key's cost with a picture on screen).
    Cells { size: (u16, u16), cells: Vec<Cell> },
}

impl Picture {
    /// Its size in cells.
    pub fn size(&self) -> (u16, u16) {
        match &*self.0 {
            Encoded::Pixels(protocol) => {
                let size = protocol.size();
                (size.width, size.height)
            }
            Encoded::Cells { size, .. } => *size,
        }
    }

    /// Whether it is drawn with pixels (kitty, sixel, iTerm2) rather than in cells: the
    /// screen must then be cleared when it goes, as text over it may not erase it.
    pub fn is_pixels(&self) -> bool {
        matches!(*self.0, Encoded::Pixels(_))
    }

    /// Whether kitty holds its data (sent once, placed by id).
    pub fn is_kitty(&self) -> bool {
        matches!(*self.0, Encoded::Pixels(Protocol::Kitty(_)))
    }
}

/// Puts the picture in the cells of the area (at its top left); nothing when it does not fit.
impl Widget for &Picture {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (width, height) = self.size();
        if width > area.width || height > area.height {
            return;
        }
        match &*self.0 {
            Encoded::Pixels(protocol) => ratatui_image::Image::new(protocol).render(area, buf),
            Encoded::Cells { cells, .. } => {
                // A row at a time, as slices: the area is inside the buffer (it fits above).
                let area = area.intersection(buf.area);
                let width = usize::from(width.min(area.width));
                for (y, row) in (area.y..area.bottom()).zip(cells.chunks(width.max(1))) {
                    let start = buf.index_of(area.x, y);
                    if let Some(target) = buf.content.get_mut(start..start + row.len()) {
                        target.clone_from_slice(row);
                    }
                }
            }
        }
    }
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = self.size();
        write!(f, "Picture({w}×{h} cells)")
    }
}

impl PartialEq for Picture {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Picture {}

/// The size in cells an image of `width`×`height` pixels takes, at most `cells`: its own
/// size at the terminal's cell size, shrunk to fit, never stretched. Also the pixel size
/// it is scaled to.
pub fn fit(
    width: u32,
    height: u32,
    cell: (u16, u16),
    cells: (u16, u16),
) -> ((u16, u16), (u32, u32)) {
    let (cw, ch) = (u32::from(cell.0.max(1)), u32::from(cell.1.max(1)));
    let (max_w, max_h) = (u32::from(cells.0) * cw, u32::from(cells.1) * ch);
    let (w, h) = (width.max(1), height.max(1));
    let (px_w, px_h) = if w <= max_w && h <= max_h {
        (w, h)
    } else if u64::from(w) * u64::from(max_h) >= u64::from(h) * u64::from(max_w) {
        // Width bound.
        (max_w, scale(h, max_w, w))
    } else {
        (scale(w, max_h, h), max_h)
    };
    let (px_w, px_h) = (px_w.clamp(1, max_w.max(1)), px_h.clamp(1, max_h.max(1)));
    let cols = px_w.div_ceil(cw).min(u32::from(cells.0));
    let rows = px_h.div_ceil(ch).min(u32::from(cells.1));
    (
        (
            u16::try_from(cols).unwrap_or(cells.0),
            u16::try_from(rows).unwrap_or(cells.1),
        ),
        (px_w, px_h),
    )
}

/// `value * num / den`, rounded, at least 1.
fn scale(value: u32, num: u32, den: u32) -> u32 {
    let scaled = (u64::from(value) * u64::from(num) + u64::from(den) / 2) / u64::from(den.max(1));
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

/// The id kitty knows the picture of the image with this hash (hex) by: never 0.
pub fn id_of(hash: &str) -> u32 {
    let head = hash.get(..8).unwrap_or(hash);
    u32::from_str_radix(head, 16).unwrap_or(0).max(1)
}

/// Draws the image in `data` (PNG, JPEG, WebP or GIF bytes) for a box of `cells` (columns,
/// rows) in `graphics`' protocol. `id` names it to kitty. Costs tens of milliseconds for a
/// large image: run it off the loop's thread.
pub fn draw(
    graphics: Graphics,
    data: &[u8],
    cells: (u16, u16),
    id: u32,
) -> Result<Picture, String> {
    if cells.0 == 0 || cells.1 == 0 {
        return Err("no room to draw it".into());
    }
    let image = image::load_from_memory(data).map_err(|e| format!("cannot decode it: {e}"))?;
    let (size, (px_w, px_h)) = fit(image.width(), image.height(), graphics.cell, cells);
    let size = Size::new(size.0, size.1);
    let protocol = match graphics.kind {
        // Half blocks scale the image to the cells themselves.
        Kind::Blocks => {
            let blocks = Protocol::Halfblocks(
                ratatui_image::protocol::halfblocks::Halfblocks::new(image, size)
                    .map_err(|e| e.to_string())?,
            );
            let area = Rect::new(0, 0, size.width, size.height);
            let mut buf = Buffer::empty(area);
            ratatui_image::Image::new(&blocks).render(area, &mut buf);
            let mut cells = buf.content;
            for cell in &mut cells {
                cell.diff_option = CellDiffOption::ForcedWidth(std::num::NonZeroU16::MIN);
            }
            return Ok(Picture(std::sync::Arc::new(Encoded::Cells {
                size: (size.width, size.height),
                cells,
            })));
        }
        kind => {
            let image = scaled(image, px_w, px_h);
            match kind {
                Kind::Kitty => Protocol::Kitty(
                    ratatui_image::protocol::kitty::Kitty::new(image, size, id, false, false)
                        .map_err(|e| e.to_string())?,
                ),
                Kind::Sixel => Protocol::Sixel(
                    ratatui_image::protocol::sixel::Sixel::new(image, size, false)
                        .map_err(|e| e.to_string())?,
                ),
                _ => Protocol::ITerm2(
                    ratatui_image::protocol::iterm2::Iterm2::new(image, size, false)
                        .map_err(|e| e.to_string())?,
                ),
            }
        }
    };
    Ok(Picture(std::sync::Arc::new(Encoded::Pixels(protocol))))
}

fn scaled(image: DynamicImage, width: u32, height: u32) -> DynamicImage {
    if image.width() == width && image.height() == height {
        image
    } else {
        image.resize_exact(width, height, FilterType::Triangle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(term: &str, program: &str) -> Env {
        Env {
            term: Some(term.into()),
            term_program: Some(program.into()),
            ..Env::default()
        }
    }

    #[test]
    fn answers_are_read_from_the_terminals_bytes() {
        let kitty = parse_answers(b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[0n");
        assert_eq!(
            kitty,
            Answers {
                kitty: true,
                sixel: false,
                cell: Some((10, 20)),
                complete: true
            }
        );
        let xterm = parse_answers(b"\x1b[?63;1;2;4;6;9;15;22c\x1b[6;17;9t\x1b[0n");
        assert!(xterm.sixel && !xterm.kitty && xterm.complete);
        assert_eq!(xterm.cell, Some((9, 17)));
        // tmux answers for itself: no kitty, no sixel, no cell size.
        let tmux = parse_answers(b"\x1b[?1;2c\x1b[0n");
        assert_eq!(
            tmux,
            Answers {
                complete: true,
                ..Answers::default()
            }
        );
        // Cut short: not complete.
        assert!(!parse_answers(b"\x1b_Gi=31;OK\x1b\\\x1b[?6").complete);
    }

    #[test]
    fn the_protocol_is_the_terminals_answer_then_its_name_then_blocks() {
        let kitty = Answers {
            kitty: true,
            sixel: true,
            cell: Some((10, 20)),
            complete: true,
        };
        let plain = Env::default();
        let got = |choice, answers: Option<&Answers>, env: &Env, tty, colors| {
            decide(choice, answers, env, tty, colors).map(|g| (g.kind, g.cell))
        };
        assert_eq!(
            got(Choice::Auto, Some(&kitty), &plain, None, true),
            Some((Kind::Kitty, (10, 20)))
        );
        // Sixel without kitty; the cell size from the tty when the terminal did not say it.
        let sixel = Answers {
            sixel: true,
            complete: true,
            ..Answers::default()
        };
        assert_eq!(
            got(Choice::Auto, Some(&sixel), &plain, Some((9, 18)), true),
            Some((Kind::Sixel, (9, 18)))
        );
        // A protocol but no cell size anywhere: half blocks (pixels cannot be fitted).
        assert_eq!(
            got(Choice::Auto, Some(&sixel), &plain, None, true),
            Some((Kind::Blocks, (1, 2)))
        );
        // Not asked (over SSH): the terminal's name.
        assert_eq!(
            got(
                Choice::Auto,
                None,
                &env("xterm-kitty", ""),
                Some((8, 16)),
                true
            ),
            Some((Kind::Kitty, (8, 16)))
        );
        assert_eq!(
            got(
                Choice::Auto,
                None,
                &env("xterm-256color", "iTerm.app"),
                Some((8, 16)),
                true
            ),
            Some((Kind::Iterm2, (8, 16)))
        );
        // WezTerm answers kitty's query but draws iTerm2's protocol better.
        let wezterm = Env {
            konsole_or_wezterm: true,
            ..env("xterm-256color", "WezTerm")
        };
        assert_eq!(
            got(Choice::Auto, Some(&kitty), &wezterm, None, true),
            Some((Kind::Iterm2, (10, 20)))
        );
        // Inside tmux: only tmux's own sixel; kitty's answer is the outer terminal's.
        let tmux = Env {
            multiplexer: true,
            ..env("tmux-256color", "tmux")
        };
        assert_eq!(
            got(Choice::Auto, Some(&kitty), &tmux, None, true),
            Some((Kind::Sixel, (10, 20)))
        );
        assert_eq!(
            got(Choice::Auto, None, &tmux, None, true),
            Some((Kind::Blocks, (1, 2)))
        );
        // Without 256 colours, blocks would be wrong colours: named only.
        assert_eq!(got(Choice::Auto, None, &plain, None, false), None);
        // The config decides when it names one.
        assert_eq!(got(Choice::Off, Some(&kitty), &plain, None, true), None);
        assert_eq!(
            got(Choice::Blocks, Some(&kitty), &plain, None, false),
            Some((Kind::Blocks, (1, 2)))
        );
        assert_eq!(
            got(Choice::Sixel, None, &plain, None, false),
            Some((Kind::Sixel, (8, 16)))
        );
    }

    #[test]
    fn env_knows_tmux_and_screen() {
        let vars = |pairs: &'static [(&str, &str)]| {
            Env::from_vars(|name| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_string())
            })
        };
        assert!(vars(&[("TMUX", "/tmp/tmux-0/default,1,0")]).multiplexer);
        assert!(vars(&[("TERM", "screen-256color")]).multiplexer);
        assert!(!vars(&[("TERM", "xterm-256color")]).multiplexer);
        assert!(vars(&[("WEZTERM_EXECUTABLE", "/usr/bin/wezterm")]).konsole_or_wezterm);
    }

    #[test]
    fn a_picture_fits_its_box_and_keeps_its_shape() {
        // Small: its own size.
        assert_eq!(fit(80, 40, (8, 16), (100, 30)), ((10, 3), (80, 40)));
        // Wide: bound by the width.
        assert_eq!(
            fit(4000, 1000, (10, 20), (100, 30)),
            ((100, 13), (1000, 250))
        );
        // Tall: bound by the height.
        assert_eq!(fit(1000, 4000, (10, 20), (100, 30)), ((15, 30), (150, 600)));
        // Blocks: a cell is one pixel wide and two high.
        assert_eq!(fit(300, 300, (1, 2), (100, 30)), ((60, 30), (60, 60)));
        // Degenerate sizes never divide by zero or give an empty picture.
        assert_eq!(fit(1, 100_000, (8, 16), (10, 10)).0, (1, 10));
        assert_eq!(fit(0, 0, (0, 0), (10, 10)).0, (1, 1));
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([
                u8::try_from(x * 255 / width.max(1)).unwrap_or(255),
                u8::try_from(y * 255 / height.max(1)).unwrap_or(255),
                128,
                255,
            ])
        });
        let mut bytes = std::io::Cursor::new(Vec::new());
        image
            .write_to(&mut bytes, image::ImageFormat::Png)
            .expect("png encodes");
        bytes.into_inner()
    }

    #[test]
    fn each_protocol_draws_an_image() {
        let data = png(300, 150);
        for kind in [Kind::Kitty, Kind::Sixel, Kind::Iterm2, Kind::Blocks] {
            let cell = if kind == Kind::Blocks {
                (1, 2)
            } else {
                (10, 20)
            };
            let picture = draw(Graphics { kind, cell }, &data, (20, 20), 7).expect("drawn");
            let (w, h) = picture.size();
            assert!(w <= 20 && h <= 20 && w > 0 && h > 0, "{kind:?}: {w}×{h}");
            assert_eq!(picture.is_pixels(), kind != Kind::Blocks);
            // Twice as wide as high, in pixels: twice as many columns as rows at 10×20 cells.
            if kind != Kind::Blocks {
                assert_eq!((w, h), (20, 5), "{kind:?}");
            }
        }
        let broken = draw(
            Graphics {
                kind: Kind::Blocks,
                cell: (1, 2),
            },
            b"not an image",
            (10, 10),
            1,
        );
        assert!(broken.is_err_and(|e| e.contains("cannot decode")));
    }
}
