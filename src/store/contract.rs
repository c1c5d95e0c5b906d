//! The storage contract, written once and run against every backend.

use super::*;

/// Every backend, each empty. Redis is there when `SCAMGUARD_TEST_REDIS_URL` names a server
/// (each call gets its own random prefix); else the test says SKIPPED for it, or fails under
/// `SCAMGUARD_REQUIRE_REDIS=1`.
fn backends() -> Vec<(&'static str, Box<dyn Store>)> {
    let mut v: Vec<(&'static str, Box<dyn Store>)> = vec![
        ("memory", Box::new(MemoryStore::new())),
        ("sqlite", Box::new(SqliteStore::open_in_memory().unwrap())),
    ];
    if let Some(r) = super::redis::test_store("the store contract") {
        v.push(("redis", Box::new(r)));
    }
    v
}

#[test]
fn language_choice_round_trips() {
    for (name, s) in backends() {
        assert_eq!(s.lang(1).unwrap(), None, "{name}");
        s.set_lang(1, "zh-CN", 10).unwrap();
        s.set_lang(1, "zh-TW", 11).unwrap();
        s.set_lang(2, "en", 11).unwrap();
        assert_eq!(s.lang(1).unwrap().as_deref(), Some("zh-TW"), "{name}");
        assert_eq!(s.lang(2).unwrap().as_deref(), Some("en"), "{name}");
    }
}

#[test]
fn feedback_keeps_rule_ids_and_last_verdict() {
    for (name, s) in backends() {
        let ids = vec!["cs.parcel.lost".to_string(), "ctl.screen_share".to_string()];
        let w = s.record_warning(5, &ids, "danger", 1).unwrap();
        assert_eq!(
            s.record_feedback(w, Verdict::NotScam, 2).unwrap(),
            FeedbackOutcome::Recorded,
            "{name}"
        );
        assert_eq!(
            s.record_feedback(w, Verdict::Scam, 3).unwrap(),
            FeedbackOutcome::Recorded
        );
        assert_eq!(
            s.record_feedback(w + 100, Verdict::Scam, 3).unwrap(),
            FeedbackOutcome::UnknownWarning,
            "{name}"
        );
        let rows = s.feedback().unwrap();
        assert_eq!(rows.len(), 1, "{name}");
        assert_eq!(rows[0].warning_id, w);
        assert_eq!(rows[0].verdict, Verdict::Scam, "{name}");
        assert_eq!(rows[0].rule_ids, ids);
        assert_eq!(rows[0].level, "danger");
        assert_eq!(rows[0].chat_hash, s.chat_hash(5));
    }
}

#[test]
fn processed_updates_are_remembered_and_pruned() {
    for (name, s) in backends() {
        assert_eq!(
            s.begin_update(7, 100).unwrap(),
            UpdateState::Attempt(1),
            "{name}"
        );
        s.mark_update(7, 100).unwrap();
        s.mark_update(8, 300).unwrap();
        assert_eq!(s.begin_update(7, 100).unwrap(), UpdateState::Done, "{name}");
        assert_eq!(s.begin_update(8, 300).unwrap(), UpdateState::Done, "{name}");
        let p = s.prune(200).unwrap();
        assert_eq!(p.updates, 1, "{name}");
        assert_eq!(
            s.begin_update(7, 400).unwrap(),
            UpdateState::Attempt(1),
            "{name}"
        );
        assert_eq!(s.begin_update(8, 400).unwrap(), UpdateState::Done, "{name}");
    }
}

#[test]
fn unfinished_updates_count_their_attempts() {
    for (name, s) in backends() {
        assert_eq!(
            s.begin_update(9, 1).unwrap(),
            UpdateState::Attempt(1),
            "{name}"
        );
        assert_eq!(
            s.begin_update(9, 2).unwrap(),
            UpdateState::Attempt(2),
            "{name}"
        );
        assert_eq!(
            s.begin_update(9, 3).unwrap(),
            UpdateState::Attempt(3),
            "{name}"
        );
        s.mark_update(9, 4).unwrap();
        assert_eq!(s.begin_update(9, 5).unwrap(), UpdateState::Done, "{name}");
    }
}

