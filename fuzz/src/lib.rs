//! Fuzz targets: one plain function per entry point that takes hostile input, each taking
//! arbitrary bytes and panicking only on a broken invariant.
//!
//! The same file serves two builds: the `scamguard-fuzz` crate (`fuzz/`, driven by AFL, see
//! BENCHMARKS.md "Fuzzing"), and `tests/fuzz_seeds.rs` of the main crate, which includes it
//! with `#[path]` and replays every committed seed and crash regression through these
//! functions in a plain `cargo test`.

use std::collections::HashSet;
use std::sync::LazyLock;

use scamguard::bot::render;
use scamguard::bot::transform::transform;
use scamguard::config::Config;
use scamguard::engine::{Engine, LoadOptions};
use scamguard::guard;
use scamguard::i18n::{Arg, Catalog, Lang};
use scamguard::links::{self, LinkRules};
use scamguard::media::{layout, ocr, qr};
use scamguard::model::{Level, Scan};
use scamguard::rules::{self, Source};
use scamguard::text::{self, Normalized};

/// A fuzz target: panics only when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target, by the name its seed directory (`fuzz/seeds/<name>/`) has.
pub const TARGETS: [(&str, Target); 10] = [
    ("normalize", normalize),
    ("scan", scan),
    ("rules", rule_file),
    ("link_rules", link_rules),
    ("config", config),
    ("fluent", fluent),
    ("update", update),
    ("urls", urls),
    ("qr", qr_image),
    ("ocr", ocr_front),
];

/// The target named `name`.
#[must_use]
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

const EN_FTL: &str = include_str!("../../locales/en.ftl");
const ZH_CN_FTL: &str = include_str!("../../locales/zh-CN.ftl");
const ZH_TW_FTL: &str = include_str!("../../locales/zh-TW.ftl");
const LINKS_TOML: &str = include_str!("../../rules/links/links.toml");

static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::embedded(&LoadOptions::default()).expect("shipped rules load"));
static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::embedded().expect("shipped locales load"));
static LINKS: LazyLock<LinkRules> =
    LazyLock::new(|| links::parse("links.toml", LINKS_TOML).expect("shipped link data loads"));

/// Builds the shared engine, catalog, link data and normalizer tables, so that a fuzzer's
/// fork server starts with them built instead of building them in every child.
pub fn warm_up() {
    let _ = text::normalize("");
    let _ = ENGINE.rules().len();
    let _ = CATALOG.has(Lang::En, "check-clean");
    let _ = LINKS.official_link_clears.len();
}

/// Bytes as text: invalid UTF-8 replaced, as a webhook body or a file would be refused.
fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `range` is inside `s` and on character boundaries.
fn assert_range(s: &str, range: &std::ops::Range<usize>, what: &str) {
    assert!(
        range.start <= range.end && range.end <= s.len(),
        "{what}: {range:?} outside 0..{}",
        s.len()
    );
    assert!(
        s.is_char_boundary(range.start) && s.is_char_boundary(range.end),
        "{what}: {range:?} not on character boundaries"
    );
}

fn check_normalized(input: &str, n: &Normalized) {
    let folded = n.as_str().len();
    let whole = n.original_range(0..folded);
    assert_range(input, &whole, "original_range of the whole text");
    // Every prefix and suffix maps back inside the input, on boundaries, never reversed.
    for cut in (0..=folded)
        .filter(|&i| n.as_str().is_char_boundary(i))
        .take(64)
    {
        assert_range(input, &n.original_range(0..cut), "original_range prefix");
        assert_range(
            input,
            &n.original_range(cut..folded),
            "original_range suffix",
        );
        assert_range(input, &n.original_range(cut..cut), "original_range empty");
    }
    // Out-of-bounds and reversed ranges are 0..0, not a panic.
    assert_eq!(n.original_range(folded + 1..folded + 2), 0..0);
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = n.original_range(1..0);
    assert_eq!(reversed, 0..0);
}

/// The normalizer: never panics, and its offset map stays inside the original.
pub fn normalize(data: &[u8]) {
    let s = text_of(data);
    let n = text::normalize(&s);
    check_normalized(&s, &n);
    // Documented in src/text/mod.rs: normalizing is idempotent.
    let again = text::normalize(n.as_str());
    assert_eq!(again.as_str(), n.as_str(), "normalize is not idempotent");
    let _ = text::script_hint(&s);
}

