//! A fake Telegram Bot API on loopback, for end-to-end tests of the real binary.
//!
//! A hand-rolled HTTP/1.1 server (keep-alive, `Content-Length` and chunked bodies) on
//! `127.0.0.1:0` that answers real Bot API JSON for the methods a bot uses, keeps the
//! `getUpdates` semantics of the real API (long polling, offsets confirm, unconfirmed
//! updates are redelivered) and records every call. Faults are injected per method: 429 with
//! `retry_after`, 5xx, and a connection dropped after the request was read (before or after
//! the call took effect).
//!
//! ```ignore
//! let api = FakeBotApi::start("123:ABC").await;
//! let user = TgUser::new(1001, "Alice").lang("zh-hans");
//! let msg = api.forwarded_text(&user, "您好", Origin::hidden("客服"));
//! api.push_message(msg);
//! api.wait_for_sent(Duration::from_secs(20), "an answer", |s| s.first().cloned()).await?;
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// A fault the fake server answers instead of the real result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 `Too Many Requests: retry after N` with `parameters.retry_after`.
    TooManyRequests { retry_after: u32 },
    /// HTTP 5xx with a JSON error body. The call has no effect.
    ServerError(u16),
    /// Read the request, then close the socket without answering. The call has no effect.
    DropConnection,
    /// Perform the call (it takes effect and is recorded), then close the socket without
    /// answering: the client cannot know the call succeeded.
    DropResponse,
}

/// One recorded call to the fake API.
#[derive(Clone, Debug)]
pub struct ApiCall {
    /// Position in the log, from 0.
    pub seq: usize,
    /// Bot API method name, lowercased (`sendmessage`, `getupdates`, ...).
    pub method: String,
    /// Request parameters as JSON (JSON body, form fields or query string).
    pub body: Value,
    /// When the request arrived.
    pub at: Instant,
    /// The fault injected into this call, if any.
    pub fault: Option<Fault>,
}

/// A message the bot sent that "Telegram" accepted (`sendMessage` answered `ok`).
#[derive(Clone, Debug)]
pub struct SentMessage {
    pub message_id: i64,
    pub chat_id: i64,
    /// The full `sendMessage` request.
    pub request: Value,
    /// The `Message` object answered to the bot.
    pub message: Value,
    pub at: Instant,
}

impl SentMessage {
    /// The text sent.
    #[must_use]
    pub fn text(&self) -> &str {
        self.request["text"].as_str().unwrap_or_default()
    }

    /// The id of the message this one replies to (`reply_parameters.message_id`, or the legacy
    /// `reply_to_message_id`).
    #[must_use]
    pub fn reply_to(&self) -> Option<i64> {
        reply_target(&self.request)
    }

    /// Every `callback_data` of the inline keyboard.
    #[must_use]
    pub fn callback_data(&self) -> Vec<String> {
        callback_data(&self.request)
    }
}

/// The id of the message a send request replies to.
#[must_use]
pub fn reply_target(request: &Value) -> Option<i64> {
    request["reply_parameters"]["message_id"]
        .as_i64()
        .or_else(|| request["reply_to_message_id"].as_i64())
}

/// Every `callback_data` of a request's (or message's) inline keyboard.
#[must_use]
pub fn callback_data(request: &Value) -> Vec<String> {
    let Some(rows) = request["reply_markup"]["inline_keyboard"].as_array() else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|b| b["callback_data"].as_str())
        .map(str::to_owned)
        .collect()
}

/// A Telegram user for building updates.
#[derive(Clone, Debug)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl TgUser {
    #[must_use]
    pub fn new(id: i64, first_name: &str) -> Self {
        Self {
            id,
            first_name: first_name.to_owned(),
            username: None,
            language_code: None,
        }
    }

    /// Sets `language_code` (e.g. `"zh-hans"`, `"en"`).
    #[must_use]
    pub fn lang(mut self, code: &str) -> Self {
        self.language_code = Some(code.to_owned());
        self
    }

    #[must_use]
    pub fn username(mut self, username: &str) -> Self {
        self.username = Some(username.to_owned());
        self
    }

    /// The Bot API `User` object.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut u = json!({ "id": self.id, "is_bot": false, "first_name": self.first_name });
        if let Some(name) = &self.username {
            u["username"] = json!(name);
        }
        if let Some(code) = &self.language_code {
            u["language_code"] = json!(code);
        }
        u
    }

    /// The private `Chat` object with this user.
    #[must_use]
    pub fn private_chat(&self) -> Value {
        let mut c = json!({ "id": self.id, "type": "private", "first_name": self.first_name });
        if let Some(name) = &self.username {
            c["username"] = json!(name);
        }
        c
    }
}

