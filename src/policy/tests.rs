//! The policy as a table: level x settings x sender standing -> actions, written by hand.

use super::*;

const NOW: Timestamp = Timestamp(1_800_000_000_000);
const DAY: u64 = 24 * 3600 * 1000;

/// An assessment: conversation level, the message's own level, escalation, hard trigger.
fn assess(level: Level, message_level: Level, warn_now: bool, hard_trigger: bool) -> Assessment {
    Assessment {
        level,
        message_level,
        chain: Vec::new(),
        new_stages: Vec::new(),
        families: Vec::new(),
        warn_now,
        hard_trigger,
        messages: 1,
        genre: crate::voice::Genre::Live,
    }
}

/// A hard trigger: danger at once.
fn trigger() -> Assessment {
    assess(Level::Danger, Level::Danger, true, true)
}
/// Soft signals that escalated the conversation to warning on this message.
fn escalated() -> Assessment {
    assess(Level::Warning, Level::Caution, true, false)
}
/// A soft signal that does not escalate.
fn soft() -> Assessment {
    assess(Level::Caution, Level::Caution, false, false)
}
/// Nothing found.
fn clean() -> Assessment {
    assess(Level::None, Level::None, false, false)
}
/// Nothing found in this message, in a conversation already at danger.
fn clean_after_danger() -> Assessment {
    assess(Level::Danger, Level::None, false, false)
}
/// A second hard trigger of a stage already warned: no escalation, still a trigger.
fn repeated_trigger() -> Assessment {
    assess(Level::Danger, Level::Danger, false, true)
}

fn regular() -> Standing {
    Standing::member(50)
}
fn fresh_member() -> Standing {
    Standing::member(0)
}
fn joined_yesterday() -> Standing {
    Standing {
        joined_at: Some(Timestamp(NOW.0 - DAY)),
        ..Standing::member(50)
    }
}
fn joined_last_month() -> Standing {
    Standing {
        joined_at: Some(Timestamp(NOW.0 - 30 * DAY)),
        ..Standing::member(50)
    }
}
fn role(role: Role) -> Standing {
    Standing {
        role,
        ..Standing::member(0)
    }
}
fn campaign() -> Standing {
    Standing {
        campaign: true,
        ..Standing::member(50)
    }
}

fn settings(on_warning: Response, on_danger: Response) -> GroupSettings {
    GroupSettings {
        on_warning,
        on_danger,
        ..GroupSettings::default()
    }
}

const MUTE_UNTIL: Timestamp = Timestamp(NOW.0 + 60 * 60 * 1000);
const W: Action = Action::Warn {
    level: Level::Warning,
};
const WD: Action = Action::Warn {
    level: Level::Danger,
};
const ND: Action = Action::Notice {
    level: Level::Danger,
};
const NW: Action = Action::Notice {
    level: Level::Warning,
};

