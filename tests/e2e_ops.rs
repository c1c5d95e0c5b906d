//! Operating the built binary: webhook mode, the HTTP endpoints, metrics, hot reload, a start
//! in an empty directory, and stops (SIGTERM, SIGKILL) under load. Against the fake Bot API on
//! loopback; every wait has a deadline, nothing measures speed.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use support::bot_process::{BotProcess, Harness, TOKEN};
use support::fake_bot_api::{FakeBotApi, Origin, TgUser};
use support::{START, is_warning, victim, wait_polling, watch};

const WAIT: Duration = Duration::from_secs(30);
const STOP: Duration = Duration::from_secs(20);
/// A hard trigger on its own: screen sharing asked of the reader.
const DANGER: &str = "您扫一下这个二维码进行画面共享，我帮您操作退款";
/// Harmless chat.
const HARMLESS: &str = "周末一起去爬山吗？记得带水";
const SECRET: &str = "hook-secret_42";
const HOOK_PATH: &str = "/tg/hook";

fn webhook_config() -> String {
    format!(
        "\n[webhook]\nurl = \"https://bot.example.test{HOOK_PATH}\"\nsecret = \"{SECRET}\"\nmax_body_bytes = 65536\nqueue = 64\n"
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client")
}

/// POST `body` to the webhook with `secret` (None: no header); returns the status.
async fn post(addr: std::net::SocketAddr, secret: Option<&str>, body: Vec<u8>) -> u16 {
    let mut req = client()
        .post(format!("http://{addr}{HOOK_PATH}"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(s) = secret {
        req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
    }
    req.send().await.expect("webhook request").status().as_u16()
}

async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let r = client()
        .get(format!("http://{addr}{path}"))
        .send()
        .await
        .expect("GET");
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

/// As Telegram: deliver every body to the webhook at once (the i-th after `stagger` × i), each
/// on its own connection; each task ends with the status, 0 when the connection failed.
fn deliver_all(
    addr: std::net::SocketAddr,
    bodies: &[Vec<u8>],
    stagger: Duration,
) -> Vec<tokio::task::JoinHandle<u16>> {
    bodies
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, body)| {
            tokio::spawn(async move {
                tokio::time::sleep(stagger * u32::try_from(i).unwrap_or(u32::MAX)).await;
                match client()
                    .post(format!("http://{addr}{HOOK_PATH}"))
                    .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
                    .body(body)
                    .send()
                    .await
                {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                }
            })
        })
        .collect()
}

/// The indexes of the deliveries that were not acknowledged (Telegram delivers them again).
async fn unacknowledged(tasks: Vec<tokio::task::JoinHandle<u16>>) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        if t.await.expect("task") != 200 {
            out.push(i);
        }
    }
    out
}

/// One update per user, each forwarding the danger message, ids from `first_id`.
fn danger_updates(api: &FakeBotApi, users: &[TgUser], first_id: i64) -> Vec<Vec<u8>> {
    users
        .iter()
        .zip(first_id..)
        .map(|(u, id)| update(id, forwarded(api, u, DANGER)))
        .collect()
}

fn update(id: i64, message: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "update_id": id, "message": message })).expect("json")
}

fn forwarded(api: &FakeBotApi, user: &TgUser, text: &str) -> Value {
    api.forwarded_text(user, text, Origin::hidden("客服"))
}

/// Warnings sent to each chat.
fn warnings_per_chat(api: &FakeBotApi) -> BTreeMap<i64, usize> {
    per_chat(&api.sent_messages())
}

fn per_chat(sent: &[support::fake_bot_api::SentMessage]) -> BTreeMap<i64, usize> {
    let mut m = BTreeMap::new();
    for s in sent.iter().filter(|s| is_warning(s)) {
        *m.entry(s.chat_id).or_insert(0) += 1;
    }
    m
}

async fn wait_warnings(api: &FakeBotApi, bot: &mut BotProcess, chats: usize) {
    watch(
        bot,
        api.wait_for_sent(WAIT, &format!("warnings in {chats} chats"), |sent| {
            (per_chat(sent).len() >= chats).then_some(())
        }),
    )
    .await;
}

