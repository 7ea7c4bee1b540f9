//! The list cursor every list shares (sidebar, search hits, model picker, message outline):
//! one `Step` message and one rule for where it lands.

use crate::msg::Step;

/// Where `step` takes a cursor at `selected` in a list of `len` rows: clamped to the list,
/// never wrapping; 0 for an empty list.
pub fn stepped(selected: usize, step: Step, len: usize) -> usize {
    let last = len.saturating_sub(1);
    match step {
        Step::Up => selected.saturating_sub(1).min(last),
        Step::Down => selected.saturating_add(1).min(last),
        Step::First => 0,
        Step::Last => last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stay_inside_the_list() {
        assert_eq!(stepped(0, Step::Up, 3), 0);
        assert_eq!(stepped(2, Step::Down, 3), 2);
        assert_eq!(stepped(1, Step::Down, 3), 2);
        assert_eq!(stepped(1, Step::First, 3), 0);
        assert_eq!(stepped(0, Step::Last, 3), 2);
        assert_eq!(
            stepped(5, Step::Up, 3),
            2,
            "a cursor past a shrunk list comes back"
        );
        assert_eq!(stepped(0, Step::Down, 0), 0);
    }
}
