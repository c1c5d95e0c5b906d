//! The texts the bot sends, rendered through the catalog. Plain text (no parse mode), so no
//! user-controlled character can break the formatting.

use crate::engine::{Level, RuleMeta, Stage};
use crate::guard::Evidence;
use crate::i18n::{Arg, Catalog, Lang};
use crate::voice::Described;
#[cfg(doc)]
use crate::voice::Genre;

/// Telegram's limit is 4096 UTF-16 code units; stay below it.
pub const MAX_MESSAGE_CHARS: usize = 3900;
/// Most findings quoted in one warning.
pub const MAX_FINDINGS: usize = 6;
/// Most explanations in one warning.
pub const MAX_EXPLANATIONS: usize = 5;

/// What a warning shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningView {
    /// `warning` or `danger`.
    pub level: Level,
    /// This message's findings with quoted evidence.
    pub evidence: Vec<Evidence>,
    /// The conversation's chain so far.
    pub chain: Vec<Stage>,
    /// The conversation's leading family, whose explanations the warning gives.
    pub family: Option<String>,
}

/// A quote as the user should read it: evidence from a QR code, a document's name or a
/// link's visible text starts with the mark the scanned text gives it (`[QR]`, ...); it is
/// shown as "QR code in the photo: …" in the user's language.
#[must_use]
pub fn shown_quote(cat: &Catalog, lang: Lang, quote: &str) -> String {
    for (mark, key) in [
        (crate::guard::QR_MARK, "quote-qr"),
        (crate::guard::FILE_MARK, "quote-file"),
        (crate::guard::LINK_TEXT_MARK, "quote-link-text"),
    ] {
        if let Some(rest) = quote.strip_prefix(mark) {
            return cat.format(lang, key, &[("content", Arg::from(rest.trim()))]);
        }
    }
    quote.to_string()
}

/// Localized name of a level.
#[must_use]
pub fn level_name(cat: &Catalog, lang: Lang, level: Level) -> String {
    cat.text(lang, &format!("level-{}", level.as_str()))
}

