//! QR decoding: decode rate per degradation and timing, `rqrr` against `rxing`.
//!
//! `cargo bench --bench qr` prints the decode-rate table (every image is
//! generated here with `qrcode`, then degraded by hand: rotation, scaling,
//! perspective, JPEG, noise, a small code in a photo, several codes, a
//! screenshot frame) and then times the decoders with criterion.
//! `QR_RATES_ONLY=1 cargo bench --bench qr` prints the table alone.
//! Results are in the "QR decoding" section of BENCHMARKS.md.

use std::hint::black_box;
use std::io::Cursor;
use std::time::{Duration, Instant};

use criterion::Criterion;
use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, ImageFormat, Luma};
use scamguard::media::qr::{ImageLimits, decode_qr};

const PER_CASE: usize = 10;

const PAYLOADS: [&str; 9] = [
    "https://meeting.tencent.com/dm/abc123XYZ",
    "wxp://f2f0AbCdEf",
    "https://zoom.us/j/98765432100?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ",
    "https://t.me/+AbCdEfGhIjKlMnOp",
    "anydesk:123456789",
    "https://example-support.help/screen-share?id=7731&token=Zx81Qp",
    "WIFI:T:WPA;S:CafeGuest;P:hunter22;;",
    "bitcoin:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh?amount=0.5",
    "https://meeting.tencent.com/dm/Zz9Yy8Xx7",
];

fn payload(i: usize) -> String {
    if i % 10 == 9 {
        // Long text: a version-10-ish code.
        let mut text = String::from("尊敬的客户，您的账户已被冻结。");
        while text.len() < 300 {
            text.push_str(" Scan to join the security meeting and share your screen now.");
        }
        format!("{text} #{i}")
    } else {
        format!(
            "{}{}",
            PAYLOADS[i % PAYLOADS.len()],
            if i >= 10 { "x" } else { "" }
        )
    }
}

// ---------- deterministic randomness ----------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }
    fn gauss(&mut self) -> f64 {
        let (u1, u2) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

// ---------- generation and degradation ----------

fn render(text: &str, module: u32) -> GrayImage {
    qrcode::QrCode::new(text.as_bytes())
        .expect("payload fits a QR code")
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module, module)
        .build()
}

/// A code of about `side` pixels (whole modules).
fn render_side(text: &str, side: u32) -> GrayImage {
    let modules = render(text, 1).width();
    render(text, (side / modules).max(1))
}

