//! Who a scam move is addressed to, and whether it is made at all.
//!
//! A rule finds a move ("share your screen", "转账到安全账户", "tell me the code"); the
//! sentence around it decides whether the reader is being asked to make it. The same words
//! appear in four voices:
//!
//! - **directed**: the reader is asked or told to do it ("请您开启屏幕共享", "share your screen");
//! - **negated**: a negation or a warning scopes over it ("官方客服不会添加你的微信",
//!   "we will never ask you to share your screen", "凡是让你转账到安全账户的都是诈骗");
//! - **speaker**: the writer does it themselves ("我把屏幕共享打开了，大家能看到吗",
//!   "I'm sharing my screen now");
//! - **reported**: someone else did it, in a story ("她扫了对方发来的二维码", "he installed
//!   AnyDesk and lost everything").
//!
//! Only a directed move is a move. A message whose findings are all in other voices is not a
//! live scam: with a warning or a negation in it, it is anti-fraud **advice**
//! ([`Genre::Advisory`]); as a story about someone, it is a **report** of a scam
//! ([`Genre::Report`]). [`settle`] applies this to a [`Scan`]: the findings that are not live
//! move to [`Scan::described`], the level is computed again from what remains.
//!
//! Works on the user's original text around each finding's evidence (the evidence ranges are
//! byte ranges of the original), with the markers below written in Simplified and Traditional
//! forms. Clauses end at `，。！？；：` and their ASCII forms and line breaks; `、` and "or" do
//! not end a clause, so a negation covers a list ("不要点击不明链接、扫描陌生人的二维码").

use std::ops::Range;

use crate::model::{Finding, Level, Scan, Stage};

/// How a message speaks about the moves found in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Genre {
    /// A live message: what remains in [`Scan::findings`] is addressed to the reader.
    #[default]
    Live,
    /// Anti-fraud advice: the moves it names are warned against or denied.
    Advisory,
    /// A story about a scam that happened to someone.
    Report,
}

impl Genre {
    /// Stable name, as logged.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Genre::Live => "live",
            Genre::Advisory => "advisory",
            Genre::Report => "report",
        }
    }
}

/// The voice of one finding (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// The reader is asked or told to make the move.
    Directed,
    /// A negation or warning covers the move.
    Negated,
    /// The writer makes the move.
    Speaker,
    /// A third person made the move.
    Reported,
}

/// A finding that is not a live move, with the voice that made it so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// The finding.
    pub finding: Finding,
    /// Why it is not live ([`Voice::Directed`] for the setting of an advisory or report).
    pub voice: Voice,
}

/// Negations that cover what follows them in the clause (within [`NEGATION_REACH`] chars).
const ZH_NEGATORS: &[&str] = &[
    "不会",
    "不會",
    "绝不",
    "絕不",
    "绝对不",
    "絕對不",
    "从不",
    "從不",
    "从来不",
    "從來不",
    "不要",
    "切勿",
    "请勿",
    "請勿",
    "不能",
    "不可以",
    "不可",
    "不得",
    "严禁",
    "嚴禁",
    "禁止",
    "谨防",
    "謹防",
    "警惕",
    "提防",
    "当心",
    "當心",
    "小心",
    "千万别",
    "千萬別",
    "可别",
    "可別",
    "别轻易",
    "別輕易",
    "别随便",
    "別隨便",
    "别把",
    "別把",
    "别点",
    "別點",
    "别扫",
    "別掃",
    "别下载",
    "別下載",
    "别信",
    "別信",
    "别给",
    "別給",
    "不需要",
    "无需",
    "無需",
    "不用",
    "拒绝",
    "拒絕",
    "不应",
    "不應",
    "不该",
    "不該",
];

/// Negations made of one character: they count only right before the evidence (`勿转账`).
/// A bare `不` does not: Chinese drops the "if" of a threat ("不缴纳解冻金，账户将被冻结").
const ZH_SHORT_NEGATORS: &[char] = &['没', '沒', '勿'];

