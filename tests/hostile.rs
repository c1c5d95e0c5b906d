//! Hostile input: the largest and strangest messages, updates and files an attacker can send,
//! each with its cost bounded by counts, never by wall-clock time. Memory is counted by this
//! binary's global allocator: bytes allocated during a call (an upper bound of its peak) and
//! the number of allocations (which also bounds the work done). The tests run one at a time
//! (`serial`), so the counts are those of the call measured.

use std::alloc::System;
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

use scamguard::bot::render::{self, WarningView};
use scamguard::bot::transform::transform;
use scamguard::engine::{Engine, LoadOptions};
use scamguard::guard::{self, Incoming};
use scamguard::i18n::{Catalog, Lang};
use scamguard::model::{Level, Scan};
use scamguard::rules::{self, MAX_RULE_FILE_BYTES, Source};
use scamguard::text::normalize;
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, Stats, StatsAlloc};
use teloxide::types::{Update, UpdateKind};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

static SERIAL: Mutex<()> = Mutex::new(());

static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::embedded(&LoadOptions::default()).expect("shipped rules load"));
static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::embedded().expect("locales load"));

/// Held for a whole test: no other test of this binary allocates while it measures. The
/// engine, catalog and normalizer tables are built before the first measurement.
fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = normalize("");
    // The first scan with a URL builds the URL pattern.
    let _ = ENGINE.scan("x.example.com");
    let _ = CATALOG.has(Lang::En, "check-clean");
    guard
}

/// What `f` cost.
fn cost<T>(f: impl FnOnce() -> T) -> (T, Stats) {
    let region = Region::new(GLOBAL);
    let out = f();
    let stats = region.change();
    (out, stats)
}

/// `f` cost at most `max_allocs` allocations and `max_bytes` bytes allocated.
#[track_caller]
fn assert_cost(what: &str, stats: &Stats, max_allocs: usize, max_bytes: usize) {
    let allocs = stats.allocations + stats.reallocations;
    eprintln!(
        "{what}: {allocs} allocations, {} bytes",
        stats.bytes_allocated
    );
    assert!(
        allocs <= max_allocs,
        "{what}: {allocs} allocations, over {max_allocs}"
    );
    assert!(
        stats.bytes_allocated <= max_bytes,
        "{what}: {} bytes allocated, over {max_bytes}",
        stats.bytes_allocated
    );
}

