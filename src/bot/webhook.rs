//! Webhook mode's update listener: the updates the HTTP listener accepted ([`super::http`]),
//! in arrival order, fed to the dispatcher. It registers the webhook with `setWebhook` (with
//! the secret and the update kinds the handlers want) before the first update is taken. On
//! stop, the queue is closed (the webhook answers 503, so Telegram keeps the rest for the next
//! start) and what was accepted already is handled before the stream ends.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::stream::{self, BoxStream, StreamExt};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, Update, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use tokio::sync::mpsc;

use super::listener::Gate;
use super::send::{RetryPolicy, redact, with_retry};
use crate::config::Webhook;

/// The listener.
pub struct WebhookListener<R> {
    bot: R,
    config: Webhook,
    token: String,
    rx: Option<mpsc::Receiver<Update>>,
    queued: Arc<AtomicUsize>,
    gate: Arc<Gate>,
    allowed: Option<Vec<AllowedUpdate>>,
    stop: StopToken,
    flag: Option<StopFlag>,
}

impl<R> WebhookListener<R> {
    /// Updates arrive on `rx`; `queued` counts those not yet taken (shared with the inbox);
    /// an update is handed on only once it has a place in `gate`.
    pub fn new(
        bot: R,
        config: Webhook,
        token: &str,
        rx: mpsc::Receiver<Update>,
        queued: Arc<AtomicUsize>,
        gate: Arc<Gate>,
    ) -> Self {
        let (stop, flag) = mk_stop_token();
        WebhookListener {
            bot,
            config,
            token: token.to_string(),
            rx: Some(rx),
            queued,
            gate,
            allowed: None,
            stop,
            flag: Some(flag),
        }
    }
}

/// Register the webhook, retrying until it is accepted or the bot stops.
async fn register<R: Requester<Err = RequestError>>(
    bot: &R,
    config: &Webhook,
    allowed: Option<Vec<AllowedUpdate>>,
    token: &str,
) {
    let Ok(url) = url::Url::parse(&config.url) else {
        return;
    };
    let policy = RetryPolicy {
        attempts: 8,
        ..RetryPolicy::default()
    };
    let r = with_retry(&policy, || {
        let mut req = bot
            .set_webhook(url.clone())
            .secret_token(config.secret.expose().to_string())
            .max_connections(config.max_connections);
        if let Some(a) = &allowed {
            req = req.allowed_updates(a.clone());
        }
        req.send()
    })
    .await;
    match r {
        Ok(_) => tracing::info!(url = %config.url, "webhook registered"),
        Err((e, _)) => {
            tracing::error!(error = %redact(&e, token), "setWebhook failed: no updates will arrive");
        }
    }
}

struct State<R> {
    bot: R,
    config: Webhook,
    token: String,
    rx: mpsc::Receiver<Update>,
    queued: Arc<AtomicUsize>,
    gate: Arc<Gate>,
    allowed: Option<Vec<AllowedUpdate>>,
    flag: StopFlag,
    registered: bool,
    closed: bool,
}

impl<R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> State<R> {
    async fn next(&mut self) -> Option<Result<Update, RequestError>> {
        if !self.registered {
            self.registered = true;
            tokio::select! {
                () = register(&self.bot, &self.config, self.allowed.clone(), &self.token) => {}
                () = &mut self.flag => {}
            }
        }
        if !self.closed && self.flag.is_stopped() {
            self.closed = true;
            self.rx.close();
        }
        let got = if self.closed {
            self.rx.recv().await
        } else {
            tokio::select! {
                u = self.rx.recv() => u,
                () = &mut self.flag => {
                    // Refuse further updates; hand out what was accepted.
                    self.closed = true;
                    self.rx.close();
                    self.rx.recv().await
                }
            }
        };
        let u = got?;
        self.queued.fetch_sub(1, Ordering::Relaxed);
        // An update no handler sees (unparsable) gives no place back: it takes none.
        if matches!(u.kind, UpdateKind::Error(_)) {
            self.gate.handled(u.id.0);
        } else {
            self.gate.enter().await;
        }
        Some(Ok(u))
    }
}

impl<'a, R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> AsUpdateStream<'a>
    for WebhookListener<R>
{
    type StreamErr = RequestError;
    type Stream = BoxStream<'a, Result<Update, RequestError>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let Some(rx) = self.rx.take() else {
            return stream::empty().boxed();
        };
        let flag = self.flag.take().unwrap_or_else(|| {
            let (token, flag) = mk_stop_token();
            self.stop = token;
            flag
        });
        let state = State {
            bot: self.bot.clone(),
            config: self.config.clone(),
            token: self.token.clone(),
            rx,
            queued: self.queued.clone(),
            gate: self.gate.clone(),
            allowed: self.allowed.clone(),
            flag,
            registered: false,
            closed: false,
        };
        stream::unfold(state, |mut s| async move {
            s.next().await.map(|item| (item, s))
        })
        .boxed()
    }
}

impl<R: Requester<Err = RequestError> + Clone + Send + Sync + 'static> UpdateListener
    for WebhookListener<R>
{
    type Err = RequestError;

    fn stop_token(&mut self) -> StopToken {
        self.stop.clone()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.allowed = Some(hint.collect());
    }
}
