//! Copying: OSC 52 to the terminal (which reaches the local clipboard even over SSH, where the
//! terminal allows it) and the native clipboard through arboard where a display exists.

use std::io::Write;

use base64::Engine;

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

pub struct Clipboard {
    osc52: bool,
    native: Option<arboard::Clipboard>,
    native_tried: bool,
}

impl Clipboard {
    /// `osc52`: write the sequence to stdout (off when stdout is not the user's terminal).
    pub fn new(osc52: bool) -> Self {
        Clipboard {
            osc52,
            native: None,
            native_tried: false,
        }
    }

    /// Copies `text`; returns whether the native clipboard took it.
    pub fn copy(&mut self, text: &str) -> bool {
        if self.osc52 {
            let mut out = std::io::stdout();
            let _ = out.write_all(osc52(text).as_bytes());
            let _ = out.flush();
        }
        match self.native() {
            // The clipboard object is kept, so on X11 the text stays available after this.
            Some(native) => native.set_text(text.to_string()).is_ok(),
            None => false,
        }
    }

    fn native(&mut self) -> Option<&mut arboard::Clipboard> {
        if !self.native_tried {
            self.native_tried = true;
            if has_display() {
                self.native = arboard::Clipboard::new().ok();
            }
        }
        self.native.as_mut()
    }
}

/// Without a display (an SSH session, CI) there is no native clipboard to ask.
fn has_display() -> bool {
    std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
        || cfg!(any(target_os = "macos", target_os = "windows"))
}

/// The image on the native clipboard: its width, height and RGBA pixels, or why there is
/// none (no display, as over SSH; no image on it). A screenshot can take a while to come
/// over X11: this runs off the loop's thread, with a clipboard connection of its own.
pub fn image() -> Result<(usize, usize, Vec<u8>), String> {
    if !has_display() {
        return Err(
            "there is no clipboard here (over SSH it is the other machine's): drop the file on the terminal, or /image its path."
                .into(),
        );
    }
    let mut native = arboard::Clipboard::new()
        .map_err(|e| format!("the clipboard could not be opened ({e})."))?;
    match native.get_image() {
        Ok(image) => Ok((image.width, image.height, image.bytes.into_owned())),
        Err(arboard::Error::ContentNotAvailable) => Err("the clipboard holds no image.".into()),
        Err(e) => Err(format!("the clipboard could not be read ({e}).")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_wraps_base64_of_the_text() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
        assert_eq!(osc52("中"), "\x1b]52;c;5Lit\x07");
    }
}