/// The chain as `a → b → c`, in short localized names.
#[must_use]
pub fn chain(cat: &Catalog, lang: Lang, stages: &[Stage]) -> String {
    stages
        .iter()
        .map(|s| cat.text(lang, &format!("chain-{}", s.as_str())))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// A warning: what was found (quoted), why it is a scam, what to do now, the chain so far.
#[must_use]
pub fn warning(cat: &Catalog, lang: Lang, view: &WarningView) -> String {
    let title = if view.level >= Level::Danger {
        "warning-title-danger"
    } else {
        "warning-title-warning"
    };
    let mut out = cat.text(lang, title);

    if !view.evidence.is_empty() {
        out.push_str("\n\n");
        out.push_str(&cat.text(lang, "warning-found"));
        for e in view.evidence.iter().take(MAX_FINDINGS) {
            out.push('\n');
            let stage = cat.text(lang, &format!("stage-{}", e.rule.stage.as_str()));
            out.push_str(&cat.format(
                lang,
                "warning-finding",
                &[
                    ("quote", Arg::from(shown_quote(cat, lang, &e.quote))),
                    ("stage", Arg::from(stage)),
                ],
            ));
        }

        let keys = leading_explanations(
            view.evidence.iter().map(|e| &*e.rule),
            view.family.as_deref(),
        );
        push_why(&mut out, cat, lang, &keys);
    }

    out.push_str("\n\n");
    out.push_str(&cat.text(lang, "warning-todo"));
    out.push('\n');
    out.push_str(&cat.text(lang, "warning-advice"));

    if !view.chain.is_empty() {
        out.push_str("\n\n");
        out.push_str(&cat.format(
            lang,
            "warning-chain",
            &[("chain", Arg::from(chain(cat, lang, &view.chain)))],
        ));
    }
    out.push_str("\n\n");
    out.push_str(&cat.text(lang, "warning-feedback"));
    cut(out)
}

/// "Why this is a scam:" and one line per explanation key.
fn push_why(out: &mut String, cat: &Catalog, lang: Lang, keys: &[&str]) {
    out.push_str("\n\n");
    out.push_str(&cat.text(lang, "warning-why"));
    for key in keys {
        out.push_str("\n• ");
        out.push_str(&cat.text(lang, key));
    }
}

/// The answer to anti-fraud advice (a [`Genre::Advisory`] message): it reads as advice, and
/// the advice is right.
#[must_use]
pub fn advice(cat: &Catalog, lang: Lang) -> String {
    cut(cat.text(lang, "advice-reply"))
}

/// The answer to a story of a scam (a [`Genre::Report`] message): which scam it is, from the
/// findings of its leading family, and what to do if it is happening now.
#[must_use]
pub fn report(cat: &Catalog, lang: Lang, described: &[Described]) -> String {
    let mut out = cat.text(lang, "report-reply");
    let keys = leading_explanations(described.iter().map(|d| &*d.finding.rule), None);
    if !keys.is_empty() {
        push_why(&mut out, cat, lang, &keys);
    }
    out.push_str("\n\n");
    out.push_str(&cat.text(lang, "report-advice"));
    cut(out)
}

/// The explanation keys of the leading family among `rules`, strongest rule first, at most
/// [`MAX_EXPLANATIONS`]: `lead` when given and present (the conversation's leading family),
/// else the family with the highest summed weight (ties go to the first seen). Hard triggers
/// of other families keep their own explanation (each is a scam on its own), and so do the
/// signals every scam shares (a move to another app, a code asked for); a stray rule of an
/// unrelated family does not.
#[must_use]
pub fn leading_explanations<'a>(
    rules: impl Iterator<Item = &'a RuleMeta> + Clone,
    lead: Option<&str>,
) -> Vec<&'a str> {
    let mut weight: Vec<(&str, u32, usize)> = Vec::new();
    for r in rules.clone() {
        if SHARED_FAMILIES.contains(&r.family.as_str()) {
            continue;
        }
        match weight.iter_mut().find(|(f, _, _)| *f == r.family) {
            Some((_, w, n)) => {
                *w += r.weight;
                *n += 1;
            }
            None => weight.push((&r.family, r.weight, 1)),
        }
    }
    let strongest = weight.iter().rev().max_by_key(|(_, w, _)| *w);
    let lead = match lead.filter(|l| !SHARED_FAMILIES.contains(l)) {
        Some(l) if weight.iter().any(|(f, _, _)| *f == l) => l,
        // The conversation's lead is not in this message: the message's own strongest family
        // explains it only when more than one of its rules hit (not a stray literal);
        // otherwise only the hard triggers and shared signals do.
        Some(l) => strongest.filter(|s| s.2 > 1).map_or(l, |s| s.0),
        None => strongest.map_or("", |s| s.0),
    };
    let mut chosen: Vec<&RuleMeta> = rules
        .filter(|r| r.family == lead || r.trigger || SHARED_FAMILIES.contains(&r.family.as_str()))
        .collect();
    chosen.sort_by_key(|r| (std::cmp::Reverse(r.trigger), std::cmp::Reverse(r.weight)));
    let mut keys: Vec<&str> = Vec::new();
    for r in chosen {
        if !keys.contains(&r.explain.as_str()) && keys.len() < MAX_EXPLANATIONS {
            keys.push(&r.explain);
        }
    }
    keys
}

/// The leading family of a conversation's families (most evidence first): the first that is
/// not a shared signal family.
#[must_use]
pub fn lead_family(families: &[String]) -> Option<String> {
    families
        .iter()
        .find(|f| !SHARED_FAMILIES.contains(&f.as_str()))
        .cloned()
}

/// Families of signals that belong to every scam (a move to another app, a QR code, a code
/// asked for): their explanation fits whichever family leads.
const SHARED_FAMILIES: [&str; 2] = ["signal", "qr_and_files"];

