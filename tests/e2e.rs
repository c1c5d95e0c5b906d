//! End-to-end tests of the built `scamguard` binary against a fake Bot API on loopback.
//!
//! Contract with the bot: a *warning* is a `sendMessage` replying (`reply_parameters`) to the
//! triggering message with inline buttons whose `callback_data` starts with `fb:`; no other
//! message carries `fb:` buttons. Every test polls with deadlines; none measures speed.

mod support;

use std::time::Duration;

use serde_json::Value;

use support::bot_process::{BotProcess, Harness};
use support::cases::{
    BENIGN, CHONGQING_AGENT_MEMBERSHIP, Case, KAIPING_LOST_PARCEL, KAIPING_QUALITY_REFUND,
    distinctive_fragments, has_hard_trigger,
};
use support::fake_bot_api::{FakeBotApi, Fault, Pushed, TgUser, reply_target};
use support::{
    forward_case, has_fb_buttons, is_warning, settle, victim, wait_polling, warnings_by_target,
    watch,
};

/// Startup: load rules, open the database, getMe, first poll.
const START: Duration = Duration::from_secs(30);
/// A reaction to pushed updates.
const WAIT: Duration = Duration::from_secs(30);
/// With a 500 on getUpdates teloxide sleeps 10 s, then backs off.
const WAIT_FAULTS: Duration = Duration::from_secs(60);
/// No call but getUpdates for this long: the bot is done (batch delay is 300 ms).
const QUIET: Duration = Duration::from_millis(1500);
/// SIGTERM to exit.
const STOP: Duration = Duration::from_secs(10);
/// Pause between forwarded messages of a burst.
const PAUSE: Duration = Duration::from_millis(50);

/// Waits for a warning in `user`'s chat replying to one of `targets`.
async fn wait_warning_for(
    api: &FakeBotApi,
    bot: &mut BotProcess,
    user: &TgUser,
    targets: &[i64],
    timeout: Duration,
) -> support::fake_bot_api::SentMessage {
    let what = format!(
        "a warning in chat {} replying to one of {targets:?}",
        user.id
    );
    watch(
        bot,
        api.wait_for_sent(timeout, &what, |sent| {
            sent.iter()
                .find(|m| {
                    m.chat_id == user.id
                        && is_warning(m)
                        && m.reply_to().is_some_and(|t| targets.contains(&t))
                })
                .cloned()
        }),
    )
    .await
}

/// Message ids the first warning of `case` may reply to: from its first expected warning
/// (`earliest_warning`) to its first hard trigger.
fn first_warning_window(case: &Case, pushed: &[Pushed]) -> Vec<i64> {
    pushed[case.earliest_warning..=case.trigger]
        .iter()
        .map(|p| p.message_id)
        .collect()
}

/// 1-based numbers of the messages `case` warns at, for failure messages.
fn numbers(indices: &[usize]) -> Vec<usize> {
    indices.iter().map(|i| i + 1).collect()
}

/// Whether the warnings must be exactly the hand-written `case.warnings` (the seed-case
/// tests) or only include the first hard trigger (the fault and restart tests check delivery).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Early {
    /// Every message of `case.warnings` gets exactly one warning, no other message any.
    Forbidden,
    /// The trigger gets a warning; which other messages do is not checked.
    NotChecked,
}

