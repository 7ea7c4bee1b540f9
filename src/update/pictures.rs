//! Images in the pager: which picture the page shown needs, asked of the runtime once per
//! image and box (`Effect::DrawPicture`), and kept when it comes back for that image and box.

use crate::effect::Effect;
use crate::state::{AppState, Overlay, PagerPicture};

/// The picture the pager's page needs, asked for when it is not already there or coming:
/// after the pager opens, a page turns, or the screen changes size.
pub fn wanted(state: &mut AppState) -> Vec<Effect> {
    if state.overlay != Some(Overlay::Pager) {
        return Vec::new();
    }
    let Some(graphics) = state.pictures else {
        return Vec::new();
    };
    let cells = crate::layout::panes::picture_cells(state.width, state.height);
    let pager = &mut state.pager;
    let Some(image) = pager.image() else {
        pager.picture = None;
        return Vec::new();
    };
    if pager
        .picture
        .as_ref()
        .is_some_and(|p| p.hash == image.hash && p.cells == cells)
    {
        return Vec::new();
    }
    let hash = image.hash.clone();
    let effect = if image.data.is_empty() {
        // Its bytes were not kept (an import without them): said on the page.
        None
    } else {
        Some(Effect::DrawPicture {
            graphics,
            hash: hash.clone(),
            data: std::sync::Arc::clone(&image.data),
            cells,
        })
    };
    pager.picture = Some(PagerPicture {
        hash,
        cells,
        drawn: effect
            .is_none()
            .then(|| Err("its bytes were not kept with the conversation".to_string())),
    });
    effect.into_iter().collect()
}

/// A picture drawn: kept if the pager still shows that image in that box.
pub fn drawn(
    state: &mut AppState,
    hash: &str,
    cells: (u16, u16),
    result: Result<crate::io::graphics::Picture, String>,
) -> Vec<Effect> {
    if state.overlay != Some(Overlay::Pager) {
        return Vec::new();
    }
    if let Some(picture) = &mut state.pager.picture
        && picture.hash == hash
        && picture.cells == cells
    {
        picture.drawn = Some(result);
    }
    Vec::new()
}

/// Turns the pager's page: the next one (`forward`) or the one before, stopping at either end.
pub fn turn(state: &mut AppState, forward: bool) -> Vec<Effect> {
    let pager = &mut state.pager;
    let page = if forward {
        (pager.page + 1).min(pager.pages().saturating_sub(1))
    } else {
        pager.page.saturating_sub(1)
    };
    if page == pager.page {
        return Vec::new();
    }
    pager.page = page;
    wanted(state)
}
