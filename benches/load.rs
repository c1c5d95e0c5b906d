//! Load driver: the release `scamguard` binary in webhook mode on loopback, fed updates as
//! Telegram would (up to 40 connections, 503 delivered again), against a fake Bot API in this
//! process that answers at once.
//!
//! `cargo bench --bench load -- [RATE] [SECONDS] [once]` (default 5000 updates/s for 20 s),
//! then the same at twice the rate (not with `once`). `cargo bench --bench load -- replicas
//! [RATE] [SECONDS]` (default 3000/s for 20 s): state in a Redis of the driver's own, one
//! replica, then two taking the deliveries in turn. `cargo bench --bench load -- polling`: the long-polling burst (300
//! chats forwarding 10 harmless messages each, all at once), paced and unpaced. Traffic: 10,000 private chats and 200 groups; most messages are
//! harmless chat, some chats forward a scam conversation that ends in a hard trigger, some
//! group members post one. Reports updates/s, the webhook's acknowledgement time, the time
//! from an update's scheduled delivery to its warning (or deletion), the bot's own handling
//! time (its histogram), its peak memory, and checks that every expected warning and
//! deletion arrived exactly once and nothing else was warned. Figures go in BENCHMARKS.md;
//! not run in CI.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};

const TOKEN: &str = "4242:LOAD-test-token";
const SECRET: &str = "load-secret";
const PRIVATE_CHATS: i64 = 10_000;
const GROUPS: i64 = 200;
const MEMBERS_PER_GROUP: i64 = 50;
/// Connections Telegram opens at most (setWebhook's default max_connections).
const CONNECTIONS: usize = 40;

const HARMLESS: &[&str] = &[
    "周末一起去爬山吗？记得带水",
    "今天的会议改到下午三点，大家注意时间",
    "晚饭吃什么？我想吃火锅",
    "孩子明天要交作业，别忘了签字",
    "Are we still on for lunch tomorrow?",
    "The train is delayed by twenty minutes, sorry",
    "快递到了，放在门口的柜子里",
    "谢谢你昨天帮忙搬家，改天请你吃饭",
    "Happy birthday! Have a great day",
    "这周六的羽毛球场订好了，八点开始",
    "晚上七点在老地方见",
    "Can you send me the slides from the meeting?",
];

/// Each a danger on its own (checked with `scamguard check`).
const TRIGGERS: &[&str] = &[
    "您扫一下这个二维码进行画面共享，我帮您操作退款",
    "下载这个会议软件，打开屏幕共享，我一步步教您办理退款",
    "您好，为了给您理赔，请下载腾讯会议并开启屏幕共享",
    "Please install AnyDesk and share your screen so I can process your refund",
    "To get your refund, download TeamViewer and give me the code on the screen",
];

/// What the fake Bot API saw.
#[derive(Default)]
struct Seen {
    /// (chat, replied-to message) -> arrival times of warnings (messages with `fb:` buttons).
    warnings: HashMap<(i64, i64), Vec<Instant>>,
    /// (chat, message) -> arrival times of deleteMessage.
    deletes: HashMap<(i64, i64), Vec<Instant>>,
    /// Other messages sent (calm answers, notices).
    other_sends: usize,
}

struct Fake {
    seen: Mutex<Seen>,
    next_id: AtomicU64,
    calls: AtomicUsize,
    /// Updates for getUpdates (long polling mode), ascending ids.
    queue: Mutex<Vec<Value>>,
    queued: tokio::sync::Notify,
}

impl Fake {
    fn new() -> Arc<Fake> {
        Arc::new(Fake {
            seen: Mutex::new(Seen::default()),
            next_id: AtomicU64::new(1),
            calls: AtomicUsize::new(0),
            queue: Mutex::new(Vec::new()),
            queued: tokio::sync::Notify::new(),
        })
    }

    /// Updates with `update_id >= offset`, at most `limit`; older ones are confirmed (dropped).
    fn take(&self, offset: i64, limit: usize) -> Vec<Value> {
        let mut q = self.queue.lock().expect("lock");
        q.retain(|u| u["update_id"].as_i64().unwrap_or_default() >= offset);
        q.iter().take(limit).cloned().collect()
    }
}