/// Where a forwarded message came from (Bot API 7+ `forward_origin`).
#[derive(Clone, Debug)]
pub enum Origin {
    /// A user who hides their account: `{"type":"hidden_user","sender_user_name":..}`.
    HiddenUser(String),
    /// A visible user: `{"type":"user","sender_user":{..}}`.
    User(TgUser),
}

impl Origin {
    #[must_use]
    pub fn hidden(name: &str) -> Self {
        Self::HiddenUser(name.to_owned())
    }
}

/// Ids of a pushed message update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pushed {
    pub update_id: i64,
    pub message_id: i64,
}

/// `wait_for` gave up.
#[derive(Debug)]
pub struct WaitTimeout {
    pub what: String,
    pub waited: Duration,
    /// A summary of every non-`getUpdates` call recorded so far.
    pub calls: String,
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timed out after {:?} waiting for {}; calls so far:\n{}",
            self.waited, self.what, self.calls
        )
    }
}

impl std::error::Error for WaitTimeout {}

type Matcher = Box<dyn Fn(&Value) -> bool + Send + Sync>;

struct FaultRule {
    method: String,
    matcher: Matcher,
    fault: Fault,
    remaining: usize,
}

struct State {
    /// Every update ever pushed, ascending `update_id`.
    updates: Vec<Value>,
    next_update_id: i64,
    /// Updates with `update_id < confirmed` are confirmed and never delivered again.
    confirmed: i64,
    allowed_updates: Option<Vec<String>>,
    calls: Vec<ApiCall>,
    sent: Vec<SentMessage>,
    next_message_id: i64,
    /// Current state of every known message, by `(chat_id, message_id)`.
    messages: HashMap<(i64, i64), Value>,
    chats: HashMap<i64, Value>,
    /// `setMyCommands`, keyed by `"<scope JSON>|<language_code>"`.
    commands: HashMap<String, Value>,
    faults: Vec<FaultRule>,
    callback_queries: HashMap<String, bool>,
    next_callback_id: u64,
}

struct Shared {
    token: String,
    bot_user: Value,
    state: Mutex<State>,
    updates_changed: Notify,
    calls_changed: Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Handle to a running fake Bot API. Cheap to clone; the server stops when the last clone is
/// dropped.
#[derive(Clone)]
pub struct FakeBotApi {
    shared: Arc<Shared>,
    addr: std::net::SocketAddr,
    _server: Arc<AbortOnDrop>,
}

impl fmt::Debug for FakeBotApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeBotApi")
            .field("addr", &self.addr)
            .finish()
    }
}

const FIRST_UPDATE_ID: i64 = 500_000_001;

