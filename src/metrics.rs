//! What the bot counts, for `/metrics` (Prometheus text format). Every metric is named here,
//! once; the rest of the code calls these functions. Without an installed recorder (tests,
//! `check`, `eval`) each call does nothing.
//!
//! Labels hold rule ids, families, stages, levels and kinds: never text, ids or hashes of
//! people.

use std::time::Duration;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::engine::{Level, Scan};

/// Updates received, by kind.
pub const UPDATES: &str = "scamguard_updates_total";
/// Time from an update's arrival to the end of its handling.
pub const HANDLING: &str = "scamguard_handling_seconds";
/// Findings, by family, stage and rule.
pub const FINDINGS: &str = "scamguard_findings_total";
/// Warnings sent, by level and chat kind.
pub const WARNINGS: &str = "scamguard_warnings_total";
/// Moderation and reply actions carried out, by action and result.
pub const ACTIONS: &str = "scamguard_actions_total";
/// Failed Bot API calls, by class.
pub const API_ERRORS: &str = "scamguard_bot_api_errors_total";
/// Bot API calls tried again.
pub const API_RETRIES: &str = "scamguard_bot_api_retries_total";
/// Conversations held in memory.
pub const CONVERSATIONS: &str = "scamguard_conversations";
/// Rules loaded, labelled with the rules' version.
pub const RULES: &str = "scamguard_rules";
/// Reloads of rules and locales, by result.
pub const RELOADS: &str = "scamguard_reloads_total";
/// Webhook requests, by HTTP status.
pub const WEBHOOK: &str = "scamguard_webhook_requests_total";
/// Updates accepted by the webhook and not yet being handled.
pub const QUEUED: &str = "scamguard_webhook_queued";
/// 1 while the shared store (Redis) is unreachable, else 0.
pub const STORE_DOWN: &str = "scamguard_store_down";
/// Outages of the shared store (Redis) since start.
pub const STORE_OUTAGES: &str = "scamguard_store_outages_total";
/// Messages judged on their own because the shared conversation state was unreachable.
pub const STATELESS: &str = "scamguard_stateless_messages_total";

/// Install the Prometheus recorder for this process.
///
/// # Errors
/// A recorder is installed already.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(HANDLING.to_string()),
            &[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ],
        )
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| e.to_string())?;
    describe();
    Ok(handle)
}

fn describe() {
    describe_counter!(UPDATES, "Updates received, by kind");
    describe_histogram!(
        HANDLING,
        metrics::Unit::Seconds,
        "Time from an update's arrival to the end of its handling"
    );
    describe_counter!(FINDINGS, "Rule findings, by family, stage and rule");
    describe_counter!(WARNINGS, "Warnings sent, by level and chat kind");
    describe_counter!(ACTIONS, "Actions carried out, by action and result");
    describe_counter!(API_ERRORS, "Failed Bot API calls, by class");
    describe_counter!(API_RETRIES, "Bot API calls tried again");
    describe_gauge!(CONVERSATIONS, "Conversations held in memory");
    describe_gauge!(RULES, "Rules loaded, labelled with their version");
    describe_counter!(RELOADS, "Reloads of rules and locales, by result");
    describe_counter!(WEBHOOK, "Webhook requests, by HTTP status");
    describe_gauge!(QUEUED, "Updates accepted by the webhook, not yet handled");
    describe_gauge!(
        STORE_DOWN,
        "1 while the shared store (Redis) is unreachable"
    );
    describe_counter!(
        STORE_OUTAGES,
        "Outages of the shared store (Redis) since start"
    );
    describe_counter!(
        STATELESS,
        "Messages judged on their own: the shared conversation state was unreachable"
    );
}

/// An update of `kind` arrived.
pub fn update(kind: &'static str) {
    counter!(UPDATES, "kind" => kind).increment(1);
}

/// An update was handled in `took`.
pub fn handled(kind: &'static str, took: Duration) {
    histogram!(HANDLING, "kind" => kind).record(took.as_secs_f64());
}

/// The findings of one scanned message.
pub fn findings(scan: &Scan) {
    for f in &scan.findings {
        counter!(
            FINDINGS,
            "family" => f.rule.family.clone(),
            "stage" => f.rule.stage.as_str(),
            "rule" => f.rule.id.clone()
        )
        .increment(1);
    }
}

/// A warning of `level` went out in a chat of `chat_kind` (`private`, `group`).
pub fn warning(level: Level, chat_kind: &'static str) {
    counter!(WARNINGS, "level" => level.as_str(), "chat" => chat_kind).increment(1);
}

/// Action `action` ended with `result` (`done`, `failed`, `skipped`).
pub fn action(action: &'static str, result: &'static str) {
    counter!(ACTIONS, "action" => action, "result" => result).increment(1);
}

/// A Bot API call failed with an error of `class`.
pub fn api_error(class: &'static str) {
    counter!(API_ERRORS, "class" => class).increment(1);
}

/// A Bot API call is tried again.
pub fn api_retry() {
    counter!(API_RETRIES).increment(1);
}

/// Conversations held now.
pub fn conversations(n: usize) {
    gauge!(CONVERSATIONS).set(n as f64);
}

/// `n` rules of `version` are in use (the previous version's series is zeroed).
pub fn rules(previous: Option<&str>, version: &str, n: usize) {
    if let Some(p) = previous.filter(|p| *p != version) {
        gauge!(RULES, "version" => p.to_string()).set(0.0);
    }
    gauge!(RULES, "version" => version.to_string()).set(n as f64);
}

/// A reload ended with `result` (`ok`, `error`, `unchanged`).
pub fn reload(result: &'static str) {
    counter!(RELOADS, "result" => result).increment(1);
}

/// The webhook answered with `status`.
pub fn webhook(status: u16) {
    counter!(WEBHOOK, "status" => status.to_string()).increment(1);
}

/// Updates queued by the webhook now.
pub fn queued(n: usize) {
    gauge!(QUEUED).set(n as f64);
}

/// The shared store became unreachable (`true`) or reachable again (`false`).
pub fn store_outage(down: bool) {
    gauge!(STORE_DOWN).set(if down { 1.0 } else { 0.0 });
    if down {
        counter!(STORE_OUTAGES).increment(1);
    }
}

/// A message was judged on its own: its conversation was out of reach.
pub fn stateless() {
    counter!(STATELESS).increment(1);
}