/// English negations (whole words, lowercased; a phrase is words separated by one space).
const EN_NEGATORS: &[&str] = &[
    "never",
    "don't",
    "dont",
    "do not",
    "won't",
    "wont",
    "will not",
    "shouldn't",
    "should not",
    "must not",
    "mustn't",
    "doesn't",
    "does not",
    "beware",
    "refuse",
    "no one",
    "nobody",
];

/// How far (in characters) a negation reaches forward to the evidence.
const NEGATION_REACH: usize = 20;
/// How far (in words) an English negation reaches forward to the evidence.
const EN_NEGATION_REACH: usize = 8;

/// Words that end a negation's reach: a new request or a turn ("不能正常使用请联系客服",
/// "don't worry, just share your screen").
const ZH_SCOPE_BREAKERS: &[&str] = &[
    "请", "請", "麻烦", "麻煩", "需要", "只是", "立即", "马上", "馬上", "尽快", "盡快", "赶紧",
    "趕緊", "然后", "然後", "就", "才", "再", "先", "但", "只要", "只需", "直接", "而是", "必须",
    "必須",
];
const EN_SCOPE_BREAKERS: &[&str] = &[
    "please",
    "but",
    "just",
    "only",
    "instead",
    "then",
    "so",
    "now",
    "immediately",
    "must",
    "need",
    "needs",
];

/// What follows a negation when it tells a consequence rather than refusing a move.
const CONSEQUENCES: &[&str] = &[
    "退", "返", "提现", "提現", "到账", "到賬", "解冻", "解凍", "恢复", "恢復", "取消", "撤",
    "影响", "影響", "被", "受", "扣", "成功", "通过", "通過", "放款", "下款", "登", "使用", "正常",
    "进行", "進行",
];

/// "Don't worry / don't hesitate" negates a feeling, and the move that follows is urged
/// ("不要担心将资金转入", "不要着急").
const FEELINGS: &[&str] = &[
    "着急", "著急", "担心", "擔心", "害怕", "紧张", "緊張", "慌", "犹豫", "猶豫", "怕", "急",
];

/// Evidence about the writer's own screen, meeting or remote session, where the writer's
/// voice means a meeting rather than a takeover.
const ZH_SCREEN: &[&str] = &["屏幕", "共享", "远程", "遠程", "会议", "會議", "桌面"];
const EN_SCREEN: &[&str] = &[
    "screen",
    "remote",
    "meeting",
    "desktop",
    "anydesk",
    "teamviewer",
];

/// A condition before a negation makes it a threat, not a denial ("如果不转账就冻结",
/// "if you don't pay now").
const ZH_CONDITIONALS: &[&str] = &[
    "如果", "若", "要是", "否则", "否則", "不然", "假如", "一旦", "万一", "萬一", "除非",
];
const EN_CONDITIONALS: &[&str] = &["if", "unless", "otherwise", "else", "or else"];

/// A sentence that names its own move a scam is advice ("凡是……都是诈骗", "… is a scam").
const ZH_SCAM_VERDICTS: &[&str] = &[
    "都是诈骗",
    "都是詐騙",
    "都是骗",
    "都是騙",
    "就是诈骗",
    "就是詐騙",
    "一定是诈骗",
    "一定是詐騙",
    "肯定是诈骗",
    "肯定是詐騙",
    "一律是诈骗",
    "就是骗子",
    "就是騙子",
    "一定是骗子",
    "一定是騙子",
    "都是假冒",
    "都是假的",
];
const EN_SCAM_VERDICTS: &[&str] = &[
    "is a scam",
    "is a scammer",
    "are scams",
    "are scammers",
    "it's a scam",
    "its a scam",
    "is fraud",
    "is a fraud",
    "is a fraudster",
    "are fraudsters",
];

