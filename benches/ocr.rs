//! Screenshot reading: how long Tesseract takes on one core for a 1080×2400 phone screenshot,
//! the same sent as a Telegram photo (576×1280 JPEG), and a 1280×960 photo of a screen; then
//! 20 screenshots arriving at once, read one per core, with the scan of a text message timed
//! while they are read. Every image is rendered here (tests/support/screens.rs).
//!
//! `cargo bench --bench ocr` (needs tesseract with chi_sim, and fonts-noto-cjk). Results are
//! in the "Screenshots (OCR)" section of BENCHMARKS.md. Not run in CI.

#[allow(dead_code)]
#[path = "../tests/support/screens.rs"]
mod screens;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::GrayImage;
use scamguard::engine::{Engine, LoadOptions};
use scamguard::i18n::Lang;
use scamguard::media::ocr::{Tesseract, read_screenshot};
use scamguard::media::qr::{ImageLimits, decode_luma};
use screens::{Item, Script, mine, theirs};

const RUNS: usize = 7;

fn chat_items() -> Vec<Item> {
    let mut items = vec![Item::Time("昨天 15:02".into())];
    let lines = [
        "您好，我是快递理赔专员，您的包裹在运输途中丢失了，我们给您双倍理赔。",
        "那要怎么办？",
        "您扫一下我发的二维码，打开画面共享，我一步步教您领取。",
        "先下载一个手机银行，转账1元激活账户。",
        "好的，已经下载了",
        "现在需要再转账9999元用以验证账户是否激活成功，确认后本金和理赔金一同返还。",
        "这么多钱我没有",
        "可以先转一部分，系统确认以后马上退回给您，不会有任何损失的。",
    ];
    for (i, l) in lines.iter().enumerate() {
        items.push(if i % 2 == 0 { theirs(l) } else { mine(l) });
    }
    items
}

fn luma(bytes: &[u8]) -> GrayImage {
    decode_luma(bytes, &ImageLimits::default()).expect("decodes")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time_reads(t: &Tesseract, name: &str, img: &GrayImage) {
    let mut times = Vec::new();
    let mut messages = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = read_screenshot(t, img, Lang::ZhCn).expect("reads");
        times.push(start.elapsed());
        messages = r.messages.len();
    }
    let (min, max) = (
        times.iter().min().copied().unwrap_or_default(),
        times.iter().max().copied().unwrap_or_default(),
    );
    println!(
        "{name:<44} {:>4}×{:<5} median {:>7.0} ms  (min {:.0}, max {:.0}; {messages} messages)",
        img.width(),
        img.height(),
        median(times).as_secs_f64() * 1000.0,
        min.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0
    );
}

fn main() {
    let t = match Tesseract::probe(Path::new("tesseract"), None) {
        Ok(t) if screens::font_available() => Arc::new(t),
        _ => {
            eprintln!("tesseract or fonts-noto-cjk is not installed: nothing to measure");
            return;
        }
    };
    let screen = screens::chat("理赔专员", &chat_items(), Script::Simplified);
    let shot = luma(&screens::png(&screen));
    let small = image::imageops::resize(&screen, 576, 1280, image::imageops::FilterType::Triangle);
    let telegram = luma(&screens::jpeg(&small, 80));
    let part = image::imageops::crop_imm(&screen, 0, 0, screens::WIDTH, 1250).to_image();
    let photo = luma(&screens::photo_of_screen(&part, 60));

    println!("one read at a time (OMP_THREAD_LIMIT=1, as the bot runs it), {RUNS} runs each:");
    time_reads(&t, "phone screenshot, PNG", &shot);
    time_reads(&t, "the same as a Telegram photo (JPEG q80)", &telegram);
    time_reads(&t, "photo of a screen at an angle (JPEG q60)", &photo);

    // 20 screenshots at once, one reader per core (the bot's semaphore), and a text scan
    // timed before and while they are read.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let engine = Engine::embedded(&LoadOptions::default()).expect("rules");
    let text = "您扫一下我发的二维码，打开画面共享，我一步步教您领取。先下载一个手机银行，转账1元激活账户。";
    let scan_median = |n: usize| {
        let mut v = Vec::new();
        for _ in 0..n {
            let s = Instant::now();
            std::hint::black_box(engine.scan(text));
            v.push(s.elapsed());
        }
        median(v)
    };
    let idle_scan = scan_median(2000);
    let queue = Arc::new(std::sync::Mutex::new((0..20).collect::<Vec<usize>>()));
    let started = Instant::now();
    let done = Arc::new(std::sync::Mutex::new(Vec::new()));
    let readers: Vec<_> = (0..cores)
        .map(|_| {
            let (queue, done, t, shot) = (queue.clone(), done.clone(), t.clone(), shot.clone());
            std::thread::spawn(move || {
                while let Some(_job) = queue.lock().expect("queue").pop() {
                    read_screenshot(&t, &shot, Lang::ZhCn).expect("reads");
                    done.lock().expect("done").push(started.elapsed());
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let busy_scan = scan_median(2000);
    for r in readers {
        r.join().expect("reader");
    }
    let mut finished = done.lock().expect("done").clone();
    finished.sort();
    println!(
        "20 screenshots at once, {cores} reader(s): first answered after {:.2} s, median {:.2} s, last {:.2} s",
        finished[0].as_secs_f64(),
        finished[finished.len() / 2].as_secs_f64(),
        finished[finished.len() - 1].as_secs_f64()
    );
    println!(
        "text scan median: {:.1} µs idle, {:.1} µs while the readers run ({:.2}×)",
        idle_scan.as_secs_f64() * 1e6,
        busy_scan.as_secs_f64() * 1e6,
        busy_scan.as_secs_f64() / idle_scan.as_secs_f64()
    );
}
