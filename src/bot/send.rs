//! Talking to the Bot API reliably: retries with backoff for failures that certainly had no
//! effect, and every reply recorded in the action log so it happens once.
//!
//! A 429's `retry_after` is honoured here: the wait is the one Telegram asks for. Telegram's
//! message limits themselves are kept by [`super::pace`] before a send starts.
//!
//! A failure is *safe* to retry when Telegram certainly did not act: the connection was never
//! made, Telegram answered with a 5xx or 429 error, or the request could not be built. It is
//! *ambiguous* when the request may have been processed: the connection broke or timed out
//! after the request was sent. A reply whose send failed ambiguously is never repeated (its
//! action is recorded as `unknown`): a duplicate warning is what the action log exists to
//! prevent. Everything else (400 Bad Request, 403 blocked by the user) is final.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use teloxide::{ApiError, RequestError};

use crate::store::{ActionStatus, Begin, Store};

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total (at least 1).
    pub attempts: u32,
    /// Delay before the second attempt; doubles each time.
    pub base: Duration,
    /// Longest delay between attempts.
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(500),
            max: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Delay before attempt `n` (0-based; attempt 0 has none).
    #[must_use]
    pub fn delay(&self, n: u32) -> Duration {
        if n == 0 {
            return Duration::ZERO;
        }
        let factor = 1u32.checked_shl(n - 1).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }
}

/// How a failed request relates to what Telegram did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Telegram certainly did not act; retry after this long (zero: use the backoff).
    Retry(Duration),
    /// Telegram may have acted: do not repeat.
    Ambiguous,
    /// Telegram refused: repeating will not help.
    Final,
}

impl Failure {
    /// The class, as counted in `/metrics`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Failure::Retry(_) => "retryable",
            Failure::Ambiguous => "ambiguous",
            Failure::Final => "final",
        }
    }
}

/// Classify a failed request.
#[must_use]
pub fn classify(e: &RequestError) -> Failure {
    match e {
        RequestError::RetryAfter(s) => Failure::Retry(s.duration()),
        RequestError::Network(err) => {
            if err.is_connect() || err.is_builder() {
                Failure::Retry(Duration::ZERO)
            } else {
                Failure::Ambiguous
            }
        }
        RequestError::Api(ApiError::Unknown(desc)) if is_server_error(desc) => {
            Failure::Retry(Duration::ZERO)
        }
        // A body that is not the Bot API's JSON comes from a proxy or a broken server: the
        // call may or may not have gone through.
        RequestError::InvalidJson { .. } => Failure::Ambiguous,
        RequestError::Io(_) => Failure::Retry(Duration::ZERO),
        _ => Failure::Final,
    }
}

fn is_server_error(desc: &str) -> bool {
    const SERVER: [&str; 5] = [
        "Internal Server Error",
        "Bad Gateway",
        "Service Unavailable",
        "Gateway Timeout",
        "Too Many Requests",
    ];
    SERVER.iter().any(|s| desc.contains(s))
}

/// A request error as text, with the bot token (which reqwest puts in URLs) removed.
#[must_use]
pub fn redact(e: &RequestError, token: &str) -> String {
    let s = match e {
        // The raw body may contain message texts.
        RequestError::InvalidJson { source, .. } => {
            format!("invalid JSON from the Bot API: {source}")
        }
        other => other.to_string(),
    };
    if token.is_empty() {
        s
    } else {
        s.replace(token, "***")
    }
}

/// Call `f` until it succeeds, fails for good, fails ambiguously, or `policy.attempts` are
/// used up. Returns the last error with its classification.
pub async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    mut f: F,
) -> Result<T, (RequestError, Failure)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempt = 0;
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) => {
                let class = classify(&e);
                crate::metrics::api_error(class.name());
                attempt += 1;
                let Failure::Retry(after) = class else {
                    return Err((e, class));
                };
                if attempt >= policy.attempts.max(1) {
                    return Err((e, class));
                }
                crate::metrics::api_retry();
                let wait = if after.is_zero() {
                    policy.delay(attempt)
                } else {
                    after.min(Duration::from_secs(300))
                };
                tracing::debug!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "retrying Bot API call"
                );
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// The once-only executor of one side effect on one message (`kind` on (`chat`,
/// `message_id`)), backed by the store's action log: `pending` is recorded before the call and
/// `done`, `failed` or `unknown` after. What to do is decided by [`crate::policy`]; this only
/// makes sure it happens at most once.
#[derive(Clone)]
pub struct Once {
    store: Arc<dyn Store>,
    chat: i64,
    message_id: i32,
    kind: &'static str,
}