#[test]
fn group_table() {
    use Action::{Ban, Delete, NotifyAdmins, Restrict};
    use Response as R;
    let default = GroupSettings::default();
    let notify = GroupSettings {
        notify_admins: true,
        ..GroupSettings::default()
    };
    let dry = GroupSettings {
        dry_run: true,
        ..GroupSettings::default()
    };
    #[rustfmt::skip]
    let table: Vec<(&str, Assessment, GroupSettings, Standing, Vec<Action>)> = vec![
        // Defaults: warn at warning, delete (with a notice) at danger.
        ("trigger, default", trigger(), default.clone(), regular(), vec![Delete, ND]),
        ("escalated, default", escalated(), default.clone(), regular(), vec![W]),
        ("soft, default", soft(), default.clone(), regular(), vec![]),
        ("clean, default", clean(), default.clone(), regular(), vec![]),
        ("clean after danger", clean_after_danger(), default.clone(), regular(), vec![]),
        ("repeated trigger", repeated_trigger(), default.clone(), regular(), vec![Delete, ND]),
        ("repeated warning-level copy", assess(Level::Warning, Level::Warning, false, false),
            default.clone(), regular(), vec![W]),
        ("repeated warning-level copy, newcomer", assess(Level::Warning, Level::Warning, false, false),
            default.clone(), fresh_member(), vec![Delete, ND]),
        // Per-level choices.
        ("trigger, warn", trigger(), settings(R::Warn, R::Warn), regular(), vec![WD]),
        ("trigger, off", trigger(), settings(R::Off, R::Off), regular(), vec![]),
        ("trigger, mute", trigger(), settings(R::Warn, R::Mute), regular(),
            vec![Delete, Restrict { until: MUTE_UNTIL }, ND]),
        ("trigger, ban", trigger(), settings(R::Warn, R::Ban), regular(), vec![Delete, Ban, ND]),
        ("escalated, delete at warning", escalated(), settings(R::Delete, R::Ban), regular(),
            vec![Delete, NW]),
        ("escalated, warning off", escalated(), settings(R::Off, R::Delete), regular(), vec![]),
        // Never act on admins, the bot, trusted users.
        ("trigger by admin", trigger(), default.clone(), role(Role::Admin), vec![]),
        ("trigger by the bot", trigger(), default.clone(), role(Role::Bot), vec![]),
        ("trigger by trusted", trigger(), settings(R::Ban, R::Ban), role(Role::Trusted), vec![]),
        // Newcomers are judged one level stricter.
        ("soft, no messages yet", soft(), default.clone(), fresh_member(), vec![]),
        ("escalated, no messages yet", escalated(), default.clone(), fresh_member(), vec![Delete, ND]),
        ("escalated, joined yesterday", escalated(), default.clone(), joined_yesterday(), vec![Delete, ND]),
        ("escalated, joined last month", escalated(), default.clone(), joined_last_month(), vec![W]),
        ("clean, no messages yet", clean(), default.clone(), fresh_member(), vec![]),
        // The same text from several accounts.
        ("soft, campaign", soft(), default.clone(), campaign(), vec![W]),
        ("soft, campaign by a newcomer", soft(), default.clone(),
            Standing { campaign: true, ..fresh_member() }, vec![Delete, ND]),
        // Admin notification and dry mode.
        ("trigger, notify", trigger(), notify.clone(), regular(), vec![Delete, ND, NotifyAdmins]),
        ("soft, notify", soft(), notify, regular(), vec![]),
        ("trigger, dry", trigger(), dry.clone(), regular(), vec![NotifyAdmins]),
        ("clean, dry", clean(), dry, regular(), vec![]),
    ];
    for (name, a, s, standing, expected) in table {
        let d = group(&a, &s, &standing, NOW);
        assert_eq!(d.actions, expected, "{name}: {d:?}");
    }
}

#[test]
fn dry_mode_says_what_would_have_been_done() {
    let s = GroupSettings {
        dry_run: true,
        ..settings(Response::Warn, Response::Ban)
    };
    let d = group(&trigger(), &s, &regular(), NOW);
    assert_eq!(d.actions, vec![Action::NotifyAdmins]);
    assert_eq!(d.would, vec![Action::Delete, Action::Ban, ND]);
    assert!(d.deletes());
    assert!(d.acts());
}

#[test]
fn levels_after_strictness() {
    let d = group(
        &escalated(),
        &GroupSettings::default(),
        &fresh_member(),
        NOW,
    );
    assert_eq!(d.level, Level::Danger);
    assert!(d.newcomer);
    let d = group(&trigger(), &GroupSettings::default(), &fresh_member(), NOW);
    assert_eq!(d.level, Level::Danger);
    assert!(!d.newcomer, "already at danger: strictness changed nothing");
    let d = group(&soft(), &GroupSettings::default(), &regular(), NOW);
    assert_eq!(d.level, Level::Caution);
    assert!(!d.acts());
}

#[test]
fn mute_length_is_bounded() {
    let s = GroupSettings {
        mute_minutes: 0,
        ..settings(Response::Warn, Response::Mute)
    };
    let d = group(&trigger(), &s, &regular(), NOW);
    assert!(d.actions.contains(&Action::Restrict {
        until: Timestamp(NOW.0 + 60_000)
    }));
}

#[test]
fn newcomer_boundaries() {
    let s = GroupSettings::default();
    assert!(Standing::member(2).is_newcomer(&s, NOW));
    assert!(!Standing::member(3).is_newcomer(&s, NOW));
    let just_in = Standing {
        joined_at: Some(Timestamp(NOW.0 - 3 * DAY + 1)),
        ..Standing::member(100)
    };
    assert!(just_in.is_newcomer(&s, NOW));
    let long_ago = Standing {
        joined_at: Some(Timestamp(NOW.0 - 3 * DAY)),
        ..Standing::member(100)
    };
    assert!(!long_ago.is_newcomer(&s, NOW));
}

#[test]
fn private_chats() {
    assert_eq!(private(&trigger()), vec![WD]);
    assert_eq!(private(&repeated_trigger()), vec![WD]);
    assert_eq!(private(&escalated()), vec![W]);
    assert_eq!(private(&soft()), vec![Action::Calm]);
    assert_eq!(private(&clean()), vec![Action::Calm]);
    assert_eq!(private(&clean_after_danger()), vec![Action::Calm]);
}

