//! Orchestration of one incoming message: scan it, fold it into its conversation, and say
//! whether to warn. Pure: no Telegram types, no I/O, time is an argument.

use std::ops::Range;
use std::sync::Arc;

use crate::conversation::{Assessment, Timestamp};
use crate::engine::{Engine, Level, RuleMeta, Scan};
use crate::sessions::{ConversationKey, SessionBackend};

/// Longest message text scanned, in bytes; the rest is ignored (Telegram's own limit is
/// 4096 characters, so this only bites on hostile or synthetic input).
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// Most links scanned per message.
pub const MAX_LINKS: usize = 32;
/// Longest link scanned, in bytes.
pub const MAX_LINK_BYTES: usize = 2048;
/// What stands before a QR code's payload in the scanned text: rules about QR codes require
/// it (`rules/qr_and_files.toml`), and the evidence quote shows it.
pub const QR_MARK: &str = "[QR]";
/// What stands before the domain a link's visible text names when the link goes elsewhere
/// (`text_link` entities; written by the bot's transform).
pub const LINK_TEXT_MARK: &str = "[LINK-TEXT-ELSEWHERE]";
/// What stands before a document's file name in the scanned text.
pub const FILE_MARK: &str = "[FILE]";
/// Longest evidence quote, in characters (an ellipsis marks a cut).
pub const QUOTE_CHARS: usize = 60;

/// Where a message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatKind {
    /// A private chat with the bot.
    Private,
    /// A group or supergroup.
    Group,
}

/// One message, as the core sees it: no Telegram types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// Chat id.
    pub chat: i64,
    /// Sender's user id, when known.
    pub sender: Option<i64>,
    /// Private chat or group.
    pub kind: ChatKind,
    /// Message id within the chat.
    pub message_id: i32,
    /// Text or caption.
    pub text: String,
    /// URLs not visible in the text: behind `text_link` entities and inline buttons.
    pub links: Vec<String>,
    /// Payloads of the QR codes in the message's image.
    pub qr: Vec<String>,
    /// File names of documents sent with the message.
    pub files: Vec<String>,
    /// Sender's Telegram language code.
    pub language_code: Option<String>,
}

impl Incoming {
    /// The conversation this message belongs to.
    #[must_use]
    pub fn key(&self) -> ConversationKey {
        match self.kind {
            ChatKind::Private => ConversationKey::Private { chat: self.chat },
            ChatKind::Group => ConversationKey::Group {
                chat: self.chat,
                sender: self.sender.unwrap_or(self.chat),
            },
        }
    }

    /// The string that is scanned: the text, then each link on its own line, each QR payload
    /// on a line of its own after [`QR_MARK`], each file name after [`FILE_MARK`], each part cut
    /// to its limit. Evidence offsets refer to this string.
    #[must_use]
    pub fn scanned_text(&self) -> String {
        let mut s = String::from(truncate_bytes(&self.text, MAX_TEXT_BYTES));
        for link in self.links.iter().take(MAX_LINKS) {
            s.push('\n');
            s.push_str(truncate_bytes(link, MAX_LINK_BYTES));
        }
        for code in self.qr.iter().take(MAX_LINKS) {
            s.push('\n');
            s.push_str(QR_MARK);
            s.push(' ');
            s.push_str(truncate_bytes(code, MAX_LINK_BYTES));
        }
        for name in self.files.iter().take(MAX_LINKS) {
            s.push('\n');
            s.push_str(FILE_MARK);
            s.push(' ');
            s.push_str(truncate_bytes(name, MAX_LINK_BYTES));
        }
        s
    }

    /// Whether there is nothing to scan.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
            && self.links.iter().all(|l| l.trim().is_empty())
            && self.qr.iter().all(|l| l.trim().is_empty())
            && self.files.iter().all(|l| l.trim().is_empty())
    }
}