fn check_scan(text: &str, scan: &Scan, engine: &Engine) {
    let rules = engine.rules().len();
    assert!(
        scan.findings.len() <= rules * 64,
        "{} findings from {rules} rules",
        scan.findings.len()
    );
    for f in &scan.findings {
        assert_range(text, &f.evidence, &format!("evidence of {}", f.rule.id));
    }
    if scan.findings.is_empty() {
        assert_eq!(scan.level, Level::None, "a level without findings");
    }
}

/// The engine scan of the shipped rules, its evidence and the replies built from it.
pub fn scan(data: &[u8]) {
    let s = text_of(data);
    let engine = &*ENGINE;
    let scan = engine.scan(&s);
    check_scan(&s, &scan, engine);
    let evidence = guard::evidence(&s, &scan);
    assert!(evidence.len() <= scan.findings.len());
    for e in &evidence {
        assert!(
            e.quote.chars().count() <= guard::QUOTE_CHARS + 1,
            "quote too long"
        );
    }
    let lang = Lang::choose(None, None, &s);
    let reply = render::check_result(&CATALOG, lang, scan.level, &evidence);
    assert!(!reply.is_empty());
    let _ = render::group_warning(&CATALOG, lang, scan.level, &evidence);
}

/// One rule file through the loader and the compiler; a file that loads is scanned with.
pub fn rule_file(data: &[u8]) {
    let s = text_of(data);
    let source = Source::new("fuzz.toml", s.clone());
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    let raw = rules::parse_source(&source, &mut errors, &mut ids);
    let lines = s.lines().count() + 1;
    for e in &errors {
        assert_eq!(e.location.origin, "fuzz.toml");
        assert!(e.location.line >= 1 && e.location.line <= lines, "{e}");
        assert!(e.location.col >= 1);
        let _ = e.to_string();
    }
    assert!(raw.len() <= ids.len(), "a rule without an id loaded");
    if let Ok(engine) = Engine::from_sources(&[source], &LoadOptions::default()) {
        for sample in [
            "",
            "加微信领取返利",
            "verify your account at http://x.example/login",
        ] {
            let scan = engine.scan(sample);
            check_scan(sample, &scan, &engine);
        }
        let _ = engine.check_examples();
    }
}

/// A link data file (`rules/links/links.toml`) through its parser.
pub fn link_rules(data: &[u8]) {
    let s = text_of(data);
    match links::parse("fuzz.toml", &s) {
        Ok(l) => {
            let sample = "登录 http://paypa1-secure.example/verify 或 bit.ly/x";
            let n = text::normalize(sample);
            for f in l.analyze(&n, sample).findings {
                assert_range(sample, &f.evidence, "link evidence");
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "an error without a message");
            for e in errors {
                assert!(e.location.line >= 1 && e.location.col >= 1);
            }
        }
    }
}

/// A config file (with no environment) through the config loader.
pub fn config(data: &[u8]) {
    let s = text_of(data);
    let env = |k: &str| (k == scamguard::config::ENV_TOKEN).then(|| "1:fuzz".to_string());
    match Config::from_parts("fuzz.toml", Some(&s), &env) {
        Ok(c) => {
            let _ = c.state_description();
        }
        Err(e) => {
            assert!(!e.0.is_empty(), "an error without a message");
            // Errors may quote the file's own values, not the token from the environment.
            let shown = e.to_string();
            assert!(
                s.contains("1:fuzz") || !shown.contains("1:fuzz"),
                "the token shows in an error"
            );
        }
    }
}

/// A Fluent file appended to one shipped locale (chosen by the first byte), then every key of
/// that locale formatted with arguments taken from the input.
pub fn fluent(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let extra = text_of(rest);
    let mut sources = [
        ("en.ftl".to_string(), EN_FTL.to_string()),
        ("zh-CN.ftl".to_string(), ZH_CN_FTL.to_string()),
        ("zh-TW.ftl".to_string(), ZH_TW_FTL.to_string()),
    ];
    let at = usize::from(pick % 3);
    sources[at].1.push('\n');
    sources[at].1.push_str(&extra);
    let lang = Lang::ALL[at];
    let arg_text = extra.lines().next().unwrap_or_default().to_string();
    let args = [
        ("count", Arg::Num(i64::from(pick) - 128)),
        ("level", Arg::Str(arg_text.clone())),
        ("name", Arg::Str(arg_text.clone())),
        ("quote", Arg::Str(arg_text)),
    ];
    match Catalog::from_sources(sources) {
        Ok(cat) => {
            let keys: Vec<String> = cat.keys(lang).map(str::to_string).collect();
            for key in keys.iter().take(400) {
                let _ = cat.try_format(lang, key, &args);
            }
            let _ = cat.format(lang, "no-such-key", &args);
        }
        Err(e) => assert!(!e.0.is_empty(), "an error without a message"),
    }
}