/// The reader: a second person or a request.
const ZH_SECOND: &[&str] = &[
    "你",
    "您",
    "妳",
    "请",
    "請",
    "麻烦",
    "麻煩",
    "帮我",
    "幫我",
    "需要",
    "务必",
    "務必",
    "一定要",
    "只需",
    "只要",
    "只用",
];
const EN_SECOND: &[&str] = &[
    "you", "your", "you're", "youre", "yours", "u", "ur", "please", "pls", "plz", "kindly",
];

/// The writer.
const ZH_FIRST: &[&str] = &["我", "咱", "本人"];
const EN_FIRST: &[&str] = &[
    "i", "i'm", "im", "i'll", "i've", "i'd", "we", "we're", "we'll", "we've", "let's",
];

/// Someone else: third persons, and the writer's relatives and friends ("我妈扫了码"). Forms
/// of address (先生, 女士) are not: they name the reader ("刘先生，请点击").
const ZH_THIRD: &[&str] = &[
    "他",
    "她",
    "它们",
    "對方",
    "对方",
    "骗子",
    "騙子",
    "老人",
    "事主",
    "受害人",
    "老伯",
    "网友",
    "網友",
    "我妈",
    "我媽",
    "我爸",
    "我家",
    "我朋友",
    "我同事",
    "我老公",
    "我老婆",
    "我女儿",
    "我女兒",
    "我儿子",
    "我兒子",
    "我姐",
    "我哥",
    "我弟",
    "我妹",
    "我奶奶",
    "我爷爷",
    "我爺爺",
    "我外婆",
    "我姥姥",
    "我舅",
    "我阿姨",
    "我邻居",
    "我鄰居",
    "我同学",
    "我同學",
    "我父母",
    "我母亲",
    "我母親",
    "我父亲",
    "我父親",
];
/// "They" is left out: spam speaks of its company as "they" ("they have paid me").
const EN_THIRD: &[&str] = &[
    "he",
    "she",
    "his",
    "her",
    "him",
    "scammer",
    "scammers",
    "caller",
    "victim",
    "grandma",
    "grandpa",
    "mom",
    "mum",
    "dad",
    "mother",
    "father",
    "friend",
    "wife",
    "husband",
    "son",
    "daughter",
    "aunt",
    "uncle",
    "neighbour",
    "neighbor",
    "colleague",
];

/// Aspect markers: the move is told as done or under way (needed before a first or third
/// person counts, so an imperative after "我是客服，" stays directed). A `了` counts on its own
/// (see [`zh_narrative`]).
const ZH_NARRATIVE: &[&str] = &[
    "已经", "已經", "正在", "刚刚", "剛剛", "刚才", "剛才", "结果", "結果", "随后", "隨後", "于是",
    "於是", "之后", "之後", "后来", "後來", "被",
];

/// Advisory markers anywhere in the message.
const ZH_ADVISORY: &[&str] = &[
    "民警提醒",
    "警方提醒",
    "警方提示",
    "反诈提醒",
    "反詐提醒",
    "反诈中心",
    "反詐中心",
    "防骗",
    "防騙",
    "提醒大家",
    "提醒广大",
    "提醒廣大",
    "谨防",
    "謹防",
    "切勿",
    "提高警惕",
    "注意防范",
    "注意防範",
];
const EN_ADVISORY: &[&str] = &[
    "scam alert",
    "fraud alert",
    "beware",
    "be careful",
    "be aware",
    "stay safe",
    "protect yourself",
    "never share",
    "will never ask",
    "never ask",
    "red flag",
    "warning signs",
];

/// Report markers anywhere in the message: words a scammer never uses of themselves.
const ZH_REPORT: &[&str] = &[
    "骗子",
    "騙子",
    "诈骗分子",
    "詐騙分子",
    "不法分子",
    "犯罪分子",
    "嫌疑人",
    "被骗",
    "被騙",
    "受骗",
    "受騙",
    "上当",
    "上當",
    "受害人",
    "事主",
    "报案",
    "報案",
    "据悉",
    "據悉",
    "记者",
    "記者",
    "报警",
    "報警",
    "损失",
    "損失",
];
const EN_REPORT: &[&str] = &[
    "scammer",
    "scammers",
    "fraudster",
    "fraudsters",
    "scammed",
    "victim",
    "victims",
    "police said",
    "reported",
];

