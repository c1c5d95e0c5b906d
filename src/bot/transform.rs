//! The one place where a Telegram message becomes an [`Incoming`].

use teloxide::types::{InlineKeyboardButtonKind, Message, MessageEntityKind};

use crate::guard::{ChatKind, Incoming, LINK_TEXT_MARK, MAX_LINKS};

/// Convert a Telegram message into what the core sees: the text or caption, the URLs hidden
/// behind `text_link` entities and inline buttons, the sender and the chat kind. `None` for
/// chats the bot does not watch (channels).
#[must_use]
pub fn transform(msg: &Message) -> Option<Incoming> {
    let kind = if msg.chat.is_private() {
        ChatKind::Private
    } else if msg.chat.is_group() || msg.chat.is_supergroup() {
        ChatKind::Group
    } else {
        return None;
    };
    let from = msg.from.as_ref();
    let text = msg.text().or(msg.caption()).unwrap_or_default().to_string();

    let mut links: Vec<String> = Vec::new();
    let mut push = |url: &str| {
        if links.len() < MAX_LINKS && !links.iter().any(|l| l == url) {
            links.push(url.to_string());
        }
    };
    let entities = msg
        .entities()
        .into_iter()
        .flatten()
        .chain(msg.caption_entities().into_iter().flatten());
    for e in entities {
        if let MessageEntityKind::TextLink { url } = &e.kind {
            push(url.as_str());
        }
    }
    // A visible link text that is itself an address of another site than where it goes. An
    // entity that reaches past the text shows nothing (`MessageEntityRef::text` would panic).
    for e in msg
        .parse_entities()
        .into_iter()
        .flatten()
        .chain(msg.parse_caption_entities().into_iter().flatten())
    {
        let Some(shown) = e.message_text().get(e.range()) else {
            continue;
        };
        if let MessageEntityKind::TextLink { url } = e.kind()
            && crate::links::shown_elsewhere(shown, url.as_str())
        {
            push(&format!(
                "{LINK_TEXT_MARK} {}",
                crate::links::registrable(shown).unwrap_or_default()
            ));
        }
    }
    if let Some(markup) = msg.reply_markup() {
        for button in markup.inline_keyboard.iter().flatten() {
            match &button.kind {
                InlineKeyboardButtonKind::Url(url) => push(url.as_str()),
                InlineKeyboardButtonKind::LoginUrl(login) => push(login.url.as_str()),
                InlineKeyboardButtonKind::WebApp(app) => push(app.url.as_str()),
                _ => {}
            }
        }
    }

    // A post made as a channel (or as the group, by an anonymous admin) is the channel's:
    // `from` is then one of Telegram's placeholder bots, shared by every such post.
    let sender = match &msg.sender_chat {
        Some(c) => Some(c.id.0),
        None => from.map(|u| u.id.0 as i64),
    };
    let files = msg
        .document()
        .and_then(|d| d.file_name.clone())
        .into_iter()
        .collect();
    Some(Incoming {
        chat: msg.chat.id.0,
        sender,
        kind,
        message_id: msg.id.0,
        text,
        links,
        qr: Vec::new(),
        files,
        language_code: from.and_then(|u| u.language_code.clone()),
    })
}