/// The messages of a screenshot, as the conversation is fed them: the message that carried
/// the image (its caption, links and QR payloads) first when it has anything to scan, then
/// each recognised message in order, as if forwarded one by one. With no caption, the links
/// and QR payloads go with the first recognised message.
#[must_use]
pub fn screenshot_messages(carrier: &Incoming, recognised: &[String]) -> Vec<Incoming> {
    let mut out = Vec::with_capacity(recognised.len() + 1);
    let bare = Incoming {
        text: String::new(),
        links: Vec::new(),
        qr: Vec::new(),
        files: Vec::new(),
        ..carrier.clone()
    };
    if !carrier.text.trim().is_empty() || recognised.is_empty() {
        out.push(carrier.clone());
    }
    for text in recognised {
        let mut m = if out.is_empty() {
            carrier.clone()
        } else {
            bare.clone()
        };
        m.text.clone_from(text);
        out.push(m);
    }
    out
}

/// One finding with its evidence quoted for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The rule that matched.
    pub rule: Arc<RuleMeta>,
    /// The evidence, from the user's own text, cleaned for display and cut to
    /// [`QUOTE_CHARS`].
    pub quote: String,
}

/// What happened to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The string that was scanned (see [`Incoming::scanned_text`]).
    pub scanned: String,
    /// What the engine found in this message.
    pub scan: Scan,
    /// The conversation after this message.
    pub assessment: Assessment,
}

impl Outcome {
    /// Whether this message alerts ([`crate::policy::alerts`]): in a private chat it gets a
    /// warning at once.
    #[must_use]
    pub fn should_warn(&self) -> bool {
        crate::policy::alerts(&self.assessment)
    }

    /// The level an alert shows ([`crate::policy::alert_level`]).
    #[must_use]
    pub fn warning_level(&self) -> Level {
        crate::policy::alert_level(&self.assessment)
    }

    /// The findings of this message with quoted evidence.
    #[must_use]
    pub fn evidence(&self) -> Vec<Evidence> {
        evidence(&self.scanned, &self.scan)
    }

    /// Rule ids of this message's findings, deduplicated, in finding order.
    #[must_use]
    pub fn rule_ids(&self) -> Vec<String> {
        rule_ids(&self.scan)
    }
}

/// Rule ids of a scan's findings, deduplicated, in finding order.
#[must_use]
pub fn rule_ids(scan: &Scan) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for f in &scan.findings {
        if !ids.contains(&f.rule.id) {
            ids.push(f.rule.id.clone());
        }
    }
    ids
}

/// The findings of `scan` over `text` with quoted evidence; findings whose evidence quotes the
/// same text as an earlier one of the same rule are dropped.
#[must_use]
pub fn evidence(text: &str, scan: &Scan) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::new();
    for f in &scan.findings {
        let q = quote(text, f.evidence.clone(), QUOTE_CHARS);
        if out.iter().any(|e| e.rule.id == f.rule.id && e.quote == q) {
            continue;
        }
        out.push(Evidence {
            rule: f.rule.clone(),
            quote: q,
        });
    }
    out
}

/// The text at `range` of `text`, made safe to show: never panics on a bad range (an empty
/// string then), line breaks and other controls become spaces, bidirectional and zero-width
/// format characters are dropped (they could make the bot's own message read differently),
/// runs of spaces collapse, and the result is cut to `max_chars` characters with an ellipsis.
#[must_use]
pub fn quote(text: &str, range: Range<usize>, max_chars: usize) -> String {
    let raw = text.get(range).unwrap_or_default();
    let mut out = String::new();
    let mut chars = 0;
    let mut last_space = true;
    for c in raw.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if is_format_char(c) {
            continue;
        }
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        if chars == max_chars {
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            out.push('…');
            return out;
        }
        out.push(c);
        chars += 1;
    }
    out.trim_end().to_string()
}

/// Bidirectional controls and zero-width characters.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{061C}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
#[must_use]
pub fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The id of one message's step in its conversation: FNV-1a (32 bits) of the chat, the
/// message id and the text scanned (a screenshot's messages share the image's message id).
/// The same in every process, so a replica given an update another one began knows the step.
fn step_id(incoming: &Incoming, scanned: &str) -> u32 {
    crate::conversation::wire::fnv1a(
        incoming
            .chat
            .to_le_bytes()
            .into_iter()
            .chain(incoming.message_id.to_le_bytes())
            .chain(scanned.bytes()),
    )
}

