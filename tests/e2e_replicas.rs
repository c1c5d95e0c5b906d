//! Two replicas of the built binary in webhook mode, one Redis, one fake Bot API: the test is
//! the load balancer, choosing the replica of each delivery. A conversation whose messages
//! land on different replicas is warned as in one process; a replica killed mid-conversation
//! loses no update and doubles no warning; a Redis outage still gets hard triggers answered.
//!
//! Needs a Redis server: `SCAMGUARD_TEST_REDIS_URL` (each test under its own key prefix), and
//! `redis-server` on the PATH for the outage test. Without them the tests say they are skipped,
//! unless `SCAMGUARD_REQUIRE_REDIS=1` (CI), which makes that a failure.

mod support;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Value, json};

use support::bot_process::{BotProcess, Harness};
use support::cases::{CHONGQING_AGENT_MEMBERSHIP, Case, KAIPING_LOST_PARCEL};
use support::fake_bot_api::{FakeBotApi, Fault, Origin, TgUser};
use support::{START, is_warning, victim, warnings_by_target, watch};

const WAIT: Duration = Duration::from_secs(30);
const STOP: Duration = Duration::from_secs(20);
/// Time with no new request after which the bots are taken to be done.
const QUIET: Duration = Duration::from_millis(1500);
const SECRET: &str = "replica-secret_7";
const HOOK_PATH: &str = "/tg/replicas";
/// A hard trigger on its own: screen sharing asked of the reader.
const DANGER: &str = "您扫一下这个二维码进行画面共享，我帮您操作退款";

/// Four soft messages of one fake after-sales call. Each alone is caution (one stage, or hook
/// and channel). Together: pretext, hook, channel by the third, which makes a warning; the
/// fourth adds no stage and no level. So one process warns the third message only, and two
/// replicas that each saw half of it would warn none.
const SOFT_CHAIN: [&str; 4] = [
    "您好，我这边是淘宝售后客服，您上个月买的那件衣服检测出有质量问题。",
    "我们这边会按照规定给您办理理赔，赔付是原价的三倍。",
    "这边走不了平台流程，麻烦您加一下我的QQ，我在QQ上给您处理。",
    "理赔款需要您下载一个APP来领取，我把下载链接发给您。",
];
const SOFT_CHAIN_WARNS: usize = 2;

fn redis_url(what: &str) -> Option<String> {
    match std::env::var("SCAMGUARD_TEST_REDIS_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("SCAMGUARD_REQUIRE_REDIS").as_deref() != Ok("1"),
                "SCAMGUARD_REQUIRE_REDIS=1 but SCAMGUARD_TEST_REDIS_URL is unset: {what} needs Redis"
            );
            eprintln!("SKIPPED: {what}: SCAMGUARD_TEST_REDIS_URL is unset");
            None
        }
    }
}

fn prefix() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("scamguard-e2e:{:x}{:x}:", std::process::id(), n)
}

fn config(url: &str) -> String {
    format!(
        "\n[webhook]\nurl = \"https://bot.example.test{HOOK_PATH}\"\nsecret = \"{SECRET}\"\nqueue = 256\n\n[redis]\nurl = \"{url}\"\nprefix = \"{}\"\n",
        prefix()
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("http client")
}

/// Deliver `body` to the replica at `addr`, as Telegram: the status, 0 if the connection
/// failed.
async fn deliver(addr: SocketAddr, body: Vec<u8>) -> u16 {
    match client()
        .post(format!("http://{addr}{HOOK_PATH}"))
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
    {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    match client().get(format!("http://{addr}{path}")).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            (status, r.text().await.unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    }
}

fn update(id: i64, message: &Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "update_id": id, "message": message })).expect("json")
}

/// `user` forwarding `text` (the fake API numbers the message).
fn forwarded(api: &FakeBotApi, user: &TgUser, text: &str) -> Value {
    api.forwarded_text(user, text, Origin::hidden("售后客服"))
}

/// Whether log `line` has the field `key` equal to `id`.
fn mentions(line: &str, key: &str, id: i64) -> bool {
    let field = format!("{key}={id}");
    line.split(' ').any(|word| word == field)
}

fn message_id(m: &Value) -> i64 {
    m["message_id"].as_i64().expect("message_id")
}

/// Waits until no request reached the fake API for [`QUIET`].
async fn quiet(api: &FakeBotApi) {
    loop {
        let idle = api.requests().last().map_or(QUIET, |c| c.at.elapsed());
        if idle >= QUIET {
            return;
        }
        tokio::time::sleep(QUIET - idle).await;
    }
}