/// Whether the message was forwarded (its text is someone else's, never a command).
#[must_use]
pub fn is_forwarded(msg: &Message) -> bool {
    msg.forward_origin().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(extra: serde_json::Value) -> Message {
        let mut m = json!({
            "message_id": 7,
            "date": 1_700_000_000,
            "chat": {"id": 42, "type": "private", "first_name": "A"},
            "from": {"id": 42, "is_bot": false, "first_name": "A", "language_code": "zh-hant"},
        });
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        serde_json::from_value(m).expect("valid message JSON")
    }

    #[test]
    fn plain_text() {
        let i = transform(&message(json!({"text": "你好"}))).unwrap();
        assert_eq!(i.chat, 42);
        assert_eq!(i.sender, Some(42));
        assert_eq!(i.kind, ChatKind::Private);
        assert_eq!(i.message_id, 7);
        assert_eq!(i.text, "你好");
        assert!(i.links.is_empty());
        assert_eq!(i.language_code.as_deref(), Some("zh-hant"));
    }

    #[test]
    fn caption_and_caption_links() {
        let m = message(json!({
            "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
            "caption": "点这里领取",
            "caption_entities": [{"type": "text_link", "offset": 0, "length": 3,
                                  "url": "http://evil.example/claim"}],
        }));
        let i = transform(&m).unwrap();
        assert_eq!(i.text, "点这里领取");
        assert_eq!(i.links, vec!["http://evil.example/claim".to_string()]);
    }

    #[test]
    fn text_links_and_inline_buttons() {
        let m = message(json!({
            "text": "click here now",
            "entities": [
                {"type": "text_link", "offset": 0, "length": 5, "url": "http://a.example/"},
                {"type": "text_link", "offset": 6, "length": 4, "url": "http://a.example/"},
                {"type": "bold", "offset": 11, "length": 3},
            ],
            "reply_markup": {"inline_keyboard": [[
                {"text": "Pay", "url": "https://pay.example/x"},
                {"text": "cb", "callback_data": "x"},
            ], [
                {"text": "Login", "login_url": {"url": "https://login.example/"}},
            ]]},
        }));
        let i = transform(&m).unwrap();
        assert_eq!(
            i.links,
            vec![
                "http://a.example/".to_string(),
                "https://pay.example/x".to_string(),
                "https://login.example/".to_string(),
            ]
        );
    }

    #[test]
    fn a_link_text_naming_another_site_is_marked() {
        let m = message(json!({
            "text": "Track at www.usps.com today",
            "entities": [{"type": "text_link", "offset": 9, "length": 12,
                          "url": "https://usps-redeliver.top/x"}],
        }));
        let i = transform(&m).unwrap();
        assert_eq!(
            i.links,
            vec![
                "https://usps-redeliver.top/x".to_string(),
                "[LINK-TEXT-ELSEWHERE] usps.com".to_string()
            ]
        );
        let honest = message(json!({
            "text": "Track at www.usps.com today",
            "entities": [{"type": "text_link", "offset": 9, "length": 12,
                          "url": "https://tools.usps.com/go"}],
        }));
        assert_eq!(transform(&honest).unwrap().links.len(), 1);
    }

    #[test]
    fn an_entity_past_the_text_is_a_link_without_a_shown_text() {
        // Found by fuzzing (fuzz/regressions/update/): `MessageEntityRef::text` panicked.
        for (text, offset, length) in [("paypal.com login", 0, 20), ("p", 17_000, 3)] {
            let m = message(json!({
                "text": text,
                "entities": [{"type": "text_link", "offset": offset, "length": length,
                              "url": "http://evil.example/x"}],
            }));
            let i = transform(&m).unwrap();
            assert_eq!(i.text, text);
            assert_eq!(i.links, vec!["http://evil.example/x".to_string()]);
        }
    }

    #[test]
    fn groups_and_channels() {
        let g = message(json!({
            "text": "x",
            "chat": {"id": -100, "type": "supergroup", "title": "G"},
        }));
        let i = transform(&g).unwrap();
        assert_eq!(i.kind, ChatKind::Group);
        assert_eq!(i.chat, -100);
        assert_eq!(i.sender, Some(42));
        let c = message(json!({
            "text": "x",
            "chat": {"id": -200, "type": "channel", "title": "C"},
        }));
        assert!(transform(&c).is_none());
    }

    #[test]
    fn posts_as_a_channel_are_the_channels() {
        let m = message(json!({
            "text": "x",
            "chat": {"id": -100, "type": "supergroup", "title": "G"},
            "from": {"id": 136_817_688, "is_bot": true, "first_name": "Channel"},
            "sender_chat": {"id": -1_007, "type": "channel", "title": "C"},
        }));
        assert_eq!(transform(&m).unwrap().sender, Some(-1_007));
    }

    #[test]
    fn no_text_is_empty() {
        let m = message(json!({
            "sticker": {"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1,
                        "is_animated": false, "is_video": false, "type": "regular"},
        }));
        let i = transform(&m).unwrap();
        assert!(i.is_empty());
    }

    #[test]
    fn forwarded_is_detected() {
        let m = message(json!({
            "text": "/start",
            "forward_origin": {"type": "hidden_user", "sender_user_name": "X", "date": 1},
        }));
        assert!(is_forwarded(&m));
        assert!(!is_forwarded(&message(json!({"text": "/start"}))));
    }

    #[test]
    fn links_are_capped() {
        let entities: Vec<_> = (0..100)
            .map(|i| {
                json!({"type": "text_link", "offset": 0, "length": 1,
                            "url": format!("http://x{i}.example/")})
            })
            .collect();
        let m = message(json!({"text": "x", "entities": entities}));
        assert_eq!(transform(&m).unwrap().links.len(), MAX_LINKS);
    }
}
