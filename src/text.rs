//! The characters that must never reach a reader as themselves: generated code escapes them
//! (`emit::lexical`) and diagnostics replace or spell them out before they reach a terminal
//! (`diagnostics::render`). One rule, so the two cannot drift apart.

/// Controls (C0, DEL, C1), the line and paragraph separators, the bidirectional controls that
/// can make text read differently from what it holds, and the byte order mark.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}