/// A webhook body: JSON to `Update`, the message to `Incoming`, its scanned text to the engine.
pub fn update(data: &[u8]) {
    let Ok(update) = serde_json::from_slice::<teloxide::types::Update>(data) else {
        return;
    };
    use teloxide::types::UpdateKind;
    let msg = match &update.kind {
        UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => m,
        _ => return,
    };
    let _ = scamguard::bot::transform::is_forwarded(msg);
    let Some(incoming) = transform(msg) else {
        return;
    };
    assert!(
        incoming.links.len() <= guard::MAX_LINKS,
        "links over the cap"
    );
    let scanned = incoming.scanned_text();
    let cap = guard::MAX_TEXT_BYTES + (guard::MAX_LINKS * 3) * (guard::MAX_LINK_BYTES + 32);
    assert!(
        scanned.len() <= cap,
        "scanned text of {} bytes",
        scanned.len()
    );
    let scan = ENGINE.scan(&scanned);
    check_scan(&scanned, &scan, &ENGINE);
}

/// URL finding and the link signals; the first line is also a `text_link`'s visible text and
/// the second its target.
pub fn urls(data: &[u8]) {
    let s = text_of(data);
    let n = text::normalize(&s);
    let risky: HashSet<String> = ["top", "xyz", "icu"]
        .iter()
        .map(|t| (*t).to_string())
        .collect();
    let found = links::find_urls(&n, &s, &risky);
    for u in &found {
        assert_range(n.as_str(), &u.range, "URL range");
        assert!(u.host.is_ascii(), "a host that is not ASCII");
    }
    let analysis = LINKS.analyze(&n, &s);
    for f in &analysis.findings {
        assert_range(&s, &f.evidence, "link evidence");
    }
    let mut lines = s.lines();
    let shown = lines.next().unwrap_or_default();
    let target = lines.next().unwrap_or_default();
    let _ = links::shown_elsewhere(shown, target);
    if let Some(d) = links::registrable(shown) {
        assert!(!d.is_empty());
    }
}

/// Limits small enough that one input decodes in milliseconds.
fn fuzz_limits() -> qr::ImageLimits {
    qr::ImageLimits {
        max_bytes: 1 << 20,
        max_pixels: 1 << 20,
        max_side: 2048,
        ..qr::ImageLimits::default()
    }
}

/// An image through the header checks, the decoder, QR detection and the OCR preparation.
pub fn qr_image(data: &[u8]) {
    let limits = fuzz_limits();
    let Ok(luma) = qr::decode_luma(data, &limits) else {
        return;
    };
    let (w, h) = luma.dimensions();
    assert!(
        w <= limits.max_side && h <= limits.max_side,
        "{w}x{h} over the side limit"
    );
    assert!(u64::from(w) * u64::from(h) <= limits.max_pixels);
    let codes = qr::qr_of_luma(&luma, &limits);
    assert!(codes.len() <= limits.max_codes);
    for c in &codes {
        assert!(c.len() <= limits.max_payload_bytes);
    }
    let prepared = ocr::prepare(&luma);
    assert!(prepared.width() > 0 && prepared.height() > 0);
}

/// The OCR front end without Tesseract: a TSV, its words grouped into messages, the messages'
/// confusions folded. The first line of the input may give `width height` of the screen.
pub fn ocr_front(data: &[u8]) {
    let s = text_of(data);
    let (mut width, mut height) = (1080u32, 2400u32);
    if let Some(first) = s.lines().next() {
        let mut it = first.split_whitespace().map(str::parse::<u32>);
        if let (Some(Ok(w)), Some(Ok(h))) = (it.next(), it.next()) {
            (width, height) = (w, h);
        }
    }
    let words = ocr::parse_tsv(&s);
    assert!(words.len() <= s.lines().count(), "more words than rows");
    let messages = layout::messages(&words, width, height);
    assert!(
        messages.len() <= words.len().max(1),
        "more messages than words"
    );
    for m in &messages {
        let folded = layout::fold_confusions(m);
        let scan = ENGINE.scan(&folded);
        check_scan(&folded, &scan, &ENGINE);
    }
}