impl Once {
    /// Side effect `kind` on message (`chat`, `message_id`).
    #[must_use]
    pub fn new(store: &Arc<dyn Store>, chat: i64, message_id: i32, kind: &'static str) -> Self {
        Once {
            store: store.clone(),
            chat,
            message_id,
            kind,
        }
    }

    /// Wait for a message slot ([`super::pace`]), then record `pending`; `false` when the
    /// action is done or possibly done already. If the store itself fails the action goes
    /// ahead (a missing reply is worse than a repeated one). An action another replica has in
    /// flight is asked about again every half second until it is finished, or until that
    /// replica's lease has run out and this one takes it over.
    pub async fn begin(&self) -> bool {
        // Wait for a slot before anything is recorded: a crash while waiting leaves the action
        // not started, and the replayed update does it.
        super::pace::wait(self.chat).await;
        let (chat, message_id, kind) = (self.chat, self.message_id, self.kind);
        let give_up = tokio::time::Instant::now() + crate::store::ACTION_LEASE * 2;
        loop {
            let now = crate::conversation::Timestamp::now().0;
            let begun = blocking(&self.store, move |s| {
                s.begin_action(chat, message_id, kind, now)
            })
            .await;
            return match begun {
                Ok(Begin::Go) => true,
                Ok(Begin::Done) => {
                    tracing::info!(kind, message_id, "already done: not repeated");
                    false
                }
                Ok(Begin::Unknown) => {
                    tracing::warn!(
                        kind,
                        message_id,
                        "an earlier attempt may have reached Telegram: not repeated"
                    );
                    false
                }
                Ok(Begin::Elsewhere) if tokio::time::Instant::now() < give_up => {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    continue;
                }
                Ok(Begin::Elsewhere) => {
                    tracing::warn!(
                        kind,
                        message_id,
                        "still in flight in another replica: not repeated"
                    );
                    false
                }
                Err(e) => {
                    store_failed!(e, kind, message_id, "action log unavailable: going ahead");
                    true
                }
            };
        }
    }

    /// Call `f` with retries (after [`Once::begin`] said go) and record the outcome.
    pub async fn run<T, F, Fut>(&self, policy: &RetryPolicy, token: &str, f: F) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        self.try_run(policy, token, f).await.ok()
    }

    /// [`Once::run`], returning the last error when it failed.
    pub async fn try_run<T, F, Fut>(
        &self,
        policy: &RetryPolicy,
        token: &str,
        f: F,
    ) -> Result<T, RequestError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        let (status, out) = match with_retry(policy, f).await {
            Ok(v) => (ActionStatus::Done, Ok(v)),
            Err((e, class)) => {
                let status = if class == Failure::Ambiguous {
                    ActionStatus::Unknown
                } else {
                    ActionStatus::Failed
                };
                tracing::warn!(
                    kind = self.kind,
                    message_id = self.message_id,
                    outcome = status.as_str(),
                    error = %redact(&e, token),
                    "Bot API call failed"
                );
                (status, Err(e))
            }
        };
        let (chat, message_id, kind) = (self.chat, self.message_id, self.kind);
        let now = crate::conversation::Timestamp::now().0;
        if let Err(e) = blocking(&self.store, move |s| {
            s.finish_action(chat, message_id, kind, status, now)
        })
        .await
        {
            store_failed!(
                e,
                kind,
                message_id,
                "cannot record the outcome of an action"
            );
        }
        out
    }

    /// [`Once::begin`], then [`Once::run`]. `None` when skipped or failed.
    pub async fn once<T, F, Fut>(&self, policy: &RetryPolicy, token: &str, f: F) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        if !self.begin().await {
            return None;
        }
        self.run(policy, token, f).await
    }
}

