//! `scamguard check`: scan one message (or one per line) and print the verdict.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::{EXIT_ERROR, load_engine};
use crate::engine::{Level, Scan, Stage};

/// Arguments of `scamguard check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The message; read from standard input when absent.
    pub text: Option<String>,
    /// Treat each input line as its own message.
    #[arg(long)]
    pub lines: bool,
    /// Print JSON (one object per message) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Rules directory (default: $SCAMGUARD_RULES, else the rules built into the binary).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Read a screenshot (JPEG, PNG or WebP) instead of text: its QR codes, then the messages
    /// Tesseract recognises in it, fed in order into one conversation, as the bot does.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "lines"])]
    pub image: Option<PathBuf>,
    /// With --image: the chat's language, which chooses the OCR languages (en, zh-CN, zh-TW).
    #[arg(long, default_value = "zh-CN")]
    pub lang: String,
    /// With --image: the Tesseract program.
    #[arg(long, env = "SCAMGUARD_TESSERACT", default_value = "tesseract")]
    pub tesseract: PathBuf,
}

/// Exit status for a verdict: 0 none, 10 caution, 11 warning, 12 danger (2 is an error).
#[must_use]
pub fn exit_code(level: Level) -> u8 {
    match level {
        Level::None => 0,
        Level::Caution => 10,
        Level::Warning => 11,
        Level::Danger => 12,
    }
}

/// Run `scamguard check`.
#[must_use]
pub fn run(args: &CheckArgs) -> ExitCode {
    let engine = match load_engine(args.rules.as_deref()) {
        Ok(e) => e,
        Err(code) => return code,
    };
    if let Some(path) = &args.image {
        return image(args, engine, path);
    }
    let input = match &args.text {
        Some(t) => t.clone(),
        None => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("scamguard check: cannot read standard input: {e}");
                return ExitCode::from(EXIT_ERROR);
            }
            match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!(
                        "scamguard check: standard input is not valid UTF-8 (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    );
                    return ExitCode::from(EXIT_ERROR);
                }
            }
        }
    };
    let messages: Vec<&str> = if args.lines {
        input.lines().filter(|l| !l.trim().is_empty()).collect()
    } else {
        vec![input.as_str()]
    };
    let mut worst = Level::None;
    let mut out = String::new();
    for (i, msg) in messages.iter().enumerate() {
        let scan = engine.scan(msg);
        worst = worst.max(scan.level);
        if args.json {
            out.push_str(&to_json(msg, &scan).to_string());
            out.push('\n');
        } else {
            if args.lines {
                out.push_str(&format!("#{} ", i + 1));
            }
            out.push_str(&human(msg, &scan));
        }
    }
    out!("{out}");
    ExitCode::from(exit_code(worst))
}

/// The evidence of a finding, quoted from the original text (shortened past 80 characters).
#[must_use]
pub fn quote(original: &str, range: std::ops::Range<usize>) -> String {
    let q = original.get(range).unwrap_or("");
    let mut s: String = q.chars().take(80).collect();
    if q.chars().count() > 80 {
        s.push('…');
    }
    s.replace(['\n', '\r'], " ")
}

fn stage_names(scan: &Scan) -> Vec<&'static str> {
    Stage::ALL
        .into_iter()
        .filter(|s| scan.stages() & s.bit() != 0)
        .map(Stage::as_str)
        .collect()
}

/// What the bot's `/check` does with this text ([`crate::policy::check`]): `warn` or `reply`.
#[must_use]
pub fn bot_answer(scan: &Scan) -> &'static str {
    if crate::policy::check(scan)
        .iter()
        .any(|a| matches!(a, crate::policy::Action::Warn { .. }))
    {
        "warn"
    } else {
        "reply"
    }
}

/// Human-readable verdict.
#[must_use]
pub fn human(original: &str, scan: &Scan) -> String {
    let mut out = format!(
        "level: {} (score {}); the bot's /check: {}\n",
        scan.level,
        scan.score,
        bot_answer(scan)
    );
    if !scan.findings.is_empty() {
        out.push_str(&format!("stages: {}\n", stage_names(scan).join(" -> ")));
    }
    for f in &scan.findings {
        out.push_str(&finding_line(original, f));
    }
    if scan.genre != crate::voice::Genre::Live {
        out.push_str(&format!("reads as: {}\n", scan.genre.as_str()));
    }
    if !scan.described.is_empty() {
        out.push_str("not counted (not a move asked of the reader):\n");
    }
    for d in &scan.described {
        out.push_str(&format!("  ({:?}) ", d.voice).to_lowercase());
        out.push_str(finding_line(original, &d.finding).trim_start());
    }
    out
}

fn finding_line(original: &str, f: &crate::engine::Finding) -> String {
    format!(
        "  {:<8} {}{} [{}]: \"{}\"\n",
        f.rule.stage.as_str(),
        f.rule.id,
        if f.rule.trigger { " (trigger)" } else { "" },
        f.rule.family,
        quote(original, f.evidence.clone())
    )
}

