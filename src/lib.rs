//! scamguard: recognise scams while they happen.
//!
//! The engine modules (`text`, `rules`, `engine`, `conversation`, `sessions`, `policy`) are pure
//! and never name a Telegram type; `bot` is the only module that reads teloxide types.

pub mod conversation;
pub mod engine;
pub mod rules;
pub mod sessions;
pub mod text;
pub mod bot;
pub mod cli;