/// Run a store call on the blocking pool.
pub async fn blocking<T, F>(store: &Arc<dyn Store>, f: F) -> Result<T, crate::store::StoreError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, crate::store::StoreError> + Send + 'static,
{
    let store = store.clone();
    match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
        Ok(r) => r,
        Err(e) => Err(crate::store::StoreError::Other(format!(
            "store task failed: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    const FAST: RetryPolicy = RetryPolicy {
        attempts: 4,
        base: Duration::from_millis(1),
        max: Duration::from_millis(4),
    };

    fn server_error() -> RequestError {
        RequestError::Api(ApiError::Unknown("Internal Server Error".into()))
    }

    #[test]
    fn backoff_doubles_up_to_max() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0), Duration::ZERO);
        assert_eq!(p.delay(1), Duration::from_millis(500));
        assert_eq!(p.delay(2), Duration::from_secs(1));
        assert_eq!(p.delay(3), Duration::from_secs(2));
        assert_eq!(p.delay(10), Duration::from_secs(8));
        assert_eq!(p.delay(100), Duration::from_secs(8));
    }

    #[test]
    fn classification() {
        assert_eq!(classify(&server_error()), Failure::Retry(Duration::ZERO));
        assert_eq!(
            classify(&RequestError::Api(ApiError::Unknown("Bad Gateway".into()))),
            Failure::Retry(Duration::ZERO)
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::BotBlocked)),
            Failure::Final
        );
        assert_eq!(
            classify(&RequestError::RetryAfter(
                teloxide::types::Seconds::from_seconds(3)
            )),
            Failure::Retry(Duration::from_secs(3))
        );
    }

    #[tokio::test]
    async fn retries_safe_failures_until_success() {
        let n = AtomicU32::new(0);
        let r = with_retry(&FAST, || {
            let k = n.fetch_add(1, Ordering::SeqCst);
            async move { if k < 2 { Err(server_error()) } else { Ok(k) } }
        })
        .await;
        assert_eq!(r.unwrap(), 2);
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt() {
        let n = AtomicU32::new(0);
        let r: Result<(), _> = with_retry(&FAST, || {
            n.fetch_add(1, Ordering::SeqCst);
            async { Err(server_error()) }
        })
        .await;
        assert!(r.is_err());
        assert_eq!(n.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn final_errors_are_not_retried() {
        let n = AtomicU32::new(0);
        let r: Result<(), _> = with_retry(&FAST, || {
            n.fetch_add(1, Ordering::SeqCst);
            async { Err(RequestError::Api(ApiError::BotBlocked)) }
        })
        .await;
        assert_eq!(r.unwrap_err().1, Failure::Final);
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn once_skips_what_was_done() {
        let store: Arc<dyn Store> = Arc::new(crate::store::MemoryStore::new());
        let calls = AtomicU32::new(0);
        let action = Once::new(&store, 1, 2, "warn");
        for _ in 0..3 {
            let _ = action
                .once(&FAST, "", || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    async { Ok::<_, RequestError>(()) }
                })
                .await;
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn once_retries_a_failed_action_on_redelivery() {
        let store: Arc<dyn Store> = Arc::new(crate::store::MemoryStore::new());
        let calls = AtomicU32::new(0);
        let action = Once::new(&store, 1, 2, "warn");
        let r = action
            .once(&FAST, "", || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err::<(), _>(RequestError::Api(ApiError::BotBlocked)) }
            })
            .await;
        assert!(r.is_none());
        let r = action
            .once(&FAST, "", || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Ok::<_, RequestError>(()) }
            })
            .await;
        assert_eq!(r, Some(()));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn redaction_removes_the_token() {
        let e = RequestError::Api(ApiError::Unknown("bot123:SECRET/GetMe".into()));
        assert!(!redact(&e, "123:SECRET").contains("SECRET"));
        assert!(redact(&e, "").contains("SECRET"));
    }
}