/// Two replicas on one prefix, both with their webhook registered.
async fn two_replicas(h: &mut Harness) -> (BotProcess, SocketAddr, BotProcess, SocketAddr) {
    let api = h.api.clone();
    let mut a = h.spawn_bot();
    let a_addr = a.wait_http(START).await;
    let mut b = h.spawn_bot();
    let b_addr = b.wait_http(START).await;
    watch(
        &mut b,
        api.wait_for(START, "two setWebhook calls", |calls| {
            (calls.iter().filter(|c| c.method == "setwebhook").count() >= 2).then_some(())
        }),
    )
    .await;
    for (addr, bot) in [(a_addr, &mut a), (b_addr, &mut b)] {
        let (code, body) = get(addr, "/readyz").await;
        assert_eq!(code, 200, "{body}\n{}", bot.log());
    }
    (a, a_addr, b, b_addr)
}

/// Forward `messages` from `user`, one at a time, the i-th to `replicas[i % 2]`, each
/// acknowledged before the next. Returns the message ids.
async fn forward_alternating(
    api: &FakeBotApi,
    user: &TgUser,
    messages: &[&str],
    replicas: [SocketAddr; 2],
    first_update: i64,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for (i, text) in messages.iter().enumerate() {
        let m = forwarded(api, user, text);
        ids.push(message_id(&m));
        let status = deliver(replicas[i % 2], update(first_update + i as i64, &m)).await;
        assert_eq!(status, 200, "delivery {i}");
    }
    ids
}