#[test]
fn actions_happen_once() {
    for (name, s) in backends() {
        assert_eq!(
            s.begin_action(1, 10, "warn", 1).unwrap(),
            Begin::Go,
            "{name}"
        );
        s.finish_action(1, 10, "warn", ActionStatus::Done, 2)
            .unwrap();
        assert_eq!(
            s.begin_action(1, 10, "warn", 3).unwrap(),
            Begin::Done,
            "{name}"
        );
        // Another kind, message or chat is independent.
        assert_eq!(
            s.begin_action(1, 10, "calm", 3).unwrap(),
            Begin::Go,
            "{name}"
        );
        assert_eq!(
            s.begin_action(1, 11, "warn", 3).unwrap(),
            Begin::Go,
            "{name}"
        );
        assert_eq!(
            s.begin_action(2, 10, "warn", 3).unwrap(),
            Begin::Go,
            "{name}"
        );
    }
}

#[test]
fn failed_actions_may_be_retried_unknown_ones_never() {
    for (name, s) in backends() {
        assert_eq!(s.begin_action(1, 1, "warn", 1).unwrap(), Begin::Go);
        s.finish_action(1, 1, "warn", ActionStatus::Failed, 2)
            .unwrap();
        assert_eq!(
            s.begin_action(1, 1, "warn", 3).unwrap(),
            Begin::Go,
            "{name}"
        );
        s.finish_action(1, 1, "warn", ActionStatus::Unknown, 4)
            .unwrap();
        assert_eq!(
            s.begin_action(1, 1, "warn", 5).unwrap(),
            Begin::Unknown,
            "{name}"
        );
    }
}

/// The embedded stores, one process each. (Redis, shared by replicas, hands a dead replica's
/// pending actions to the next one instead: `src/store/redis.rs`.)
#[test]
fn pending_actions_of_a_dead_process_become_unknown() {
    for (name, s) in backends().into_iter().filter(|(n, _)| *n != "redis") {
        assert_eq!(s.begin_action(1, 1, "warn", 1).unwrap(), Begin::Go);
        assert_eq!(s.recover().unwrap(), 1, "{name}");
        assert_eq!(
            s.begin_action(1, 1, "warn", 2).unwrap(),
            Begin::Unknown,
            "{name}"
        );
    }
}

#[test]
fn prune_keeps_pending_and_recent_actions() {
    for (name, s) in backends() {
        s.begin_action(1, 1, "warn", 1).unwrap();
        s.begin_action(1, 2, "warn", 1).unwrap();
        s.finish_action(1, 2, "warn", ActionStatus::Done, 1)
            .unwrap();
        s.begin_action(1, 3, "warn", 1000).unwrap();
        s.finish_action(1, 3, "warn", ActionStatus::Done, 1000)
            .unwrap();
        let p = s.prune(500).unwrap();
        assert_eq!(p.actions, 1, "{name}");
        assert_eq!(
            s.begin_action(1, 3, "warn", 1001).unwrap(),
            Begin::Done,
            "{name}"
        );
    }
}

#[test]
fn group_settings_default_then_round_trip() {
    use crate::engine::Level;
    use crate::policy::{GroupSettings, Response};
    for (name, s) in backends() {
        assert_eq!(
            s.group_settings(-100).unwrap(),
            GroupSettings::default(),
            "{name}"
        );
        let custom = GroupSettings {
            on_warning: Response::Delete,
            on_danger: Response::Ban,
            threshold: Level::Warning,
            mute_minutes: 15,
            dry_run: true,
            notify_admins: true,
            newcomer_days: 7,
            newcomer_messages: 10,
            lang: Some("zh-TW".into()),
            screenshots: true,
        };
        s.set_group_settings(-100, &custom, 1).unwrap();
        assert_eq!(s.group_settings(-100).unwrap(), custom, "{name}");
        assert_eq!(
            s.group_settings(-200).unwrap(),
            GroupSettings::default(),
            "{name}: another group is untouched"
        );
    }
}

