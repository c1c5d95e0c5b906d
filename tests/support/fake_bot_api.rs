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

use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    /// A group or supergroup that posted anonymously: `{"type":"chat","sender_chat":{..}}`.
    Chat { id: i64, title: String },
    /// A channel post: `{"type":"channel","chat":{..},"message_id":..}`.
    Channel {
        id: i64,
        title: String,
        message_id: i64,
    },
}

impl Origin {
    #[must_use]
    pub fn hidden(name: &str) -> Self {
        Self::HiddenUser(name.to_owned())
    }

    /// A post of channel `id` (its `message_id` there is 1).
    #[must_use]
    pub fn channel(id: i64, title: &str) -> Self {
        Self::Channel {
            id,
            title: title.to_owned(),
            message_id: 1,
        }
    }

    /// The Bot API `MessageOrigin` object, sent at `date`.
    #[must_use]
    pub fn to_json(&self, date: i64) -> Value {
        match self {
            Self::HiddenUser(name) => {
                json!({ "type": "hidden_user", "sender_user_name": name, "date": date })
            }
            Self::User(u) => json!({ "type": "user", "sender_user": u.to_json(), "date": date }),
            Self::Chat { id, title } => json!({
                "type": "chat",
                "sender_chat": { "id": id, "type": "supergroup", "title": title },
                "date": date,
            }),
            Self::Channel {
                id,
                title,
                message_id,
            } => json!({
                "type": "channel",
                "chat": channel_chat(*id, title),
                "message_id": message_id,
                "date": date,
            }),
        }
    }
}

/// Telegram's `Channel_Bot`: the `from` of messages a user sends in a group as a channel.
pub const CHANNEL_BOT_ID: i64 = 136_817_688;
/// Telegram's `GroupAnonymousBot`: the `from` of messages of anonymous group administrators.
pub const GROUP_ANONYMOUS_BOT_ID: i64 = 1_087_968_824;
/// The `Telegram` service account: the `from` of automatic forwards from a linked channel.
pub const TELEGRAM_SERVICE_ID: i64 = 777_000;

/// Title of the supergroups the group builders create.
pub const GROUP_TITLE: &str = "Test Group";

/// Membership statuses of `getChatMember` (`ChatMember.status`).
pub const MEMBER_STATUSES: [&str; 6] = [
    "creator",
    "administrator",
    "member",
    "restricted",
    "left",
    "kicked",
];

/// Answer of the fake when the bot restricts, bans or unbans without `can_restrict_members`
/// (teloxide's `ApiError::NotEnoughRightsToRestrict`).
pub const NOT_ENOUGH_RIGHTS_TO_RESTRICT: &str =
    "Bad Request: not enough rights to restrict/unrestrict chat member";
/// Answer when the bot restricts or bans an administrator or the creator.
pub const USER_IS_ADMIN: &str = "Bad Request: user is an administrator of the chat";
/// Answer when the bot deletes someone else's group message without `can_delete_messages`
/// (teloxide's `ApiError::MessageCantBeDeleted`).
pub const MESSAGE_CANT_BE_DELETED: &str = "Bad Request: message can't be deleted";

fn channel_chat(id: i64, title: &str) -> Value {
    json!({ "id": id, "type": "channel", "title": title })
}

fn group_chat(id: i64) -> Value {
    json!({ "id": id, "type": "supergroup", "title": GROUP_TITLE })
}

fn service_user(id: i64, first_name: &str, username: &str) -> Value {
    json!({ "id": id, "is_bot": true, "first_name": first_name, "username": username })
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
    /// The URL registered by `setWebhook` (empty: none).
    webhook_url: String,
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
    /// Group members set by the test or changed by the bot, by `(chat_id, user_id)`. Absent:
    /// `member`.
    members: BTreeMap<(i64, i64), Membership>,
    /// `User` objects seen in pushed updates, by id.
    users: HashMap<i64, Value>,
    /// The bot's own membership per chat. Absent: administrator with every right.
    bot_members: HashMap<i64, BotMembership>,
    /// `banChatSenderChat`: `(chat_id, sender_chat_id)`.
    banned_sender_chats: BTreeSet<(i64, i64)>,
    /// file id -> (file path, bytes), served by getFile and /file/bot<token>/<path>.
    files: HashMap<String, (String, Vec<u8>)>,
}