/// `sample` repeated to exactly `chars` characters.
fn repeat_to(sample: &str, chars: usize) -> String {
    sample.chars().cycle().take(chars).collect()
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Every finding's evidence inside `text` and on character boundaries; no more findings than
/// rules; a level only with findings.
#[track_caller]
fn assert_sane(text: &str, scan: &Scan) {
    assert!(scan.findings.len() <= ENGINE.rules().len());
    for f in &scan.findings {
        let r = &f.evidence;
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "{}: {r:?}",
            f.rule.id
        );
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    if scan.findings.is_empty() {
        assert_eq!(scan.level, Level::None);
    }
}

/// One sample per script, and the hard cases of Unicode.
const SCRIPTS: [(&str, &str); 14] = [
    (
        "han-simplified",
        "恭喜您中奖了请加客服微信领取奖金需先交手续费",
    ),
    (
        "han-traditional",
        "恭喜您中獎了請加客服微信領取獎金需先交手續費",
    ),
    (
        "latin",
        "Your account is locked, verify now at the link below. ",
    ),
    ("cyrillic", "Ваш аккаунт заблокирован, подтвердите данные. "),
    ("arabic", "تم قفل حسابك، يرجى التحقق الآن. "),
    ("devanagari", "आपका खाता बंद कर दिया गया है। "),
    ("thai", "บัญชีของคุณถูกล็อกโปรดยืนยันตัวตน"),
    (
        "hangul-kana",
        "계정이 잠겼습니다 アカウントがロックされました",
    ),
    ("emoji", "🎁💰🔥👍🏽👨‍👩‍👧🇨🇳❤️"),
    (
        "combining",
        "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}\u{307}\u{308}\u{309}\u{30A}",
    ),
    (
        "rtl-overrides",
        "\u{202E}lufesu\u{202C}\u{2067}微信\u{2069}\u{200F}x\u{200E}",
    ),
    // NFKC expands each of these to several characters (U+FDFA to 18).
    ("expanding", "\u{FDFA}\u{3300}\u{33FF}\u{FB03}\u{2474}"),
    ("astral-han", "𠀀𠀁𪚥𰻞"),
    (
        "mixed",
        "加V信 Ｖｘ：ａｂｃ paypal.com Привет تم 🎁 e\u{301} \u{202E}x 𠀀 ",
    ),
];

/// A 4,096-character message of every script through normalize and the engine: linear cost
/// (4 times the text costs at most 5 times the allocations and bytes of 1,024 characters), at
/// most 4 allocations per character and 128 bytes allocated per input byte (NFKC may expand a
/// character 18 times, and the offset map takes 8 bytes per folded byte).
#[test]
fn a_message_of_4096_characters_in_every_script_costs_linear_memory() {
    let _s = serial();
    for (script, sample) in SCRIPTS {
        let small = repeat_to(sample, 1024);
        let big = repeat_to(sample, 4096);
        assert_eq!(big.chars().count(), 4096);
        let (n, normalize_cost) = cost(|| normalize(&big));
        assert_cost(
            script,
            &normalize_cost,
            4 * 4096,
            128 * big.len() + 64 * 1024,
        );
        assert!(
            n.as_str().chars().count() <= 18 * 4096,
            "{script}: {} characters folded",
            n.as_str().chars().count()
        );
        let ((), small_cost) = cost(|| {
            let scan = ENGINE.scan(&small);
            assert_sane(&small, &scan);
        });
        let ((), big_cost) = cost(|| {
            let scan = ENGINE.scan(&big);
            assert_sane(&big, &scan);
        });
        let small_allocs = small_cost.allocations + small_cost.reallocations;
        let big_allocs = big_cost.allocations + big_cost.reallocations;
        assert!(
            big_allocs <= 5 * small_allocs.max(100),
            "{script}: {big_allocs} allocations for 4096 characters, {small_allocs} for 1024"
        );
        assert!(
            big_cost.bytes_allocated <= 5 * small_cost.bytes_allocated.max(64 * 1024),
            "{script}: {} bytes for 4096 characters, {} for 1024",
            big_cost.bytes_allocated,
            small_cost.bytes_allocated
        );
        assert_cost(script, &big_cost, 4 * 4096, 128 * big.len() + 64 * 1024);
    }
}

/// Zero-width and invisible characters: each of them between every character of a scam
/// message changes nothing the engine finds, and a 4,096-character flood of them folds to
/// nothing and finds nothing, in a few allocations of at most 16 bytes per input byte.
#[test]
fn zero_width_floods_fold_away() {
    let _s = serial();
    const INVISIBLE: [char; 9] = [
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{FEFF}',
        '\u{00AD}',
        '\u{FE0F}',
        '\u{FE00}',
        '\u{2060}',
        '\u{E0100}',
    ];
    let clean = "恭喜您中奖了，请加客服微信领取奖金，需先交手续费";
    let clean_ids = guard::rule_ids(&ENGINE.scan(clean));
    assert!(!clean_ids.is_empty(), "the clean message matches");
    for z in INVISIBLE {
        let spread: String = clean.chars().flat_map(|c| [c, z]).collect();
        let scan = ENGINE.scan(&spread);
        assert_sane(&spread, &scan);
        assert_eq!(
            guard::rule_ids(&scan),
            clean_ids,
            "U+{:04X} between every character",
            z as u32
        );
        let flood = repeat_to(&z.to_string(), 4096);
        let (scan, c) = cost(|| ENGINE.scan(&flood));
        assert_eq!(normalize(&flood).as_str(), "", "U+{:04X} flood", z as u32);
        assert!(scan.findings.is_empty());
        assert_cost("one invisible character flood", &c, 64, 16 * flood.len());
    }
    let all: String = INVISIBLE.iter().collect();
    let flood = repeat_to(&all, 4096);
    let (scan, c) = cost(|| ENGINE.scan(&flood));
    assert!(scan.findings.is_empty());
    assert_eq!(normalize(&flood).as_str(), "");
    assert_cost("mixed invisible flood", &c, 64, 16 * flood.len());
}

fn update_json(message: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"update_id": 1, "message": message})).expect("JSON")
}