#[test]
fn members_are_counted_joined_and_trusted_per_group() {
    for (name, s) in backends() {
        assert_eq!(s.member(-1, 7).unwrap(), MemberRecord::default(), "{name}");
        assert_eq!(s.note_message(-1, 7, 10).unwrap().messages, 0, "{name}");
        assert_eq!(s.note_message(-1, 7, 11).unwrap().messages, 1, "{name}");
        assert_eq!(s.member(-1, 7).unwrap().messages, 2, "{name}");
        assert_eq!(s.member(-2, 7).unwrap().messages, 0, "{name}: per group");
        s.note_join(-1, 8, 500).unwrap();
        let m = s.note_message(-1, 8, 600).unwrap();
        assert_eq!((m.joined_at, m.messages), (Some(500), 0), "{name}");
        assert!(s.set_trusted(-1, 7, true, 12).unwrap(), "{name}");
        assert!(
            !s.set_trusted(-1, 7, true, 13).unwrap(),
            "{name}: no change"
        );
        assert!(s.member(-1, 7).unwrap().trusted, "{name}");
        assert!(!s.member(-2, 7).unwrap().trusted, "{name}");
        assert_eq!(s.trusted_count(-1).unwrap(), 1, "{name}");
        assert!(s.set_trusted(-1, 7, false, 14).unwrap(), "{name}");
        assert_eq!(s.trusted_count(-1).unwrap(), 0, "{name}");
        assert_eq!(s.member(-1, 7).unwrap().messages, 2, "{name}: count kept");
    }
}

#[test]
fn counters_log_and_notices() {
    use crate::engine::Level;
    for (name, s) in backends() {
        s.bump(-1, Counter::Messages, 3).unwrap();
        s.bump(-1, Counter::Deleted, 1).unwrap();
        s.bump(-1, Counter::Messages, 2).unwrap();
        let c = s.counters(-1).unwrap();
        assert_eq!(c.len(), Counter::ALL.len(), "{name}");
        assert_eq!(c[0], (Counter::Messages, 5), "{name}");
        assert!(c.contains(&(Counter::Deleted, 1)), "{name}");
        assert!(c.contains(&(Counter::Banned, 0)), "{name}");
        assert!(
            s.counters(-2).unwrap().iter().all(|(_, v)| *v == 0),
            "{name}"
        );

        let entry = |action: &str| ModerationEntry {
            rule_ids: vec!["a.b".into(), "c.d".into()],
            level: Level::Danger,
            action: action.into(),
            outcome: "done".into(),
        };
        s.log_moderation(-1, 7, &entry("delete"), 100).unwrap();
        s.log_moderation(-1, 7, &entry("ban"), 200).unwrap();
        let log = s.moderation_log(-1, 10).unwrap();
        assert_eq!(log, vec![entry("ban"), entry("delete")], "{name}");
        assert_eq!(s.moderation_log(-1, 1).unwrap().len(), 1, "{name}");
        s.prune(150).unwrap();
        assert_eq!(
            s.moderation_log(-1, 10).unwrap(),
            vec![entry("ban")],
            "{name}"
        );

        assert!(s.first_notice(-1, "delete", 1).unwrap(), "{name}");
        assert!(!s.first_notice(-1, "delete", 2).unwrap(), "{name}");
        assert!(s.first_notice(-2, "delete", 2).unwrap(), "{name}");
        s.clear_notice(-1, "delete").unwrap();
        assert!(s.first_notice(-1, "delete", 3).unwrap(), "{name}");
    }
}
