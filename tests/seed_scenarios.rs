//! The seed cases (`../shared/seeds/`) as a victim would forward them, one message at a time,
//! through the core the bot uses (`Guard`: rule engine + conversation state, no Telegram).
//!
//! Each case states the messages the bot answers with a warning, exactly: the first warning
//! must come before the victim is asked for money, codes or an app, the hard trigger must be
//! answered the moment it arrives, and the soft messages in between must not repeat a warning
//! the user already has. The same cases run end to end against the built binary in
//! `tests/e2e.rs`; here they run without timing, with a manual clock.

#[allow(dead_code)]
#[path = "support/cases.rs"]
mod cases;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cases::{
    BENIGN, CHONGQING_AGENT_MEMBERSHIP, Case, KAIPING_LOST_PARCEL, KAIPING_QUALITY_REFUND,
};
use scamguard::conversation::Timestamp;
use scamguard::engine::{Engine, Level, Stage};
use scamguard::guard::{ChatKind, Guard, Incoming, Outcome};
use scamguard::sessions::{SessionConfig, SessionStore};

fn guard() -> Guard {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let engine = Engine::load_dir(&dir).unwrap_or_else(|e| panic!("rules do not load:\n{e}"));
    Guard::new(
        engine,
        Arc::new(SessionStore::new(SessionConfig::default())),
    )
}

const START: Timestamp = Timestamp(1_700_000_000_000);

/// Forwards `case` into `chat`, one message every `gap`, and returns every outcome.
fn forward(guard: &Guard, chat: i64, case: &Case, gap: Duration) -> Vec<Outcome> {
    let mut now = START;
    case.messages
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let incoming = Incoming {
                chat,
                sender: Some(chat),
                kind: ChatKind::Private,
                message_id: i32::try_from(i + 1).expect("small"),
                text: (*text).to_owned(),
                links: Vec::new(),
                qr: Vec::new(),
                files: Vec::new(),
                language_code: Some("zh-hans".to_owned()),
            };
            let outcome = guard.handle(&incoming, now);
            now = now.plus(gap);
            outcome
        })
        .collect()
}

/// 1-based numbers of the messages that get a warning.
fn warned(outcomes: &[Outcome]) -> Vec<usize> {
    outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.should_warn())
        .map(|(i, _)| i + 1)
        .collect()
}

/// The hand-written `case.warnings` (indices from 0) as 1-based message numbers.
fn expected(case: &Case) -> Vec<usize> {
    case.warnings.iter().map(|i| i + 1).collect()
}

fn describe(case: &Case, outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    for (i, (text, o)) in case.messages.iter().zip(outcomes).enumerate() {
        s.push_str(&format!(
            "  #{} warn={} level={:?} message={:?} chain={:?} rules={:?}\n     {text}\n",
            i + 1,
            o.should_warn(),
            o.assessment.level,
            o.scan.level,
            o.assessment.chain,
            o.rule_ids(),
        ));
    }
    s
}

/// The trigger message carries a hard trigger of `stage` and the conversation is at danger.
fn assert_trigger(case: &Case, outcomes: &[Outcome], number: usize, stage: Stage) {
    let o = &outcomes[number - 1];
    let log = describe(case, outcomes);
    assert!(
        o.assessment.hard_trigger && o.should_warn() && o.assessment.level == Level::Danger,
        "{}: message #{number} is not answered as a hard trigger\n{log}",
        case.name
    );
    assert!(
        o.scan
            .findings
            .iter()
            .any(|f| f.rule.trigger && f.rule.stage == stage),
        "{}: message #{number} has no {stage:?} trigger\n{log}",
        case.name
    );
}

#[test]
fn the_cases_state_their_warnings_consistently() {
    for case in [
        &KAIPING_LOST_PARCEL,
        &KAIPING_QUALITY_REFUND,
        &CHONGQING_AGENT_MEMBERSHIP,
        &BENIGN,
    ] {
        let name = case.name;
        assert!(
            case.warnings.windows(2).all(|w| w[0] < w[1]),
            "{name}: warnings {:?} are not ascending",
            case.warnings
        );
        assert!(
            case.warnings.iter().all(|&i| i < case.messages.len()),
            "{name}: a warning index is out of range"
        );
        assert_eq!(
            case.earliest_warning,
            case.warnings.first().copied().unwrap_or(usize::MAX),
            "{name}: earliest_warning is not the first warning"
        );
        assert_eq!(
            case.trigger,
            case.messages
                .iter()
                .position(|m| cases::has_hard_trigger(m))
                .unwrap_or(usize::MAX),
            "{name}: trigger is not the first hard trigger"
        );
        assert!(
            case.trigger == usize::MAX || case.warnings.contains(&case.trigger),
            "{name}: the first hard trigger gets no warning"
        );
    }
}

#[test]
fn kaiping_lost_parcel_warns_at_the_claim_then_at_the_screen_share_and_each_transfer() {
    let g = guard();
    let case = &KAIPING_LOST_PARCEL;
    let out = forward(&g, 1, case, Duration::from_secs(60));
    let log = describe(case, &out);
    // #1 an unsolicited "lost parcel, we will compensate you" call: the police's rule is that
    // customer service never calls to offer a refund, so it warns already. #2 (add WeChat) adds
    // the channel but no new level: no repeat. #3 the QR code for screen sharing: hard trigger.
    // #4 the banking app: still inside the danger the user was just warned of. #5 and #6 each
    // ask for a transfer: every one is answered the moment it arrives.
    assert_eq!(expected(case), [1, 3, 5, 6]);
    assert_eq!(warned(&out), expected(case), "{}\n{log}", case.name);
    assert_trigger(case, &out, 3, Stage::Control);
    assert_trigger(case, &out, 5, Stage::Extract);
    // At the screen share the earlier moves are remembered: story, channel, control.
    let chain = &out[2].assessment.chain;
    for stage in [Stage::Pretext, Stage::Hook, Stage::Channel, Stage::Control] {
        assert!(
            chain.contains(&stage),
            "chain {chain:?} lacks {stage:?}\n{log}"
        );
    }
    assert!(out[0].assessment.level >= Level::Warning, "{log}");
    assert_eq!(
        out.iter()
            .map(|o| o.assessment.messages)
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5, 6]
    );
}