/// The voice of the finding whose evidence is `evidence` (byte range of `text`).
#[must_use]
pub fn voice(text: &str, evidence: Range<usize>, stage: Stage, trigger: bool) -> Voice {
    let Some(evidence) = valid(text, evidence) else {
        return Voice::Directed;
    };
    // Only what the reader is asked to do has a voice: a pretext or hook said in the negative
    // is still the scam's script ("不会影响您的征信", "不需要押金").
    let is_move = trigger || matches!(stage, Stage::Channel | Stage::Control | Stage::Extract);
    if !is_move {
        return Voice::Directed;
    }
    if negated(text, &evidence) {
        return Voice::Negated;
    }
    let v = person(text, &evidence);
    // The writer about to share their own screen ("我共享一下屏幕，大家看得到吗") says no
    // aspect marker, but no one else is named to do it.
    let v =
        if v == Voice::Directed && stage == Stage::Control && about_screen(&text[evidence.clone()])
        {
            let start = unit_start(text, evidence.start, false);
            let clause = &text[start..unit_end(text, evidence.end, false)];
            let prefix = &text[start..evidence.start];
            // "我们共享一下屏幕" can mean "let us (you and me) share": only a lone 我.
            if prefix.contains('我')
                && !prefix.contains("我们")
                && !prefix.contains("我們")
                && !zh_third(prefix)
                && !names(clause, ZH_SECOND, EN_SECOND)
            {
                Voice::Speaker
            } else {
                v
            }
        } else {
            v
        };
    match v {
        // The writer's own screen sharing or remote session is a meeting, not a takeover;
        // the writer's own money, number or code is often the scam's story ("我手机坏了",
        // "我已经把钱转给你了", "我已经安排好了偷渡"), so only a screen, meeting or remote
        // session takes the speaker's voice.
        Voice::Speaker if stage != Stage::Control || !about_screen(&text[evidence]) => {
            Voice::Directed
        }
        v => v,
    }
}

/// Apply voices to a scan of `text`: keep the directed findings, move the others to
/// [`Scan::described`], set [`Scan::genre`], and recompute the level and score with `level`
/// (the engine's thresholds).
pub fn settle(text: &str, scan: &mut Scan, level: impl Fn(&[Finding]) -> (Level, u32)) {
    if scan.findings.is_empty() {
        return;
    }
    let mut live: Vec<Finding> = Vec::with_capacity(scan.findings.len());
    let mut described: Vec<Described> = Vec::new();
    let mut reports = 0usize;
    let mut negated_at: Vec<Range<usize>> = Vec::new();
    for f in scan.findings.drain(..) {
        let mut v = voice(text, f.evidence.clone(), f.rule.stage, f.rule.trigger);
        if v == Voice::Directed
            && is_move(&f)
            && negated_at.iter().any(|n| continues(text, n, &f.evidence))
        {
            v = Voice::Negated;
        }
        if v == Voice::Negated {
            negated_at.push(f.evidence.clone());
        }
        match v {
            Voice::Directed => live.push(f),
            voice => {
                reports += usize::from(voice == Voice::Reported);
                described.push(Described { finding: f, voice });
            }
        }
    }
    let live_move = live.iter().any(is_move);
    let genre = if described.is_empty() || live_move {
        Genre::Live
    } else if has_marker(text, ZH_ADVISORY, EN_ADVISORY) {
        Genre::Advisory
    } else if reports > 0 || has_marker(text, ZH_REPORT, EN_REPORT) {
        Genre::Report
    } else {
        Genre::Live
    };
    if genre != Genre::Live {
        // What is left is the story's setting (who called, what they said): not a live
        // pretext either.
        described.extend(live.drain(..).map(|finding| Described {
            finding,
            voice: Voice::Directed,
        }));
    }
    scan.findings = live;
    scan.described = described;
    scan.genre = genre;
    (scan.level, scan.score) = level(&scan.findings);
}