fn message_of(bytes: &[u8]) -> teloxide::types::Message {
    let update: Update = serde_json::from_slice(bytes).expect("an update");
    match update.kind {
        UpdateKind::Message(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

/// A message with 10,000 entities (5,000 hidden links, 5,000 visible URLs): the update parses,
/// `transform` keeps `MAX_LINKS` links; parsing costs at most 10 allocations per entity,
/// transform 2, and the scan of what is left does not grow with the entities.
#[test]
fn ten_thousand_entities() {
    let _s = serial();
    let text = repeat_to("paypal.com 领取 ", 4096);
    let entities: Vec<_> = (0..10_000)
        .map(|i| {
            let offset = (i * 13) % 4000;
            if i % 2 == 0 {
                json!({"type": "text_link", "offset": offset, "length": 10,
                       "url": format!("https://e{i}.example/claim")})
            } else {
                json!({"type": "url", "offset": offset, "length": 10})
            }
        })
        .collect();
    let body = update_json(json!({
        "message_id": 1, "date": 1_700_000_000,
        "chat": {"id": -100, "type": "supergroup", "title": "g"},
        "from": {"id": 5, "is_bot": false, "first_name": "x"},
        "text": text, "entities": entities,
    }));
    let (msg, parse_cost) = cost(|| message_of(&body));
    assert_eq!(msg.entities().map(<[_]>::len), Some(10_000));
    let (incoming, transform_cost) = cost(|| transform(&msg).expect("a group message"));
    assert_eq!(incoming.links.len(), guard::MAX_LINKS);
    let scanned = incoming.scanned_text();
    let (scan, scan_cost) = cost(|| ENGINE.scan(&scanned));
    assert_sane(&scanned, &scan);
    assert_cost("parse", &parse_cost, 10 * 10_000, 64 * body.len());
    assert_cost("transform", &transform_cost, 2 * 10_000, 2 << 20);
    assert_cost("scan", &scan_cost, 4096, 2 << 20);
}

/// 100,000 nested brackets or objects, at the top or inside a message: the update parser
/// refuses them with an error, on a thread with a 1 MiB stack (smaller than tokio's workers'),
/// having gone no deeper than serde_json's limit of 128 levels (one allocation per level).
#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let _s = serial();
    let depth = 100_000;
    let head = r#"{"update_id":1,"message":{"message_id":1,"date":0,"chat":{"id":1,"type":"private","first_name":"a"},"text":"x","#;
    let bodies: Vec<(&str, String)> = vec![
        ("arrays", "[".repeat(depth)),
        ("objects", r#"{"a":"#.repeat(depth)),
        (
            "in an unknown field",
            format!(r#"{{"update_id":1,"x":{}"#, "[".repeat(depth)),
        ),
        (
            "in the markup",
            format!(r#"{head}"reply_markup":{}"#, "[".repeat(depth)),
        ),
        (
            "in the entities",
            format!(r#"{head}"entities":{}"#, r#"[{"a":"#.repeat(depth / 2)),
        ),
        (
            "closed",
            format!(
                r#"{{"update_id":1,"x":{}{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            ),
        ),
    ];
    for (what, body) in bodies {
        let outcome = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let (r, c) = cost(|| serde_json::from_slice::<Update>(body.as_bytes()));
                (
                    r.map(|u| matches!(u.kind, UpdateKind::Error(_))),
                    c,
                    body.len(),
                )
            })
            .expect("thread")
            .join()
            .expect("the parser returns");
        let (result, c, len) = outcome;
        let err = result.expect_err(what);
        // An array where the update should be is refused at once; anything else nested
        // fails at the limit.
        let expected = if what == "arrays" {
            "invalid type: sequence"
        } else {
            "recursion limit exceeded"
        };
        assert!(err.to_string().contains(expected), "{what}: {err}");
        assert!(len >= depth);
        assert_cost(what, &c, 256, 64 * 1024);
    }
}

/// A rule file of a million lines (4 MB) is refused unparsed: one `R000` error at the line
/// where 1 MiB is crossed, for text given in memory and for a file in a directory (not even
/// read). A million empty lines (under 1 MiB) parse within 16 bytes allocated per line.
#[test]
fn a_million_line_rule_file() {
    let _s = serial();
    let lines = 1_000_000;
    let text = "# x\n".repeat(lines);
    let source = Source::new("huge.toml", text.clone());
    let (result, c) = cost(|| Engine::from_sources(&[source], &LoadOptions::default()));
    let errors = result.expect_err("over the limit").0;
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!(e.code.code(), "R000");
    assert_eq!(e.location.origin, "huge.toml");
    // 1 MiB is 262,144 lines of 4 bytes: the limit is crossed at the start of the next.
    assert_eq!((e.location.line, e.location.col), (262_145, 1));
    assert!(e.message.contains("over the limit of 1048576 bytes"), "{e}");
    assert!(e.message.contains(&text.len().to_string()));
    assert_cost("refusing 4 MB of rules", &c, 64, 16 * 1024);

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("huge.toml"), &text).expect("write");
    drop(text);
    let (result, c) = cost(|| rules::read_dir(dir.path()));
    let errors = result.expect_err("over the limit").0;
    assert_eq!(errors.len(), 1);
    assert!(errors[0].location.origin.ends_with("huge.toml"));
    assert!(errors[0].message.contains("over the limit"));
    assert_cost("refusing a 4 MB rule file", &c, 64, 16 * 1024);

    let empty_lines = "\n".repeat(lines);
    assert!(empty_lines.len() <= MAX_RULE_FILE_BYTES);
    let source = Source::new("blank.toml", empty_lines);
    let (result, c) = cost(|| Engine::from_sources(&[source], &LoadOptions::default()));
    let errors = result.expect_err("no rules").0;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code.code(), "R008", "{}", errors[0]);
    assert_cost("a million empty lines", &c, 1_000, 16 * lines);

    let links = "# x\n".repeat(lines);
    let (result, c) = cost(|| scamguard::links::parse("links.toml", &links));
    let errors = result.expect_err("over the limit");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].location.line, errors[0].location.col),
        (262_145, 1)
    );
    assert_cost("refusing 4 MB of link data", &c, 64, 16 * 1024);
}