fn clamp(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

fn bilinear(src: &GrayImage, x: f64, y: f64, bg: u8) -> u8 {
    let (w, h) = (src.width() as f64, src.height() as f64);
    if x < 0.0 || y < 0.0 || x > w - 1.0 || y > h - 1.0 {
        return bg;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = (
        (x0 + 1).min(src.width() - 1),
        (y0 + 1).min(src.height() - 1),
    );
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let p = |x, y| f64::from(src.get_pixel(x, y)[0]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    clamp(top * (1.0 - fy) + bottom * fy)
}

fn warp(src: &GrayImage, w: u32, h: u32, map: impl Fn(f64, f64) -> (f64, f64)) -> GrayImage {
    GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = map(f64::from(x), f64::from(y));
        Luma([bilinear(src, sx, sy, 255)])
    })
}

fn rotate(src: &GrayImage, degrees: f64) -> GrayImage {
    let (s, c) = degrees.to_radians().sin_cos();
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    let out_w = (w * c.abs() + h * s.abs()).ceil() + 20.0;
    let out_h = (w * s.abs() + h * c.abs()).ceil() + 20.0;
    let (cx, cy, ox, oy) = (w / 2.0, h / 2.0, out_w / 2.0, out_h / 2.0);
    warp(src, out_w as u32, out_h as u32, |x, y| {
        let (dx, dy) = (x - ox, y - oy);
        (c * dx + s * dy + cx, -s * dx + c * dy + cy)
    })
}

fn scale(src: &GrayImage, factor: f64) -> GrayImage {
    let w = (f64::from(src.width()) * factor).round() as u32;
    let h = (f64::from(src.height()) * factor).round() as u32;
    image::imageops::resize(src, w, h, image::imageops::FilterType::Triangle)
}

/// Solves the 3×3 homography (h33 = 1) taking `from[i]` to `to[i]`.
fn homography(from: [(f64, f64); 4], to: [(f64, f64); 4]) -> [f64; 9] {
    let mut m = [[0.0f64; 9]; 8];
    for i in 0..4 {
        let ((x, y), (u, v)) = (from[i], to[i]);
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
            .unwrap_or(col);
        m.swap(col, pivot);
        for row in 0..8 {
            if row != col {
                let f = m[row][col] / m[col][col];
                let pivot_row = m[col];
                for (cell, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                    *cell -= f * p;
                }
            }
        }
    }
    let mut h = [1.0; 9];
    for i in 0..8 {
        h[i] = m[i][8] / m[i][i];
    }
    h
}

/// A mild keystone: the top edge 15% narrower, one corner pulled in.
fn perspective(src: &GrayImage) -> GrayImage {
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    let pad = 40.0;
    let (out_w, out_h) = (w + 2.0 * pad, h + 2.0 * pad);
    let quad = [
        (pad + 0.08 * w, pad + 0.03 * h),
        (pad + 0.92 * w, pad),
        (pad + w, pad + h),
        (pad, pad + 0.96 * h),
    ];
    let corners = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let inv = homography(quad, corners);
    warp(src, out_w as u32, out_h as u32, |x, y| {
        let d = inv[6] * x + inv[7] * y + inv[8];
        (
            (inv[0] * x + inv[1] * y + inv[2]) / d,
            (inv[3] * x + inv[4] * y + inv[5]) / d,
        )
    })
}

fn gaussian_noise(src: &GrayImage, sigma: f64, rng: &mut Rng) -> GrayImage {
    let mut out = src.clone();
    for p in out.pixels_mut() {
        p[0] = clamp(f64::from(p[0]) + sigma * rng.gauss());
    }
    out
}

fn salt_pepper(src: &GrayImage, fraction: f64, rng: &mut Rng) -> GrayImage {
    let mut out = src.clone();
    for p in out.pixels_mut() {
        if rng.unit() < fraction {
            p[0] = if rng.next() & 1 == 0 { 0 } else { 255 };
        }
    }
    out
}

/// A 1280×960 "photo": a lit gradient, a few objects, sensor noise.
fn photo(rng: &mut Rng) -> GrayImage {
    let (w, h) = (1280u32, 960u32);
    let (a, b) = (60.0 + rng.unit() * 60.0, 150.0 + rng.unit() * 80.0);
    let mut img = GrayImage::from_fn(w, h, |x, y| {
        let t = (f64::from(x) / f64::from(w) + f64::from(y) / f64::from(h)) / 2.0;
        Luma([clamp(a + (b - a) * t)])
    });
    for _ in 0..6 {
        let (x0, y0) = (rng.below(w), rng.below(h));
        let (rw, rh) = (40 + rng.below(300), 40 + rng.below(200));
        let shade = rng.below(256) as u8;
        for y in y0..(y0 + rh).min(h) {
            for x in x0..(x0 + rw).min(w) {
                img.put_pixel(x, y, Luma([shade]));
            }
        }
    }
    gaussian_noise(&img, 6.0, rng)
}

fn paste(dst: &mut GrayImage, src: &GrayImage, x0: u32, y0: u32) {
    for (x, y, p) in src.enumerate_pixels() {
        if x0 + x < dst.width() && y0 + y < dst.height() {
            dst.put_pixel(x0 + x, y0 + y, *p);
        }
    }
}

fn paste_random(dst: &mut GrayImage, src: &GrayImage, rng: &mut Rng) {
    let x = rng.below(dst.width().saturating_sub(src.width()).max(1));
    let y = rng.below(dst.height().saturating_sub(src.height()).max(1));
    paste(dst, src, x, y);
}

/// A phone screenshot: status bar, app bar, chat bubbles of "text", the code
/// in a bubble, an input bar.
fn screenshot(text: &str, rng: &mut Rng) -> GrayImage {
    let (w, h) = (720u32, 1560u32);
    let mut img = GrayImage::from_pixel(w, h, Luma([236]));
    let fill = |img: &mut GrayImage, x0: u32, y0: u32, x1: u32, y1: u32, v: u8| {
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                img.put_pixel(x, y, Luma([v]));
            }
        }
    };
    fill(&mut img, 0, 0, w, 50, 20);
    fill(&mut img, 0, 50, w, 150, 70);
    fill(&mut img, 0, h - 120, w, h, 250);
    let mut y = 180;
    for bubble in 0..3 {
        let x0 = if bubble % 2 == 0 { 20 } else { 260 };
        fill(&mut img, x0, y, x0 + 440, y + 140, 255);
        for line in 0..4 {
            let mut x = x0 + 16;
            while x < x0 + 400 {
                let word = 20 + rng.below(60);
                fill(
                    &mut img,
                    x,
                    y + 20 + line * 28,
                    x + word,
                    y + 36 + line * 28,
                    40,
                );
                x += word + 12;
            }
        }
        y += 170;
    }
    let code = render_side(text, 400);
    fill(
        &mut img,
        20,
        y,
        60 + code.width(),
        y + code.height() + 40,
        255,
    );
    paste(&mut img, &code, 40, y + 20);
    img
}

fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("png encodes");
    out
}

fn jpeg(img: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("jpeg encodes");
    out
}

struct Sample {
    bytes: Vec<u8>,
    expected: Vec<String>,
}

