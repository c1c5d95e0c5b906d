//! Evasion probes through the engine with the shipped rules: English words spelled out letter
//! by letter, written with digits for letters, or split in two must hit the same rule as the
//! plain wording, and harmless text with single letters, model numbers or the same words must
//! stay below `warning`. Sentences written for this test (no corpus text); the rule each
//! probe must hit is read from `rules/*.toml` by hand.

use std::collections::BTreeSet;
use std::path::Path;

use scamguard::engine::{Engine, Level};

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    Engine::load_dir(&dir).unwrap_or_else(|e| panic!("rules do not load:\n{e}"))
}

fn ids(engine: &Engine, text: &str) -> BTreeSet<String> {
    engine
        .scan(text)
        .findings
        .iter()
        .map(|f| f.rule.id.clone())
        .collect()
}

/// (evasive message, the same message written plainly, a rule both must hit, the part of the
/// evasive message the evidence must contain).
const PAIRS: &[(&str, &str, &str, &str)] = &[
    (
        "Please s h a r e your screen so I can check the refund",
        "Please share your screen so I can check the refund",
        "control.screen_share_en",
        "s h a r e",
    ),
    (
        "please open a.n.y.d.e.s.k and tell me the number",
        "please open anydesk and tell me the number",
        "control.remote_app",
        "a.n.y.d.e.s.k",
    ),
    (
        "Download Any Desk now, I will fix your account",
        "Download AnyDesk now, I will fix your account",
        "control.remote_app",
        "Any Desk",
    ),
    (
        "install team-viewer and send me the ID",
        "install teamviewer and send me the ID",
        "control.remote_app",
        "team-viewer",
    ),
    (
        "Send me the c0de you just got by SMS",
        "Send me the code you just got by SMS",
        "extract.tell_code_en",
        "c0de",
    ),
    (
        "tell me the 0tp now",
        "tell me the otp now",
        "extract.tell_code_en",
        "0tp",
    ),
    (
        "tell me the o t p now",
        "tell me the otp now",
        "extract.tell_code_en",
        "o t p",
    ),
    (
        "你下载向日葵 远程，把识别码发给我",
        "你下载向日葵远程，把识别码发给我",
        "control.remote_app",
        "向日葵",
    ),
    (
        "先下载any desk，然后把设备码发给我",
        "先下载anydesk，然后把设备码发给我",
        "control.remote_app",
        "any desk",
    ),
];

#[test]
fn evasive_spellings_hit_the_plain_rule() {
    let engine = engine();
    for &(evasive, plain, rule, quoted) in PAIRS {
        let plain_ids = ids(&engine, plain);
        assert!(
            plain_ids.contains(rule),
            "{plain:?} should hit {rule}: {plain_ids:?}"
        );
        let scan = engine.scan(evasive);
        let got: BTreeSet<String> = scan.findings.iter().map(|f| f.rule.id.clone()).collect();
        assert_eq!(got, plain_ids, "{evasive:?} vs {plain:?}");
        assert!(scan.level >= Level::Warning, "{evasive:?}: {}", scan.level);
        let finding = scan
            .findings
            .iter()
            .find(|f| f.rule.id == rule)
            .unwrap_or_else(|| panic!("{evasive:?}: no {rule}"));
        let evidence = &evasive[finding.evidence.clone()];
        assert!(
            evidence.contains(quoted),
            "{evasive:?}: evidence {evidence:?} should quote {quoted:?}"
        );
    }
}

/// Harmless messages that contain single letters, letters mixed with digits or the words the
/// folds join: none may reach `warning`.
const HARMLESS: &[&str] = &[
    "I am a student and A B testing is part of my job",
    "J. R. R. Tolkien wrote the book, see you at 5",
    "u r a star, c u at 7",
    "My new iphone15 has 5g and plays mp3 files, b2b price 4999",
    "turn on 2fa in the settings; my code review is at 10:30",
    "thanks for the quick support yesterday, the parcel arrived",
    "walk to desk 5 and pick up the badge",
    "our team viewer count went up during the stream",
    "the meeting room code is on the door, a.b.c.d.example.com has the agenda",
];

#[test]
fn harmless_look_alikes_stay_below_warning() {
    let engine = engine();
    for text in HARMLESS {
        let scan = engine.scan(text);
        assert!(
            scan.level < Level::Warning,
            "{text:?}: {} ({:?})",
            scan.level,
            ids(&engine, text)
        );
    }
}

/// A look-alike address keeps its digits, so it is never read as the brand's own domain.
#[test]
fn lookalike_domain_is_not_folded_into_the_real_one() {
    let n = scamguard::text::normalize("log in at paypa1.com to unlock your account");
    assert!(n.as_str().contains("paypa1.com"), "{}", n.as_str());
    let n = scamguard::text::normalize("get any-desk.com now");
    assert!(n.as_str().contains("any-desk.com"), "{}", n.as_str());
}
