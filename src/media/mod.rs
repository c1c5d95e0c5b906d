//! Images and links: what text cannot show.

pub mod qr;
