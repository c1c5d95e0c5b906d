//! Parse one rule file into [`RawRule`]s, collecting every error with its position.

use std::ops::Range;

use regex::{Regex, RegexBuilder};
use toml_edit::{ImDocument, Item, Table, Value};

use super::{
    ErrorCode, Example, Expect, LANGS, Literal, Location, Locator, REGEX_SIZE_LIMIT, RawRule,
    RuleError, Source,
};
use crate::model::{Stage, fold_literal};

const FILE_KEYS: [&str; 3] = ["family", "lang", "rule"];
const RULE_KEYS: [&str; 15] = [
    "id",
    "family",
    "stage",
    "weight",
    "trigger",
    "lang",
    "explain",
    "any",
    "all",
    "not",
    "regex",
    "window",
    "not_window",
    "description",
    "example",
];
const EXAMPLE_KEYS: [&str; 3] = ["text", "expect", "note"];

struct Ctx<'a> {
    source: &'a Source,
    errors: &'a mut Vec<RuleError>,
    lines: Locator,
}

impl Ctx<'_> {
    fn err(
        &mut self,
        code: ErrorCode,
        span: Option<Range<usize>>,
        rule: Option<&str>,
        message: impl Into<String>,
    ) {
        self.errors.push(RuleError {
            code,
            location: self.loc(span),
            rule: rule.map(str::to_owned),
            message: message.into(),
        });
    }

    fn loc(&self, span: Option<Range<usize>>) -> Location {
        self.lines.span_location(self.source, span)
    }
}