/// The value of the Prometheus sample `series` (exact name and labels as rendered), 0 if
/// absent.
fn sample(metrics: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            (n == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse::<f64>().ok())?
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_checks_secret_body_and_json_and_answers_each_update_once() {
    let mut h = Harness::start_with(&webhook_config()).await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    let addr = bot.wait_http(START).await;
    // The webhook is registered with its secret.
    let call = watch(&mut bot, api.wait_for_call(START, "setWebhook", |_| true)).await;
    assert_eq!(
        call.body["url"],
        json!(format!("https://bot.example.test{HOOK_PATH}"))
    );
    assert_eq!(call.body["secret_token"], json!(SECRET));
    assert!(
        api.calls_to("getUpdates").is_empty(),
        "webhook mode never polls"
    );

    let wrong = victim(720_001, "错");
    let none = victim(720_002, "无");
    let good = victim(720_003, "对");
    // Wrong and missing secrets: 401, never handled.
    assert_eq!(
        post(
            addr,
            Some("not-the-secret"),
            update(9001, forwarded(&api, &wrong, DANGER))
        )
        .await,
        401
    );
    assert_eq!(
        post(addr, None, update(9002, forwarded(&api, &none, DANGER))).await,
        401
    );
    // Not JSON, and JSON that is not an update: 400.
    assert_eq!(
        post(addr, Some(SECRET), b"{\"update_id\": 12, ".to_vec()).await,
        400
    );
    assert_eq!(post(addr, Some(SECRET), b"[1, 2, 3]".to_vec()).await, 400);
    // Over max_body_bytes (64 KiB): 413.
    let mut big = forwarded(&api, &good, DANGER);
    big["text"] = json!("好".repeat(30_000));
    assert_eq!(post(addr, Some(SECRET), update(9003, big)).await, 413);

    // A good update: 200, and the warning follows.
    let msg = forwarded(&api, &good, DANGER);
    let mid = msg["message_id"].as_i64().expect("id");
    assert_eq!(
        post(addr, Some(SECRET), update(9004, msg.clone())).await,
        200
    );
    wait_warnings(&api, &mut bot, 1).await;
    // Telegram delivering the same update again (a lost acknowledgement) gets 200 and no
    // second warning.
    assert_eq!(post(addr, Some(SECRET), update(9004, msg)).await, 200);
    // A harmless message from another chat, as a marker that the repeat has been handled.
    let other = victim(720_004, "别人");
    assert_eq!(
        post(
            addr,
            Some(SECRET),
            update(9005, forwarded(&api, &other, HARMLESS))
        )
        .await,
        200
    );
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the calm answer to the marker", |sent| {
            sent.iter().find(|m| m.chat_id == other.id).cloned()
        }),
    )
    .await;

    let per_chat = warnings_per_chat(&api);
    assert_eq!(per_chat.get(&good.id), Some(&1), "{}", api.summary());
    assert_eq!(
        per_chat.get(&wrong.id),
        None,
        "a refused update was handled"
    );
    assert_eq!(per_chat.get(&none.id), None, "a refused update was handled");
    let warning = api
        .sent_messages()
        .into_iter()
        .find(|m| m.chat_id == good.id && is_warning(m))
        .expect("warning");
    assert_eq!(warning.reply_to(), Some(mid));

    let (code, metrics) = get(addr, "/metrics").await;
    assert_eq!(code, 200);
    assert_eq!(
        sample(
            &metrics,
            "scamguard_webhook_requests_total",
            &[("status", "401")]
        ),
        2.0
    );
    assert_eq!(
        sample(
            &metrics,
            "scamguard_webhook_requests_total",
            &[("status", "400")]
        ),
        2.0
    );
    assert_eq!(
        sample(
            &metrics,
            "scamguard_webhook_requests_total",
            &[("status", "413")]
        ),
        1.0
    );
    assert_eq!(
        sample(
            &metrics,
            "scamguard_webhook_requests_total",
            &[("status", "200")]
        ),
        3.0
    );
    assert_eq!(
        sample(
            &metrics,
            "scamguard_warnings_total",
            &[("level", "danger"), ("chat", "private")]
        ),
        1.0
    );
    let (code, body) = get(addr, "/readyz").await;
    assert_eq!(code, 200, "{body}");
    bot.stop_gracefully(STOP).await;
    let log = bot.log();
    assert!(!log.contains(TOKEN), "the token was logged");
    assert!(!log.contains(SECRET), "the webhook secret was logged");
    assert!(!log.contains("画面共享"), "message text was logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_answer_and_metrics_move_with_traffic() {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    let addr = bot.wait_http(START).await;
    wait_polling(&api, &mut bot).await;
    assert_eq!(get(addr, "/healthz").await.0, 200);
    let (code, body) = get(addr, "/readyz").await;
    assert_eq!(code, 200, "{body}");
    assert!(
        body.contains("bot_api: ok") && body.contains("database: ok"),
        "{body}"
    );

    let (_, before) = get(addr, "/metrics").await;
    assert_eq!(
        sample(&before, "scamguard_updates_total", &[("kind", "message")]),
        0.0
    );
    assert!(
        sample(&before, "scamguard_rules", &[]) > 100.0,
        "rules loaded:\n{before}"
    );

    let a = victim(721_001, "甲");
    let b = victim(721_002, "乙");
    api.push_message(forwarded(&api, &a, DANGER));
    api.push_message(forwarded(&api, &b, HARMLESS));
    api.push_message(forwarded(&api, &b, HARMLESS));
    wait_warnings(&api, &mut bot, 1).await;
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the calm answer", |sent| {
            sent.iter().find(|m| m.chat_id == b.id).cloned()
        }),
    )
    .await;
    let (_, after) = get(addr, "/metrics").await;
    assert_eq!(
        sample(&after, "scamguard_updates_total", &[("kind", "message")]),
        3.0
    );
    assert_eq!(
        sample(
            &after,
            "scamguard_warnings_total",
            &[("level", "danger"), ("chat", "private")]
        ),
        1.0
    );
    assert_eq!(
        sample(
            &after,
            "scamguard_handling_seconds_count",
            &[("kind", "message")]
        ),
        3.0,
        "{after}"
    );
    assert!(
        sample(&after, "scamguard_findings_total", &[("stage", "control")]) >= 1.0,
        "{after}"
    );
    // Only the chat where something was found holds a conversation: harmless chat leaves none.
    assert_eq!(
        sample(&after, "scamguard_conversations", &[]),
        1.0,
        "{after}"
    );
    assert_eq!(
        sample(
            &after,
            "scamguard_actions_total",
            &[("action", "calm"), ("result", "done")]
        ),
        1.0
    );
    bot.stop_gracefully(STOP).await;
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

