//! The specificity lint (`R012`): a rule of weight ≥ [`MIN_WEIGHT`] (or a hard trigger) must not
//! be satisfiable by an unspecific literal unless a regex or a tight window pins its sense.
//!
//! Definitions (also in `rules/README.md`, "Specificity"):
//! - A literal is **unspecific** when, after the normalization every literal goes through, it
//!   is one of [`COMMON_WORDS`] (everyday Chinese words and single English words that occur in
//!   ordinary chat, customer service and notifications as often as in scams; a `*` stem of one
//!   counts too), or, in a rule whose only required element is one group, when it is made of at
//!   most [`MAX_SHORT_HAN`] Han characters and nothing else: there the literal is the whole
//!   evidence.
//! - A required group (`any`, or one group of `all`) is **loose** when any one of its literals
//!   is unspecific: the group is satisfied by that literal alone.
//! - A rule is **pinned** when it has a `regex` (which must also match), or a `window` of at
//!   most [`MAX_PIN_WINDOW`] characters binding at least two required elements (two groups, or
//!   one group and the regex).
//! - A rule is **flagged** when its weight is at least [`MIN_WEIGHT`] or it is a trigger, every
//!   one of its required groups is loose (a message of unspecific words alone fires it), and it
//!   is not pinned. One error per loose group, at its first unspecific literal, naming every
//!   unspecific literal of the group.

use crate::rules::{ErrorCode, Literal, RawRule, RuleError};
use crate::text::{is_cjk, normalize};

/// Weight from which a rule is checked (triggers are always checked).
pub const MIN_WEIGHT: u32 = 30;

/// Literals of at most this many Han characters (and nothing else) are unspecific.
pub const MAX_SHORT_HAN: usize = 2;

/// The widest `window` that pins a rule's sense.
pub const MAX_PIN_WINDOW: usize = 20;

/// Common words, written as a rule would write them (they are normalized before comparing):
/// each is frequent in honest chat, customer service, meetings or notifications, so a group
/// that one of them satisfies says little about a scam, whatever the rule's other groups.
pub const COMMON_WORDS: &[&str] = &[
    // Chinese: greetings, self-introduction, service talk, generic verbs and nouns.
    "我是",
    "您好",
    "你好",
    "在吗",
    "这边",
    "指导",
    "操作",
    "再投",
    "帮助",
    "客服",
    "联系",
    "服务",
    "平台",
    "账户",
    "账号",
    "信息",
    "问题",
    "处理",
    "提供",
    "需要",
    "提供帮助",
    "帮助您",
    "帮您处理",
    "为您服务",
    "为您处理",
    "工作人员",
    "客服人员",
    "不好意思",
    "没问题",
    "联系方式",
    "联系我",
    "联系我们",
    "我这边",
    "个人信息",
    "相关信息",
    "银行卡",
    "手机号",
    "电话号码",
    "有时间",
    "帮个忙",
    "帮我一下",
    "怎么操作",
    "按照步骤",
    // English: single everyday words.
    "help",
    "account",
    "support",
    "click",
    "call",
    "text",
    "reply",
    "send",
    "pay",
    "payment",
    "money",
    "free",
    "now",
    "today",
    "urgent",
    "please",
    "hi",
    "hello",
    "mum",
    "mom",
    "dad",
    "new",
    "number",
    "phone",
    "app",
    "download",
    "link",
    "update",
    "verify",
    "bank",
    "card",
    "order",
    "info",
    "contact",
    "service",
    "team",
    "message",
    "win",
    "won",
    "cash",
    "code",
    "friend",
    "dear",
    "offer",
];

/// Why a literal is unspecific, or `None` when it is specific enough. `alone`: the literal's
/// group is the rule's only required element, so the literal is the whole evidence; then any
/// word of at most [`MAX_SHORT_HAN`] Han characters is unspecific, otherwise only a common word.
#[must_use]
pub fn unspecific(literal: &str, alone: bool) -> Option<&'static str> {
    let folded = normalize(literal);
    let body = folded.as_str().trim();
    if body.starts_with('*') || body.ends_with('*') {
        let stem = body.trim_matches('*');
        // A wildcard stem of a common word (`verif*`) is as loose as the word.
        return COMMON_WORDS
            .iter()
            .any(|w| normalize(w).as_str() == stem)
            .then_some("a common word");
    }
    let han = body.chars().filter(|&c| is_cjk(c)).count();
    if alone && han > 0 && han <= MAX_SHORT_HAN && body.chars().all(is_cjk) {
        return Some("at most 2 Chinese characters");
    }
    COMMON_WORDS
        .iter()
        .any(|w| normalize(w).as_str() == body)
        .then_some("a common word")
}

/// Whether a regex or a tight window pins the rule's sense.
#[must_use]
pub fn pinned(rule: &RawRule) -> bool {
    if rule.regex.is_some() {
        return true;
    }
    let groups = usize::from(!rule.any.is_empty()) + rule.all.len();
    rule.window.is_some_and(|w| w <= MAX_PIN_WINDOW) && groups >= 2
}

/// The `R012` errors of a set of rules.
#[must_use]
pub fn check(rules: &[RawRule]) -> Vec<RuleError> {
    let mut out = Vec::new();
    for rule in rules {
        if (rule.weight < MIN_WEIGHT && !rule.trigger) || pinned(rule) {
            continue;
        }
        let mut groups: Vec<(String, &Vec<Literal>)> = Vec::new();
        if !rule.any.is_empty() {
            groups.push(("`any`".into(), &rule.any));
        }
        for (i, g) in rule.all.iter().enumerate() {
            groups.push((format!("`all` group {}", i + 1), g));
        }
        let alone = groups.len() == 1;
        let loose_groups: Vec<(String, Vec<(&Literal, &str)>)> = groups
            .into_iter()
            .map(|(name, group)| {
                let loose = group
                    .iter()
                    .filter_map(|l| unspecific(&l.text, alone).map(|why| (l, why)))
                    .collect();
                (name, loose)
            })
            .collect();
        // One group without an unspecific literal anchors the rule: every message it fires on
        // holds one of that group's literals.
        if loose_groups.iter().any(|(_, loose)| loose.is_empty()) {
            continue;
        }
        for (name, loose) in loose_groups {
            let Some((first, _)) = loose.first() else {
                continue;
            };
            let listed: Vec<String> = loose
                .iter()
                .map(|(l, why)| format!("`{}` ({why})", l.text))
                .collect();
            let weight = if rule.trigger {
                format!("trigger of weight {}", rule.weight)
            } else {
                format!("weight {}", rule.weight)
            };
            out.push(RuleError {
                code: ErrorCode::Unspecific,
                location: first.location.clone(),
                rule: Some(rule.id.clone()),
                message: format!(
                    "{name} can be satisfied by an unspecific literal: {}; in a rule of {weight} \
                     with no regex and no window <= {MAX_PIN_WINDOW} binding two groups; make \
                     the literal more specific, add a window or a regex, or lower the weight \
                     below {MIN_WEIGHT}",
                    listed.join(", ")
                ),
            });
        }
    }
    out
}