/// The warning rules for one forwarded case, over everything the bot sent.
fn check_case_outcome(
    api: &FakeBotApi,
    case: &Case,
    user: &TgUser,
    pushed: &[Pushed],
    early: Early,
) {
    let sent = api.sent_messages();
    let ids: Vec<i64> = pushed.iter().map(|p| p.message_id).collect();
    let log = api.summary();
    let name = case.name;

    for m in sent.iter().filter(|m| is_warning(m)) {
        let target = m.reply_to();
        assert!(
            target.is_some(),
            "{name}: message {} carries fb: buttons but replies to nothing: {}\n{log}",
            m.message_id,
            m.request
        );
    }
    let by_target = warnings_by_target(&sent, user.id);
    let expected = case.warnings;
    for (target, n) in &by_target {
        let target = target.expect("checked above");
        assert_eq!(
            *n, 1,
            "{name}: {n} warnings reply to message {target}, expected exactly one\n{log}"
        );
        let idx = ids.iter().position(|&id| id == target).unwrap_or_else(|| {
            panic!("{name}: a warning replies to {target}, not a forwarded message\n{log}")
        });
        assert!(
            idx >= case.earliest_warning,
            "{name}: a warning replies to message #{} {:?}, before the earliest message that \
             may warn, #{} {:?}\n{log}",
            idx + 1,
            case.messages[idx],
            case.earliest_warning + 1,
            case.messages[case.earliest_warning]
        );
        assert!(
            early == Early::NotChecked || expected.contains(&idx),
            "{name}: a warning replies to message #{} {:?}, but the case warns at {:?} only \
             (first hard trigger is #{} {:?})\n{log}",
            idx + 1,
            case.messages[idx],
            numbers(expected),
            case.trigger + 1,
            case.messages[case.trigger]
        );
    }
    if early == Early::NotChecked {
        assert!(
            by_target.contains_key(&Some(ids[case.trigger])),
            "{name}: no warning replies to the trigger message #{} {:?}\n{log}",
            case.trigger + 1,
            case.messages[case.trigger]
        );
    }
    if early == Early::Forbidden {
        for &i in expected {
            assert!(
                by_target.contains_key(&Some(ids[i])),
                "{name}: no warning replies to message #{} {:?}, where the case warns \
                 (at {:?})\n{log}",
                i + 1,
                case.messages[i],
                numbers(expected)
            );
        }
    }
    let window = first_warning_window(case, pushed);
    let first = sent
        .iter()
        .find(|m| m.chat_id == user.id && is_warning(m))
        .unwrap_or_else(|| panic!("{name}: no warning at all\n{log}"));
    assert!(
        early == Early::NotChecked || first.reply_to().is_some_and(|t| window.contains(&t)),
        "{name}: the first warning replies to {:?}, expected one of {window:?} (message #{} {:?})\n{log}",
        first.reply_to(),
        case.trigger + 1,
        case.messages[case.trigger]
    );
    if case.earliest_warning == case.trigger {
        assert!(
            by_target.contains_key(&Some(ids[case.trigger])),
            "{name}: no warning replies to the trigger message\n{log}"
        );
    }
    // Calm answers never carry feedback buttons; warnings always reply: checked above. No
    // forwarded message gets two answers of any kind.
    let mut replied: Vec<i64> = sent.iter().filter_map(|m| m.reply_to()).collect();
    replied.sort_unstable();
    for pair in replied.windows(2) {
        assert_ne!(
            pair[0], pair[1],
            "{name}: message {} was answered twice\n{log}",
            pair[0]
        );
    }
}

