//! Rule and locale files shipped inside the binary, used when no directory is configured.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The shipped rule files as sources.
#[must_use]
pub fn rule_sources() -> Vec<crate::rules::Source> {
    RULES
        .iter()
        .map(|(origin, text)| crate::rules::Source::new(*origin, *text))
        .collect()
}
