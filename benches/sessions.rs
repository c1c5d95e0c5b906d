//! Memory and speed of the session store.
//!
//! `cargo bench --bench sessions` prints: the size of one `Conversation` and of one map entry,
//! the resident memory added by 1,000,000 conversations, and the median time of `observe` on a
//! hot key, on new keys, and on new keys with the store full (eviction included).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use scamguard::conversation::{Conversation, Timestamp};
use scamguard::engine::{Finding, Level, RuleMeta, Scan, Stage};
use scamguard::sessions::{ConversationKey, SessionConfig, SessionStore};

const MILLION: usize = 1_000_000;
const BATCH: usize = 10_000;
const BATCHES: usize = 51;

fn main() {
    let scans = scans();
    let entry = std::mem::size_of::<(ConversationKey, Conversation)>();
    println!(
        "size_of::<Conversation>()                  {:>8} bytes",
        std::mem::size_of::<Conversation>()
    );
    println!(
        "size_of::<ConversationKey>()               {:>8} bytes",
        std::mem::size_of::<ConversationKey>()
    );
    println!(
        "size_of::<(ConversationKey, Conversation)> {entry:>8} bytes (+1 control byte per bucket)"
    );
    println!(
        "heap owned by one Conversation             {:>8} bytes (families hold shared Arc<RuleMeta>)",
        0
    );

    memory(&scans);
    throughput(&scans);
}

/// A few messages of a scam, each with findings of one or two rules.
fn scans() -> Vec<Scan> {
    let rule = |id: &str, stage, weight, trigger| {
        Arc::new(RuleMeta {
            id: id.to_owned(),
            family: "fake_customer_service".to_owned(),
            stage,
            weight,
            trigger,
            explain: String::new(),
        })
    };
    let rules = [
        vec![rule("cs.pretext", Stage::Pretext, 20, false)],
        vec![rule("cs.hook", Stage::Hook, 30, false)],
        vec![
            rule("cs.channel", Stage::Channel, 20, false),
            rule("cs.hook2", Stage::Hook, 10, false),
        ],
        vec![rule("cs.control", Stage::Control, 80, true)],
        vec![rule("cs.extract", Stage::Extract, 90, true)],
    ];
    rules
        .into_iter()
        .map(|rules| {
            let trigger = rules.iter().any(|r| r.trigger);
            Scan {
                score: rules.iter().map(|r| r.weight).sum(),
                level: if trigger {
                    Level::Danger
                } else {
                    Level::Caution
                },
                findings: rules
                    .into_iter()
                    .map(|rule| Finding {
                        rule,
                        evidence: 0..4,
                    })
                    .collect(),
                ..Scan::default()
            }
        })
        .collect()
}

fn group_key(i: usize) -> ConversationKey {
    ConversationKey::Group {
        chat: -1_000_000_000_000 - (i % 1000) as i64,
        sender: i as i64,
    }
}

/// Resident set size in bytes, from `/proc/self/statm` (4 KiB pages).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn memory(scans: &[Scan]) {
    let before = rss();
    let store = SessionStore::new(SessionConfig {
        max_entries: MILLION,
        ..SessionConfig::default()
    });
    let t0 = Timestamp(1_700_000_000_000);
    let start = Instant::now();
    for i in 0..MILLION {
        black_box(store.observe(
            group_key(i),
            &scans[i % scans.len()],
            t0.plus(Duration::from_micros(i as u64)),
        ));
    }
    let elapsed = start.elapsed();
    let after = rss();
    assert_eq!(store.len(), MILLION);
    println!(
        "inserted {MILLION} distinct keys in {:.2} s ({:.0} ns/insert)",
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / MILLION as f64
    );
    match (before, after) {
        (Some(before), Some(after)) => {
            let grown = after.saturating_sub(before);
            println!(
                "RSS growth for {MILLION} conversations      {:>8.1} MiB ({} bytes per conversation)",
                grown as f64 / (1024.0 * 1024.0),
                grown / MILLION as u64
            );
        }
        _ => println!("RSS: /proc/self/statm not readable"),
    }
    drop(store);
}

fn throughput(scans: &[Scan]) {
    let t0 = Timestamp(1_700_000_000_000);

    // One conversation, every message to it.
    let store = SessionStore::new(SessionConfig::default());
    let key = ConversationKey::Private { chat: 42 };
    let mut n = 0u64;
    let hot = median_ns(|| {
        n += 1;
        black_box(store.observe(
            key,
            &scans[n as usize % scans.len()],
            t0.plus(Duration::from_millis(n)),
        ));
    });
    println!(
        "observe, hot key                           {hot:>8.0} ns/op (median of {BATCHES} x {BATCH})"
    );

    // Every message from a new sender, store below its cap.
    let store = SessionStore::new(SessionConfig {
        max_entries: MILLION,
        ..SessionConfig::default()
    });
    let mut i = 0usize;
    let distinct = median_ns(|| {
        i += 1;
        black_box(store.observe(
            group_key(i),
            &scans[i % scans.len()],
            t0.plus(Duration::from_millis(i as u64)),
        ));
    });
    println!(
        "observe, distinct keys (below cap)         {distinct:>8.0} ns/op (median of {BATCHES} x {BATCH})"
    );

    // A flood of new senders against a full store: eviction amortised in.
    let cap = 100_000;
    let store = SessionStore::new(SessionConfig {
        max_entries: cap,
        ..SessionConfig::default()
    });
    for i in 0..cap {
        store.observe(group_key(i), &scans[0], t0);
    }
    let mut i = cap;
    let flood = mean_ns(cap * 5, || {
        i += 1;
        black_box(store.observe(
            group_key(i),
            &scans[i % scans.len()],
            t0.plus(Duration::from_millis(i as u64)),
        ));
    });
    assert!(store.len() <= cap);
    println!(
        "observe, distinct keys at cap {cap}      {flood:>8.0} ns/op (mean over {} inserts, eviction included; {} evicted)",
        cap * 5,
        store.stats().evicted
    );
}

/// Median over batches of the time per call.
fn median_ns(mut op: impl FnMut()) -> f64 {
    let mut per_op: Vec<f64> = (0..BATCHES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..BATCH {
                op();
            }
            start.elapsed().as_nanos() as f64 / BATCH as f64
        })
        .collect();
    per_op.sort_by(f64::total_cmp);
    per_op[BATCHES / 2]
}

/// Mean time per call over `n` calls (for costs that come in periodic bursts).
fn mean_ns(n: usize, mut op: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}