/// Every field of a Bot API message at its documented limit: text of 4,096 UTF-16 units (in
/// BMP Han, astral emoji and a repeated scam message), names of 64, username of 32, chat title
/// of 128, 100 inline buttons, a caption of 1,024 units. Nothing of the text is lost before the
/// scan, and every reply the bot builds fits in one Telegram message.
#[test]
fn every_bot_api_field_at_its_limit() {
    let _s = serial();
    let texts = [
        ("han", repeat_to("中", 4096)),
        ("astral", repeat_to("🎁", 2048)),
        (
            "scam",
            repeat_to(
                "恭喜您中奖了，请加客服微信 vx123 领取奖金，点击 http://x.top/a ",
                4096,
            ),
        ),
        (
            "latin",
            repeat_to(
                "Verify your account at https://paypa1-secure.top/login now. ",
                4096,
            ),
        ),
    ];
    let name = repeat_to("名", 64);
    let username = format!("u{}", repeat_to("x", 31));
    let buttons: Vec<Vec<serde_json::Value>> = (0..10)
        .map(|row| {
            (0..10)
                .map(|col| json!({"text": repeat_to("按", 64), "url": format!("https://b{row}{col}.example/")}))
                .collect()
        })
        .collect();
    for (what, text) in &texts {
        assert_eq!(utf16_len(text), 4096, "{what}");
        let body = update_json(json!({
            "message_id": i32::MAX, "date": u32::MAX,
            "chat": {"id": -1_009_999_999_999i64, "type": "supergroup",
                     "title": repeat_to("群", 128), "username": username},
            "from": {"id": 9_999_999_999u64, "is_bot": false, "first_name": name,
                     "last_name": name, "username": username, "language_code": "zh-hans"},
            "text": text,
            "entities": [{"type": "text_link", "offset": 0, "length": 4096,
                          "url": format!("https://{}.example/", repeat_to("a", 63))}],
            "reply_markup": {"inline_keyboard": buttons},
        }));
        let (msg, parse_cost) = cost(|| message_of(&body));
        let ((incoming, scan), c) = cost(|| {
            let incoming = transform(&msg).expect("a group message");
            let scan = ENGINE.scan(&incoming.scanned_text());
            (incoming, scan)
        });
        assert_eq!(
            &incoming.text, text,
            "{what}: the text reaches the scan whole"
        );
        assert!(incoming.scanned_text().starts_with(text.as_str()));
        assert_eq!(incoming.links.len(), guard::MAX_LINKS, "{what}");
        assert_sane(&incoming.scanned_text(), &scan);
        assert_cost(what, &parse_cost, 10_000, 64 * body.len());
        assert_cost(what, &c, 16 * 1024, 2 << 20);
        replies_fit(what, &incoming, &scan);
    }

    let caption = repeat_to("领取奖金🎁", 1024);
    let caption: String = caption
        .chars()
        .scan(0, |units, c| {
            *units += c.len_utf16();
            (*units <= 1024).then_some(c)
        })
        .collect();
    assert!(utf16_len(&caption) >= 1023);
    let body = update_json(json!({
        "message_id": 2, "date": 0,
        "chat": {"id": 7, "type": "private", "first_name": name},
        "from": {"id": 7, "is_bot": false, "first_name": name},
        "photo": [{"file_id": repeat_to("f", 128), "file_unique_id": "u", "width": 10000, "height": 10000}],
        "caption": caption,
    }));
    let incoming = transform(&message_of(&body)).expect("a private message");
    assert_eq!(incoming.text, caption);
}