/// A scratch copy of the shipped rules (the scratch directory, the rules directory in it).
fn copied_rules() -> (tempfile::TempDir, std::path::PathBuf) {
    let scratch = tempfile::tempdir().expect("tempdir");
    let rules = scratch.path().join("rules");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"), &rules);
    (scratch, rules)
}

/// A rule file with a hard trigger on a made-up phrase.
fn marker_rule(id: &str, phrase: &str) -> String {
    format!(
        r#"family = "reload_test"
lang = ["en"]

[[rule]]
id = "{id}"
stage = "control"
weight = 100
trigger = true
explain = "why-account-locked"
description = "A phrase that only this test uses."
any = ["{phrase}"]

[[rule.example]]
text = "now start the {phrase} please"
expect = "match"
"#
    )
}

async fn wait_log(bot: &mut BotProcess, what: &str, count: usize) {
    let deadline = std::time::Instant::now() + WAIT;
    while bot.log().matches(what).count() < count {
        bot.assert_running();
        assert!(
            std::time::Instant::now() < deadline,
            "no {what:?} (x{count}) in the log:\n{}",
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_keeps_the_old_rules_on_error_and_takes_good_rules_without_a_restart() {
    let (_scratch, rules) = copied_rules();
    let mut h = Harness::start_with_rules(&rules, "\n[reload]\nwatch = false\n").await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;

    let phrase = "violet giraffe protocol";
    let user = TgUser::new(722_001, "Ann").lang("en");
    // Not a rule yet: no warning.
    api.push_message(api.forwarded_text(
        &user,
        &format!("now start the {phrase} please"),
        Origin::hidden("agent"),
    ));
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the calm answer", |sent| {
            sent.iter().find(|m| m.chat_id == user.id).cloned()
        }),
    )
    .await;
    assert!(warnings_per_chat(&api).is_empty(), "{}", api.summary());

    // A broken rule file: refused, with its file and line; the old rules stay.
    std::fs::write(
        rules.join("zz_broken.toml"),
        "family = \"x\"\nlang = [\"en\"]\n\n[[rule]]\nid = \"broken.one\"\nstage = \"nowhere\"\n",
    )
    .expect("write");
    bot.sighup();
    wait_log(&mut bot, "reload refused", 1).await;
    let log = bot.log();
    assert!(
        log.contains("zz_broken.toml:"),
        "the error names the file and line:\n{log}"
    );
    let a = victim(722_002, "甲");
    api.push_message(forwarded(&api, &a, DANGER));
    wait_warnings(&api, &mut bot, 1).await;

    // Fixed, with a new rule: taken without a restart.
    std::fs::remove_file(rules.join("zz_broken.toml")).expect("rm");
    std::fs::write(
        rules.join("zz_marker.toml"),
        marker_rule("test.reload.marker", phrase),
    )
    .expect("write");
    bot.sighup();
    wait_log(&mut bot, "rules and locales reloaded", 1).await;
    let b = TgUser::new(722_003, "Bob").lang("en");
    api.push_message(api.forwarded_text(
        &b,
        &format!("now start the {phrase} please"),
        Origin::hidden("agent"),
    ));
    wait_warnings(&api, &mut bot, 2).await;
    assert_eq!(warnings_per_chat(&api).get(&b.id), Some(&1));
    let addr = bot.wait_http(START).await;
    let (_, metrics) = get(addr, "/metrics").await;
    assert_eq!(
        sample(&metrics, "scamguard_reloads_total", &[("result", "error")]),
        1.0
    );
    assert_eq!(
        sample(&metrics, "scamguard_reloads_total", &[("result", "ok")]),
        1.0
    );
    bot.stop_gracefully(STOP).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_rule_file_is_reloaded_without_a_signal() {
    let (_scratch, rules) = copied_rules();
    let mut h =
        Harness::start_with_rules(&rules, "\n[reload]\nwatch = true\ndebounce_ms = 100\n").await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let phrase = "amber walrus handshake";
    std::fs::write(
        rules.join("zz_marker.toml"),
        marker_rule("test.watch.marker", phrase),
    )
    .expect("write");
    wait_log(&mut bot, "rules and locales reloaded", 1).await;
    let user = TgUser::new(723_001, "Cy").lang("en");
    api.push_message(api.forwarded_text(
        &user,
        &format!("now start the {phrase} please"),
        Origin::hidden("agent"),
    ));
    wait_warnings(&api, &mut bot, 1).await;
    bot.stop_gracefully(STOP).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_in_an_empty_directory_uses_built_in_rules_and_the_default_database() {
    let api = FakeBotApi::start(TOKEN).await;
    let home = tempfile::tempdir().expect("home");
    let cwd = tempfile::tempdir().expect("cwd");
    let log_path = home.path().join("run.log");
    let out = std::fs::File::create(&log_path).expect("log");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_scamguard"))
        .arg("run")
        .current_dir(cwd.path())
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api.url())
        .env("SCAMGUARD_HTTP_LISTEN", "127.0.0.1:0")
        .env("SCAMGUARD_PRIVATE_BATCH_DELAY_MS", "200")
        .stdout(out.try_clone().expect("clone"))
        .stderr(out)
        .spawn()
        .expect("spawn");
    let mut bot = BotProcess::adopt("scamguard run (empty directory)", child, &log_path);
    wait_polling(&api, &mut bot).await;
    let user = victim(724_001, "丙");
    api.push_message(forwarded(&api, &user, DANGER));
    wait_warnings(&api, &mut bot, 1).await;
    bot.stop_gracefully(STOP).await;
    let db = home.path().join(".local/state/scamguard/scamguard.db");
    assert!(
        db.is_file(),
        "no database at the documented default {}",
        db.display()
    );
    assert_eq!(
        std::fs::read_dir(cwd.path()).expect("cwd").count(),
        0,
        "the working directory was written to"
    );
    assert!(bot.log().contains("rules_from=built in"), "{}", bot.log());
}

/// 40 danger messages from 40 chats at once, then a stop after 0.3 s; a second run finishes.
/// Every chat ends with exactly one warning.
async fn forty_chats_then_stop(kill: bool) {
    let mut h = Harness::start().await;
    let api = h.api.clone();
    let mut first = h.spawn_bot();
    wait_polling(&api, &mut first).await;
    let base = if kill { 725_000 } else { 726_000 };
    let users: Vec<TgUser> = (0..40).map(|i| victim(base + i, "用户")).collect();
    for u in &users {
        api.push_message(forwarded(&api, u, DANGER));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    if kill {
        first.sigkill();
    } else {
        first.stop_gracefully(STOP).await;
    }
    let mut second = h.spawn_bot();
    wait_warnings(&api, &mut second, users.len()).await;
    // Settle: nothing more is sent for a while.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    second.stop_gracefully(STOP).await;
    let per_chat = warnings_per_chat(&api);
    for u in &users {
        assert_eq!(
            per_chat.get(&u.id),
            Some(&1),
            "chat {}: {:?} warnings\n{}",
            u.id,
            per_chat.get(&u.id),
            api.summary()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_nothing_and_warns_once() {
    forty_chats_then_stop(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_exits_cleanly_and_loses_nothing() {
    forty_chats_then_stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_sigterm_under_load_hands_over_what_it_refused() {
    let mut h = Harness::start_with(&webhook_config()).await;
    let api = h.api.clone();
    let mut first = h.spawn_bot();
    let addr = first.wait_http(START).await;
    watch(&mut first, api.wait_for_call(START, "setWebhook", |_| true)).await;
    let users: Vec<TgUser> = (0..40).map(|i| victim(727_000 + i, "用户")).collect();
    let bodies = danger_updates(&api, &users, 50_000);
    // What is not acknowledged is delivered again later (here: to the next process).
    let tasks = deliver_all(addr, &bodies, Duration::from_millis(5));
    tokio::time::sleep(Duration::from_millis(100)).await;
    first.sigterm();
    let refused = unacknowledged(tasks).await;
    let status = first.wait_exit(STOP).await.expect("exit");
    assert!(status.success(), "exit {status}");
    let mut second = h.spawn_bot();
    let addr = second.wait_http(START).await;
    for &i in &refused {
        assert_eq!(post(addr, Some(SECRET), bodies[i].clone()).await, 200);
    }
    wait_warnings(&api, &mut second, users.len()).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    second.stop_gracefully(STOP).await;
    let per_chat = warnings_per_chat(&api);
    for u in &users {
        assert_eq!(
            per_chat.get(&u.id),
            Some(&1),
            "chat {}\n{}",
            u.id,
            api.summary()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_per_line_without_text_or_token() {
    let mut h = Harness::start_with("\n[log]\nformat = \"json\"\nfilter = \"info\"\n").await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    wait_polling(&api, &mut bot).await;
    let user = victim(728_001, "丁");
    api.push_message(forwarded(&api, &user, DANGER));
    wait_warnings(&api, &mut bot, 1).await;
    bot.stop_gracefully(STOP).await;
    let log = bot.log();
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() >= 5, "{log}");
    let mut assessed = 0;
    for l in &lines {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        assert!(v["level"].is_string() && v["timestamp"].is_string(), "{l}");
        let fields = &v["fields"];
        if fields["message"] == json!("message assessed") {
            assessed += 1;
            assert_eq!(v["level"], json!("INFO"), "{l}");
            assert_eq!(fields["level"], json!("danger"), "{l}");
            assert!(
                fields["rules"]
                    .as_str()
                    .is_some_and(|r| r.contains("control.screen_share")),
                "{l}"
            );
        }
    }
    assert_eq!(assessed, 1, "{log}");
    assert!(!log.contains(TOKEN) && !log.contains("画面共享"), "{log}");
}

/// 80 warnings at once: under Telegram's pacing (a burst of 30, then 30 a second) the last 50
/// wait up to 1.7 s for their slot, so the SIGKILL at 0.3 s finds most of them not yet sent.
/// Their updates must not have been acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_sigkill_loses_no_acknowledged_update() {
    let mut h = Harness::start_with(&webhook_config()).await;
    let api = h.api.clone();
    let mut first = h.spawn_bot();
    let addr = first.wait_http(START).await;
    watch(&mut first, api.wait_for_call(START, "setWebhook", |_| true)).await;
    let users: Vec<TgUser> = (0..80).map(|i| victim(729_000 + i, "用户")).collect();
    let bodies = danger_updates(&api, &users, 60_000);
    let tasks = deliver_all(addr, &bodies, Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.sigkill();
    // As Telegram: what was not acknowledged is delivered again, to the next process.
    let unacknowledged = unacknowledged(tasks).await;
    let mut second = h.spawn_bot();
    let addr = second.wait_http(START).await;
    for &i in &unacknowledged {
        assert_eq!(post(addr, Some(SECRET), bodies[i].clone()).await, 200);
    }
    wait_warnings(&api, &mut second, users.len()).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    second.stop_gracefully(STOP).await;
    let per_chat = warnings_per_chat(&api);
    for u in &users {
        assert_eq!(
            per_chat.get(&u.id),
            Some(&1),
            "chat {}\n{}",
            u.id,
            api.summary()
        );
    }
}