/// Whether the move at `ev` is the next item of a list whose negated item is at `neg`: "never
/// share your screen, install remote apps or read out codes". It is when both stand in one
/// sentence, the move's clause starts with it, and no new request or person comes between.
fn continues(text: &str, neg: &Range<usize>, ev: &Range<usize>) -> bool {
    let (Some(neg), Some(ev)) = (valid(text, neg.clone()), valid(text, ev.clone())) else {
        return false;
    };
    if neg.end > ev.start || unit_start(text, ev.start, true) > neg.start {
        return false;
    }
    let clause_start = unit_start(text, ev.start, false);
    if clause_start <= neg.start {
        return false;
    }
    let lead = &text[clause_start..ev.start];
    let ws = words(lead);
    subject(lead, true).is_none()
        && lead.chars().filter(|c| crate::text::is_cjk(*c)).count() <= 2
        && ws.len() <= 6
        && !ZH_SCOPE_BREAKERS.iter().any(|b| lead.contains(b))
        && !ZH_SECOND.iter().any(|b| lead.contains(b))
        && !has_phrase(&ws, EN_SCOPE_BREAKERS)
        && !has_phrase(&ws, EN_SECOND)
}

/// A move: what the reader is asked to do (a hard trigger, or a channel, control or extract
/// stage).
fn is_move(f: &Finding) -> bool {
    f.rule.trigger
        || matches!(
            f.rule.stage,
            Stage::Channel | Stage::Control | Stage::Extract
        )
}

fn valid(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    (r.start <= r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end))
    .then_some(r)
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '。' | '！' | '!' | '？' | '?' | '；' | ';' | '：' | ':' | '\n' | '\r' | '．'
    )
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '。' | '！' | '!' | '？' | '?' | '；' | ';' | '\n' | '\r')
}

/// Start of the clause (or sentence, with `sentence`) holding byte `at`.
fn unit_start(text: &str, at: usize, sentence: bool) -> usize {
    let mut start = 0;
    for (i, c) in text[..at].char_indices() {
        if ends_unit(text, i, c, sentence) {
            start = i + c.len_utf8();
        }
    }
    start
}

/// End of the clause (or sentence) holding byte `at`.
fn unit_end(text: &str, at: usize, sentence: bool) -> usize {
    for (i, c) in text[at..].char_indices() {
        if ends_unit(text, at + i, c, sentence) {
            return at + i;
        }
    }
    text.len()
}

/// Whether `c` at byte `i` ends a clause or sentence. A `.` does only before a space or the
/// end (not in `1.5`, `a.com`).
fn ends_unit(text: &str, i: usize, c: char, sentence: bool) -> bool {
    if c == '.' {
        let next = text[i + 1..].chars().next();
        return next.is_none_or(char::is_whitespace);
    }
    if sentence {
        is_sentence_break(c)
    } else {
        is_clause_break(c)
    }
}

/// Lowercased words of an English stretch (letters, digits and apostrophes).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase().replace('’', "'"))
        .collect()
}

/// Index just past the last occurrence of `phrase` (space-separated words) in `ws`.
fn last_phrase(ws: &[String], phrase: &str) -> Option<usize> {
    let p: Vec<&str> = phrase.split(' ').collect();
    if p.len() > ws.len() {
        return None;
    }
    (0..=ws.len() - p.len())
        .rev()
        .find(|&i| p.iter().enumerate().all(|(k, w)| ws[i + k] == *w))
        .map(|i| i + p.len())
}

fn has_phrase(ws: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| last_phrase(ws, p).is_some())
}

fn has_marker(text: &str, zh: &[&str], en: &[&str]) -> bool {
    zh.iter().any(|m| text.contains(m)) || has_phrase(&words(text), en)
}