/// Machine-readable verdict.
#[must_use]
pub fn to_json(original: &str, scan: &Scan) -> serde_json::Value {
    json!({
        "level": scan.level,
        "score": scan.score,
        "bot": bot_answer(scan),
        "stages": stage_names(scan),
        "findings": scan.findings.iter().map(|f| json!({
            "id": f.rule.id,
            "family": f.rule.family,
            "stage": f.rule.stage,
            "weight": f.rule.weight,
            "trigger": f.rule.trigger,
            "explain": f.rule.explain,
            "evidence": original.get(f.evidence.clone()).unwrap_or(""),
            "start": f.evidence.start,
            "end": f.evidence.end,
        })).collect::<Vec<_>>(),
        "genre": scan.genre.as_str(),
        "described": scan.described.iter().map(|d| json!({
            "id": d.finding.rule.id,
            "voice": format!("{:?}", d.voice).to_lowercase(),
            "start": d.finding.evidence.start,
            "end": d.finding.evidence.end,
        })).collect::<Vec<_>>(),
    })
}

/// `scamguard check --image FILE`.
fn image(args: &CheckArgs, engine: crate::engine::Engine, path: &std::path::Path) -> ExitCode {
    use crate::guard::{ChatKind, Guard, Incoming, screenshot_messages};
    use crate::media::{ocr, qr};
    let Some(lang) = crate::i18n::Lang::parse(&args.lang) else {
        eprintln!(
            "scamguard check: --lang {} is not one of en, zh-CN, zh-TW",
            args.lang
        );
        return ExitCode::from(EXIT_ERROR);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("scamguard check: {}: {e}", path.display());
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let limits = qr::ImageLimits::default();
    let luma = match qr::decode_luma(&bytes, &limits) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("scamguard check: {}: {e}", path.display());
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let codes = qr::qr_of_luma(&luma, &limits);
    let mut out = String::new();
    let recognised = match ocr::Tesseract::probe(&args.tesseract, None) {
        Err(why) => {
            eprintln!("scamguard check: screenshots are off: {why}");
            Vec::new()
        }
        Ok(t) => match ocr::read_screenshot(&t, &luma, lang) {
            Ok(reading) => {
                if !args.json {
                    out.push_str(&format!(
                        "read {} message(s) in the image ({}, confidence {:.0})\n",
                        reading.messages.len(),
                        reading.languages,
                        reading.confidence
                    ));
                }
                reading.messages
            }
            Err(e) => {
                eprintln!("scamguard check: {}: {e}", path.display());
                Vec::new()
            }
        },
    };
    if !codes.is_empty() && !args.json {
        out.push_str(&format!("QR codes: {}\n", codes.len()));
    }
    let carrier = Incoming {
        chat: 1,
        sender: Some(1),
        kind: ChatKind::Private,
        message_id: 1,
        text: String::new(),
        links: Vec::new(),
        qr: codes,
        files: Vec::new(),
        language_code: None,
    };
    let guard = Guard::new(
        engine,
        std::sync::Arc::new(crate::sessions::SessionStore::new(Default::default())),
    );
    let messages = screenshot_messages(&carrier, &recognised);
    let mut per_message = Vec::new();
    let mut worst = Level::None;
    for (i, m) in messages.iter().enumerate() {
        if m.is_empty() {
            continue;
        }
        let outcome = guard.handle(m, crate::conversation::Timestamp(i as u64 * 1000));
        let actions = crate::policy::private(&outcome.assessment);
        worst = worst.max(outcome.assessment.level);
        if args.json {
            let mut v = to_json(&outcome.scanned, &outcome.scan);
            v["message"] = json!(outcome.scanned);
            v["conversation_level"] = json!(outcome.assessment.level);
            v["actions"] = json!(actions.iter().map(|a| a.name()).collect::<Vec<_>>());
            out.push_str(&v.to_string());
            out.push('\n');
        } else {
            out.push_str(&format!(
                "#{} {}\n",
                i + 1,
                quote(&outcome.scanned, 0..outcome.scanned.len())
            ));
            out.push_str(&human(&outcome.scanned, &outcome.scan));
        }
        per_message.push(actions);
    }
    let answer = match crate::policy::screenshot(&per_message) {
        None => "nothing read".to_owned(),
        Some((crate::policy::Action::Warn { level }, from)) => format!(
            "warn ({level}), from message(s) {}",
            from.iter()
                .map(|i| (i + 1).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some((a, _)) => a.name().to_owned(),
    };
    if args.json {
        out.push_str(
            &json!({"screenshot": answer, "level": worst, "messages": per_message.len()})
                .to_string(),
        );
        out.push('\n');
    } else {
        out.push_str(&format!("the bot's answer to the image: {answer}\n"));
    }
    out!("{out}");
    ExitCode::from(exit_code(worst))
}