/// The warnings each message id of `chat` got, for the indices `warned` of `ids`: 1 each.
fn expected(ids: &[i64], warned: &[usize]) -> BTreeMap<Option<i64>, usize> {
    warned.iter().map(|&i| (Some(ids[i]), 1)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_split_between_replicas_are_warned_as_in_one_process() {
    let Some(url) = redis_url("split conversations") else {
        return;
    };
    let mut h = Harness::start_with(&config(&url)).await;
    let api = h.api.clone();
    let (mut a, a_addr, mut b, b_addr) = two_replicas(&mut h).await;

    let mut expect = Vec::new();
    let soft = victim(731_001, "小林");
    let ids = forward_alternating(&api, &soft, &SOFT_CHAIN, [a_addr, b_addr], 1_000).await;
    expect.push((soft.id, expected(&ids, &[SOFT_CHAIN_WARNS])));
    let cases: [(&Case, i64, i64); 2] = [
        (&KAIPING_LOST_PARCEL, 731_002, 2_000),
        (&CHONGQING_AGENT_MEMBERSHIP, 731_003, 3_000),
    ];
    for (case, user, first) in cases {
        let u = victim(user, "用户");
        // Started on B this time, so each replica sees the other half.
        let ids = forward_alternating(&api, &u, case.messages, [b_addr, a_addr], first).await;
        expect.push((u.id, expected(&ids, case.warnings)));
    }
    let total: usize = expect.iter().map(|(_, w)| w.len()).sum();
    watch(
        &mut a,
        api.wait_for_sent(WAIT, &format!("{total} warnings"), |sent| {
            (sent.iter().filter(|m| is_warning(m)).count() >= total).then_some(())
        }),
    )
    .await;
    quiet(&api).await;
    let sent = api.sent_messages();
    for (chat, want) in &expect {
        assert_eq!(
            &warnings_by_target(&sent, *chat),
            want,
            "chat {chat}\n{}",
            api.summary()
        );
    }
    // Both replicas did part of the work.
    for bot in [&a, &b] {
        assert!(bot.log().contains("message assessed"), "{}", bot.log());
    }
    a.stop_gracefully(STOP).await;
    b.stop_gracefully(STOP).await;
    for log in [a.log(), b.log()] {
        assert!(!log.contains("画面共享"), "message text was logged");
        assert!(!log.contains("redis unreachable"), "{log}");
    }
}

/// 60 conversations: the first two messages on A and B, then the one that warns, all at once,
/// to A. Telegram answers A's warnings "429, retry after 30 s", and A is killed once 20 of them
/// have been refused: A holds those 20 begun (pending, waiting to retry) and the rest not yet
/// begun (waiting for their turn under Telegram's pacing); none has reached the chat. As
/// Telegram does, what A did not acknowledge is delivered again, to B, and so are the updates
/// A did acknowledge, as if their acknowledgements were lost. Then the fourth message, to B.
/// Each conversation gets exactly one warning, on its third message: B takes over what A began
/// once A's lease has run out, and does what A had not begun.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_conversation_loses_nothing_and_doubles_nothing() {
    let Some(url) = redis_url("kill a replica") else {
        return;
    };
    let mut h = Harness::start_with(&config(&url)).await;
    let api = h.api.clone();
    let (mut a, a_addr, mut b, b_addr) = two_replicas(&mut h).await;
    let users: Vec<TgUser> = (0..60).map(|i| victim(732_000 + i, "用户")).collect();
    let mut ids: Vec<Vec<i64>> = vec![Vec::new(); users.len()];
    let mut update_ids: Vec<Vec<i64>> = vec![Vec::new(); users.len()];
    let mut next_update = 10_000i64;

    for (step, addr) in [(0usize, a_addr), (1, b_addr)] {
        let mut tasks = Vec::new();
        for (u, user) in users.iter().enumerate() {
            let m = forwarded(&api, user, SOFT_CHAIN[step]);
            ids[u].push(message_id(&m));
            update_ids[u].push(next_update);
            tasks.push(tokio::spawn(deliver(addr, update(next_update, &m))));
            next_update += 1;
        }
        for t in tasks {
            assert_eq!(t.await.expect("task"), 200, "step {step}");
        }
    }
    quiet(&api).await;
    assert_eq!(
        api.sent_messages().iter().filter(|m| is_warning(m)).count(),
        0,
        "two soft messages warned\n{}",
        api.summary()
    );

    api.fail_when(
        "sendMessage",
        support::has_fb_buttons,
        Fault::TooManyRequests { retry_after: 30 },
        10_000,
    );
    let mut third = Vec::new();
    for (u, user) in users.iter().enumerate() {
        let m = forwarded(&api, user, SOFT_CHAIN[2]);
        ids[u].push(message_id(&m));
        update_ids[u].push(next_update);
        third.push(update(next_update, &m));
        next_update += 1;
    }
    let tasks: Vec<_> = third
        .iter()
        .cloned()
        .map(|body| tokio::spawn(deliver(a_addr, body)))
        .collect();
    watch(
        &mut a,
        api.wait_for(WAIT, "20 warnings from A refused", |calls| {
            (calls.iter().filter(|c| c.fault.is_some()).count() >= 20).then_some(())
        }),
    )
    .await;
    a.sigkill();
    // A request A wrote just before it died can still be read by the fake API after the kill;
    // it must meet the 429 as the others did, or it would be a warning Telegram took (and B,
    // finding it pending, would send it again: the at-least-once case of a replica that dies
    // between Telegram's answer and its record, which this test is not about). So the faults
    // stay until nothing has arrived for a while.
    quiet(&api).await;
    api.clear_faults();
    let refused_by_api = api.faulted_calls().len();
    let mut acknowledged = Vec::new();
    let mut unacknowledged = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        if t.await.expect("task") == 200 {
            acknowledged.push(i);
        } else {
            unacknowledged.push(i);
        }
    }
    assert!(
        !unacknowledged.is_empty(),
        "A acknowledged everything before it died"
    );
    // Telegram delivers again what A did not acknowledge; the acknowledged ones come too, as
    // lost acknowledgements would make them.
    let tasks: Vec<_> = unacknowledged
        .iter()
        .chain(&acknowledged)
        .map(|&i| tokio::spawn(deliver(b_addr, third[i].clone())))
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), 200);
    }
    let mut tasks = Vec::new();
    for (u, user) in users.iter().enumerate() {
        let m = forwarded(&api, user, SOFT_CHAIN[3]);
        ids[u].push(message_id(&m));
        update_ids[u].push(next_update);
        tasks.push(tokio::spawn(deliver(b_addr, update(next_update, &m))));
        next_update += 1;
    }
    for t in tasks {
        assert_eq!(t.await.expect("task"), 200);
    }
    watch(
        &mut b,
        api.wait_for_sent(WAIT, "a warning in every chat", |sent| {
            users
                .iter()
                .all(|u| sent.iter().any(|m| m.chat_id == u.id && is_warning(m)))
                .then_some(())
        }),
    )
    .await;
    quiet(&api).await;
    let sent = api.sent_messages();
    b.stop_gracefully(STOP).await;
    // Each wrong chat with what explains it: its messages, its warnings, and what the two
    // replicas logged about its updates.
    let (a_log, b_log) = (a.log(), b.log());
    let mut wrong = String::new();
    for (u, user) in users.iter().enumerate() {
        let got = warnings_by_target(&sent, user.id);
        let want = expected(&ids[u], &[SOFT_CHAIN_WARNS]);
        if got == want {
            continue;
        }
        wrong += &format!(
            "chat {}: messages {:?} (updates {:?}), warnings {got:?}, expected {want:?}\n",
            user.id, ids[u], update_ids[u]
        );
        for (name, log) in [("A", &a_log), ("B", &b_log)] {
            for line in log.lines().filter(|l| {
                update_ids[u].iter().any(|&id| mentions(l, "update_id", id))
                    || ids[u].iter().any(|&id| mentions(l, "message_id", id))
            }) {
                wrong += &format!("  {name}: {line}\n");
            }
        }
    }
    if !wrong.is_empty() {
        for (name, log) in [("A", &a_log), ("B", &b_log)] {
            for line in log
                .lines()
                .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
                .take(40)
            {
                wrong += &format!("  {name}: {line}\n");
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong}");
    let taken_over = b_log.matches("stopped in the middle: done again").count();
    eprintln!(
        "A: {refused_by_api} warnings refused before it was killed, {} of 60 deliveries not acknowledged; B took over {taken_over}",
        unacknowledged.len()
    );
    assert!(
        taken_over >= 20,
        "B took over {taken_over} of A's begun warnings"
    );
}

/// A redis-server of the test's own, nothing saved, killed on drop.
struct OwnRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start() -> Option<OwnRedis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut r = OwnRedis { port, child: None };
        r.restart();
        Some(r)
    }

    fn restart(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `/readyz` until it answers `code`.
async fn wait_ready(addr: SocketAddr, bot: &mut BotProcess, code: u16) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (got, body) = get(addr, "/readyz").await;
        if got == code {
            return body;
        }
        bot.assert_running();
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz never answered {code}: {got} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_is_logged_once_answers_hard_triggers_and_ends_by_itself() {
    if redis_url("redis outage").is_none() {
        return;
    }
    let Some(mut redis) = OwnRedis::start() else {
        panic!("no free port for redis-server");
    };
    let url = format!("redis://127.0.0.1:{}/0", redis.port);
    let mut h = Harness::start_with(&config(&url)).await;
    let api = h.api.clone();
    let mut bot = h.spawn_bot();
    let addr = bot.wait_http(START).await;
    watch(&mut bot, api.wait_for_call(START, "setWebhook", |_| true)).await;
    wait_ready(addr, &mut bot, 200).await;

    redis.kill();
    // Three users forward a hard trigger during the outage: each is warned.
    let users: Vec<TgUser> = (0..3).map(|i| victim(733_000 + i, "用户")).collect();
    for (i, u) in users.iter().enumerate() {
        let m = forwarded(&api, u, DANGER);
        assert_eq!(deliver(addr, update(20_000 + i as i64, &m)).await, 200);
    }
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "three warnings", |sent| {
            (sent.iter().filter(|m| is_warning(m)).count() >= 3).then_some(())
        }),
    )
    .await;
    let body = wait_ready(addr, &mut bot, 503).await;
    assert!(body.contains("database: unavailable"), "{body}");

    redis.restart();
    wait_ready(addr, &mut bot, 200).await;
    // After the outage: a conversation is stored again and escalates across messages.
    let soft = victim(733_100, "小林");
    let mut ids = Vec::new();
    for (i, text) in SOFT_CHAIN.iter().enumerate() {
        let m = forwarded(&api, &soft, text);
        ids.push(message_id(&m));
        assert_eq!(deliver(addr, update(21_000 + i as i64, &m)).await, 200);
    }
    watch(
        &mut bot,
        api.wait_for_sent(WAIT, "the soft chain's warning", |sent| {
            sent.iter()
                .any(|m| m.chat_id == soft.id && is_warning(m))
                .then_some(())
        }),
    )
    .await;
    quiet(&api).await;
    let sent = api.sent_messages();
    for u in &users {
        assert_eq!(
            sent.iter()
                .filter(|m| m.chat_id == u.id && is_warning(m))
                .count(),
            1,
            "{}",
            api.summary()
        );
    }
    assert_eq!(
        warnings_by_target(&sent, soft.id),
        expected(&ids, &[SOFT_CHAIN_WARNS])
    );
    bot.stop_gracefully(STOP).await;
    let log = bot.log();
    assert_eq!(log.matches("redis unreachable").count(), 1, "{log}");
    assert_eq!(log.matches("redis reachable again").count(), 1, "{log}");
}
