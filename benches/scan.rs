//! Scan throughput with the full rule set, normalization alone, and, as the floor, a bare
//! Aho-Corasick pass of the same literals over the same normalized text.
//!
//! `cargo bench --bench scan` runs the criterion groups, then prints a side-by-side summary
//! (median per message, MB/s of original text, ratio of `scan` to the floor) measured in one
//! interleaved run.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{BenchmarkId, Criterion, Throughput};
use scamguard::engine::Engine;
use scamguard::text::normalize;

const ZH: &str = "您好，我是快递中转站的客服，您的包裹在运输途中丢失了，我们和商家协商给您理赔。\
请您添加我们理赔专员的微信，按照指引操作。今天下午三点前处理完毕，理赔金额会原路返回到您的账户。\
如果有其他问题，可以随时联系我们。祝您生活愉快，谢谢您的配合与支持。明天见，周末愉快！";
const EN: &str = "Hi, this is the delivery team. Your parcel could not be delivered because the \
address was incomplete. Please confirm your details and we will arrange a new delivery slot \
for tomorrow morning. Thanks for shopping with us and have a great weekend, see you soon!";

fn take_chars(s: &str, n: usize) -> String {
    s.chars().cycle().take(n).collect()
}

fn cases() -> Vec<(String, String)> {
    let mut v = Vec::new();
    for (lang, base) in [("zh", ZH), ("en", EN)] {
        for (size, n) in [("short", 40), ("typical", 200), ("long", 4096)] {
            v.push((format!("{lang}-{size}"), take_chars(base, n)));
        }
    }
    v
}

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    Engine::load_dir(&dir).unwrap_or_else(|e| panic!("rules do not load:\n{e}"))
}

fn floor_automaton(engine: &Engine) -> AhoCorasick {
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(engine.literals())
        .expect("automaton")
}

fn floor_scan(ac: &AhoCorasick, text: &str) -> usize {
    ac.find_overlapping_iter(text).count()
}

fn median_ns(mut f: impl FnMut(), iters: u32) -> f64 {
    let mut samples: Vec<f64> = (0..31)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(iters)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn summary(engine: &Engine, ac: &AhoCorasick) {
    println!(
        "\n{} rules, {} literals\n{:<12} {:>7} {:>11} {:>11} {:>11} {:>9} {:>9} {:>7}",
        engine.rules().len(),
        engine.literals().len(),
        "case",
        "bytes",
        "scan ns",
        "normalize",
        "floor ns",
        "scan MB/s",
        "floorMB/s",
        "ratio"
    );
    for (name, text) in cases() {
        let iters = (200_000 / text.len().max(1)).clamp(20, 20_000) as u32;
        let folded = normalize(&text);
        let scan = median_ns(|| drop(black_box(engine.scan(black_box(&text)))), iters);
        let norm = median_ns(|| drop(black_box(normalize(black_box(&text)))), iters);
        let floor = median_ns(
            || {
                black_box(floor_scan(ac, black_box(folded.as_str())));
            },
            iters,
        );
        let mbs = |ns: f64| text.len() as f64 / ns * 1e9 / 1e6;
        println!(
            "{name:<12} {:>7} {scan:>11.0} {norm:>11.0} {floor:>11.0} {:>9.1} {:>9.1} {:>6.2}x",
            text.len(),
            mbs(scan),
            mbs(floor),
            scan / floor
        );
    }
}

/// Link analysis cost: the same rules with and without `links/links.toml`, side by side.
fn link_summary(with_links: &Engine) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let sources = scamguard::rules::read_dir(&dir).expect("rules read");
    let without = Engine::from_sources(&sources, &scamguard::engine::LoadOptions::default())
        .expect("rules compile");
    let cases = [
        (
            "en-link",
            "USPS: your package is on hold, update your address within 24 hours at https://usps-redeliver.top/us?id=88213",
        ),
        (
            "zh-link",
            "【顺丰速运】您的快件因地址不详无法派送，请在24小时内点击 http://sf-express-dz.vip/u 更新地址",
        ),
        (
            "en-no-link",
            "Hi mum, my phone broke, this is my new number, can you send me 200 for the repair today",
        ),
        (
            "zh-no-link",
            "您好，我是京东客服，您购买的商品因为质量问题已经被退回，现在在线为您办理退货退款",
        ),
    ];
    println!(
        "\nlink analysis\n{:<12} {:>14} {:>14} {:>8}",
        "case", "with links ns", "without ns", "ratio"
    );
    for (name, text) in cases {
        let a = median_ns(|| drop(black_box(with_links.scan(black_box(text)))), 20_000);
        let b = median_ns(|| drop(black_box(without.scan(black_box(text)))), 20_000);
        println!("{name:<12} {a:>14.0} {b:>14.0} {:>7.2}x", a / b);
    }
}

fn main() {
    let engine = engine();
    let ac = floor_automaton(&engine);
    let mut c = Criterion::default().configure_from_args();
    for (name, text) in cases() {
        let mut g = c.benchmark_group(name.clone());
        g.throughput(Throughput::Bytes(text.len() as u64));
        let folded = normalize(&text);
        g.bench_function(BenchmarkId::new("scan", text.len()), |b| {
            b.iter(|| engine.scan(black_box(&text)));
        });
        g.bench_function(BenchmarkId::new("normalize", text.len()), |b| {
            b.iter(|| normalize(black_box(&text)));
        });
        g.bench_function(BenchmarkId::new("floor-aho-corasick", text.len()), |b| {
            b.iter(|| floor_scan(&ac, black_box(folded.as_str())));
        });
        g.finish();
    }
    c.final_summary();
    summary(&engine, &ac);
    link_summary(&engine);
}
