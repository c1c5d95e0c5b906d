//! Bot commands: parsing and registration with `setMyCommands`.

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::BotCommand;

use super::send::{RetryPolicy, with_retry};
use crate::i18n::{Catalog, Lang};

/// A command the bot understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// What the bot does.
    Start,
    /// How to use it.
    Help,
    /// Check one text on its own.
    Check,
    /// Forget this conversation.
    Reset,
    /// Choose the language.
    Lang,
    /// What is stored.
    Privacy,
}

impl Command {
    /// Every command, in menu order.
    pub const ALL: [Command; 6] = [
        Command::Start,
        Command::Help,
        Command::Check,
        Command::Reset,
        Command::Lang,
        Command::Privacy,
    ];

    /// The command word, without the slash.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Help => "help",
            Command::Check => "check",
            Command::Reset => "reset",
            Command::Lang => "lang",
            Command::Privacy => "privacy",
        }
    }
}

/// Parse `/name[@bot] [argument]`. `None` for text that is not one of our commands, and for
/// commands addressed to another bot. The argument is trimmed and keeps inner line breaks.
#[must_use]
pub fn parse<'a>(text: &'a str, bot_username: &str) -> Option<(Command, &'a str)> {
    let rest = text.strip_prefix('/')?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (word, arg) = rest.split_at(end);
    let name = match word.split_once('@') {
        Some((name, to)) if to.eq_ignore_ascii_case(bot_username) => name,
        Some(_) => return None,
        None => word,
    };
    let cmd = Command::ALL
        .into_iter()
        .find(|c| c.name().eq_ignore_ascii_case(name))?;
    Some((cmd, arg.trim()))
}

/// The command menu in `lang`.
#[must_use]
pub fn menu(cat: &Catalog, lang: Lang) -> Vec<BotCommand> {
    Command::ALL
        .into_iter()
        .map(|c| BotCommand::new(c.name(), cat.text(lang, &format!("cmd-{}", c.name()))))
        .collect()
}

/// Register the command menu: English as the default, Simplified Chinese for clients in
/// Chinese. Telegram scopes menus by two-letter language code only, so `zh` cannot tell
/// Simplified from Traditional; Traditional Chinese users see the Simplified menu (the bot's
/// answers follow their own language choice).
pub async fn register<R>(bot: &R, cat: &Catalog, policy: &RetryPolicy) -> Result<(), RequestError>
where
    R: Requester<Err = RequestError>,
{
    for (lang, code) in [(Lang::En, None), (Lang::ZhCn, Some("zh"))] {
        let commands = menu(cat, lang);
        with_retry(policy, || {
            let req = bot.set_my_commands(commands.clone());
            match code {
                Some(c) => req.language_code(c).send(),
                None => req.send(),
            }
        })
        .await
        .map_err(|(e, _)| e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse("/start", "bot"), Some((Command::Start, "")));
        assert_eq!(parse("/START", "bot"), Some((Command::Start, "")));
        assert_eq!(parse("/help@Bot", "bot"), Some((Command::Help, "")));
        assert_eq!(parse("/help@other", "bot"), None);
        assert_eq!(
            parse("/check  请转账\n验证 ", "bot"),
            Some((Command::Check, "请转账\n验证"))
        );
        assert_eq!(parse("/lang zh-TW", "bot"), Some((Command::Lang, "zh-TW")));
        assert_eq!(parse("/check\nline", "bot"), Some((Command::Check, "line")));
        assert_eq!(parse("/unknown x", "bot"), None);
        assert_eq!(parse("start", "bot"), None);
        assert_eq!(parse(" /start", "bot"), None);
        assert_eq!(parse("/", "bot"), None);
        assert_eq!(parse("/@", "bot"), None);
    }

    #[test]
    fn menus_in_every_language() {
        let cat = Catalog::embedded().unwrap();
        for lang in Lang::ALL {
            let m = menu(&cat, lang);
            assert_eq!(m.len(), Command::ALL.len());
            assert!(m.iter().all(|c| !c.description.is_empty()));
        }
    }
}