/// Whether a negation or a scam verdict covers the evidence.
fn negated(text: &str, ev: &Range<usize>) -> bool {
    // The evidence itself holding a negation is a rule about the negated form ("不要告诉家人").
    // Evidence that runs past a clause, a condition or a turn is not covered by what stands
    // before it ("没有办法退款，除非您支付保证金").
    let inside = &text[ev.clone()];
    if inside.chars().any(is_clause_break)
        || ZH_NEGATORS.iter().any(|n| inside.contains(n))
        || inside.starts_with(['不', '别', '別', '没', '沒', '勿'])
        || has_phrase(&words(inside), EN_NEGATORS)
        || ZH_CONDITIONALS.iter().any(|k| inside.contains(k))
        || ["但", "才", "请", "請"].iter().any(|k| inside.contains(k))
    {
        return false;
    }
    let clause_start = unit_start(text, ev.start, false);
    let prefix = &text[clause_start..ev.start];
    if zh_negated(prefix, inside) || en_negated(prefix) {
        return true;
    }
    let sentence_end = unit_end(text, ev.end, true);
    let after = &text[ev.end..sentence_end];
    ZH_SCAM_VERDICTS.iter().any(|v| after.contains(v))
        || has_phrase(&words(after), EN_SCAM_VERDICTS)
}

/// A Chinese negation in `prefix` (the clause before the evidence) that reaches its end.
fn zh_negated(prefix: &str, inside: &str) -> bool {
    if let Some(c) = prefix.chars().next_back()
        && ZH_SHORT_NEGATORS.contains(&c)
        && !ZH_CONDITIONALS.iter().any(|k| prefix.contains(k))
        && !prefix[..prefix.len() - c.len_utf8()].ends_with(['是', '还', '還'])
        && !CONSEQUENCES.iter().any(|k| inside.starts_with(k))
    {
        return true;
    }
    let mut best: Option<usize> = None;
    for n in ZH_NEGATORS {
        if let Some((i, _)) = prefix
            .match_indices(n)
            .filter(|(i, _)| !a_not_a(prefix, *i))
            .last()
        {
            let end = i + n.len();
            best = Some(best.map_or(end, |b: usize| b.max(end)));
        }
    }
    let Some(end) = best else { return false };
    if prefix[..end].ends_with("不小心") {
        // "accidentally", not a warning.
        return false;
    }
    let gap = &prefix[end..];
    // What cannot happen is a consequence, not a move refused ("不能退还代理费",
    // "无法提现", "不会影响"): the scam's threat or reassurance.
    let after = format!("{gap}{inside}");
    if CONSEQUENCES.iter().any(|c| after.starts_with(c))
        || FEELINGS.iter().any(|c| after.starts_with(c))
    {
        return false;
    }
    let before = &prefix[..end];
    gap.chars().count() <= NEGATION_REACH
        && !ZH_SCOPE_BREAKERS.iter().any(|b| gap.contains(b))
        && !ZH_CONDITIONALS.iter().any(|k| before.contains(k))
}

/// Whether the negation at byte `i` of `s` is the middle of an "A not A" question (能不能,
/// 会不会, 有没有, 可不可以): a question, not a denial.
fn a_not_a(s: &str, i: usize) -> bool {
    let mut after = s[i..].chars();
    let neg = after.next();
    if !matches!(neg, Some('不' | '没' | '沒')) {
        return false;
    }
    let next = after.next();
    let prev = s[..i].chars().next_back();
    prev.is_some() && prev == next
}

/// An English negation in `prefix` within reach of its end.
fn en_negated(prefix: &str) -> bool {
    let ws = words(prefix);
    let Some(end) = EN_NEGATORS.iter().filter_map(|n| last_phrase(&ws, n)).max() else {
        return false;
    };
    let gap = &ws[end..];
    gap.len() <= EN_NEGATION_REACH
        && !gap.iter().any(|w| EN_SCOPE_BREAKERS.contains(&w.as_str()))
        && !has_phrase(&ws[..end], EN_CONDITIONALS)
}