/// Parse one source. A source over [`super::MAX_RULE_FILE_BYTES`] is one `R000` error and no
/// rules. Rules with errors are left out of the result; every error is pushed to
/// `errors`; the id and location of every rule that has an id, valid or not, is pushed to
/// `ids` (for duplicate detection across files).
pub fn parse_source(
    source: &Source,
    errors: &mut Vec<RuleError>,
    ids: &mut Vec<(String, Location)>,
) -> Vec<RawRule> {
    if let Some(e) = super::too_large(&source.origin, &source.text) {
        errors.push(e);
        return Vec::new();
    }
    let mut cx = Ctx {
        source,
        errors,
        lines: Locator::new(&source.text),
    };
    let doc = match ImDocument::parse(source.text.as_str()) {
        Ok(doc) => doc,
        Err(e) => {
            let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            cx.err(
                ErrorCode::Syntax,
                e.span(),
                None,
                format!("invalid TOML: {msg}"),
            );
            return Vec::new();
        }
    };
    let root = doc.as_table();
    for (key, item) in root.iter() {
        if !FILE_KEYS.contains(&key) {
            let span = root
                .key(key)
                .and_then(toml_edit::Key::span)
                .or_else(|| item.span());
            cx.err(
                ErrorCode::UnknownField,
                span,
                None,
                format!(
                    "unknown top-level field `{key}` (expected one of: {})",
                    FILE_KEYS.join(", ")
                ),
            );
        }
    }
    let default_family = string_field(&mut cx, root, "family", None);
    let default_langs = langs_field(&mut cx, root, None).unwrap_or_default();

    let Some(rules_item) = root.get("rule") else {
        cx.err(
            ErrorCode::MissingField,
            Some(0..0),
            None,
            "no `[[rule]]` in this file",
        );
        return Vec::new();
    };
    let Some(rules) = rules_item.as_array_of_tables() else {
        cx.err(
            ErrorCode::BadValue,
            rules_item.span(),
            None,
            "`rule` must be an array of tables, written `[[rule]]`",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for table in rules.iter() {
        let before = cx.errors.len();
        if let Some(id) = table.get("id").and_then(Item::as_str) {
            ids.push((id.to_owned(), cx.loc(table.get("id").and_then(Item::span))));
        }
        let rule = parse_rule(&mut cx, table, default_family.as_deref(), &default_langs);
        if let Some(rule) = rule
            && cx.errors.len() == before
        {
            out.push(rule);
        }
    }
    out
}

/// One `[[rule]]` table as a [`RawRule`], or `None` when a required field is missing or
/// invalid; every problem is pushed to `cx`.
fn parse_rule(
    cx: &mut Ctx<'_>,
    t: &Table,
    default_family: Option<&str>,
    default_langs: &[String],
) -> Option<RawRule> {
    let table_span = t.span();
    let id_span = t.get("id").and_then(Item::span);
    let id = string_field(cx, t, "id", None);
    unknown_rule_fields(cx, t, id.as_deref());
    let Some(id) = id else {
        cx.err(
            ErrorCode::MissingField,
            table_span,
            None,
            "rule without `id`",
        );
        return None;
    };
    check_id(cx, &id, id_span.clone());
    let family =
        string_field(cx, t, "family", Some(&id)).or_else(|| default_family.map(str::to_owned));
    if family.is_none() {
        cx.err(
            ErrorCode::MissingField,
            id_span.clone(),
            Some(&id),
            "missing `family` (set it on the rule or at the top of the file)",
        );
    }
    let stage = stage_field(cx, t, &id, id_span.clone());
    let weight = weight_field(cx, t, &id, id_span.clone());
    let trigger = trigger_field(cx, t, &id);
    let langs = langs_field(cx, t, Some(&id)).unwrap_or_else(|| default_langs.to_vec());
    let explain_span = t.get("explain").and_then(Item::span);
    let explain = string_field(cx, t, "explain", Some(&id));
    if explain.is_none() && t.get("explain").is_none() {
        cx.err(
            ErrorCode::MissingField,
            id_span.clone(),
            Some(&id),
            "missing `explain` (a locale key)",
        );
    }
    let any = literal_list(cx, t, "any", &id);
    let all = all_field(cx, t, &id);
    if t.get("any")
        .is_some_and(|i| i.as_array().is_some_and(toml_edit::Array::is_empty))
    {
        cx.err(
            ErrorCode::EmptyPattern,
            t.get("any").and_then(Item::span),
            Some(&id),
            "`any` is empty",
        );
    }
    let not = literal_list(cx, t, "not", &id);
    let regex = regex_field(cx, t, &id);
    if any.is_empty()
        && all.is_empty()
        && matches!(regex, RegexField::Absent)
        && t.get("any").is_none()
        && t.get("all").is_none()
    {
        cx.err(
            ErrorCode::EmptyPattern,
            id_span.clone(),
            Some(&id),
            "rule has no pattern: give `any`, `all` or `regex`",
        );
    }
    let window = chars_field(cx, t, "window", 1, &id);
    let not_window = chars_field(cx, t, "not_window", 0, &id);
    if let (Some(item), true) = (t.get("not_window"), not.is_empty()) {
        cx.err(
            ErrorCode::BadValue,
            item.span(),
            Some(&id),
            "`not_window` needs a `not` list",
        );
    }
    if let Some(item) = t.get("description")
        && item.as_str().is_none()
    {
        cx.err(
            ErrorCode::BadValue,
            item.span(),
            Some(&id),
            "`description` must be a string",
        );
    }
    let examples = examples(cx, t, &id);
    Some(RawRule {
        location: cx.loc(id_span.or(table_span)),
        explain_location: cx.loc(explain_span),
        id,
        family: family?,
        stage: stage?,
        weight: weight?,
        trigger,
        langs,
        explain: explain?,
        any,
        all,
        not,
        regex: match regex {
            RegexField::Compiled(re) => Some(re),
            RegexField::Absent | RegexField::Invalid => None,
        },
        window,
        not_window,
        examples,
    })
}

/// An R007 error for each field of rule table `t` the schema does not know.
fn unknown_rule_fields(cx: &mut Ctx<'_>, t: &Table, rule: Option<&str>) {
    for (key, item) in t.iter() {
        if !RULE_KEYS.contains(&key) {
            let span = t
                .key(key)
                .and_then(toml_edit::Key::span)
                .or_else(|| item.span());
            cx.err(
                ErrorCode::UnknownField,
                span,
                rule,
                format!(
                    "unknown field `{key}` (expected one of: {})",
                    RULE_KEYS.join(", ")
                ),
            );
        }
    }
}

/// An R009 error unless `id` is non-empty lowercase ASCII letters, digits, `.`, `_` and `-`.
fn check_id(cx: &mut Ctx<'_>, id: &str, span: Option<Range<usize>>) {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        cx.err(
            ErrorCode::BadValue,
            span,
            Some(id),
            "ids use lowercase ASCII letters, digits, `.`, `_` and `-`",
        );
    }
}

/// The required `stage`: R008 when missing, R002 for an unknown name, R009 for a non-string.
fn stage_field(
    cx: &mut Ctx<'_>,
    t: &Table,
    id: &str,
    id_span: Option<Range<usize>>,
) -> Option<Stage> {
    let Some(item) = t.get("stage") else {
        cx.err(
            ErrorCode::MissingField,
            id_span,
            Some(id),
            "missing `stage`",
        );
        return None;
    };
    let Some(s) = item.as_str() else {
        cx.err(
            ErrorCode::BadValue,
            item.span(),
            Some(id),
            "`stage` must be a string",
        );
        return None;
    };
    let stage = Stage::parse(s);
    if stage.is_none() {
        cx.err(
            ErrorCode::UnknownStage,
            item.span(),
            Some(id),
            format!("unknown stage `{s}` (expected pretext, hook, channel, control or extract)"),
        );
    }
    stage
}