/// Every reply built from `scan` fits Telegram's 4,096 UTF-16 units, in every language.
fn replies_fit(what: &str, incoming: &Incoming, scan: &Scan) {
    let text = incoming.scanned_text();
    let evidence = guard::evidence(&text, scan);
    for e in &evidence {
        assert!(
            e.quote.chars().count() <= guard::QUOTE_CHARS + 1,
            "{what}: quote"
        );
    }
    for lang in Lang::ALL {
        let view = WarningView {
            level: Level::Danger,
            evidence: evidence.clone(),
            chain: scan.findings.iter().map(|f| f.rule.stage).collect(),
            family: None,
        };
        let replies = [
            render::warning(&CATALOG, lang, &view),
            render::check_result(&CATALOG, lang, scan.level, &evidence),
            render::group_warning(&CATALOG, lang, Level::Danger, &evidence),
            render::why(&CATALOG, lang, &evidence),
        ];
        for r in replies {
            assert!(
                utf16_len(&r) <= 4096,
                "{what}: a reply of {} units",
                utf16_len(&r)
            );
        }
    }
}

/// Callback data at its 64-byte limit: the bot's own largest data parses back, longer or
/// malformed data is refused.
#[test]
fn callback_data_at_64_bytes() {
    let _s = serial();
    use scamguard::bot::feedback::{Moderation, parse_feedback, parse_moderation, parse_settings};
    let largest = format!("mu:c:{}:{}", i64::MIN, i64::MIN);
    assert!(largest.len() <= 64);
    assert_eq!(
        parse_moderation(&largest),
        Some(Moderation::Undo {
            chat: i64::MIN,
            sender: i64::MIN,
            channel: true
        })
    );
    let hostile = [
        format!("fb:{}", repeat_to("9", 61)),
        format!("mu:u:{}", repeat_to("1", 59)),
        format!("mu:u:1:2:{}", repeat_to(":", 55)),
        format!("mc:{}", repeat_to("-", 61)),
        format!("st:{}", repeat_to("w", 61)),
        repeat_to("\u{200B}", 21),
    ];
    for data in hostile {
        assert!(data.len() <= 64, "{data:?}");
        assert_eq!(parse_feedback(&data), None, "{data:?}");
        assert_eq!(parse_moderation(&data), None, "{data:?}");
        assert_eq!(parse_settings(&data), None, "{data:?}");
    }
    let body = serde_json::to_vec(&json!({"update_id": 3, "callback_query": {
        "id": repeat_to("9", 64), "chat_instance": "x", "data": repeat_to("d", 64),
        "from": {"id": 1, "is_bot": false, "first_name": repeat_to("名", 64)}}}))
    .expect("JSON");
    let update: Update = serde_json::from_slice(&body).expect("a callback update");
    assert!(matches!(update.kind, UpdateKind::CallbackQuery(_)));
}