impl FakeBotApi {
    /// Starts the server on `127.0.0.1:0` in the current tokio runtime.
    ///
    /// # Panics
    /// If it cannot bind the loopback socket.
    pub async fn start(token: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake Bot API on 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let bot_id = token
            .split(':')
            .next()
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(777_000_111);
        let bot_user = json!({
            "id": bot_id,
            "is_bot": true,
            "first_name": "ScamGuard Test",
            "username": "scamguard_test_bot",
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false
        });
        let shared = Arc::new(Shared {
            token: token.to_owned(),
            bot_user,
            state: Mutex::new(State {
                updates: Vec::new(),
                next_update_id: FIRST_UPDATE_ID,
                confirmed: 0,
                allowed_updates: None,
                calls: Vec::new(),
                sent: Vec::new(),
                next_message_id: 1,
                messages: HashMap::new(),
                chats: HashMap::new(),
                commands: HashMap::new(),
                faults: Vec::new(),
                callback_queries: HashMap::new(),
                next_callback_id: 1,
            }),
            updates_changed: Notify::new(),
            calls_changed: Notify::new(),
        });
        let accept_shared = Arc::clone(&shared);
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve_connection(Arc::clone(&accept_shared), stream));
            }
        });
        Self {
            shared,
            addr,
            _server: Arc::new(AbortOnDrop(server)),
        }
    }

    /// Base URL for `TELOXIDE_API_URL` / `Bot::set_api_url`, e.g. `http://127.0.0.1:41234`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    #[must_use]
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The bot's own `User` object as `getMe` answers it.
    #[must_use]
    pub fn bot_user(&self) -> Value {
        self.shared.bot_user.clone()
    }

    // ----- updates -----

    /// Queues an update; assigns `update_id` when missing. Returns the update id.
    ///
    /// # Panics
    /// If `update` is not a JSON object or reuses a confirmed or queued `update_id`.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let obj = update.as_object_mut().expect("an update is a JSON object");
        let id = {
            let mut st = self.shared.lock();
            let id = match obj.get("update_id").and_then(Value::as_i64) {
                Some(id) => {
                    assert!(
                        id >= st.next_update_id,
                        "update_id {id} is not above every pushed update"
                    );
                    id
                }
                None => st.next_update_id,
            };
            obj.insert("update_id".into(), json!(id));
            st.next_update_id = id + 1;
            for kind in ["message", "edited_message"] {
                if let Some(msg) = obj.get(kind) {
                    remember_message(&mut st, msg);
                }
            }
            if let Some(qid) = obj.get("callback_query").and_then(|cq| cq["id"].as_str()) {
                st.callback_queries.insert(qid.to_owned(), false);
            }
            st.updates.push(update);
            id
        };
        self.shared.updates_changed.notify_waiters();
        id
    }

    /// Queues `{"message": msg}`.
    pub fn push_message(&self, msg: Value) -> Pushed {
        let message_id = msg["message_id"].as_i64().expect("message has message_id");
        let update_id = self.push_update(json!({ "message": msg }));
        Pushed {
            update_id,
            message_id,
        }
    }

    /// Every update ever pushed (with ids).
    #[must_use]
    pub fn pushed_updates(&self) -> Vec<Value> {
        self.shared.lock().updates.clone()
    }

    /// The highest offset the bot confirmed: every update with `update_id` below it is gone.
    #[must_use]
    pub fn confirmed_offset(&self) -> i64 {
        self.shared.lock().confirmed
    }

    /// Updates not confirmed yet (what the next `getUpdates` without a higher offset returns).
    #[must_use]
    pub fn pending_updates(&self) -> usize {
        let st = self.shared.lock();
        st.updates
            .iter()
            .filter(|u| u["update_id"].as_i64().unwrap_or_default() >= st.confirmed)
            .count()
    }

    /// Un-confirms every update from `update_id` on, as if the bot had died before its
    /// confirmation reached Telegram: they are delivered again.
    pub fn redeliver_from(&self, update_id: i64) {
        {
            let mut st = self.shared.lock();
            st.confirmed = st.confirmed.min(update_id);
        }
        self.shared.updates_changed.notify_waiters();
    }

    // ----- builders (they assign message ids from the server's counter) -----

    fn next_message_id(&self) -> i64 {
        let mut st = self.shared.lock();
        let id = st.next_message_id;
        st.next_message_id += 1;
        id
    }

    fn base_message(&self, from: &TgUser) -> Value {
        json!({
            "message_id": self.next_message_id(),
            "from": from.to_json(),
            "chat": from.private_chat(),
            "date": unix_now(),
        })
    }

    /// A text message in the private chat with `from` (`chat.id == from.id`). A leading
    /// `/command` gets its `bot_command` entity.
    #[must_use]
    pub fn private_text(&self, from: &TgUser, text: &str) -> Value {
        let mut m = self.base_message(from);
        m["text"] = json!(text);
        if text.starts_with('/') {
            let cmd = text.split_whitespace().next().unwrap_or(text);
            m["entities"] =
                json!([{ "type": "bot_command", "offset": 0, "length": utf16_len(cmd) }]);
        }
        m
    }

    /// A text message `from` forwarded into the private chat.
    #[must_use]
    pub fn forwarded_text(&self, from: &TgUser, text: &str, origin: Origin) -> Value {
        let mut m = self.private_text(from, text);
        if let Some(obj) = m.as_object_mut() {
            obj.remove("entities");
        }
        let date = unix_now() - 600;
        m["forward_origin"] = match origin {
            Origin::HiddenUser(name) => {
                json!({ "type": "hidden_user", "sender_user_name": name, "date": date })
            }
            Origin::User(u) => json!({ "type": "user", "sender_user": u.to_json(), "date": date }),
        };
        m
    }

    /// A photo with `caption` in the private chat.
    #[must_use]
    pub fn photo_with_caption(&self, from: &TgUser, caption: &str) -> Value {
        let mut m = self.base_message(from);
        let id = m["message_id"].as_i64().unwrap_or_default();
        m["photo"] = json!([
            { "file_id": format!("photo-{id}-s"), "file_unique_id": format!("u{id}s"),
              "width": 90, "height": 90, "file_size": 1200 },
            { "file_id": format!("photo-{id}-m"), "file_unique_id": format!("u{id}m"),
              "width": 640, "height": 640, "file_size": 48000 }
        ]);
        m["caption"] = json!(caption);
        m
    }

    /// A text message where each `(anchor, url)` turns the first occurrence of `anchor` in
    /// `text` into a `text_link` entity (UTF-16 offsets, as Telegram counts).
    ///
    /// # Panics
    /// If an anchor does not occur in `text`.
    #[must_use]
    pub fn text_with_links(&self, from: &TgUser, text: &str, links: &[(&str, &str)]) -> Value {
        let mut m = self.base_message(from);
        m["text"] = json!(text);
        let entities: Vec<Value> = links
            .iter()
            .map(|(anchor, url)| {
                let start = text
                    .find(anchor)
                    .unwrap_or_else(|| panic!("anchor {anchor:?} not in text"));
                json!({
                    "type": "text_link",
                    "offset": utf16_len(&text[..start]),
                    "length": utf16_len(anchor),
                    "url": url,
                })
            })
            .collect();
        m["entities"] = json!(entities);
        m
    }

    /// A `callback_query` update (without `update_id`) from `from` pressing a button with
    /// `data` on `message` (usually [`SentMessage::message`]).
    #[must_use]
    pub fn callback_query(&self, from: &TgUser, data: &str, message: &Value) -> Value {
        let qid = {
            let mut st = self.shared.lock();
            let n = st.next_callback_id;
            st.next_callback_id += 1;
            format!("cbq-{}-{n}", from.id)
        };
        json!({
            "callback_query": {
                "id": qid,
                "from": from.to_json(),
                "message": message,
                "chat_instance": format!("ci-{}", from.id),
                "data": data,
            }
        })
    }

    // ----- recorded calls -----

    /// Every call so far, in arrival order.
    #[must_use]
    pub fn requests(&self) -> Vec<ApiCall> {
        self.shared.lock().calls.clone()
    }

    /// Calls of one method (case-insensitive).
    #[must_use]
    pub fn calls_to(&self, method: &str) -> Vec<ApiCall> {
        let method = method.to_ascii_lowercase();
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Messages the bot sent successfully, in order.
    #[must_use]
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.shared.lock().sent.clone()
    }

    /// Current `setMyCommands` state: `"<scope JSON>|<language_code>" -> commands`.
    #[must_use]
    pub fn my_commands(&self) -> HashMap<String, Value> {
        self.shared.lock().commands.clone()
    }

    /// Polls the recorded calls until `f` returns `Some`, or `timeout` passes.
    ///
    /// # Errors
    /// [`WaitTimeout`] with a summary of the calls seen.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut f: impl FnMut(&[ApiCall]) -> Option<T>,
    ) -> Result<T, WaitTimeout> {
        self.wait_state(timeout, what, |st| f(&st.calls)).await
    }

    /// Polls the sent messages until `f` returns `Some`, or `timeout` passes.
    ///
    /// # Errors
    /// [`WaitTimeout`] with a summary of the calls seen.
    pub async fn wait_for_sent<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut f: impl FnMut(&[SentMessage]) -> Option<T>,
    ) -> Result<T, WaitTimeout> {
        self.wait_state(timeout, what, |st| f(&st.sent)).await
    }

    /// Waits for the first call to `method` matching `f`.
    ///
    /// # Errors
    /// [`WaitTimeout`] with a summary of the calls seen.
    pub async fn wait_for_call(
        &self,
        timeout: Duration,
        method: &str,
        f: impl Fn(&ApiCall) -> bool,
    ) -> Result<ApiCall, WaitTimeout> {
        let m = method.to_ascii_lowercase();
        self.wait_for(timeout, &format!("a {method} call"), |calls| {
            calls.iter().find(|c| c.method == m && f(c)).cloned()
        })
        .await
    }

    /// Waits until the bot has confirmed every update up to and including `update_id`.
    ///
    /// # Errors
    /// [`WaitTimeout`] with a summary of the calls seen.
    pub async fn wait_confirmed(
        &self,
        timeout: Duration,
        update_id: i64,
    ) -> Result<(), WaitTimeout> {
        self.wait_state(
            timeout,
            &format!("confirmation of update {update_id}"),
            |st| (st.confirmed > update_id).then_some(()),
        )
        .await
    }

    async fn wait_state<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut f: impl FnMut(&State) -> Option<T>,
    ) -> Result<T, WaitTimeout> {
        let start = Instant::now();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.calls_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(v) = f(&self.shared.lock()) {
                return Ok(v);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(WaitTimeout {
                    what: what.to_owned(),
                    waited: start.elapsed(),
                    calls: self.summary(),
                });
            }
            // A periodic tick also catches changes that notify nobody (e.g. confirmations).
            let tick = tokio::time::Instant::now() + Duration::from_millis(50);
            tokio::select! {
                () = &mut notified => {}
                () = tokio::time::sleep_until(tick.min(deadline)) => {}
            }
        }
    }

    /// One line per non-`getUpdates` call (and a count of `getUpdates`), for failure messages.
    #[must_use]
    pub fn summary(&self) -> String {
        let st = self.shared.lock();
        let mut out = String::new();
        let mut polls = 0;
        for c in &st.calls {
            if c.method == "getupdates" && c.fault.is_none() {
                polls += 1;
                continue;
            }
            let mut body = c.body.to_string();
            if body.chars().count() > 400 {
                body = body.chars().take(400).collect::<String>() + "…";
            }
            let fault = c
                .fault
                .as_ref()
                .map(|f| format!(" [fault {f:?}]"))
                .unwrap_or_default();
            out.push_str(&format!("  #{} {}{fault} {body}\n", c.seq, c.method));
        }
        out.push_str(&format!(
            "  ({polls} getUpdates; confirmed offset {}; {} updates pushed)\n",
            st.confirmed,
            st.updates.len()
        ));
        out
    }

    // ----- faults -----

    /// The next `times` calls to `method` (case-insensitive) get `fault`.
    pub fn fail_next(&self, method: &str, fault: Fault, times: usize) {
        self.fail_when(method, |_| true, fault, times);
    }

    /// The next `times` calls to `method` whose request matches `matcher` get `fault`.
    pub fn fail_when(
        &self,
        method: &str,
        matcher: impl Fn(&Value) -> bool + Send + Sync + 'static,
        fault: Fault,
        times: usize,
    ) {
        if times == 0 {
            return;
        }
        self.shared.lock().faults.push(FaultRule {
            method: method.to_ascii_lowercase(),
            matcher: Box::new(matcher),
            fault,
            remaining: times,
        });
    }

    /// How many armed faults have not fired yet.
    #[must_use]
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.iter().map(|r| r.remaining).sum()
    }

    /// Calls that got a fault.
    #[must_use]
    pub fn faulted_calls(&self) -> Vec<ApiCall> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.fault.is_some())
            .cloned()
            .collect()
    }
}

