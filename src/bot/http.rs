//! The HTTP listener, in both modes: `/healthz`, `/readyz`, `/metrics`, and in webhook mode
//! the webhook path.
//!
//! The webhook checks the secret header before it reads the body (wrong or missing: 401),
//! refuses bodies over the limit (413) and bodies that are not an update (400), and
//! acknowledges a valid update once it is handled (about a millisecond) or after
//! `webhook.ack_wait_ms` at most: slow work (a Bot API call, a calm answer's quiet time) goes on
//! without holding the response. A full queue waits briefly, then answers 503, and Telegram delivers the update
//! again later; so does a stopping bot. Nothing about the update is logged but its id.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use metrics_exporter_prometheus::PrometheusHandle;
use teloxide::types::Update;
use tokio::sync::mpsc;

use super::send::blocking;
use crate::config::Secret;
use crate::store::Store;

/// Header Telegram puts the webhook secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// How long a webhook request waits for room in a full queue before it gets 503.
pub const QUEUE_WAIT: Duration = Duration::from_secs(1);

/// What `/readyz` reports on.
#[derive(Debug, Default)]
pub struct Health {
    /// The Bot API answered the last time it was asked.
    pub api: Arc<AtomicBool>,
    /// The process is stopping.
    pub stopping: AtomicBool,
}

/// The webhook side of the listener.
#[derive(Debug)]
pub struct Inbox {
    /// Path served (the path of the registered URL).
    pub path: String,
    /// Expected secret.
    pub secret: Secret,
    /// Largest body accepted.
    pub max_body: usize,
    /// Longest the acknowledgement waits for the update to be handled.
    pub ack_wait: Duration,
    /// Where accepted updates go.
    pub tx: mpsc::Sender<Update>,
    /// Tells when a queued update is handled.
    pub gate: Arc<super::listener::Gate>,
    /// Updates accepted and not yet taken by the dispatcher.
    pub queued: Arc<AtomicUsize>,
}

/// State of the HTTP routes.
pub struct HttpState {
    /// Readiness.
    pub health: Arc<Health>,
    /// Database, pinged by `/readyz`.
    pub store: Arc<dyn Store>,
    /// Rules in use and live conversations.
    pub guard: Option<Arc<dyn Fn() -> (usize, usize) + Send + Sync>>,
    /// Prometheus registry; `None`: `/metrics` answers 404.
    pub prometheus: Option<PrometheusHandle>,
    /// Webhook mode.
    pub inbox: Option<Inbox>,
}

/// The routes.
pub fn router(state: Arc<HttpState>) -> Router {
    let mut r = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics));
    if let Some(inbox) = &state.inbox {
        r = r.route(&inbox.path, post(webhook));
    }
    r.with_state(state)
}

/// Serve `router` on `listener` until `stop` resolves; requests in progress finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(stop)
        .await
}

/// Bind the listener, with an error that names the address.
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(s): State<Arc<HttpState>>) -> Response {
    // Rules in use (a failed reload keeps the old ones, so this drops only with no rules).
    let rules = s.guard.as_ref().is_none_or(|counts| counts().0 > 0);
    let api = s.health.api.load(Ordering::Relaxed);
    let stopping = s.health.stopping.load(Ordering::Relaxed);
    let db = blocking(&s.store, |st| st.lang(0)).await.is_ok();
    let ready = rules && api && db && !stopping;
    let body = format!(
        "rules: {}\ndatabase: {}\nbot_api: {}\n{}",
        if rules { "ok" } else { "not loaded" },
        if db { "ok" } else { "unavailable" },
        if api { "ok" } else { "not reached" },
        if stopping { "stopping\n" } else { "" },
    );
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, body).into_response()
}

async fn metrics(State(s): State<Arc<HttpState>>) -> Response {
    let Some(p) = &s.prometheus else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(counts) = &s.guard {
        let (_, conversations) = counts();
        crate::metrics::conversations(conversations);
    }
    if let Some(inbox) = &s.inbox {
        crate::metrics::queued(inbox.queued.load(Ordering::Relaxed));
    }
    p.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        p.render(),
    )
        .into_response()
}

/// Compare without an early exit on the first differing byte.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn status(code: StatusCode) -> Response {
    crate::metrics::webhook(code.as_u16());
    code.into_response()
}

async fn webhook(State(s): State<Arc<HttpState>>, req: Request<Body>) -> Response {
    let Some(inbox) = &s.inbox else {
        return status(StatusCode::NOT_FOUND);
    };
    let headers: &HeaderMap = req.headers();
    let given = headers
        .get(SECRET_HEADER)
        .map(axum::http::HeaderValue::as_bytes)
        .unwrap_or_default();
    if !same_secret(given, inbox.secret.expose().as_bytes()) {
        tracing::warn!("webhook request with a wrong or missing secret: refused");
        return status(StatusCode::UNAUTHORIZED);
    }
    if s.health.stopping.load(Ordering::Relaxed) {
        return status(StatusCode::SERVICE_UNAVAILABLE);
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > inbox.max_body) {
        return status(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let body = match axum::body::to_bytes(req.into_body(), inbox.max_body).await {
        Ok(b) => b,
        Err(_) => return status(StatusCode::PAYLOAD_TOO_LARGE),
    };
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(
                line = e.line(),
                column = e.column(),
                "webhook body is not an update"
            );
            return status(StatusCode::BAD_REQUEST);
        }
    };
    let id = update.id.0;
    let handled = inbox.gate.when_handled(id);
    inbox.queued.fetch_add(1, Ordering::Relaxed);
    let sent = match inbox.tx.try_send(update) {
        Ok(()) => Ok(()),
        Err(mpsc::error::TrySendError::Full(u)) => {
            inbox.tx.send_timeout(u, QUEUE_WAIT).await.map_err(|_| ())
        }
        Err(mpsc::error::TrySendError::Closed(_)) => Err(()),
    };
    match sent {
        Ok(()) => {
            // Acknowledge once handled (a crash after that loses nothing), or after
            // `ack_wait` at most: a slow Bot API call goes on after the answer.
            let _ = tokio::time::timeout(inbox.ack_wait, handled).await;
            status(StatusCode::OK)
        }
        Err(()) => {
            inbox.gate.forget(id);
            inbox.queued.fetch_sub(1, Ordering::Relaxed);
            tracing::warn!(
                update_id = id,
                "webhook queue full or closed: Telegram will retry"
            );
            status(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }
}
