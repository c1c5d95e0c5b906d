//! scamguard: recognise scams while they happen.
//!
//! The engine modules (`text`, `model`, `rules`, `engine`, `conversation`, `sessions`,
//! `policy`) are pure and never name a Telegram type; `bot` is the only module that reads the
//! Telegram library's types. `model` holds the vocabulary `rules` and `engine` share, so neither
//! imports the other's internals: `engine` compiles what `rules` reads.

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
pub mod model;
pub mod policy;
pub mod rules;
pub mod sessions;
pub mod store;
pub mod text;
pub mod voice;