/// The required `weight`, an integer 0..=100: R008 when missing, R009 otherwise.
fn weight_field(
    cx: &mut Ctx<'_>,
    t: &Table,
    id: &str,
    id_span: Option<Range<usize>>,
) -> Option<u32> {
    let Some(item) = t.get("weight") else {
        cx.err(
            ErrorCode::MissingField,
            id_span,
            Some(id),
            "missing `weight`",
        );
        return None;
    };
    match item.as_integer() {
        Some(w) if (0..=100).contains(&w) => u32::try_from(w).ok(),
        _ => {
            cx.err(
                ErrorCode::BadValue,
                item.span(),
                Some(id),
                "`weight` must be an integer from 0 to 100",
            );
            None
        }
    }
}

/// The optional `trigger` flag (default false); R009 when it is not a boolean.
fn trigger_field(cx: &mut Ctx<'_>, t: &Table, id: &str) -> bool {
    let Some(item) = t.get("trigger") else {
        return false;
    };
    item.as_bool().unwrap_or_else(|| {
        cx.err(
            ErrorCode::BadValue,
            item.span(),
            Some(id),
            "`trigger` must be true or false",
        );
        false
    })
}

/// The optional `all` groups: R009 for anything but an array of arrays, R005 for an empty group
/// or no groups.
fn all_field(cx: &mut Ctx<'_>, t: &Table, id: &str) -> Vec<Vec<Literal>> {
    let Some(item) = t.get("all") else {
        return Vec::new();
    };
    let Some(arr) = item.as_array() else {
        cx.err(
            ErrorCode::BadValue,
            item.span(),
            Some(id),
            "`all` must be an array of arrays of strings",
        );
        return Vec::new();
    };
    let mut groups = Vec::new();
    for v in arr.iter() {
        match v.as_array() {
            Some(inner) => {
                let group = literals(cx, inner.iter(), id);
                if group.is_empty() {
                    cx.err(
                        ErrorCode::EmptyPattern,
                        v.span(),
                        Some(id),
                        "empty group in `all`",
                    );
                }
                groups.push(group);
            }
            None => cx.err(
                ErrorCode::BadValue,
                v.span(),
                Some(id),
                "`all` is a list of groups: write `all = [[\"a\", \"b\"], [\"c\"]]`",
            ),
        }
    }
    if groups.is_empty() {
        cx.err(
            ErrorCode::EmptyPattern,
            item.span(),
            Some(id),
            "`all` has no groups",
        );
    }
    groups
}

/// What a rule's `regex` field holds.
enum RegexField {
    /// No usable pattern: the field is absent, empty or not a string.
    Absent,
    /// A pattern that does not compile (its error is reported).
    Invalid,
    /// The compiled pattern, handed to the engine as is.
    Compiled(Regex),
}

/// The optional `regex`, compiled once here: R005 when empty, R009 for a non-string, R004 when
/// it compiles to more than [`REGEX_SIZE_LIMIT`] bytes, R003 when it does not compile.
fn regex_field(cx: &mut Ctx<'_>, t: &Table, id: &str) -> RegexField {
    let Some(item) = t.get("regex") else {
        return RegexField::Absent;
    };
    let pattern = match item.as_str() {
        Some("") => {
            cx.err(
                ErrorCode::EmptyPattern,
                item.span(),
                Some(id),
                "`regex` is empty",
            );
            return RegexField::Absent;
        }
        Some(s) => s,
        None => {
            cx.err(
                ErrorCode::BadValue,
                item.span(),
                Some(id),
                "`regex` must be a string",
            );
            return RegexField::Absent;
        }
    };
    match RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
    {
        Ok(re) => RegexField::Compiled(re),
        Err(regex::Error::CompiledTooBig(limit)) => {
            cx.err(
                ErrorCode::RegexTooLarge,
                item.span(),
                Some(id),
                format!("regex compiles to more than {limit} bytes"),
            );
            RegexField::Invalid
        }
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split_whitespace().collect::<Vec<_>>().join(" ");
            cx.err(
                ErrorCode::BadRegex,
                item.span(),
                Some(id),
                format!("invalid regex: {msg}"),
            );
            RegexField::Invalid
        }
    }
}

/// An optional distance in characters, `min..=4096`; anything else is an R009 error.
fn chars_field(cx: &mut Ctx<'_>, t: &Table, key: &str, min: i64, id: &str) -> Option<usize> {
    let item = t.get(key)?;
    match item.as_integer() {
        Some(w) if (min..=4096).contains(&w) => usize::try_from(w).ok(),
        _ => {
            cx.err(
                ErrorCode::BadValue,
                item.span(),
                Some(id),
                format!("`{key}` must be an integer from {min} to 4096 (characters)"),
            );
            None
        }
    }
}