/// The calm answer to a burst: how many messages, the level, the stages seen.
#[must_use]
pub fn calm(cat: &Catalog, lang: Lang, count: u32, level: Level, stages: &[Stage]) -> String {
    let stages = if stages.is_empty() {
        cat.text(lang, "calm-no-stages")
    } else {
        chain(cat, lang, stages)
    };
    let mut out = cat.format(
        lang,
        "calm-batch",
        &[
            ("count", Arg::from(count)),
            ("level", Arg::from(level_name(cat, lang, level))),
            ("stages", Arg::from(stages)),
        ],
    );
    out.push('\n');
    out.push_str(&cat.text(
        lang,
        if level >= Level::Warning {
            "calm-warned"
        } else {
            "calm-watching"
        },
    ));
    cut(out)
}

/// The answer to `/check` below the warning level: caution with what was found, or clean.
#[must_use]
pub fn check_result(cat: &Catalog, lang: Lang, level: Level, evidence: &[Evidence]) -> String {
    if evidence.is_empty() {
        return cat.text(lang, "check-clean");
    }
    let mut out = cat.format(
        lang,
        "check-caution",
        &[("level", Arg::from(level_name(cat, lang, level)))],
    );
    out.push_str("\n\n");
    out.push_str(&cat.text(lang, "warning-found"));
    for e in evidence.iter().take(MAX_FINDINGS) {
        out.push('\n');
        let stage = cat.text(lang, &format!("stage-{}", e.rule.stage.as_str()));
        out.push_str(&cat.format(
            lang,
            "warning-finding",
            &[
                ("quote", Arg::from(shown_quote(cat, lang, &e.quote))),
                ("stage", Arg::from(stage)),
            ],
        ));
    }
    cut(out)
}

