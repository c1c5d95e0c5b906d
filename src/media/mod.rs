//! Images and links: what text cannot show.

pub mod layout;
pub mod ocr;
pub mod qr;
