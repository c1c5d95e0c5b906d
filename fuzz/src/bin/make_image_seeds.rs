//! Writes the image seeds of the `qr` target (`fuzz/seeds/qr/`): small QR codes of our own
//! payloads in PNG and JPEG, and a few images without a code. Run from `fuzz/`:
//! `cargo run --release --bin make-image-seeds`.

use std::io::Cursor;
use std::path::Path;

use image::{GrayImage, ImageFormat, Luma};
use qrcode::QrCode;

fn qr(payload: &str, module: u32) -> GrayImage {
    QrCode::new(payload.as_bytes())
        .expect("payload fits a QR code")
        .render::<Luma<u8>>()
        .module_dimensions(module, module)
        .quiet_zone(true)
        .build()
}

fn write(dir: &Path, name: &str, img: &GrayImage, format: ImageFormat) {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("image encodes");
    std::fs::write(dir.join(name), out.into_inner()).expect("seed written");
}

fn main() {
    let dir = Path::new("seeds/qr");
    std::fs::create_dir_all(dir).expect("seed directory");
    write(
        dir,
        "link.png",
        &qr("https://x.example/a", 1),
        ImageFormat::Png,
    );
    write(dir, "join.jpg", &qr("加群 t.me/x", 2), ImageFormat::Jpeg);
    let blank = GrayImage::from_pixel(8, 8, Luma([255]));
    write(dir, "blank.png", &blank, ImageFormat::Png);
    let stripes = GrayImage::from_fn(16, 4, |x, _| Luma([if x % 2 == 0 { 0 } else { 255 }]));
    write(dir, "stripes.jpg", &stripes, ImageFormat::Jpeg);
    write(
        dir,
        "dark.webp",
        &GrayImage::from_pixel(4, 4, Luma([20])),
        ImageFormat::WebP,
    );
}