/// The engine (swappable at run time) and the conversations.
pub struct Guard {
    engine: arc_swap::ArcSwap<Engine>,
    sessions: Arc<dyn SessionBackend>,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("rules", &self.engine().rules().len())
            .field("conversations", &self.sessions.len())
            .finish()
    }
}

impl Guard {
    /// A guard over `engine` and `sessions`.
    #[must_use]
    pub fn new(engine: Engine, sessions: Arc<dyn SessionBackend>) -> Self {
        Guard {
            engine: arc_swap::ArcSwap::from_pointee(engine),
            sessions,
        }
    }

    /// The current engine.
    #[must_use]
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// Replace the engine at once for every later message; messages already being scanned
    /// finish with the engine they started with. Returns the engine replaced.
    pub fn swap_engine(&self, engine: Engine) -> Arc<Engine> {
        self.engine.swap(Arc::new(engine))
    }

    /// The conversations.
    #[must_use]
    pub fn sessions(&self) -> &Arc<dyn SessionBackend> {
        &self.sessions
    }

    /// Scan `incoming` and fold it into its conversation at `now`.
    #[must_use]
    pub fn handle(&self, incoming: &Incoming, now: Timestamp) -> Outcome {
        let scanned = incoming.scanned_text();
        let scan = self.engine.load().scan(&scanned);
        crate::metrics::findings(&scan);
        let key = incoming.key();
        let step = step_id(incoming, &scanned);
        let assessment = if self.sessions.shared() {
            crate::store::round_trip(|| self.sessions.observe_step(key, step, &scan, now))
        } else {
            self.sessions.observe_step(key, step, &scan, now)
        };
        Outcome {
            scanned,
            scan,
            assessment,
        }
    }

    /// Scan one text on its own, outside any conversation (`/check`).
    #[must_use]
    pub fn check(&self, text: &str) -> Scan {
        self.engine().scan(truncate_bytes(text, MAX_TEXT_BYTES))
    }