fn remember_message(st: &mut State, msg: &Value) {
    let (Some(chat_id), Some(mid)) = (msg["chat"]["id"].as_i64(), msg["message_id"].as_i64())
    else {
        return;
    };
    st.chats.insert(chat_id, msg["chat"].clone());
    st.messages.insert((chat_id, mid), msg.clone());
    st.next_message_id = st.next_message_id.max(mid + 1);
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

// ----- HTTP -----

struct HttpRequest {
    method: String,
    path: String,
    query: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
    close: bool,
}

enum Reply {
    Json(u16, Value),
    Drop,
}

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

async fn serve_connection(shared: Arc<Shared>, mut stream: TcpStream) {
    let mut buf = Vec::new();
    loop {
        let req = match read_request(&mut stream, &mut buf).await {
            Ok(Some(req)) => req,
            Ok(None) | Err(_) => return,
        };
        let close = req.close;
        match handle(&shared, req).await {
            Reply::Json(status, body) => {
                if write_json(&mut stream, status, &body, close).await.is_err() || close {
                    return;
                }
            }
            Reply::Drop => {
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<()> {
    let mut chunk = [0_u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    if n == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}

fn bad(msg: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg.to_owned())
}

async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<HttpRequest>> {
    let head_end = loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Err(bad("request head too large"));
        }
        match fill(stream, buf).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && buf.is_empty() => {
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let version = parts.next().unwrap_or("HTTP/1.1").to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    if headers
        .get("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(stream, buf).await?
    } else {
        let len: usize = headers
            .get("content-length")
            .map(|v| v.parse().map_err(|_| bad("bad content-length")))
            .transpose()?
            .unwrap_or(0);
        if len > MAX_BODY {
            return Err(bad("body too large"));
        }
        while buf.len() < len {
            fill(stream, buf).await?;
        }
        buf.drain(..len).collect()
    };
    let connection = headers
        .get("connection")
        .map(|v| v.to_ascii_lowercase())
        .unwrap_or_default();
    let close = connection.contains("close")
        || (version == "HTTP/1.0" && !connection.contains("keep-alive"));
    Ok(Some(HttpRequest {
        method,
        path,
        query,
        headers,
        body,
        close,
    }))
}

async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(pos) = find(buf, b"\r\n") {
                break pos;
            }
            fill(stream, buf).await?;
        };
        let line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        buf.drain(..line_end + 2);
        let size_hex = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| bad("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to an empty line.
            loop {
                let end = loop {
                    if let Some(pos) = find(buf, b"\r\n") {
                        break pos;
                    }
                    fill(stream, buf).await?;
                };
                buf.drain(..end + 2);
                if end == 0 {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(bad("body too large"));
        }
        while buf.len() < size + 2 {
            fill(stream, buf).await?;
        }
        body.extend(buf.drain(..size));
        buf.drain(..2);
    }
}

async fn write_json(
    stream: &mut TcpStream,
    status: u16,
    body: &Value,
    close: bool,
) -> std::io::Result<()> {
    let payload = body.to_string();
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let conn = if close { "close" } else { "keep-alive" };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: {conn}\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(payload.as_bytes()).await?;
    stream.flush().await
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Form or query fields as a JSON object; values that parse as JSON (numbers, arrays,
/// objects, booleans) become that JSON, anything else a string.
fn form_to_json(form: &str, into: &mut Map<String, Value>) {
    for pair in form.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        let value = serde_json::from_str::<Value>(&v).unwrap_or(Value::String(v));
        into.insert(percent_decode(k), value);
    }
}

fn request_params(req: &HttpRequest) -> Result<Value, String> {
    let mut params = Map::new();
    form_to_json(&req.query, &mut params);
    let ctype = req
        .headers
        .get("content-type")
        .map(|v| v.to_ascii_lowercase())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&req.body);
    if req.body.iter().all(u8::is_ascii_whitespace) {
        // Empty body: query parameters only.
    } else if ctype.contains("application/x-www-form-urlencoded") {
        form_to_json(&text, &mut params);
    } else if ctype.contains("multipart/form-data") {
        params.insert("_multipart_bytes".into(), json!(req.body.len()));
    } else {
        match serde_json::from_slice::<Value>(&req.body) {
            Ok(Value::Object(obj)) => params.extend(obj),
            Ok(_) => return Err("Bad Request: parameters must be a JSON object".into()),
            Err(e) => return Err(format!("Bad Request: can't parse JSON: {e}")),
        }
    }
    Ok(Value::Object(params))
}

fn ok(result: Value) -> Reply {
    Reply::Json(200, json!({ "ok": true, "result": result }))
}

fn api_error(code: u16, description: &str) -> Reply {
    Reply::Json(
        code,
        json!({ "ok": false, "error_code": code, "description": description }),
    )
}

fn fault_reply(fault: &Fault) -> Reply {
    match fault {
        Fault::TooManyRequests { retry_after } => Reply::Json(
            429,
            json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {retry_after}"),
                "parameters": { "retry_after": retry_after },
            }),
        ),
        Fault::ServerError(code) => {
            let description = match code {
                502 => "Bad Gateway",
                503 => "Service Unavailable",
                _ => "Internal Server Error",
            };
            api_error(*code, description)
        }
        Fault::DropConnection | Fault::DropResponse => Reply::Drop,
    }
}

async fn handle(shared: &Arc<Shared>, req: HttpRequest) -> Reply {
    if req.method != "POST" && req.method != "GET" {
        return api_error(405, "Method Not Allowed");
    }
    let Some(rest) = req.path.strip_prefix("/bot") else {
        return api_error(404, "Not Found");
    };
    let Some((token, method)) = rest.split_once('/') else {
        return api_error(404, "Not Found");
    };
    if token != shared.token {
        return api_error(401, "Unauthorized");
    }
    if method.is_empty() || method.contains('/') {
        return api_error(404, "Not Found");
    }
    let method = method.to_ascii_lowercase();
    let params = request_params(&req);
    let body = params.clone().unwrap_or(Value::Null);
    let fault = {
        let mut st = shared.lock();
        let fault = take_fault(&mut st, &method, &body);
        let seq = st.calls.len();
        st.calls.push(ApiCall {
            seq,
            method: method.clone(),
            body: body.clone(),
            at: Instant::now(),
            fault: fault.clone(),
        });
        fault
    };
    shared.calls_changed.notify_waiters();
    let params = match params {
        Ok(p) => p,
        Err(e) => return api_error(400, &e),
    };
    match fault {
        Some(Fault::DropResponse) => {
            let _ = call(shared, &method, &params).await;
            shared.calls_changed.notify_waiters();
            Reply::Drop
        }
        Some(fault) => fault_reply(&fault),
        None => {
            let reply = call(shared, &method, &params).await;
            shared.calls_changed.notify_waiters();
            reply
        }
    }
}

fn take_fault(st: &mut State, method: &str, body: &Value) -> Option<Fault> {
    let idx = st
        .faults
        .iter()
        .position(|r| r.remaining > 0 && r.method == method && (r.matcher)(body))?;
    let rule = &mut st.faults[idx];
    rule.remaining -= 1;
    let fault = rule.fault.clone();
    if rule.remaining == 0 {
        st.faults.remove(idx);
    }
    Some(fault)
}

fn int_param(p: &Value, key: &str) -> Option<i64> {
    match &p[key] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bool_param(p: &Value, key: &str) -> bool {
    match &p[key] {
        Value::Bool(b) => *b,
        Value::String(s) => s == "true",
        _ => false,
    }
}

async fn call(shared: &Arc<Shared>, method: &str, p: &Value) -> Reply {
    match method {
        "getme" => ok(shared.bot_user.clone()),
        "getupdates" => get_updates(shared, p).await,
        "getwebhookinfo" => {
            let st = shared.lock();
            let pending = st
                .updates
                .iter()
                .filter(|u| u["update_id"].as_i64().unwrap_or_default() >= st.confirmed)
                .count();
            ok(
                json!({ "url": "", "has_custom_certificate": false, "pending_update_count": pending }),
            )
        }
        "deletewebhook" => {
            if bool_param(p, "drop_pending_updates") {
                let mut st = shared.lock();
                st.confirmed = st.next_update_id;
            }
            ok(json!(true))
        }
        "setmycommands" => {
            let key = commands_key(p);
            shared.lock().commands.insert(key, p["commands"].clone());
            ok(json!(true))
        }
        "deletemycommands" => {
            let key = commands_key(p);
            shared.lock().commands.remove(&key);
            ok(json!(true))
        }
        "getmycommands" => {
            let key = commands_key(p);
            let cmds = shared.lock().commands.get(&key).cloned();
            ok(cmds.unwrap_or_else(|| json!([])))
        }
        "sendmessage" => send_message(shared, p),
        "editmessagetext" | "editmessagereplymarkup" | "editmessagecaption" => {
            edit_message(shared, method, p)
        }
        "answercallbackquery" => {
            let Some(qid) = p["callback_query_id"].as_str() else {
                return api_error(400, "Bad Request: query ID is invalid");
            };
            let mut st = shared.lock();
            match st.callback_queries.get_mut(qid) {
                Some(answered) => {
                    *answered = true;
                    ok(json!(true))
                }
                None => api_error(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is invalid",
                ),
            }
        }
        "deletemessage" => {
            let (Some(chat), Some(mid)) = (int_param(p, "chat_id"), int_param(p, "message_id"))
            else {
                return api_error(400, "Bad Request: message to delete not found");
            };
            if shared.lock().messages.remove(&(chat, mid)).is_some() {
                ok(json!(true))
            } else {
                api_error(400, "Bad Request: message to delete not found")
            }
        }
        // sendChatAction, close, logOut, setMyDescription, ... and anything else.
        _ => ok(json!(true)),
    }
}

fn commands_key(p: &Value) -> String {
    let scope = match &p["scope"] {
        Value::Null => json!({ "type": "default" }),
        s => s.clone(),
    };
    let lang = p["language_code"].as_str().unwrap_or_default();
    format!("{scope}|{lang}")
}

fn chat_object(st: &State, chat_id: i64) -> Value {
    st.chats.get(&chat_id).cloned().unwrap_or_else(|| {
        if chat_id > 0 {
            json!({ "id": chat_id, "type": "private", "first_name": "User" })
        } else {
            json!({ "id": chat_id, "type": "supergroup", "title": "Group" })
        }
    })
}

fn bot_from(shared: &Shared) -> Value {
    let u = &shared.bot_user;
    json!({
        "id": u["id"], "is_bot": true, "first_name": u["first_name"], "username": u["username"]
    })
}

fn check_keyboard(p: &Value) -> Result<(), &'static str> {
    for data in callback_data(p) {
        if data.is_empty() || data.len() > 64 {
            return Err("Bad Request: BUTTON_DATA_INVALID");
        }
    }
    Ok(())
}

fn send_message(shared: &Arc<Shared>, p: &Value) -> Reply {
    let Some(chat_id) = int_param(p, "chat_id") else {
        return api_error(400, "Bad Request: chat not found");
    };
    let text = p["text"].as_str().unwrap_or_default();
    if text.trim().is_empty() {
        return api_error(400, "Bad Request: message text is empty");
    }
    if utf16_len(text) > 4096 {
        return api_error(400, "Bad Request: message is too long");
    }
    if let Err(e) = check_keyboard(p) {
        return api_error(400, e);
    }
    let mut st = shared.lock();
    let reply_to = reply_target(p).map(|mid| st.messages.get(&(chat_id, mid)).cloned());
    if let Some(None) = reply_to {
        let allow = p["reply_parameters"]["allow_sending_without_reply"]
            .as_bool()
            .unwrap_or(false);
        if !allow {
            return api_error(400, "Bad Request: message to be replied not found");
        }
    }
    let message_id = st.next_message_id;
    st.next_message_id += 1;
    let mut msg = json!({
        "message_id": message_id,
        "from": bot_from(shared),
        "chat": chat_object(&st, chat_id),
        "date": unix_now(),
        "text": text,
    });
    if !p["reply_markup"].is_null() && p["reply_markup"]["inline_keyboard"].is_array() {
        msg["reply_markup"] = p["reply_markup"].clone();
    }
    if let Some(Some(original)) = reply_to {
        msg["reply_to_message"] = original;
    }
    st.messages.insert((chat_id, message_id), msg.clone());
    st.sent.push(SentMessage {
        message_id,
        chat_id,
        request: p.clone(),
        message: msg.clone(),
        at: Instant::now(),
    });
    ok(msg)
}

fn edit_message(shared: &Arc<Shared>, method: &str, p: &Value) -> Reply {
    if p["inline_message_id"].is_string() {
        return ok(json!(true));
    }
    let (Some(chat_id), Some(mid)) = (int_param(p, "chat_id"), int_param(p, "message_id")) else {
        return api_error(400, "Bad Request: message to edit not found");
    };
    if let Err(e) = check_keyboard(p) {
        return api_error(400, e);
    }
    let mut st = shared.lock();
    let Some(current) = st.messages.get(&(chat_id, mid)).cloned() else {
        return api_error(400, "Bad Request: message to edit not found");
    };
    let mut edited = current.clone();
    match method {
        "editmessagetext" => {
            let text = p["text"].as_str().unwrap_or_default();
            if text.trim().is_empty() {
                return api_error(400, "Bad Request: message text is empty");
            }
            edited["text"] = json!(text);
        }
        "editmessagecaption" => edited["caption"] = p["caption"].clone(),
        _ => {}
    }
    match &p["reply_markup"] {
        Value::Null => {
            if let Some(obj) = edited.as_object_mut() {
                obj.remove("reply_markup");
            }
        }
        markup => edited["reply_markup"] = markup.clone(),
    }
    if edited == current {
        return api_error(
            400,
            "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        );
    }
    edited["edit_date"] = json!(unix_now());
    st.messages.insert((chat_id, mid), edited.clone());
    ok(edited)
}

fn update_kind(update: &Value) -> Option<&str> {
    update
        .as_object()?
        .keys()
        .find(|k| k.as_str() != "update_id")
        .map(String::as_str)
}

/// Kinds delivered when `allowed_updates` is empty or never set.
const NOT_DEFAULT: [&str; 3] = ["chat_member", "message_reaction", "message_reaction_count"];

fn deliverable(st: &State, limit: usize) -> Vec<Value> {
    st.updates
        .iter()
        .filter(|u| u["update_id"].as_i64().unwrap_or_default() >= st.confirmed)
        .filter(|u| {
            let kind = update_kind(u).unwrap_or_default();
            match &st.allowed_updates {
                Some(list) if !list.is_empty() => list.iter().any(|k| k == kind),
                _ => !NOT_DEFAULT.contains(&kind),
            }
        })
        .take(limit)
        .cloned()
        .collect()
}

async fn get_updates(shared: &Arc<Shared>, p: &Value) -> Reply {
    let limit = usize::try_from(int_param(p, "limit").unwrap_or(100).clamp(1, 100)).unwrap_or(100);
    let timeout = Duration::from_secs(
        u64::try_from(int_param(p, "timeout").unwrap_or(0).max(0)).unwrap_or(0),
    );
    {
        let mut st = shared.lock();
        if let Some(list) = p["allowed_updates"].as_array() {
            st.allowed_updates = Some(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            );
        }
        match int_param(p, "offset") {
            Some(offset) if offset < 0 => {
                let pending: Vec<i64> = st
                    .updates
                    .iter()
                    .filter_map(|u| u["update_id"].as_i64())
                    .filter(|id| *id >= st.confirmed)
                    .collect();
                let keep = usize::try_from(-offset).unwrap_or(usize::MAX);
                let first_kept = pending
                    .len()
                    .checked_sub(keep)
                    .and_then(|i| pending.get(i).copied())
                    .or_else(|| pending.first().copied());
                st.confirmed = first_kept.unwrap_or(st.next_update_id);
            }
            Some(offset) => st.confirmed = st.confirmed.max(offset),
            None => {}
        }
    }
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = shared.updates_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let batch = deliverable(&shared.lock(), limit);
        if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
            return ok(Value::Array(batch));
        }
        tokio::select! {
            () = &mut notified => {}
            () = tokio::time::sleep_until(deadline) => {}
        }
    }
}