/// The typical forwarded photo: one ~300 px code, tilted 8°, in a noisy
/// 1280×960 photo, JPEG q85.
fn typical_photo(text: &str, rng: &mut Rng) -> Vec<u8> {
    let mut img = photo(rng);
    let code = rotate(&render_side(text, 300), 8.0);
    paste_random(&mut img, &code, rng);
    jpeg(&img, 85)
}

fn case(name: &str, i: usize, rng: &mut Rng) -> Sample {
    let text = payload(i);
    let one = |bytes| Sample {
        bytes,
        expected: vec![text.clone()],
    };
    match name {
        "clean" => one(png(&render(&text, 4))),
        "rotate 5°" => one(png(&rotate(&render(&text, 4), 5.0))),
        "rotate 15°" => one(png(&rotate(&render(&text, 4), 15.0))),
        "rotate 45°" => one(png(&rotate(&render(&text, 4), 45.0))),
        "scale 0.5x" => one(png(&scale(&render(&text, 4), 0.5))),
        "scale 2x" => one(png(&scale(&render(&text, 4), 2.0))),
        "perspective" => one(png(&perspective(&render(&text, 5)))),
        "jpeg q30" => one(jpeg(&scale(&render(&text, 4), 1.3), 30)),
        "jpeg q50" => one(jpeg(&scale(&render(&text, 4), 1.3), 50)),
        "jpeg q90" => one(jpeg(&scale(&render(&text, 4), 1.3), 90)),
        "gaussian σ=30" => one(png(&gaussian_noise(&render(&text, 4), 30.0, rng))),
        "salt-pepper 5%" => one(png(&salt_pepper(&render(&text, 4), 0.05, rng))),
        "photo 1280×960, 300 px code" => one(typical_photo(&text, rng)),
        "photo 1280×960, ~120 px code" => {
            let mut img = photo(rng);
            paste_random(&mut img, &render_side(&text, 120), rng);
            one(jpeg(&img, 85))
        }
        "photo 4000×3000, 600 px code" => {
            let big = scale(&photo(rng), 3.125);
            let mut img = gaussian_noise(&big, 4.0, rng);
            paste_random(&mut img, &rotate(&render_side(&text, 600), 4.0), rng);
            one(jpeg(&img, 85))
        }
        "2 codes" | "4 codes" => {
            let n = if name == "2 codes" { 2 } else { 4 };
            let mut img = GrayImage::from_pixel(1280, 960, Luma([245]));
            let expected: Vec<String> = (0..n).map(|k| payload(i + 10 * k)).collect();
            for (k, t) in expected.iter().enumerate() {
                let code = render_side(t, 400);
                let (x, y) = (40 + (k as u32 % 2) * 620, 30 + (k as u32 / 2) * 470);
                paste(&mut img, &code, x, y);
            }
            Sample {
                bytes: png(&gaussian_noise(&img, 5.0, rng)),
                expected,
            }
        }
        "screenshot frame" => one(png(&screenshot(&text, rng))),
        _ => unreachable!("unknown case {name}"),
    }
}

const CASES: [&str; 18] = [
    "clean",
    "rotate 5°",
    "rotate 15°",
    "rotate 45°",
    "scale 0.5x",
    "scale 2x",
    "perspective",
    "jpeg q30",
    "jpeg q50",
    "jpeg q90",
    "gaussian σ=30",
    "salt-pepper 5%",
    "photo 1280×960, 300 px code",
    "photo 1280×960, ~120 px code",
    "photo 4000×3000, 600 px code",
    "2 codes",
    "4 codes",
    "screenshot frame",
];

// ---------- the decoders under comparison, on the same luma image ----------

fn luma(bytes: &[u8]) -> GrayImage {
    image::load_from_memory(bytes)
        .expect("generated image decodes")
        .to_luma8()
}

fn rqrr_decode(img: &GrayImage) -> Vec<String> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x]);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| {
            let mut out = Vec::new();
            g.decode_to(&mut out).ok()?;
            Some(String::from_utf8_lossy(&out).into_owned())
        })
        .collect()
}

fn rxing_decode(img: &GrayImage, try_harder: bool) -> Vec<String> {
    use rxing::multi::MultipleBarcodeReader;
    let Ok(source) =
        rxing::Luma8LuminanceSource::new(img.as_raw().clone(), img.width(), img.height())
    else {
        return Vec::new();
    };
    let mut bitmap = rxing::BinaryBitmap::new(rxing::common::HybridBinarizer::new(source));
    let hints = rxing::DecodeHints {
        TryHarder: Some(try_harder),
        // Without this, byte-mode text is charset-guessed and UTF-8 Chinese
        // comes out as Shift_JIS mojibake.
        CharacterSet: Some("UTF-8".to_owned()),
        ..Default::default()
    };
    rxing::multi::qrcode::QRCodeMultiReader::default()
        .decode_multiple_with_hints(&mut bitmap, &hints)
        .map(|results| results.iter().map(|r| r.getText().to_owned()).collect())
        .unwrap_or_default()
}