async fn get_updates(fake: &Fake, p: &Value) -> Value {
    let offset = p["offset"].as_i64().unwrap_or_default();
    let limit = p["limit"].as_u64().unwrap_or(100).min(100) as usize;
    let timeout = Duration::from_secs(p["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = fake.queued.notified();
        let got = fake.take(offset, limit);
        if !got.is_empty() || tokio::time::Instant::now() >= deadline {
            return Value::Array(got);
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

async fn bot_api(
    State(fake): State<Arc<Fake>>,
    Path((_token, method)): Path<(String, String)>,
    body: Bytes,
) -> axum::Json<Value> {
    fake.calls.fetch_add(1, Ordering::Relaxed);
    let p: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let now = Instant::now();
    let result = match method.to_ascii_lowercase().as_str() {
        "getupdates" => get_updates(&fake, &p).await,
        "getme" => json!({"id": 4242, "is_bot": true, "first_name": "Load", "username": "load_bot",
                          "can_join_groups": true, "can_read_all_group_messages": true,
                          "supports_inline_queries": false, "can_connect_to_business": false,
                          "has_main_web_app": false}),
        "sendmessage" => {
            let chat = p["chat_id"].as_i64().unwrap_or_default();
            let reply = p["reply_parameters"]["message_id"].as_i64();
            let buttons = p["reply_markup"]["inline_keyboard"].to_string();
            let mut seen = fake.seen.lock().expect("lock");
            match reply {
                Some(r) if buttons.contains("fb:") => {
                    seen.warnings.entry((chat, r)).or_default().push(now);
                }
                _ => seen.other_sends += 1,
            }
            drop(seen);
            let id = fake.next_id.fetch_add(1, Ordering::Relaxed);
            let chat_json = if chat < 0 {
                json!({"id": chat, "type": "supergroup", "title": "g"})
            } else {
                json!({"id": chat, "type": "private", "first_name": "u"})
            };
            json!({"message_id": id, "date": 1_700_000_000, "chat": chat_json,
                   "from": {"id": 4242, "is_bot": true, "first_name": "Load"},
                   "text": p["text"].clone()})
        }
        "deletemessage" => {
            let chat = p["chat_id"].as_i64().unwrap_or_default();
            let mid = p["message_id"].as_i64().unwrap_or_default();
            fake.seen
                .lock()
                .expect("lock")
                .deletes
                .entry((chat, mid))
                .or_default()
                .push(now);
            json!(true)
        }
        "getchatmember" => {
            let user = p["user_id"].as_i64().unwrap_or_default();
            if user == 4242 {
                json!({"status": "administrator", "user": {"id": 4242, "is_bot": true, "first_name": "Load"},
                       "can_be_edited": false, "is_anonymous": false, "can_manage_chat": true,
                       "can_delete_messages": true, "can_manage_video_chats": false,
                       "can_restrict_members": true, "can_promote_members": false,
                       "can_change_info": false, "can_invite_users": true, "can_post_stories": false,
                       "can_edit_stories": false, "can_delete_stories": false, "can_pin_messages": false,
                       "can_manage_topics": false})
            } else {
                json!({"status": "member", "user": {"id": user, "is_bot": false, "first_name": "m"}})
            }
        }
        "getchatadministrators" => json!([]),
        "getwebhookinfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        _ => json!(true),
    };
    axum::Json(json!({"ok": true, "result": result}))
}

/// One scheduled update and what it should cause.
struct Planned {
    at: Duration,
    body: Vec<u8>,
    /// A warning replying to (chat, message), or a deletion of it in a group.
    expect: Option<(i64, i64, bool)>,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn private_update(id: i64, chat: i64, mid: i64, text: &str, forwarded: bool) -> Value {
    let mut m = json!({
        "message_id": mid, "date": 1_700_000_000,
        "chat": {"id": chat, "type": "private", "first_name": "u"},
        "from": {"id": chat, "is_bot": false, "first_name": "u", "language_code": "zh-hans"},
        "text": text,
    });
    if forwarded {
        m["forward_origin"] =
            json!({"type": "hidden_user", "sender_user_name": "客服", "date": 1_699_999_000});
    }
    json!({"update_id": id, "message": m})
}

fn group_update(id: i64, chat: i64, user: i64, mid: i64, text: &str) -> Value {
    json!({"update_id": id, "message": {
        "message_id": mid, "date": 1_700_000_000,
        "chat": {"id": chat, "type": "supergroup", "title": "group"},
        "from": {"id": user, "is_bot": false, "first_name": "m", "language_code": "zh-hans"},
        "text": text,
    }})
}

/// `total` updates at `rate` per second: 80% private, 20% group; 2% of private chats forward
/// a scam conversation (a harmless opener, then a trigger), 0.5% of group messages are a
/// trigger.
fn plan(rate: u64, total: u64, seed: u64) -> Vec<Planned> {
    let mut rng = Rng(seed | 1);
    let mut next_mid: HashMap<i64, i64> = HashMap::new();
    let mut scam_step: HashMap<i64, u8> = HashMap::new();
    let mut out = Vec::with_capacity(total as usize);
    let gap = Duration::from_nanos(1_000_000_000 / rate);
    for i in 0..total {
        let at = gap * u32::try_from(i).unwrap_or(u32::MAX);
        let id = 1_000_000 + i as i64;
        if rng.below(100) < 80 {
            let chat = 1 + rng.below(PRIVATE_CHATS as u64) as i64;
            let mid = {
                let m = next_mid.entry(chat).or_insert(0);
                *m += 1;
                *m
            };
            let scammy = chat % 50 == 0;
            let step = scam_step.entry(chat).or_insert(0);
            let (text, expect) = if scammy && *step == 1 {
                *step = 2;
                (
                    TRIGGERS[rng.below(TRIGGERS.len() as u64) as usize],
                    Some((chat, mid, false)),
                )
            } else {
                if scammy && *step == 0 {
                    *step = 1;
                }
                (HARMLESS[rng.below(HARMLESS.len() as u64) as usize], None)
            };
            let body =
                serde_json::to_vec(&private_update(id, chat, mid, text, true)).expect("json");
            out.push(Planned { at, body, expect });
        } else {
            let g = rng.below(GROUPS as u64) as i64;
            let chat = -1_000_000_000_000 - g;
            let user = 100_000 + g * MEMBERS_PER_GROUP + rng.below(MEMBERS_PER_GROUP as u64) as i64;
            let mid = {
                let m = next_mid.entry(chat).or_insert(0);
                *m += 1;
                *m
            };
            let (text, expect) = if rng.below(1000) < 5 {
                (
                    TRIGGERS[rng.below(TRIGGERS.len() as u64) as usize],
                    Some((chat, mid, true)),
                )
            } else {
                (HARMLESS[rng.below(HARMLESS.len() as u64) as usize], None)
            };
            let body = serde_json::to_vec(&group_update(id, chat, user, mid, text)).expect("json");
            out.push(Planned { at, body, expect });
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Histogram quantile from Prometheus buckets of `name` summed over labels.
fn histogram_quantile(metrics: &str, name: &str, q: f64) -> Option<f64> {
    let mut buckets: Vec<(f64, f64)> = Vec::new();
    for l in metrics
        .lines()
        .filter(|l| l.starts_with(&format!("{name}_bucket")))
    {
        let le = l.split("le=\"").nth(1)?.split('"').next()?;
        let le = if le == "+Inf" {
            f64::INFINITY
        } else {
            le.parse().ok()?
        };
        let v: f64 = l.rsplit(' ').next()?.parse().ok()?;
        match buckets.iter_mut().find(|(b, _)| *b == le) {
            Some((_, c)) => *c += v,
            None => buckets.push((le, v)),
        }
    }
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = buckets.last()?.1;
    let want = total * q;
    buckets.iter().find(|(_, c)| *c >= want).map(|(le, _)| *le)
}

fn metric_sum(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.split(['{', ' ']).next() == Some(name))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// The fake Bot API, serving on a free loopback port.
async fn start_fake() -> (Arc<Fake>, SocketAddr) {
    let fake = Fake::new();
    let app = Router::new()
        .route("/{token}/{method}", post(bot_api).get(bot_api))
        .with_state(fake.clone());
    let api = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = api.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(api, app).await });
    (fake, addr)
}

/// The bot with a config of `sections` (after the database, the token and the API URL),
/// its database and log in `dir`. Returns the process and its log.
fn spawn_bot(
    dir: &std::path::Path,
    api_addr: SocketAddr,
    sections: &str,
) -> (std::process::Child, std::path::PathBuf) {
    let config = dir.join("bot.toml");
    std::fs::write(
        &config,
        format!(
            "database = \"{}\"\n[telegram]\ntoken = \"{TOKEN}\"\napi_url = \"http://{api_addr}\"\n{sections}",
            dir.join("bot.db").display()
        ),
    )
    .expect("config");
    let log = dir.join("bot.log");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_scamguard"))
        .arg("run")
        .arg("--config")
        .arg(&config)
        .env_remove("RUST_LOG")
        .env_remove("TELOXIDE_TOKEN")
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("spawn scamguard");
    (child, log)
}

async fn run_once(rate: u64, seconds: u64) {
    run(rate, seconds, 1, None).await;
}

/// A redis-server of the driver's own on a free loopback port, nothing saved.
fn own_redis() -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server (apt install redis-server)");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, format!("redis://127.0.0.1:{port}/0"))
}

/// The load run against `replicas` bots; with `redis`, all of them on that server under one
/// fresh prefix, each delivery to the next replica in turn (a 503 goes to the following one).
async fn run(rate: u64, seconds: u64, replicas: usize, redis: Option<&str>) {
    let (fake, api_addr) = start_fake().await;
    let redis_section = redis.map_or_else(String::new, |url| {
        format!(
            "[redis]\nurl = \"{url}\"\nprefix = \"load-{}-{rate}-{replicas}:\"\n",
            std::process::id()
        )
    });
    let mut dirs = Vec::new();
    let mut bots = Vec::new();
    let mut addrs = Vec::new();
    for _ in 0..replicas {
        let dir = tempfile::tempdir().expect("tempdir");
        let (child, log) = spawn_bot(
            dir.path(),
            api_addr,
            &format!(
                "throttle = false\n[webhook]\nurl = \"https://load.example/hook\"\nsecret = \"{SECRET}\"\nqueue = 10000\n\
                 [http]\nlisten = \"127.0.0.1:0\"\n[reload]\nwatch = false\n{redis_section}"
            ),
        );
        addrs.push(wait_listening(&log, "webhook registered").await);
        bots.push(child);
        dirs.push(dir);
    }

    let total = rate * seconds;
    let planned = Arc::new(plan(rate, total, 0x5ca1_ab1e ^ rate));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("client");
    let permits = Arc::new(tokio::sync::Semaphore::new(CONNECTIONS));
    let acks = Arc::new(Mutex::new(Vec::with_capacity(total as usize)));
    let retries = Arc::new(AtomicUsize::new(0));
    let urls: Arc<Vec<String>> =
        Arc::new(addrs.iter().map(|a| format!("http://{a}/hook")).collect());
    let t0 = Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..planned.len() {
        let at = t0 + planned[i].at;
        tokio::time::sleep_until(at.into()).await;
        let permit = permits.clone().acquire_owned().await.expect("permit");
        let (client, urls, planned, acks, retries) = (
            client.clone(),
            urls.clone(),
            planned.clone(),
            acks.clone(),
            retries.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let mut replica = i;
            loop {
                let r = client
                    .post(&urls[replica % urls.len()])
                    .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
                    .header("content-type", "application/json")
                    .body(planned[i].body.clone())
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().as_u16() == 200 => break,
                    _ => {
                        replica += 1;
                        retries.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
            acks.lock().expect("lock").push(at.elapsed());
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let offered_for = t0.elapsed();
    // Wait until every expected reaction arrived (bounded), then for quiet.
    let expected: Vec<(i64, i64, bool, Duration)> = planned
        .iter()
        .filter_map(|p| p.expect.map(|(c, m, g)| (c, m, g, p.at)))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = {
            let seen = fake.seen.lock().expect("lock");
            expected.iter().all(|(c, m, g, _)| {
                if *g {
                    seen.deletes.contains_key(&(*c, *m))
                } else {
                    seen.warnings.contains_key(&(*c, *m))
                }
            })
        };
        if done || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all_reacted = t0.elapsed();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut metrics = Vec::new();
    let mut rss = Vec::new();
    for (addr, child) in addrs.iter().zip(&bots) {
        metrics.push(metrics_of(*addr).await);
        rss.push(peak_rss_kib(child.id()));
    }
    for child in &mut bots {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
    }

    let seen = fake.seen.lock().expect("lock");
    let mut reaction = Vec::new();
    let (mut private_reaction, mut group_reaction) = (Vec::new(), Vec::new());
    let (mut missing, mut doubled) = (0, 0);
    for (c, m, g, at) in &expected {
        let times = if *g {
            seen.deletes.get(&(*c, *m))
        } else {
            seen.warnings.get(&(*c, *m))
        };
        match times {
            None => missing += 1,
            Some(t) => {
                if t.len() > 1 {
                    doubled += 1;
                }
                let d = t[0].duration_since(t0 + *at);
                reaction.push(d);
                if *g {
                    group_reaction.push(d);
                } else {
                    private_reaction.push(d);
                }
            }
        }
    }
    private_reaction.sort();
    group_reaction.sort();
    let expected_private: std::collections::HashSet<(i64, i64)> = expected
        .iter()
        .filter(|e| !e.2)
        .map(|e| (e.0, e.1))
        .collect();
    let unexpected = seen
        .warnings
        .keys()
        .filter(|k| !expected_private.contains(k))
        .count();
    let mut acks = acks.lock().expect("lock").clone();
    acks.sort();
    reaction.sort();
    let handled: Vec<f64> = metrics
        .iter()
        .map(|m| metric_sum(m, "scamguard_updates_total"))
        .collect();
    println!(
        "== offered {rate} updates/s for {seconds} s ({total} updates, {CONNECTIONS} connections) to {replicas} replica(s), state in {}",
        if redis.is_some() { "Redis" } else { "SQLite" }
    );
    println!(
        "delivered in {:.2} s: {:.0} updates/s; 503s retried: {}",
        offered_for.as_secs_f64(),
        total as f64 / offered_for.as_secs_f64(),
        retries.load(Ordering::Relaxed)
    );
    println!("handled by each replica (scamguard_updates_total): {handled:?}");
    println!(
        "ack (scheduled -> 200): p50 {} p99 {} max {}",
        ms(percentile(&acks, 0.5)),
        ms(percentile(&acks, 0.99)),
        ms(acks.last().copied().unwrap_or_default())
    );
    println!(
        "warning/deletion (scheduled -> Bot API call), {} expected: p50 {} p99 {} max {}",
        expected.len(),
        ms(percentile(&reaction, 0.5)),
        ms(percentile(&reaction, 0.99)),
        ms(reaction.last().copied().unwrap_or_default())
    );
    for (name, r) in [
        ("private warnings", &private_reaction),
        ("group deletions", &group_reaction),
    ] {
        println!(
            "  {name} ({}): p50 {} p99 {} max {}",
            r.len(),
            ms(percentile(r, 0.5)),
            ms(percentile(r, 0.99)),
            ms(r.last().copied().unwrap_or_default())
        );
    }
    for m in &metrics {
        println!(
            "handling (bot histogram, bucket bounds): p50 <= {:?} s, p99 <= {:?} s",
            histogram_quantile(m, "scamguard_handling_seconds", 0.5),
            histogram_quantile(m, "scamguard_handling_seconds", 0.99)
        );
    }
    println!(
        "missing {missing}, doubled {doubled}, unexpected warnings {unexpected}, other sends {}, all reacted after {:.2} s",
        seen.other_sends,
        all_reacted.as_secs_f64()
    );
    for kib in rss.into_iter().flatten() {
        println!("bot peak RSS: {:.1} MiB", kib as f64 / 1024.0);
    }
    drop(dirs);
}

/// The long-polling burst: `chats` private chats each forward `per_chat` harmless messages,
/// all queued at once, and one danger message from a fresh chat after them. Reports the time
/// until every update is handled, the calm answers drawn, and the danger warning's latency.
async fn polling_burst(chats: i64, per_chat: i64, throttle: bool) {
    let (fake, api_addr) = start_fake().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, log) = spawn_bot(
        dir.path(),
        api_addr,
        &format!(
            "throttle = {throttle}\n[http]\nlisten = \"127.0.0.1:0\"\n[reload]\nwatch = false\n"
        ),
    );
    let addr = wait_listening(&log, "connected").await;
    let mut id = 2_000_000;
    {
        let mut q = fake.queue.lock().expect("lock");
        for m in 1..=per_chat {
            for c in 1..=chats {
                q.push(private_update(
                    id,
                    c,
                    m,
                    HARMLESS[((c + m) % HARMLESS.len() as i64) as usize],
                    true,
                ));
                id += 1;
            }
        }
        q.push(private_update(id, chats + 1, 1, TRIGGERS[0], true));
    }
    let t0 = Instant::now();
    fake.queued.notify_waiters();
    let total = (chats * per_chat + 1) as f64;
    let mut warned_after = None;
    let handled_after = loop {
        if warned_after.is_none() && !fake.seen.lock().expect("lock").warnings.is_empty() {
            warned_after = Some(t0.elapsed());
        }
        let metrics = metrics_of(addr).await;
        let handled = metric_sum(&metrics, "scamguard_handling_seconds_count");
        if handled >= total {
            break t0.elapsed();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(300),
            "not all handled: {handled}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    while warned_after.is_none() && t0.elapsed() < Duration::from_secs(60) {
        if !fake.seen.lock().expect("lock").warnings.is_empty() {
            warned_after = Some(t0.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Calm answers come after the quiet time (2.5 s by default).
    tokio::time::sleep(Duration::from_secs(6)).await;
    let calm = fake.seen.lock().expect("lock").other_sends;
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    println!(
        "== long polling, {chats} chats x {per_chat} harmless forwards at once, throttle {throttle}"
    );
    println!(
        "all {total} handled after {:.2} s ({:.0} updates/s); calm answers: {calm}; danger warned after {}",
        handled_after.as_secs_f64(),
        total / handled_after.as_secs_f64(),
        warned_after.map_or_else(|| "never".to_string(), ms)
    );
}

async fn metrics_of(addr: SocketAddr) -> String {
    match reqwest::get(format!("http://{addr}/metrics")).await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Wait for `marker` in the bot's log; returns the HTTP listener's address.
async fn wait_listening(log: &std::path::Path, marker: &str) -> SocketAddr {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.contains(marker)
            && let Some(l) = text.lines().find(|l| l.contains("http listening"))
        {
            let a = l
                .split("listen=")
                .nth(1)
                .expect("addr")
                .split_whitespace()
                .next()
                .expect("addr");
            return a.parse().expect("addr");
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "bot did not start:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The driver's runtime: two workers, as many as the machine has cores.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if args.first().map(String::as_str) == Some("polling") {
        let rt = runtime();
        rt.block_on(async {
            polling_burst(300, 10, true).await;
            polling_burst(300, 10, false).await;
        });
        return;
    }
    if args.first().map(String::as_str) == Some("replicas") {
        // `replicas [RATE] [SECONDS]`: Redis-backed, one replica then two, the same traffic.
        let rate: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3000);
        let seconds: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20);
        let (mut redis, url) = own_redis();
        let rt = runtime();
        rt.block_on(async {
            run(rate, seconds, 1, Some(&url)).await;
            run(rate, seconds, 2, Some(&url)).await;
        });
        let _ = redis.kill();
        return;
    }
    let rate: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let rt = runtime();
    let once = args.get(2).is_some_and(|a| a == "once");
    rt.block_on(async {
        run_once(rate, seconds).await;
        if !once {
            run_once(rate * 2, seconds).await;
        }
    });
}