/// A user's membership in a group.
#[derive(Clone, Debug)]
struct Membership {
    user: Value,
    status: String,
    /// `restricted` and `kicked`: 0 is forever.
    until_date: i64,
    /// `restricted`: the `ChatPermissions` granted (missing fields are `false`).
    permissions: Value,
}

/// The bot's own membership in a group.
#[derive(Clone, Debug)]
struct BotMembership {
    status: String,
    can_delete: bool,
    can_restrict: bool,
}

impl BotMembership {
    fn with_rights(can_delete: bool, can_restrict: bool) -> Self {
        let status = if can_delete || can_restrict {
            "administrator"
        } else {
            "member"
        };
        Self {
            status: status.to_owned(),
            can_delete,
            can_restrict,
        }
    }

    fn is_admin(&self) -> bool {
        matches!(self.status.as_str(), "administrator" | "creator")
    }

    fn may_delete(&self) -> bool {
        self.is_admin() && self.can_delete
    }

    fn may_restrict(&self) -> bool {
        self.is_admin() && self.can_restrict
    }
}

impl Default for BotMembership {
    fn default() -> Self {
        Self::with_rights(true, true)
    }
}

/// `ChatPermissions` fields a restricted `ChatMember` carries.
const PERMISSIONS: [&str; 14] = [
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
];

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
                webhook_url: String::new(),
                calls: Vec::new(),
                sent: Vec::new(),
                next_message_id: 1,
                messages: HashMap::new(),
                chats: HashMap::new(),
                commands: HashMap::new(),
                faults: Vec::new(),
                callback_queries: HashMap::new(),
                next_callback_id: 1,
                members: BTreeMap::new(),
                users: HashMap::new(),
                bot_members: HashMap::new(),
                banned_sender_chats: BTreeSet::new(),
                files: HashMap::new(),
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
        m["forward_origin"] = origin.to_json(unix_now() - 600);
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

    /// Serve `bytes` as file `file_id` (getFile, then `/file/bot<token>/photos/<id>.jpg`).
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        let path = format!("photos/{file_id}.jpg");
        self.shared
            .lock()
            .files
            .insert(file_id.to_owned(), (path, bytes));
    }

    /// A photo message from `from` (in `chat`: its private chat when `None`) whose largest size
    /// is file `file_id` of `width` x `height` and `size` bytes, with an optional caption.
    #[must_use]
    pub fn photo(
        &self,
        chat: Option<i64>,
        from: &TgUser,
        file_id: &str,
        (width, height, size): (u32, u32, usize),
        caption: Option<&str>,
    ) -> Value {
        let mut m = match chat {
            Some(c) => self.base_group_message(c, from.to_json()),
            None => self.base_message(from),
        };
        m["photo"] = json!([
            { "file_id": format!("{file_id}-thumb"), "file_unique_id": format!("{file_id}-t"),
              "width": 90, "height": 68, "file_size": 900 },
            { "file_id": file_id, "file_unique_id": format!("{file_id}-u"),
              "width": width, "height": height, "file_size": size }
        ]);
        if let Some(c) = caption {
            m["caption"] = json!(c);
        }
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

    // ----- groups -----

    fn base_group_message(&self, chat_id: i64, from: Value) -> Value {
        json!({
            "message_id": self.next_message_id(),
            "from": from,
            "chat": group_chat(chat_id),
            "date": unix_now(),
        })
    }

    /// A text message `from` sent in supergroup `chat_id` (`{"type":"supergroup"}`, titled
    /// [`GROUP_TITLE`]). A leading `/command` gets its `bot_command` entity.
    #[must_use]
    pub fn group_text(&self, chat_id: i64, from: &TgUser, text: &str) -> Value {
        let mut m = self.base_group_message(chat_id, from.to_json());
        m["text"] = json!(text);
        if text.starts_with('/') {
            let cmd = text.split_whitespace().next().unwrap_or(text);
            m["entities"] =
                json!([{ "type": "bot_command", "offset": 0, "length": utf16_len(cmd) }]);
        }
        m
    }

    /// A text message `from` forwarded into supergroup `chat_id`.
    #[must_use]
    pub fn group_forwarded(
        &self,
        chat_id: i64,
        from: &TgUser,
        text: &str,
        origin: Origin,
    ) -> Value {
        let mut m = self.base_group_message(chat_id, from.to_json());
        m["text"] = json!(text);
        m["forward_origin"] = origin.to_json(unix_now() - 600);
        m
    }

    /// A text message a user sent in supergroup `chat_id` as their channel `channel_id`:
    /// `sender_chat` is the channel, `from` is Telegram's `Channel_Bot` ([`CHANNEL_BOT_ID`]).
    #[must_use]
    pub fn group_as_channel(&self, chat_id: i64, channel_id: i64, text: &str) -> Value {
        let from = service_user(CHANNEL_BOT_ID, "Channel", "Channel_Bot");
        let mut m = self.base_group_message(chat_id, from);
        m["sender_chat"] = channel_chat(channel_id, "C");
        m["text"] = json!(text);
        m
    }

    /// A text message of an anonymous administrator of supergroup `chat_id`: `sender_chat` is
    /// the group itself, `from` is `GroupAnonymousBot` ([`GROUP_ANONYMOUS_BOT_ID`]).
    #[must_use]
    pub fn group_anonymous_admin(&self, chat_id: i64, text: &str) -> Value {
        let from = service_user(GROUP_ANONYMOUS_BOT_ID, "Group", "GroupAnonymousBot");
        let mut m = self.base_group_message(chat_id, from);
        m["sender_chat"] = group_chat(chat_id);
        m["text"] = json!(text);
        m
    }

    /// A post of the linked channel `channel_id` forwarded automatically into its discussion
    /// supergroup `chat_id`: `is_automatic_forward`, `sender_chat` the channel, a `channel`
    /// `forward_origin`, `from` the `Telegram` service account ([`TELEGRAM_SERVICE_ID`]).
    #[must_use]
    pub fn group_automatic_forward(&self, chat_id: i64, channel_id: i64, text: &str) -> Value {
        let from = json!({ "id": TELEGRAM_SERVICE_ID, "is_bot": false, "first_name": "Telegram" });
        let mut m = self.base_group_message(chat_id, from);
        m["sender_chat"] = channel_chat(channel_id, "C");
        m["is_automatic_forward"] = json!(true);
        m["forward_origin"] = Origin::channel(channel_id, "C").to_json(unix_now() - 5);
        m["text"] = json!(text);
        m
    }

    /// The service message of `user` joining supergroup `chat_id` (`new_chat_members`).
    /// Pushing it makes a user who `left` (or was never set) a `member` again.
    #[must_use]
    pub fn group_join(&self, chat_id: i64, user: &TgUser) -> Value {
        let mut m = self.base_group_message(chat_id, user.to_json());
        m["new_chat_members"] = json!([user.to_json()]);
        m
    }

    /// Queues `{"edited_message": msg}` with `edit_date` set: `msg` is an already pushed
    /// message (same `chat.id` and `message_id`) with its new content.
    ///
    /// # Panics
    /// If `msg` has no `message_id`.
    pub fn push_edited(&self, mut msg: Value) -> Pushed {
        let message_id = msg["message_id"].as_i64().expect("message has message_id");
        let date = msg["date"].as_i64().unwrap_or_else(unix_now);
        msg["edit_date"] = json!(unix_now().max(date + 1));
        let update_id = self.push_update(json!({ "edited_message": msg }));
        Pushed {
            update_id,
            message_id,
        }
    }

    /// A `my_chat_member` update body (for [`Self::push_update`]): `by` changed the bot's
    /// membership in supergroup `chat_id` from `old_status` to `new_status`; as an
    /// `administrator` it gets `can_delete` and `can_restrict`. The bot's membership in the
    /// chat changes at once (what `getChatMember` answers for the bot).
    ///
    /// # Panics
    /// If a status is not one of [`MEMBER_STATUSES`].
    #[must_use]
    pub fn my_chat_member(
        &self,
        chat_id: i64,
        by: &TgUser,
        old_status: &str,
        new_status: &str,
        can_delete: bool,
        can_restrict: bool,
    ) -> Value {
        for status in [old_status, new_status] {
            assert!(
                MEMBER_STATUSES.contains(&status),
                "unknown chat member status {status:?}"
            );
        }
        let bot = bot_from(&self.shared);
        let mut st = self.shared.lock();
        let old_rights = st.bot_members.get(&chat_id).cloned().unwrap_or_default();
        let new = BotMembership {
            status: new_status.to_owned(),
            can_delete,
            can_restrict,
        };
        let old = BotMembership {
            status: old_status.to_owned(),
            ..old_rights
        };
        let old_member = bot_member_json(&bot, &old);
        let new_member = bot_member_json(&bot, &new);
        st.bot_members.insert(chat_id, new);
        st.chats.insert(chat_id, group_chat(chat_id));
        json!({
            "my_chat_member": {
                "chat": group_chat(chat_id),
                "from": by.to_json(),
                "date": unix_now(),
                "old_chat_member": old_member,
                "new_chat_member": new_member,
            }
        })
    }

    /// A `callback_query` update for a button on a group message: the same as
    /// [`Self::callback_query`], which works for any chat.
    #[must_use]
    pub fn group_callback_query(&self, from: &TgUser, data: &str, message: &Value) -> Value {
        self.callback_query(from, data, message)
    }

    /// Sets `user`'s membership in `chat_id`: `creator`, `administrator` (with every right),
    /// `member`, `restricted` (with no permission, forever), `left` or `kicked` (forever).
    ///
    /// # Panics
    /// If `status` is not one of [`MEMBER_STATUSES`].
    pub fn set_member(&self, chat_id: i64, user: &TgUser, status: &str) {
        assert!(
            MEMBER_STATUSES.contains(&status),
            "unknown chat member status {status:?}"
        );
        let mut st = self.shared.lock();
        st.users.insert(user.id, user.to_json());
        st.members.insert(
            (chat_id, user.id),
            Membership {
                user: user.to_json(),
                status: status.to_owned(),
                until_date: 0,
                permissions: json!({}),
            },
        );
    }

    /// Sets the bot's rights in `chat_id`: an `administrator` with `can_delete_messages` and
    /// `can_restrict_members` as given, or a plain `member` when both are `false`. Default:
    /// administrator with both.
    pub fn set_bot_rights(&self, chat_id: i64, can_delete: bool, can_restrict: bool) {
        self.shared.lock().bot_members.insert(
            chat_id,
            BotMembership::with_rights(can_delete, can_restrict),
        );
    }

    /// `ChatMember.status` of `user_id` in `chat_id` now (`member` when never set).
    #[must_use]
    pub fn member_status(&self, chat_id: i64, user_id: i64) -> String {
        let st = self.shared.lock();
        chat_member(&st, &self.shared, chat_id, user_id)["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The `ChatMember` object `getChatMember` answers for `user_id` in `chat_id` now.
    #[must_use]
    pub fn chat_member(&self, chat_id: i64, user_id: i64) -> Value {
        let st = self.shared.lock();
        chat_member(&st, &self.shared, chat_id, user_id)
    }

    /// Whether `banChatSenderChat` banned `sender_chat_id` in `chat_id` (and no unban since).
    #[must_use]
    pub fn sender_chat_banned(&self, chat_id: i64, sender_chat_id: i64) -> bool {
        self.shared
            .lock()
            .banned_sender_chats
            .contains(&(chat_id, sender_chat_id))
    }

    /// Whether message `message_id` of `chat_id` still exists (was pushed or sent, and not
    /// deleted).
    #[must_use]
    pub fn message_exists(&self, chat_id: i64, message_id: i64) -> bool {
        self.shared
            .lock()
            .messages
            .contains_key(&(chat_id, message_id))
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

    /// Disarm every fault that has not fired yet.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
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
    if let Some(id) = msg["from"]["id"].as_i64() {
        st.users.insert(id, msg["from"].clone());
    }
    for user in msg["new_chat_members"].as_array().into_iter().flatten() {
        let Some(id) = user["id"].as_i64() else {
            continue;
        };
        st.users.insert(id, user.clone());
        if let Some(m) = st.members.get_mut(&(chat_id, id)) {
            m.user = user.clone();
            if matches!(m.status.as_str(), "left" | "kicked") {
                m.status = "member".to_owned();
                m.until_date = 0;
            }
        }
    }
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
    Bytes(Vec<u8>),
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
            Reply::Bytes(bytes) => {
                let conn = if close { "close" } else { "keep-alive" };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: {conn}\r\n\r\n",
                    bytes.len()
                );
                let sent = async {
                    stream.write_all(head.as_bytes()).await?;
                    stream.write_all(&bytes).await?;
                    stream.flush().await
                };
                if sent.await.is_err() || close {
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

/// The text fields of a multipart body (file parts are skipped).
fn multipart_fields(body: &str, boundary: &str, into: &mut Map<String, Value>) {
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        if head.contains("filename=") {
            continue;
        }
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        let v = value.strip_suffix("\r\n").unwrap_or(value).to_string();
        let value = serde_json::from_str::<Value>(&v).unwrap_or(Value::String(v));
        into.insert(name.to_string(), value);
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
        if let Some(b) = ctype.split("boundary=").nth(1) {
            // The boundary as sent (the header was lowercased above).
            let raw = req
                .headers
                .get("content-type")
                .and_then(|v| v.split("boundary=").nth(1))
                .unwrap_or(b)
                .trim_matches('"')
                .to_string();
            multipart_fields(&text, &raw, &mut params);
        }
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
    if let Some(rest) = req.path.strip_prefix("/file/bot") {
        let Some((token, path)) = rest.split_once('/') else {
            return api_error(404, "Not Found");
        };
        if token != shared.token {
            return api_error(401, "Unauthorized");
        }
        let path = percent_decode(path);
        let mut st = shared.lock();
        let seq = st.calls.len();
        st.calls.push(ApiCall {
            seq,
            method: "download".into(),
            body: json!({ "file_path": path }),
            at: Instant::now(),
            fault: None,
        });
        let found = st
            .files
            .values()
            .find(|(p, _)| *p == path)
            .map(|(_, b)| b.clone());
        drop(st);
        shared.calls_changed.notify_waiters();
        return match found {
            Some(bytes) => Reply::Bytes(bytes),
            None => api_error(404, "Not Found"),
        };
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
            let url = st.webhook_url.clone();
            ok(
                json!({ "url": url, "has_custom_certificate": false, "pending_update_count": pending }),
            )
        }
        "setwebhook" => {
            shared.lock().webhook_url = p["url"].as_str().unwrap_or_default().to_string();
            ok(json!(true))
        }
        "deletewebhook" => {
            shared.lock().webhook_url.clear();
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
        "getfile" => {
            let id = p["file_id"].as_str().unwrap_or_default();
            match shared.lock().files.get(id) {
                Some((path, bytes)) => ok(json!({
                    "file_id": id, "file_unique_id": format!("u-{id}"),
                    "file_size": bytes.len(), "file_path": path,
                })),
                None => api_error(400, "Bad Request: invalid file_id"),
            }
        }
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
        "deletemessage" => delete_message(shared, p),
        "getchatmember" => {
            let (Some(chat), Some(user)) = (int_param(p, "chat_id"), int_param(p, "user_id"))
            else {
                return api_error(400, "Bad Request: user not found");
            };
            let st = shared.lock();
            ok(chat_member(&st, shared, chat, user))
        }
        "getchatadministrators" => {
            let Some(chat) = int_param(p, "chat_id") else {
                return api_error(400, "Bad Request: chat not found");
            };
            let st = shared.lock();
            ok(chat_administrators(&st, shared, chat))
        }
        "restrictchatmember"
        | "banchatmember"
        | "unbanchatmember"
        | "banchatsenderchat"
        | "unbanchatsenderchat" => moderate(shared, method, p),
        // sendChatAction, close, logOut, setMyDescription, ... and anything else.
        _ => ok(json!(true)),
    }
}

// ----- group membership -----

/// A `ChatMember` object: `user`, `status` and the fields teloxide requires for it.
/// Administrators get `can_delete_messages` / `can_restrict_members` from `rights`.
fn member_json(
    user: &Value,
    status: &str,
    until_date: i64,
    permissions: &Value,
    rights: (bool, bool),
) -> Value {
    let mut m = json!({ "status": status, "user": user });
    match status {
        "creator" => m["is_anonymous"] = json!(false),
        "administrator" => {
            let (can_delete, can_restrict) = rights;
            let fields = json!({
                "can_be_edited": false,
                "is_anonymous": false,
                "can_manage_chat": true,
                "can_delete_messages": can_delete,
                "can_manage_video_chats": false,
                "can_restrict_members": can_restrict,
                "can_promote_members": false,
                "can_change_info": false,
                "can_invite_users": true,
                "can_pin_messages": false,
                "can_post_stories": false,
                "can_edit_stories": false,
                "can_delete_stories": false,
            });
            if let (Some(obj), Value::Object(extra)) = (m.as_object_mut(), fields) {
                obj.extend(extra);
            }
        }
        "restricted" => {
            m["is_member"] = json!(true);
            m["until_date"] = json!(until_date);
            for key in PERMISSIONS {
                m[key] = json!(permissions[key].as_bool().unwrap_or(false));
            }
        }
        "kicked" => m["until_date"] = json!(until_date),
        _ => {}
    }
    m
}

fn bot_member_json(bot: &Value, membership: &BotMembership) -> Value {
    member_json(
        bot,
        &membership.status,
        0,
        &json!({}),
        (membership.can_delete, membership.can_restrict),
    )
}

fn bot_membership(st: &State, chat_id: i64) -> BotMembership {
    st.bot_members.get(&chat_id).cloned().unwrap_or_default()
}

/// What `getChatMember` answers for `user_id` in `chat_id`.
fn chat_member(st: &State, shared: &Shared, chat_id: i64, user_id: i64) -> Value {
    if shared.bot_user["id"].as_i64() == Some(user_id) {
        return bot_member_json(&bot_from(shared), &bot_membership(st, chat_id));
    }
    match st.members.get(&(chat_id, user_id)) {
        Some(m) => member_json(
            &m.user,
            &m.status,
            m.until_date,
            &m.permissions,
            (true, true),
        ),
        None => {
            let user =
                st.users.get(&user_id).cloned().unwrap_or_else(
                    || json!({ "id": user_id, "is_bot": false, "first_name": "User" }),
                );
            member_json(&user, "member", 0, &json!({}), (true, true))
        }
    }
}

fn member_user(st: &State, chat_id: i64, user_id: i64) -> Value {
    st.members
        .get(&(chat_id, user_id))
        .map(|m| m.user.clone())
        .or_else(|| st.users.get(&user_id).cloned())
        .unwrap_or_else(|| json!({ "id": user_id, "is_bot": false, "first_name": "User" }))
}

fn member_status_of(st: &State, chat_id: i64, user_id: i64) -> &str {
    st.members
        .get(&(chat_id, user_id))
        .map_or("member", |m| m.status.as_str())
}

fn set_status(st: &mut State, chat_id: i64, user_id: i64, status: &str, until: i64, perms: Value) {
    let user = member_user(st, chat_id, user_id);
    st.members.insert(
        (chat_id, user_id),
        Membership {
            user,
            status: status.to_owned(),
            until_date: until,
            permissions: perms,
        },
    );
}

/// The `getChatAdministrators` answer: creator first, then administrators by id, then the
/// bot when it is one.
fn chat_administrators(st: &State, shared: &Shared, chat_id: i64) -> Value {
    let mut admins: Vec<(u8, i64)> = st
        .members
        .iter()
        .filter(|((chat, _), _)| *chat == chat_id)
        .filter_map(|((_, user), m)| match m.status.as_str() {
            "creator" => Some((0, *user)),
            "administrator" => Some((1, *user)),
            _ => None,
        })
        .collect();
    admins.sort_unstable();
    let mut out: Vec<Value> = admins
        .into_iter()
        .map(|(_, user)| chat_member(st, shared, chat_id, user))
        .collect();
    let bot = bot_membership(st, chat_id);
    if bot.is_admin() {
        out.push(bot_member_json(&bot_from(shared), &bot));
    }
    Value::Array(out)
}

/// `restrictChatMember`, `banChatMember`, `unbanChatMember`, `banChatSenderChat`,
/// `unbanChatSenderChat`.
fn moderate(shared: &Shared, method: &str, p: &Value) -> Reply {
    let Some(chat_id) = int_param(p, "chat_id") else {
        return api_error(400, "Bad Request: chat not found");
    };
    if chat_id > 0 {
        return api_error(
            400,
            "Bad Request: method is available only for supergroups and channel",
        );
    }
    let mut st = shared.lock();
    if !bot_membership(&st, chat_id).may_restrict() {
        return api_error(400, NOT_ENOUGH_RIGHTS_TO_RESTRICT);
    }
    if method.ends_with("senderchat") {
        let Some(sender) = int_param(p, "sender_chat_id") else {
            return api_error(400, "Bad Request: sender_chat_id is empty");
        };
        if method == "banchatsenderchat" {
            st.banned_sender_chats.insert((chat_id, sender));
        } else {
            st.banned_sender_chats.remove(&(chat_id, sender));
        }
        return ok(json!(true));
    }
    let Some(user_id) = int_param(p, "user_id") else {
        return api_error(400, "Bad Request: user not found");
    };
    if shared.bot_user["id"].as_i64() == Some(user_id) {
        return api_error(400, "Bad Request: can't restrict self");
    }
    let status = member_status_of(&st, chat_id, user_id).to_owned();
    let privileged = matches!(status.as_str(), "creator" | "administrator");
    let until = int_param(p, "until_date").unwrap_or(0);
    match method {
        "restrictchatmember" => {
            if privileged {
                return api_error(400, USER_IS_ADMIN);
            }
            let perms = match &p["permissions"] {
                Value::Object(_) => p["permissions"].clone(),
                _ => return api_error(400, "Bad Request: can't parse permissions JSON object"),
            };
            let all = PERMISSIONS
                .iter()
                .all(|k| perms[*k].as_bool().unwrap_or(false));
            if all {
                // Every permission granted: the restriction is lifted.
                if status == "restricted" {
                    set_status(&mut st, chat_id, user_id, "member", 0, json!({}));
                }
            } else if status != "kicked" {
                set_status(&mut st, chat_id, user_id, "restricted", until, perms);
            }
        }
        "banchatmember" => {
            if privileged {
                return api_error(400, USER_IS_ADMIN);
            }
            set_status(&mut st, chat_id, user_id, "kicked", until, json!({}));
        }
        _ => {
            // unbanChatMember: afterwards the user is not in the chat but may join it; a
            // member is removed too unless `only_if_banned`.
            let only_if_banned = bool_param(p, "only_if_banned");
            let unban = match status.as_str() {
                "kicked" => true,
                "member" | "restricted" => !only_if_banned,
                _ => false,
            };
            if unban {
                set_status(&mut st, chat_id, user_id, "left", 0, json!({}));
            }
        }
    }
    ok(json!(true))
}

fn delete_message(shared: &Shared, p: &Value) -> Reply {
    let (Some(chat), Some(mid)) = (int_param(p, "chat_id"), int_param(p, "message_id")) else {
        return api_error(400, "Bad Request: message to delete not found");
    };
    let mut st = shared.lock();
    let Some(msg) = st.messages.get(&(chat, mid)) else {
        return api_error(400, "Bad Request: message to delete not found");
    };
    // In a group the bot deletes its own messages freely, others' only with the right.
    let own = msg["from"]["id"].as_i64().is_some() && msg["from"]["id"] == shared.bot_user["id"];
    if chat < 0 && !own && !bot_membership(&st, chat).may_delete() {
        return api_error(400, MESSAGE_CANT_BE_DELETED);
    }
    st.messages.remove(&(chat, mid));
    ok(json!(true))
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