fn found_all(found: &[String], expected: &[String]) -> bool {
    expected.iter().all(|e| found.contains(e))
}

const DECODERS: [&str; 4] = ["rqrr", "rxing", "rxing try_harder", "decode_qr"];

fn run_decoder(which: usize, sample: &Sample, img: &GrayImage) -> Vec<String> {
    match which {
        0 => rqrr_decode(img),
        1 => rxing_decode(img, false),
        2 => rxing_decode(img, true),
        _ => decode_qr(&sample.bytes, &ImageLimits::default()).unwrap_or_default(),
    }
}

fn print_rates() {
    println!("\nQR decode rate: images where every payload was found, of {PER_CASE} per row");
    println!("| degradation | {} |", DECODERS.join(" | "));
    println!("|---|{}", "---:|".repeat(DECODERS.len()));
    let mut totals = [0usize; DECODERS.len()];
    let mut times = [Duration::ZERO; DECODERS.len()];
    for name in CASES {
        let mut rng = Rng(name.len() as u64 * 7919);
        let mut hits = [0usize; DECODERS.len()];
        for i in 0..PER_CASE {
            let sample = case(name, i, &mut rng);
            let img = luma(&sample.bytes);
            for (d, hit) in hits.iter_mut().enumerate() {
                let start = Instant::now();
                let found = run_decoder(d, &sample, &img);
                times[d] += start.elapsed();
                if found_all(&found, &sample.expected) {
                    *hit += 1;
                }
            }
        }
        let row: Vec<String> = hits.iter().map(|h| format!("{h}/{PER_CASE}")).collect();
        println!("| {name} | {} |", row.join(" | "));
        for (t, h) in totals.iter_mut().zip(hits) {
            *t += h;
        }
    }
    let all = CASES.len() * PER_CASE;
    let row: Vec<String> = totals.iter().map(|t| format!("**{t}/{all}**")).collect();
    println!("| **total** | {} |", row.join(" | "));
    let row: Vec<String> = times
        .iter()
        .map(|t| format!("{:.0} ms", t.as_secs_f64() * 1000.0 / all as f64))
        .collect();
    println!("| mean time / image | {} |", row.join(" | "));
    println!("(decode_qr includes decoding the image file; the others get luma pixels)\n");
}

fn bench(c: &mut Criterion) {
    let mut rng = Rng(42);
    let text = payload(0);
    let photo_bytes = typical_photo(&text, &mut rng);
    let photo_luma = luma(&photo_bytes);
    assert!(found_all(
        &rqrr_decode(&photo_luma),
        std::slice::from_ref(&text)
    ));
    let empty_bytes = jpeg(&photo(&mut rng), 85);
    let mut thumb = GrayImage::from_pixel(800, 600, Luma([128]));
    paste(
        &mut thumb,
        &gaussian_noise(&photo(&mut rng), 0.0, &mut rng),
        0,
        0,
    );
    let thumb_bytes = jpeg(&thumb, 85);
    let big = {
        let mut img = scale(&photo(&mut rng), 3.125);
        paste_random(&mut img, &render_side(&text, 600), &mut rng);
        jpeg(&img, 85)
    };
    let limits = ImageLimits::default();

    let mut group = c.benchmark_group("qr_photo_1280x960");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("rqrr (luma in)", |b| {
        b.iter(|| rqrr_decode(black_box(&photo_luma)))
    });
    group.bench_function("rxing (luma in)", |b| {
        b.iter(|| rxing_decode(black_box(&photo_luma), false))
    });
    group.bench_function("rxing try_harder (luma in)", |b| {
        b.iter(|| rxing_decode(black_box(&photo_luma), true))
    });
    group.bench_function("jpeg decode to luma only", |b| {
        b.iter(|| luma(black_box(&photo_bytes)))
    });
    group.bench_function("decode_qr (jpeg in)", |b| {
        b.iter(|| decode_qr(black_box(&photo_bytes), &limits))
    });
    group.bench_function("decode_qr, no code (jpeg in)", |b| {
        b.iter(|| decode_qr(black_box(&empty_bytes), &limits))
    });
    group.finish();

    let mut group = c.benchmark_group("qr_other_sizes");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("decode_qr 800x600 no code (2nd pass upscaled)", |b| {
        b.iter(|| decode_qr(black_box(&thumb_bytes), &limits))
    });
    group.bench_function("decode_qr 4000x3000 (downscaled pass)", |b| {
        b.iter(|| decode_qr(black_box(&big), &limits))
    });
    group.finish();
}

fn main() {
    print_rates();
    if std::env::var_os("QR_RATES_ONLY").is_none() {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
    }
}