/// Cut `s` to [`MAX_MESSAGE_CHARS`] characters.
fn cut(mut s: String) -> String {
    if let Some((i, _)) = s.char_indices().nth(MAX_MESSAGE_CHARS) {
        s.truncate(i);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::RuleMeta;

    #[test]
    fn marked_quotes_say_where_they_come_from() {
        let cat = Catalog::embedded().unwrap();
        assert_eq!(
            shown_quote(&cat, Lang::En, "[QR] https://meeting.tencent.com/dm/x"),
            "QR code in the photo: https://meeting.tencent.com/dm/x"
        );
        assert_eq!(
            shown_quote(&cat, Lang::ZhCn, "[FILE] 退款.apk"),
            "发来的文件：退款.apk"
        );
        assert_eq!(shown_quote(&cat, Lang::En, "plain text"), "plain text");
    }

    fn ev(id: &str, stage: Stage, explain: &str, quote: &str) -> Evidence {
        Evidence {
            rule: Arc::new(RuleMeta {
                id: id.into(),
                family: "f".into(),
                stage,
                weight: 50,
                trigger: true,
                explain: explain.into(),
            }),
            quote: quote.into(),
        }
    }

    #[test]
    fn warning_has_every_part() {
        let cat = Catalog::embedded().unwrap();
        let view = WarningView {
            level: Level::Danger,
            evidence: vec![
                ev("a", Stage::Control, "stage-control", "打开屏幕共享"),
                ev("b", Stage::Control, "stage-control", "腾讯会议"),
            ],
            chain: vec![Stage::Pretext, Stage::Control],
            family: None,
        };
        let en = warning(&cat, Lang::En, &view);
        assert!(en.starts_with("🚨"), "{en}");
        assert!(en.contains("“打开屏幕共享”"), "{en}");
        assert!(en.contains("“腾讯会议”"), "{en}");
        assert!(en.contains("Why this is a scam"), "{en}");
        assert!(en.contains("What to do now"), "{en}");
        assert!(en.contains("official website"), "{en}");
        assert!(en.contains(" → "), "{en}");
        // The explanation key is shown once even when two findings share it.
        assert_eq!(
            en.matches("taking control of your phone").count(),
            3,
            "{en}"
        );

        let cn = warning(&cat, Lang::ZhCn, &view);
        assert!(cn.contains("96110"), "{cn}");
        let tw = warning(&cat, Lang::ZhTw, &view);
        assert!(tw.contains("165") && tw.contains("18222"), "{tw}");
        assert!(
            tw.contains("「打開屏幕共享」") || tw.contains("「打开屏幕共享」"),
            "{tw}"
        );
    }

    #[test]
    fn warning_level_title() {
        let cat = Catalog::embedded().unwrap();
        let view = WarningView {
            level: Level::Warning,
            evidence: vec![],
            chain: vec![],
            family: None,
        };
        let en = warning(&cat, Lang::En, &view);
        assert!(en.starts_with("⚠️"), "{en}");
        assert!(!en.contains("What I found"), "{en}");
    }

    #[test]
    fn calm_texts() {
        let cat = Catalog::embedded().unwrap();
        let s = calm(
            &cat,
            Lang::En,
            10,
            Level::Caution,
            &[Stage::Pretext, Stage::Hook],
        );
        assert!(s.contains("10 messages"), "{s}");
        assert!(s.contains("caution"), "{s}");
        let s = calm(&cat, Lang::En, 1, Level::None, &[]);
        assert!(s.contains("1 message "), "{s}");
        assert!(s.contains("no sign of a scam yet"), "{s}");
        let s = calm(&cat, Lang::ZhTw, 3, Level::None, &[]);
        assert!(s.contains("3 則訊息"), "{s}");
    }

    #[test]
    fn long_texts_are_cut() {
        let cat = Catalog::embedded().unwrap();
        let many: Vec<Evidence> = (0..200)
            .map(|i| {
                ev(
                    &format!("r{i}"),
                    Stage::Hook,
                    &"x".repeat(50),
                    &"長".repeat(60),
                )
            })
            .collect();
        let view = WarningView {
            level: Level::Danger,
            evidence: many,
            chain: Stage::ALL.to_vec(),
            family: None,
        };
        let s = warning(&cat, Lang::ZhTw, &view);
        assert!(s.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }

    fn rule(family: &str, weight: u32, trigger: bool, explain: &str) -> RuleMeta {
        RuleMeta {
            id: format!("{family}.{explain}"),
            family: family.into(),
            stage: Stage::Hook,
            weight,
            trigger,
            explain: explain.into(),
        }
    }

    #[test]
    fn explanations_come_from_the_leading_family() {
        let rules = [
            rule("pig_butchering", 20, false, "why-stray"),
            rule("fake_customer_service", 30, false, "why-parcel"),
            rule("fake_customer_service", 40, false, "why-refund"),
            rule("signal", 50, false, "why-screen"),
            rule("investment", 90, true, "why-trigger"),
        ];
        // Customer service leads (70 against 20; the trigger's family is not summed above
        // the others because the trigger keeps its own line anyway).
        let keys = leading_explanations(rules.iter().take(4), None);
        assert_eq!(keys, vec!["why-screen", "why-refund", "why-parcel"]);
        // A trigger of another family keeps its line; the stray pig-butchering one does not.
        let keys = leading_explanations(rules.iter(), Some("fake_customer_service"));
        assert_eq!(
            keys,
            vec!["why-trigger", "why-screen", "why-refund", "why-parcel"]
        );
        // The conversation's family leads even when this message's strongest rule is another's.
        let keys = leading_explanations(rules.iter().take(3), Some("pig_butchering"));
        assert_eq!(keys, vec!["why-stray"]);
        // A family that is not in the message does not blank the explanation when the
        // message's own family has more than one rule in it.
        let keys = leading_explanations(rules.iter().take(3), Some("loan_credit"));
        assert_eq!(keys, vec!["why-refund", "why-parcel"]);
        // The courier's screen-share message: the conversation is customer service, the
        // message holds one stray pig-butchering rule and the screen share: only the screen
        // share explains it.
        let keys = leading_explanations(
            [&rules[0], &rules[3]].into_iter(),
            Some("fake_customer_service"),
        );
        assert_eq!(keys, vec!["why-screen"]);
    }

    #[test]
    fn advice_and_report_answers_read_calm_in_every_language() {
        let cat = Catalog::embedded().unwrap();
        let described = vec![Described {
            finding: crate::engine::Finding {
                rule: Arc::new(rule(
                    "fake_customer_service",
                    40,
                    false,
                    "why-parcel-lost-claim",
                )),
                evidence: 0..3,
            },
            voice: crate::voice::Voice::Reported,
        }];
        for lang in [Lang::En, Lang::ZhCn, Lang::ZhTw] {
            let a = advice(&cat, lang);
            let r = report(&cat, lang, &described);
            for text in [&a, &r] {
                assert!(!text.contains("DANGER") && !text.contains("🚨"), "{text}");
                assert!(
                    !text.contains("warning-") && !text.contains("report-"),
                    "{text}"
                );
            }
            assert!(r.contains(&cat.text(lang, "why-parcel-lost-claim")), "{r}");
            assert!(r.contains(&cat.text(lang, "report-advice")), "{r}");
        }
    }
}

/// Why a group message is a scam, from the explanations of its findings (at most two), never
/// quoting it: a group notice must not repeat the scam's links or phone numbers.
#[must_use]
pub fn why(cat: &Catalog, lang: Lang, evidence: &[Evidence]) -> String {
    let mut keys: Vec<&str> = Vec::new();
    for e in evidence {
        if !keys.contains(&e.rule.explain.as_str()) && keys.len() < 2 {
            keys.push(&e.rule.explain);
        }
    }
    if keys.is_empty() {
        return cat.text(lang, "group-why-unknown");
    }
    keys.iter()
        .map(|k| cat.text(lang, k))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A warning in a group, as a reply to the message: the level and why, no quote.
#[must_use]
pub fn group_warning(cat: &Catalog, lang: Lang, level: Level, evidence: &[Evidence]) -> String {
    let key = if level >= Level::Danger {
        "group-warn-danger"
    } else {
        "group-warn-warning"
    };
    cut(cat.format(lang, key, &[("why", Arg::from(why(cat, lang, evidence)))]))
}

/// What happened to the sender of a removed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sanction {
    /// Nothing beyond the removal.
    None,
    /// Muted for this many minutes.
    Muted(u32),
    /// Banned.
    Banned,
}

/// The notice posted in a group after a message was removed.
#[must_use]
pub fn group_notice(
    cat: &Catalog,
    lang: Lang,
    level: Level,
    evidence: &[Evidence],
    sanction: Sanction,
) -> String {
    let level = Arg::from(level_name(cat, lang, level));
    let why = Arg::from(why(cat, lang, evidence));
    cut(match sanction {
        Sanction::None => cat.format(lang, "group-removed", &[("level", level), ("why", why)]),
        Sanction::Muted(m) => cat.format(
            lang,
            "group-removed-muted",
            &[("level", level), ("why", why), ("minutes", Arg::from(m))],
        ),
        Sanction::Banned => cat.format(
            lang,
            "group-removed-banned",
            &[("level", level), ("why", why)],
        ),
    })
}

/// A private note to a group's admins: `key` is `notify-done`, `notify-dry` or
/// `notify-report`; `what` names what was (or would have been) done.
#[must_use]
pub fn admin_note(
    cat: &Catalog,
    lang: Lang,
    key: &str,
    group: &str,
    what: &str,
    level: Level,
    evidence: &[Evidence],
) -> String {
    cut(cat.format(
        lang,
        key,
        &[
            (
                "group",
                Arg::from(crate::guard::quote(group, 0..group.len(), 64)),
            ),
            ("what", Arg::from(what)),
            ("level", Arg::from(level_name(cat, lang, level))),
            ("why", Arg::from(why(cat, lang, evidence))),
        ],
    ))
}