    /// Forget the conversation `key`; returns whether there was one.
    pub fn reset(&self, key: ConversationKey) -> bool {
        self.sessions.reset(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Finding, LoadOptions, Stage};
    use crate::rules::Source;
    use crate::sessions::{SessionConfig, SessionStore};

    const RULES: &str = r#"
family = "fake_customer_service"
lang = ["zh", "en"]

[[rule]]
id = "t.pretext"
stage = "pretext"
weight = 20
explain = "rule-t-pretext"
any = ["客服", "customer service"]
[[rule.example]]
text = "我是客服"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.control"
stage = "control"
weight = 80
trigger = true
explain = "rule-t-control"
any = ["屏幕共享", "anydesk"]
[[rule.example]]
text = "打开屏幕共享"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"

[[rule]]
id = "t.link"
stage = "channel"
weight = 20
explain = "rule-t-link"
any = ["evil.example"]
[[rule.example]]
text = "http://evil.example/x"
expect = "match"
[[rule.example]]
text = "你好"
expect = "no-match"
"#;

    fn guard() -> Guard {
        let engine = Engine::from_sources(&[Source::new("t.toml", RULES)], &LoadOptions::default())
            .expect("test rules compile");
        Guard::new(
            engine,
            Arc::new(SessionStore::new(SessionConfig::default())),
        )
    }

    fn msg(id: i32, text: &str) -> Incoming {
        Incoming {
            chat: 1,
            sender: Some(1),
            kind: ChatKind::Private,
            message_id: id,
            text: text.into(),
            links: vec![],
            qr: vec![],
            files: vec![],
            language_code: None,
        }
    }

    #[test]
    fn hard_trigger_warns_at_once() {
        let g = guard();
        let o = g.handle(&msg(1, "请打开屏幕共享"), Timestamp(1000));
        assert!(o.should_warn());
        assert_eq!(o.warning_level(), Level::Danger);
        assert_eq!(o.rule_ids(), vec!["t.control".to_string()]);
        let ev = o.evidence();
        assert_eq!(ev[0].quote, "屏幕共享");
    }

    #[test]
    fn soft_signal_does_not_warn() {
        let g = guard();
        let o = g.handle(&msg(1, "您好，我是京东客服"), Timestamp(1000));
        assert!(!o.should_warn());
        assert_eq!(o.assessment.chain, vec![Stage::Pretext]);
    }

    #[test]
    fn links_are_scanned_and_quoted() {
        let g = guard();
        let mut m = msg(1, "点这里");
        m.links.push("http://evil.example/pay".into());
        let o = g.handle(&m, Timestamp(1));
        assert_eq!(o.rule_ids(), vec!["t.link".to_string()]);
        assert!(o.evidence()[0].quote.contains("evil.example"));
    }

    #[test]
    fn conversations_are_per_chat_and_reset() {
        let g = guard();
        let _ = g.handle(&msg(1, "我是客服"), Timestamp(1));
        let mut other = msg(2, "hello");
        other.chat = 2;
        let o = g.handle(&other, Timestamp(2));
        assert!(o.assessment.chain.is_empty());
        assert!(g.reset(msg(0, "").key()));
        assert!(!g.reset(msg(0, "").key()));
    }

    #[test]
    fn check_does_not_touch_conversations() {
        let g = guard();
        let s = g.check("please install AnyDesk");
        assert!(s.has_trigger());
        assert!(g.sessions().is_empty());
    }

    #[test]
    fn engine_can_be_swapped() {
        let g = guard();
        let e = Engine::from_sources(&[], &LoadOptions::default());
        if let Ok(e) = e {
            g.swap_engine(e);
            assert!(g.check("打开屏幕共享").findings.is_empty());
        }
    }

    #[test]
    fn qr_payloads_and_file_names_are_scanned_on_marked_lines() {
        let mut m = msg(1, "看图");
        m.qr = vec!["https://a.example/x".into()];
        m.files = vec!["退款.apk".into()];
        assert_eq!(
            m.scanned_text(),
            "看图\n[QR] https://a.example/x\n[FILE] 退款.apk"
        );
        let mut only_photo = msg(2, "");
        assert!(only_photo.is_empty());
        only_photo.qr.push("wxp://f2f0".into());
        assert!(!only_photo.is_empty());
    }

    #[test]
    fn huge_input_is_cut() {
        let g = guard();
        let mut m = msg(1, &"屏".repeat(100_000));
        m.links = vec!["x".repeat(10_000); 1000];
        let s = m.scanned_text();
        assert!(s.len() <= MAX_TEXT_BYTES + MAX_LINKS * (MAX_LINK_BYTES + 1));
        let _ = g.handle(&m, Timestamp(1));
    }

    #[test]
    fn quotes_are_clean_and_short() {
        assert_eq!(quote("ab\ncd", 0..5, 60), "ab cd");
        let s = "a\u{202E}b\u{200B}c";
        assert_eq!(quote(s, 0..s.len(), 60), "abc");
        assert_eq!(quote("abcdef", 0..6, 3), "abc…");
        assert_eq!(quote("屏幕共享", 0..12, 2), "屏幕…");
        assert_eq!(quote("屏幕", 1..3, 10), "");
        assert_eq!(quote("x", 5..9, 10), "");
        assert_eq!(quote("  a   b  ", 0..9, 10), "a b");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate_bytes("屏幕", 4), "屏");
        assert_eq!(truncate_bytes("ab", 9), "ab");
        assert_eq!(truncate_bytes("屏", 0), "");
    }

    #[test]
    fn duplicate_evidence_is_dropped() {
        let rule = Arc::new(RuleMeta {
            id: "a".into(),
            family: "f".into(),
            stage: Stage::Hook,
            weight: 1,
            trigger: false,
            explain: "rule-a".into(),
        });
        let f = |r: Range<usize>| Finding {
            rule: rule.clone(),
            evidence: r,
        };
        let scan = Scan {
            findings: vec![f(0..1), f(0..1), f(1..2)],
            level: Level::Caution,
            score: 1,
            ..Scan::default()
        };
        assert_eq!(evidence("xy", &scan).len(), 2);
        assert_eq!(rule_ids(&scan), vec!["a".to_string()]);
    }
}