#[test]
fn kaiping_quality_refund_warns_at_the_refund_offer_and_at_the_deposit() {
    let g = guard();
    let case = &KAIPING_QUALITY_REFUND;
    let out = forward(&g, 2, case, Duration::from_secs(60));
    let log = describe(case, &out);
    // #1 "customer service" offering a refund nobody asked for. #2 only repeats what they know
    // of the order. #3 the "buyer protection" deposit: hard trigger. #4 the deadline and the
    // account to pay into: the danger was just answered, no second warning.
    assert_eq!(expected(case), [1, 3]);
    assert_eq!(warned(&out), expected(case), "{}\n{log}", case.name);
    assert_trigger(case, &out, 3, Stage::Extract);
    assert_eq!(out[1].scan.level, Level::None, "{log}");
    assert_eq!(out[3].assessment.level, Level::Danger, "{log}");
}

#[test]
fn chongqing_agent_membership_warns_at_the_fee_threat_and_before_the_money_moves() {
    let g = guard();
    let case = &CHONGQING_AGENT_MEMBERSHIP;
    let out = forward(&g, 3, case, Duration::from_secs(60));
    let log = describe(case, &out);
    // #1 knowing the order is what real shops know too: caution only. #2 "upgraded to agent by
    // mistake": the hook, a warning. #3, #4 the monthly fee and "how much is on your card"
    // stay at that warning. #5 the safe account: hard trigger. #6 being told what to say if the
    // bank asks: a hard trigger of its own, answered too.
    assert_eq!(expected(case), [2, 5, 6]);
    assert_eq!(warned(&out), expected(case), "{}\n{log}", case.name);
    assert_eq!(out[0].assessment.level, Level::Caution, "{log}");
    assert_trigger(case, &out, 5, Stage::Extract);
    assert_trigger(case, &out, 6, Stage::Control);
}

#[test]
fn every_seed_case_warns_before_the_first_demand_for_money_codes_or_an_app() {
    let g = guard();
    for (chat, case) in [
        (10, &KAIPING_LOST_PARCEL),
        (11, &KAIPING_QUALITY_REFUND),
        (12, &CHONGQING_AGENT_MEMBERSHIP),
    ] {
        let out = forward(&g, chat, case, Duration::from_secs(90));
        let log = describe(case, &out);
        let first = warned(&out).first().copied().expect("a warning");
        let demand = out
            .iter()
            .position(|o| {
                o.scan
                    .findings
                    .iter()
                    .any(|f| matches!(f.rule.stage, Stage::Control | Stage::Extract))
            })
            .map(|i| i + 1)
            .expect("a demand");
        assert!(
            first <= demand,
            "{}: first warning at #{first}, first demand at #{demand}\n{log}",
            case.name
        );
        assert!(first <= case.trigger + 1, "{}\n{log}", case.name);
        assert_eq!(first, case.earliest_warning + 1, "{}\n{log}", case.name);
    }
}

#[test]
fn benign_forwards_never_warn() {
    let g = guard();
    let out = forward(&g, 4, &BENIGN, Duration::from_secs(60));
    assert_eq!(warned(&out), expected(&BENIGN));
    assert!(BENIGN.warnings.is_empty());
    assert!(out.iter().all(|o| o.assessment.level == Level::None));
}

#[test]
fn interleaved_forwarders_keep_their_own_conversations() {
    // A victim and a user forwarding ordinary messages, at the same time: the soft signals of
    // one never reach the other.
    let g = guard();
    let case = &KAIPING_LOST_PARCEL;
    let mut now = START;
    for (i, text) in case.messages.iter().enumerate() {
        for (chat, text) in [
            (20, *text),
            (21, BENIGN.messages[i % BENIGN.messages.len()]),
        ] {
            let incoming = Incoming {
                chat,
                sender: Some(chat),
                kind: ChatKind::Private,
                message_id: i32::try_from(i + 1).expect("small"),
                text: text.to_owned(),
                links: Vec::new(),
                qr: Vec::new(),
                files: Vec::new(),
                language_code: None,
            };
            let o = g.handle(&incoming, now);
            if chat == 21 {
                assert!(!o.should_warn(), "benign user warned at #{}", i + 1);
                assert_eq!(o.assessment.chain, Vec::<Stage>::new());
            }
            now = now.plus(Duration::from_secs(30));
        }
    }
}

#[test]
fn soft_moves_spread_beyond_the_window_do_not_add_up_but_triggers_still_warn() {
    // Forwarded an hour apart (the window is 30 minutes), the remembered stages fade: the
    // screen share no longer carries the story of the lost parcel, yet it is still answered.
    let g = guard();
    let case = &KAIPING_LOST_PARCEL;
    let out = forward(&g, 30, case, Duration::from_secs(3600));
    let log = describe(case, &out);
    assert!(!out[2].assessment.chain.contains(&Stage::Pretext), "{log}");
    assert!(
        !out[2].assessment.chain.contains(&Stage::Hook)
            || out[2]
                .scan
                .findings
                .iter()
                .any(|f| f.rule.stage == Stage::Hook),
        "{log}"
    );
    assert_trigger(case, &out, 3, Stage::Control);
    assert_trigger(case, &out, 5, Stage::Extract);
}