#[test]
fn report_always_tells_the_admins() {
    let d = report(&clean(), &GroupSettings::default(), &regular(), NOW);
    assert_eq!(d.actions, vec![Action::NotifyAdmins]);
    let d = report(&trigger(), &GroupSettings::default(), &regular(), NOW);
    assert_eq!(d.actions, vec![Action::Delete, ND, Action::NotifyAdmins]);
}

#[test]
fn check_judges_one_text() {
    use crate::conversation::test_support::{rule, scan};
    use crate::engine::Stage;
    let soft_rule = rule("a", "f", Stage::Pretext, 20, false);
    let hard = rule("b", "f", Stage::Control, 80, true);
    assert_eq!(check(&scan(&[&hard])), vec![WD]);
    assert_eq!(check(&scan(&[&soft_rule])), vec![Action::Reply]);
    assert_eq!(check(&scan(&[])), vec![Action::Reply]);
    let mut s = scan(&[&soft_rule]);
    s.level = Level::Warning;
    assert_eq!(check(&s), vec![W]);
}

#[test]
fn mode_and_threshold() {
    let mut s = GroupSettings::default();
    assert_eq!((s.mode(), s.threshold), (Response::Delete, Level::Danger));
    s.set_mode(Response::Warn);
    assert_eq!(
        (s.on_warning, s.on_danger),
        (Response::Warn, Response::Warn)
    );
    s.set_mode(Response::Ban);
    assert_eq!((s.on_warning, s.on_danger), (Response::Warn, Response::Ban));
    assert!(s.set_threshold(Level::Warning));
    assert_eq!((s.on_warning, s.on_danger), (Response::Ban, Response::Ban));
    assert!(s.set_threshold(Level::Danger));
    assert_eq!((s.on_warning, s.on_danger), (Response::Warn, Response::Ban));
    assert!(!s.set_threshold(Level::Caution));
    assert_eq!((s.on_warning, s.on_danger), (Response::Warn, Response::Ban));
    s.set_mode(Response::Off);
    assert_eq!((s.on_warning, s.on_danger), (Response::Off, Response::Off));
    assert_eq!(Response::parse(" MUTE "), Some(Response::Mute));
    assert_eq!(Response::parse("kick"), None);
}

#[test]
fn advice_and_reports_get_their_own_answer_unless_something_alerts() {
    use crate::voice::Genre;
    let mut a = assess(Level::None, Level::None, false, false);
    a.genre = Genre::Advisory;
    assert_eq!(private(&a), vec![Action::Advise]);
    a.genre = Genre::Report;
    assert_eq!(private(&a), vec![Action::Describe]);
    // An earlier message escalated: the warning wins.
    let mut b = escalated();
    b.genre = Genre::Advisory;
    assert_eq!(
        private(&b),
        vec![Action::Warn {
            level: Level::Warning
        }]
    );
    let mut scan = Scan {
        genre: Genre::Advisory,
        ..Scan::default()
    };
    assert_eq!(check(&scan), vec![Action::Advise]);
    scan.genre = Genre::Report;
    assert_eq!(check(&scan), vec![Action::Describe]);
    scan.genre = Genre::Live;
    assert_eq!(check(&scan), vec![Action::Reply]);
}

#[test]
fn a_screenshot_gets_one_answer_the_strongest_any_message_earned() {
    let warn = |level| vec![Action::Warn { level }];
    let calm = vec![Action::Calm];
    // Calm, a warning on the second message, danger on the fourth: danger, with the evidence
    // of both messages that alerted.
    let got = screenshot(&[
        calm.clone(),
        warn(Level::Warning),
        calm.clone(),
        warn(Level::Danger),
    ]);
    assert_eq!(
        got,
        Some((
            Action::Warn {
                level: Level::Danger
            },
            vec![1, 3]
        ))
    );
    // Nothing alarming: the calm answer.
    assert_eq!(
        screenshot(&[calm.clone(), calm.clone()]),
        Some((Action::Calm, vec![]))
    );
    // A police advisory among harmless messages: advice; a warning beats it.
    assert_eq!(
        screenshot(&[calm.clone(), vec![Action::Advise], vec![Action::Describe]]),
        Some((Action::Advise, vec![1]))
    );
    assert_eq!(
        screenshot(&[vec![Action::Describe], calm.clone()]),
        Some((Action::Describe, vec![0]))
    );
    assert_eq!(
        screenshot(&[vec![Action::Advise], warn(Level::Warning)]),
        Some((
            Action::Warn {
                level: Level::Warning
            },
            vec![1]
        ))
    );
    assert_eq!(screenshot(&[]), None);
}