fn examples(cx: &mut Ctx<'_>, t: &Table, id: &str) -> Vec<Example> {
    let Some(item) = t.get("example") else {
        return Vec::new();
    };
    let Some(arr) = item.as_array_of_tables() else {
        cx.err(
            ErrorCode::BadValue,
            item.span(),
            Some(id),
            "`example` must be written `[[rule.example]]`",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for ex in arr.iter() {
        for (key, v) in ex.iter() {
            if !EXAMPLE_KEYS.contains(&key) {
                let span = ex
                    .key(key)
                    .and_then(toml_edit::Key::span)
                    .or_else(|| v.span());
                cx.err(
                    ErrorCode::UnknownField,
                    span,
                    Some(id),
                    format!("unknown example field `{key}` (expected text, expect, note)"),
                );
            }
        }
        let text = ex.get("text").and_then(Item::as_str);
        let expect = ex.get("expect").and_then(Item::as_str);
        let location = cx.loc(ex.get("text").and_then(Item::span).or(ex.span()));
        let expect = match expect {
            Some("match") => Some(Expect::Match),
            Some("no-match") => Some(Expect::NoMatch),
            _ => {
                cx.err(
                    ErrorCode::BadValue,
                    ex.get("expect").and_then(Item::span).or(ex.span()),
                    Some(id),
                    "example needs `expect = \"match\"` or `expect = \"no-match\"`",
                );
                None
            }
        };
        match (text, expect) {
            (Some(text), Some(expect)) => out.push(Example {
                text: text.to_owned(),
                expect,
                location,
            }),
            (None, _) => cx.err(
                ErrorCode::MissingField,
                ex.span(),
                Some(id),
                "example needs `text`",
            ),
            _ => {}
        }
    }
    out
}

fn string_field(cx: &mut Ctx<'_>, t: &Table, key: &str, rule: Option<&str>) -> Option<String> {
    let item = t.get(key)?;
    match item.as_str() {
        Some(s) if !s.is_empty() => Some(s.to_owned()),
        Some(_) => {
            cx.err(
                ErrorCode::BadValue,
                item.span(),
                rule,
                format!("`{key}` is empty"),
            );
            None
        }
        None => {
            cx.err(
                ErrorCode::BadValue,
                item.span(),
                rule,
                format!("`{key}` must be a string"),
            );
            None
        }
    }
}

fn langs_field(cx: &mut Ctx<'_>, t: &Table, rule: Option<&str>) -> Option<Vec<String>> {
    let item = t.get("lang")?;
    let Some(arr) = item.as_array() else {
        cx.err(
            ErrorCode::BadValue,
            item.span(),
            rule,
            "`lang` must be a list, e.g. [\"zh\", \"en\"]",
        );
        return None;
    };
    let mut out = Vec::new();
    for v in arr.iter() {
        match v.as_str() {
            Some(s) if LANGS.contains(&s) => out.push(s.to_owned()),
            _ => cx.err(
                ErrorCode::BadValue,
                v.span(),
                rule,
                format!(
                    "unknown language {} (expected one of: {})",
                    v.to_string().trim(),
                    LANGS.join(", ")
                ),
            ),
        }
    }
    Some(out)
}

fn literal_list(cx: &mut Ctx<'_>, t: &Table, key: &str, id: &str) -> Vec<Literal> {
    match t.get(key) {
        None => Vec::new(),
        Some(item) => match item.as_array() {
            Some(arr) => literals(cx, arr.iter(), id),
            None => {
                cx.err(
                    ErrorCode::BadValue,
                    item.span(),
                    Some(id),
                    format!("`{key}` must be an array of strings"),
                );
                Vec::new()
            }
        },
    }
}

fn literals<'v>(
    cx: &mut Ctx<'_>,
    values: impl Iterator<Item = &'v Value>,
    id: &str,
) -> Vec<Literal> {
    let mut out = Vec::new();
    for v in values {
        match v.as_str() {
            Some(s) => {
                let location = cx.loc(v.span());
                if fold_literal(s).body.is_empty() {
                    cx.err(
                        ErrorCode::EmptyPattern,
                        v.span(),
                        Some(id),
                        format!("literal {s:?} is empty after normalization"),
                    );
                } else {
                    out.push(Literal {
                        text: s.to_owned(),
                        location,
                    });
                }
            }
            None => cx.err(
                ErrorCode::BadValue,
                v.span(),
                Some(id),
                "literals must be strings",
            ),
        }
    }
    out
}