/// Runs one seed case: burst of forwards, warnings, clean stop, then the checks.
async fn run_case(case: &Case, user_id: i64) {
    let mut h = Harness::start().await;
    let mut bot = h.spawn_bot();
    wait_polling(&h.api, &mut bot).await;
    let user = victim(user_id, "受害人");
    let pushed = forward_case(&h.api, &user, case, PAUSE).await;
    // Any warning ends the wait; which message it replies to is checked below, precisely.
    let all: Vec<i64> = pushed.iter().map(|p| p.message_id).collect();
    wait_warning_for(&h.api, &mut bot, &user, &all, WAIT).await;
    let last = pushed.last().expect("messages").update_id;
    settle(&h.api, last, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    check_case_outcome(&h.api, case, &user, &pushed, Early::Forbidden);
}

#[test]
fn seed_cases_mark_their_first_hard_trigger() {
    for case in [
        &KAIPING_LOST_PARCEL,
        &KAIPING_QUALITY_REFUND,
        &CHONGQING_AGENT_MEMBERSHIP,
    ] {
        for (i, text) in case.messages[..case.trigger].iter().enumerate() {
            assert!(
                !has_hard_trigger(text),
                "{}: message #{} {text:?} has a hard trigger",
                case.name,
                i + 1
            );
        }
        assert!(has_hard_trigger(case.messages[case.trigger]));
        assert!(case.earliest_warning <= case.trigger);
        assert_eq!(
            case.warnings.first(),
            Some(&case.earliest_warning),
            "{}: earliest_warning is not the first warning",
            case.name
        );
        assert!(
            case.warnings.contains(&case.trigger),
            "{}: the first hard trigger #{} gets no warning (warnings at {:?})",
            case.name,
            case.trigger + 1,
            numbers(case.warnings)
        );
        assert!(case.warnings.windows(2).all(|w| w[0] < w[1]));
        assert!(case.warnings.iter().all(|&i| i < case.messages.len()));
    }
    assert!(BENIGN.messages.iter().all(|m| !has_hard_trigger(m)));
    assert!(BENIGN.warnings.is_empty());
    assert_eq!(BENIGN.earliest_warning, usize::MAX);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kaiping_lost_parcel_warns_once_at_the_screen_share() {
    run_case(&KAIPING_LOST_PARCEL, 710_001).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kaiping_quality_refund_warns_once_at_the_deposit() {
    run_case(&KAIPING_QUALITY_REFUND, 710_002).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chongqing_agent_membership_warns_once_by_the_safe_account() {
    run_case(&CHONGQING_AGENT_MEMBERSHIP, 710_003).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn benign_forwards_get_a_calm_answer_without_buttons() {
    let mut h = Harness::start().await;
    let mut bot = h.spawn_bot();
    wait_polling(&h.api, &mut bot).await;
    let user = victim(710_004, "普通用户");
    let pushed = forward_case(&h.api, &user, &BENIGN, PAUSE).await;
    let calm = watch(
        &mut bot,
        h.api
            .wait_for_sent(WAIT, "a calm answer to the benign batch", |sent| {
                sent.iter().find(|m| m.chat_id == user.id).cloned()
            }),
    )
    .await;
    settle(
        &h.api,
        pushed.last().expect("pushed").update_id,
        QUIET,
        WAIT,
    )
    .await;
    bot.stop_gracefully(STOP).await;
    assert!(
        !is_warning(&calm),
        "benign messages got a warning: {}",
        calm.request
    );
    let warnings = warnings_by_target(&h.api.sent_messages(), user.id);
    assert!(
        warnings.is_empty(),
        "benign messages got warnings {warnings:?}\n{}",
        h.api.summary()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_429_500_and_dropped_connection_lose_nothing_and_repeat_nothing() {
    let case = &KAIPING_LOST_PARCEL;
    let mut h = Harness::start().await;
    let api = h.api.clone();
    // The first attempt to send a warning gets a 429; the first other message (the calm answer
    // to a bystander's benign burst) is dropped after the request was read.
    api.fail_when(
        "sendMessage",
        has_fb_buttons,
        Fault::TooManyRequests { retry_after: 1 },
        1,
    );
    api.fail_when(
        "sendMessage",
        |b: &Value| !has_fb_buttons(b),
        Fault::DropConnection,
        1,
    );
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let user = victim(710_005, "受害人");
    let split = case.trigger + 1;
    let mut pushed =
        support::forward_messages(&api, &user, case.scammer, &case.messages[..split], PAUSE).await;
    let bystander = victim(710_011, "路人");
    let benign = forward_case(&api, &bystander, &BENIGN, PAUSE).await;
    // A poll after the first messages fails with a 500.
    api.fail_next("getUpdates", Fault::ServerError(500), 1);
    tokio::time::sleep(PAUSE).await;
    let rest =
        support::forward_messages(&api, &user, case.scammer, &case.messages[split..], PAUSE).await;
    pushed.extend(rest);
    let all: Vec<i64> = pushed.iter().map(|p| p.message_id).collect();
    wait_warning_for(&api, &mut bot, &user, &all, WAIT_FAULTS).await;
    watch(
        &mut bot,
        api.wait_for(WAIT_FAULTS, "the dropped connection", |calls| {
            calls
                .iter()
                .any(|c| c.fault == Some(Fault::DropConnection))
                .then_some(())
        }),
    )
    .await;
    let last = pushed.last().expect("pushed").update_id;
    settle(
        &api,
        last.max(benign.last().expect("pushed").update_id),
        QUIET,
        WAIT_FAULTS,
    )
    .await;
    bot.stop_gracefully(STOP).await;

    let faults = api.faulted_calls();
    assert!(
        faults.iter().any(|c| c.method == "sendmessage"
            && c.fault == Some(Fault::TooManyRequests { retry_after: 1 })),
        "the 429 on the warning never fired\n{}",
        api.summary()
    );
    assert!(
        faults
            .iter()
            .any(|c| c.method == "getupdates" && c.fault == Some(Fault::ServerError(500))),
        "the 500 on getUpdates never fired\n{}",
        api.summary()
    );
    let to_bystander = api
        .sent_messages()
        .iter()
        .filter(|m| m.chat_id == bystander.id)
        .count();
    assert!(
        to_bystander <= 1,
        "the bystander got {to_bystander} answers to one burst\n{}",
        api.summary()
    );
    assert!(
        api.confirmed_offset() > last,
        "not every update was received\n{}",
        api.summary()
    );
    check_case_outcome(&api, case, &user, &pushed, Early::NotChecked);
    // Nothing that Telegram accepted was sent twice.
    let sent = api.sent_messages();
    for (i, a) in sent.iter().enumerate() {
        for b in &sent[i + 1..] {
            assert!(
                !(a.request == b.request && reply_target(&a.request).is_some()),
                "sent twice: {}\n{}",
                a.request,
                api.summary()
            );
        }
    }
}

/// Restart after a clean stop or a crash, with the last updates redelivered.
async fn restart_replays_without_second_warning(crash: bool) {
    let case = &KAIPING_LOST_PARCEL;
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let user = victim(if crash { 710_007 } else { 710_006 }, "受害人");

    let mut first = h.spawn_bot();
    wait_polling(&api, &mut first).await;
    let pushed = forward_case(&api, &user, case, PAUSE).await;
    let trigger_id = pushed[case.trigger].message_id;
    wait_warning_for(&api, &mut first, &user, &[trigger_id], WAIT).await;
    let last = pushed.last().expect("pushed").update_id;
    if crash {
        first.sigkill();
    } else {
        settle(&api, last, QUIET, WAIT).await;
        first.stop_gracefully(STOP).await;
    }
    let sent_by_first = api.sent_messages().len();
    let before = warnings_by_target(&api.sent_messages(), user.id);

    // Telegram never saw the confirmation: everything is delivered again.
    api.redeliver_from(pushed[0].update_id);
    assert_eq!(api.pending_updates(), pushed.len());

    let mut second = h.spawn_bot();
    watch(&mut second, api.wait_confirmed(START, last)).await;
    // A fresh conversation in another chat proves the second run is processing.
    let other = victim(710_099, "另一个人");
    let sentinel = forward_case(&api, &other, &KAIPING_QUALITY_REFUND, PAUSE).await;
    let sentinel_trigger = sentinel[KAIPING_QUALITY_REFUND.trigger].message_id;
    wait_warning_for(&api, &mut second, &other, &[sentinel_trigger], WAIT).await;
    settle(
        &api,
        sentinel.last().expect("pushed").update_id,
        QUIET,
        WAIT,
    )
    .await;
    second.stop_gracefully(STOP).await;

    let sent = api.sent_messages();
    let after = warnings_by_target(&sent, user.id);
    let summary = api.summary();
    for (target, n) in &after {
        assert_eq!(
            *n, 1,
            "{n} warnings reply to message {target:?} after the restart (before it: {before:?})\n{summary}"
        );
    }
    assert_eq!(after.get(&Some(trigger_id)), Some(&1));
    if !crash {
        let repeated: Vec<&Value> = sent[sent_by_first..]
            .iter()
            .filter(|m| m.chat_id == user.id && is_warning(m))
            .map(|m| &m.request)
            .collect();
        assert!(
            repeated.is_empty(),
            "the second run warned again about replayed updates: {repeated:?}\n{summary}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_after_sigterm_does_not_warn_twice_for_replayed_updates() {
    restart_replays_without_second_warning(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_after_crash_does_not_warn_twice_for_replayed_updates() {
    restart_replays_without_second_warning(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_button_is_answered_and_database_keeps_no_message_text() {
    let case = &KAIPING_LOST_PARCEL;
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let user = victim(710_008, "受害人");
    let pushed = forward_case(&api, &user, case, PAUSE).await;
    let warning = wait_warning_for(
        &api,
        &mut bot,
        &user,
        &[pushed[case.trigger].message_id],
        WAIT,
    )
    .await;
    let data = warning
        .callback_data()
        .into_iter()
        .find(|d| d.starts_with("fb:scam:"))
        .unwrap_or_else(|| panic!("the warning has no fb:scam: button: {}", warning.request));
    settle(&api, pushed.last().expect("pushed").update_id, QUIET, WAIT).await;

    let press = api.callback_query(&user, &data, &warning.message);
    let qid = press["callback_query"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let press_update = api.push_update(press);
    watch(
        &mut bot,
        api.wait_for_call(WAIT, "answerCallbackQuery", |c| {
            c.body["callback_query_id"].as_str() == Some(qid.as_str())
        }),
    )
    .await;
    settle(&api, press_update, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;

    let answers = api
        .calls_to("answerCallbackQuery")
        .into_iter()
        .filter(|c| c.body["callback_query_id"].as_str() == Some(qid.as_str()))
        .count();
    assert_eq!(answers, 1, "the button press was answered {answers} times");

    // The log (RUST_LOG=info) does not quote the messages either.
    let log = bot.log();
    for text in case.messages {
        for fragment in distinctive_fragments(text, 6) {
            assert!(
                !log.contains(&fragment),
                "the bot's log contains message text {fragment:?} (from {text:?})"
            );
        }
    }

    let files = h.database_files();
    assert!(
        files.contains(&h.db),
        "no database at {} (files: {files:?})",
        h.db.display()
    );
    for file in &files {
        let bytes = std::fs::read(file).expect("read database file");
        for text in case.messages {
            for fragment in distinctive_fragments(text, 6) {
                let utf16: Vec<u8> = fragment.encode_utf16().flat_map(u16::to_le_bytes).collect();
                for needle in [fragment.as_bytes(), utf16.as_slice()] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle),
                        "{} contains message text {fragment:?} (from {text:?})",
                        file.display()
                    );
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_and_start_is_answered() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    let set = watch(
        &mut bot,
        api.wait_for_call(START, "setMyCommands", |_| true),
    )
    .await;
    assert!(
        set.body["commands"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "setMyCommands without commands: {}",
        set.body
    );
    let user = victim(710_009, "新用户");
    let start = api.push_message(api.private_text(&user, "/start"));
    let answer = watch(
        &mut bot,
        api.wait_for_sent(WAIT, "an answer to /start", |sent| {
            sent.iter().find(|m| m.chat_id == user.id).cloned()
        }),
    )
    .await;
    assert!(!answer.text().trim().is_empty());
    assert!(
        !is_warning(&answer),
        "/start answered with feedback buttons: {}",
        answer.request
    );
    settle(&api, start.update_id, QUIET, WAIT).await;
    bot.stop_gracefully(STOP).await;
    let answers = api
        .sent_messages()
        .iter()
        .filter(|m| m.chat_id == user.id)
        .count();
    assert_eq!(answers, 1, "/start was answered {answers} times");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_polling_exits_zero() {
    let mut h = Harness::start().await;
    let mut bot = h.spawn_bot();
    wait_polling(&h.api, &mut bot).await;
    bot.stop_gracefully(STOP).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_after_work_exits_zero_and_confirms_what_it_handled() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let user = victim(710_010, "用户");
    let start = api.push_message(api.private_text(&user, "/start"));
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "an answer to /start", |sent| {
            sent.iter().find(|m| m.chat_id == user.id).cloned()
        }),
    )
    .await;
    bot.stop_gracefully(STOP).await;
    assert!(
        api.confirmed_offset() > start.update_id,
        "the handled update was never confirmed: a restart would replay it\n{}",
        api.summary()
    );
}