/// Directed, speaker or reported: by the persons in the evidence's clause, or, when it names
/// none, in the clauses before it in the same sentence.
fn person(text: &str, ev: &Range<usize>) -> Voice {
    let clause_start = unit_start(text, ev.start, false);
    let clause_end = unit_end(text, ev.end, false);
    let prefix = &text[clause_start..ev.start];
    // Every clause the evidence touches: the reader named in any of them is asked.
    let clause = &text[clause_start..clause_end];
    // The reader named anywhere in the clause (the evidence included: "share your screen").
    if names(clause, ZH_SECOND, EN_SECOND) {
        return Voice::Directed;
    }
    let narrative = zh_narrative(clause) || en_past(clause);
    // The subject stands before the move; a person inside it is its object ("扫描她提供的
    // 二维码"), except the writer's own screen ("I'm sharing my screen").
    if let Some(v) = subject(prefix, narrative) {
        return v;
    }
    // A story goes on across clauses without repeating its subject ("她扫了码，又下载了
    // app"); the writer's own acts do not (after "我是客服，" comes an imperative).
    let sentence_start = unit_start(text, ev.start, true);
    if sentence_start < clause_start && narrative {
        let before = &text[sentence_start..clause_start];
        if subject(before, true) == Some(Voice::Reported) {
            return Voice::Reported;
        }
    }
    Voice::Directed
}

/// Whether a Chinese clause tells of something done: an aspect marker, or a `了` that is not
/// a modal ending ("扫码就可以了", "下载好了吗" ask something of the reader).
fn zh_narrative(clause: &str) -> bool {
    if ZH_NARRATIVE.iter().any(|m| clause.contains(m)) {
        return true;
    }
    let chars: Vec<char> = clause.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        c == '了'
            && !matches!(
                i.checked_sub(1).map(|j| chars[j]),
                Some('以' | '行' | '好' | '吧' | '就' | '为' | '為' | '除')
            )
            && !matches!(
                chars.get(i + 1),
                Some('吗' | '嗎' | '吧' | '呢' | '没' | '沒' | '解')
            )
    })
}

/// A third person in Chinese: the markers of [`ZH_THIRD`], but not the 他 of 其他 ("other")
/// or 吉他.
fn zh_third(s: &str) -> bool {
    ZH_THIRD.iter().any(|m| {
        s.match_indices(m)
            .any(|(i, _)| !(m.starts_with('他') && s[..i].ends_with(['其', '吉'])))
    })
}

/// The voice a stretch's own subject gives (third person first: "我妈" is not the writer).
fn subject(s: &str, narrative: bool) -> Option<Voice> {
    let ws = words(s);
    let en_third = ws.iter().any(|w| EN_THIRD.contains(&w.as_str()));
    let en_first = ws.iter().any(|w| EN_FIRST.contains(&w.as_str()));
    if zh_third(s) && narrative {
        return Some(Voice::Reported);
    }
    if en_third && narrative {
        return Some(Voice::Reported);
    }
    if ZH_FIRST.iter().any(|m| s.contains(m)) && narrative {
        return Some(Voice::Speaker);
    }
    if en_first {
        return Some(Voice::Speaker);
    }
    None
}

fn about_screen(evidence: &str) -> bool {
    names(evidence, ZH_SCREEN, EN_SCREEN)
}

fn names(s: &str, zh: &[&str], en: &[&str]) -> bool {
    zh.iter().any(|m| s.contains(m)) || words(s).iter().any(|w| en.contains(&w.as_str()))
}

/// An English verb in the past ("installed", "shared", "sent", "gave").
fn en_past(s: &str) -> bool {
    words(s).iter().any(|w| {
        (w.len() > 4 && w.ends_with("ed"))
            || matches!(
                w.as_str(),
                "was" | "were" | "had" | "sent" | "gave" | "got" | "told" | "paid" | "lost"
            )
    })
}

#[cfg(test)]
mod tests;
