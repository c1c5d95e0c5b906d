//! scamguard: recognise scams while they happen.
//!
//! The engine modules (`text`, `rules`, `engine`, `conversation`, `sessions`, `policy`) are pure
//! and never name a Telegram type; `bot` is the only module that reads the Telegram library's types.

pub mod bot;
pub mod campaign;
pub mod cli;
pub mod config;
pub mod conversation;
pub mod engine;
pub mod guard;
pub mod i18n;
pub mod links;
pub mod media;
pub mod metrics;
pub mod policy;
pub mod rules;
pub mod sessions;
pub mod store;
pub mod text;
pub mod voice;
