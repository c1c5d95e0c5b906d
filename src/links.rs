//! Links that are not what they claim: every URL of a message (in its text, behind its
//! entities and buttons, in its QR codes) is checked against data in `rules/links/links.toml`.
//!
//! For each URL: its registrable domain (Public Suffix List, the `psl` crate); whether it is
//! one of a brand's own domains (then it adds no risk at all); a brand named in the message
//! whose link is not on that brand's domains; look-alikes of a brand in the domain (a brand
//! token as a part of it, one edit away, digits for letters), a brand as a subdomain of another
//! site (`usps.com.xyz-track.top`), characters outside ASCII or punycode in the host, a raw IP
//! host, `user@host`, URL shorteners, `.apk` downloads, and new generic TLDs favoured by
//! smishing. Each signal is a rule of its own (id, stage, weight, explanation) defined in the
//! data file, so it is weighed, explained and measured like every other rule.
//!
//! Pure: no I/O after loading.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use serde::Deserialize;

use crate::engine::{Finding, RuleMeta, Stage};
use crate::rules::{ErrorCode, Example, Expect, Location, RuleError};
use crate::text::Normalized;

/// Longest URL analysed, in bytes (longer ones are cut).
pub const MAX_URL_BYTES: usize = 2048;
/// Most URLs analysed per message.
pub const MAX_URLS: usize = 32;

/// What a link signal detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The message names a brand; the link is not on the brand's domains.
    BrandMismatch,
    /// The domain imitates a brand (`usps-redeliver.top`, `paypa1.com`).
    Lookalike,
    /// A brand's name as a subdomain of another site (`usps.com.xyz-track.top`).
    BrandSubdomain,
    /// The host has characters outside ASCII, or punycode (`xn--`): possible homoglyphs.
    Punycode,
    /// A raw IP address as the host.
    IpHost,
    /// `user@host`: what stands before `@` is not where the link goes.
    UserInfo,
    /// A URL shortener hides the destination.
    Shortener,
    /// A link to an Android app package.
    Apk,
    /// A new generic TLD favoured by smishing.
    RiskyTld,
}

impl Kind {
    const ALL: [(Kind, &'static str); 9] = [
        (Kind::BrandMismatch, "brand_mismatch"),
        (Kind::Lookalike, "lookalike"),
        (Kind::BrandSubdomain, "brand_subdomain"),
        (Kind::Punycode, "punycode"),
        (Kind::IpHost, "ip_host"),
        (Kind::UserInfo, "userinfo"),
        (Kind::Shortener, "shortener"),
        (Kind::Apk, "apk"),
        (Kind::RiskyTld, "risky_tld"),
    ];

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().find(|(_, n)| *n == s).map(|(k, _)| *k)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    signal: Vec<toml::Spanned<RawSignal>>,
    #[serde(default)]
    brand: Vec<toml::Spanned<RawBrand>>,
    #[serde(default)]
    shorteners: Vec<String>,
    #[serde(default)]
    risky_tlds: Vec<String>,
    #[serde(default)]
    official_link_clears: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignal {
    id: String,
    kind: String,
    family: String,
    stage: String,
    weight: u32,
    #[serde(default)]
    trigger: bool,
    explain: String,
    #[serde(default)]
    example: Vec<toml::Spanned<RawExample>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    text: String,
    expect: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrand {
    id: String,
    /// How messages name the brand (any case, Chinese or English).
    names: Vec<String>,
    /// The brand's own registrable domains.
    domains: Vec<String>,
    /// Tokens whose presence in another domain makes it a look-alike (default: none).
    #[serde(default)]
    tokens: Vec<String>,
    /// Names matched only as written, case included (`UPS`, where "ups" is also a word).
    #[serde(default)]
    exact_names: Vec<String>,
}

/// One brand: its names, its own domains, its look-alike tokens.
#[derive(Debug, Clone)]
struct Brand {
    names: Vec<String>,
    exact_names: Vec<String>,
    domains: Vec<String>,
    tokens: Vec<String>,
}

/// One link signal, as a rule.
#[derive(Debug, Clone)]
struct Signal {
    kind: Kind,
    meta: Arc<RuleMeta>,
    examples: Vec<Example>,
    location: Location,
}

/// The link data of a rule set.
#[derive(Debug, Clone)]
pub struct LinkRules {
    /// Every brand name (normalized) and exact name, in one automaton each: pattern -> brand.
    names_ac: aho_corasick::AhoCorasick,
    names_of: Vec<usize>,
    exact_ac: aho_corasick::AhoCorasick,
    exact_of: Vec<usize>,
    /// Rules about "open this link" whose findings are dropped when every link of the message
    /// is on a brand's own domain: a link to the brand itself moves the reader nowhere.
    pub official_link_clears: HashSet<String>,
    signals: Vec<Signal>,
    brands: Vec<Brand>,
    shorteners: HashSet<String>,
    risky_tlds: HashSet<String>,
    /// SHA-256 of the file the data was read from.
    digest: [u8; 32],
}

/// Parse a link data file. Every problem is reported with file, line and column; a file over
/// [`crate::rules::MAX_RULE_FILE_BYTES`] is refused unparsed.
///
/// # Errors
/// Each problem of the file.
pub fn parse(origin: &str, text: &str) -> Result<LinkRules, Vec<RuleError>> {
    if let Some(e) = crate::rules::too_large(origin, text) {
        return Err(vec![e]);
    }
    let err = |code, offset: usize, rule: Option<String>, message: String| RuleError {
        code,
        location: Location::at(origin, text, offset),
        rule,
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        vec![err(
            ErrorCode::Syntax,
            offset,
            None,
            e.message().to_string(),
        )]
    })?;
    let mut errors = Vec::new();
    let mut signals = Vec::new();
    let mut kinds = HashSet::new();
    let mut ids = HashSet::new();
    for s in &raw.signal {
        let at = s.span().start;
        let r = s.get_ref();
        let id = Some(r.id.clone());
        if !ids.insert(r.id.clone()) {
            errors.push(err(
                ErrorCode::DuplicateId,
                at,
                id.clone(),
                "duplicate rule id".into(),
            ));
        }
        let Some(kind) = Kind::parse(&r.kind) else {
            let known: Vec<&str> = Kind::ALL.iter().map(|(_, n)| *n).collect();
            errors.push(err(
                ErrorCode::BadValue,
                at,
                id,
                format!(
                    "unknown link signal kind `{}` (one of {})",
                    r.kind,
                    known.join(", ")
                ),
            ));
            continue;
        };
        if !kinds.insert(kind) {
            errors.push(err(
                ErrorCode::BadValue,
                at,
                id.clone(),
                format!("link signal kind `{}` is defined twice", r.kind),
            ));
        }
        let Some(stage) = Stage::parse(&r.stage) else {
            errors.push(err(
                ErrorCode::UnknownStage,
                at,
                id,
                format!("unknown stage `{}`", r.stage),
            ));
            continue;
        };
        if r.weight > 100 {
            errors.push(err(
                ErrorCode::BadValue,
                at,
                id.clone(),
                format!("weight {} is above 100", r.weight),
            ));
        }
        let mut examples = Vec::new();
        for ex in &r.example {
            let e = ex.get_ref();
            let expect = match e.expect.as_str() {
                "match" => Expect::Match,
                "no-match" => Expect::NoMatch,
                other => {
                    errors.push(err(
                        ErrorCode::BadValue,
                        ex.span().start,
                        id.clone(),
                        format!("expect must be `match` or `no-match`, not `{other}`"),
                    ));
                    continue;
                }
            };
            examples.push(Example {
                text: e.text.clone(),
                expect,
                location: Location::at(origin, text, ex.span().start),
            });
        }
        signals.push(Signal {
            kind,
            meta: Arc::new(RuleMeta {
                id: r.id.clone(),
                family: r.family.clone(),
                stage,
                weight: r.weight.min(100),
                trigger: r.trigger,
                explain: r.explain.clone(),
            }),
            examples,
            location: Location::at(origin, text, at),
        });
    }
    let mut brands = Vec::new();
    for b in &raw.brand {
        let at = b.span().start;
        let r = b.get_ref();
        for d in &r.domains {
            if psl::domain_str(d) != Some(d.as_str()) {
                errors.push(err(
                    ErrorCode::BadValue,
                    at,
                    Some(r.id.clone()),
                    format!("`{d}` is not a registrable domain (write e.g. `usps.com`)"),
                ));
            }
        }
        if (r.names.is_empty() && r.exact_names.is_empty()) || r.domains.is_empty() {
            errors.push(err(
                ErrorCode::MissingField,
                at,
                Some(r.id.clone()),
                "a brand needs at least one name and one domain".into(),
            ));
        }
        brands.push(Brand {
            names: r
                .names
                .iter()
                .map(|n| crate::text::normalize(n).as_str().to_string())
                .collect(),
            exact_names: r.exact_names.clone(),
            domains: r.domains.iter().map(|d| d.to_ascii_lowercase()).collect(),
            tokens: r.tokens.iter().map(|t| t.to_ascii_lowercase()).collect(),
        });
    }
    let (mut names, mut names_of, mut exact, mut exact_of) = (vec![], vec![], vec![], vec![]);
    for (i, b) in brands.iter().enumerate() {
        for n in b.names.iter().filter(|n| !n.is_empty()) {
            names.push(n.clone());
            names_of.push(i);
        }
        for n in b.exact_names.iter().filter(|n| !n.is_empty()) {
            exact.push(n.clone());
            exact_of.push(i);
        }
    }
    let build = |pats: &[String]| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(pats)
            .expect("brand names build an automaton")
    };
    if errors.is_empty() {
        Ok(LinkRules {
            digest: {
                use sha2::Digest;
                sha2::Sha256::digest(text.as_bytes()).into()
            },
            names_ac: build(&names),
            names_of,
            exact_ac: build(&exact),
            exact_of,
            official_link_clears: raw.official_link_clears.iter().cloned().collect(),
            signals,
            brands,
            shorteners: raw
                .shorteners
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            risky_tlds: raw
                .risky_tlds
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
        })
    } else {
        Err(errors)
    }
}

/// What the links of one message showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkAnalysis {
    /// Findings of the link signals.
    pub findings: Vec<Finding>,
    /// The message has links and every one is on a brand's own domain.
    pub only_official: bool,
}

/// A URL found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUrl {
    /// Where it stands in the normalized text.
    pub range: Range<usize>,
    /// The host, lowercase ASCII (punycode for IDN).
    pub host: String,
    /// The registrable domain, when the host has a known public suffix.
    pub domain: Option<String>,
    /// The host as the user saw it had characters outside ASCII.
    pub non_ascii_host: bool,
    /// `user@` before the host.
    pub userinfo: bool,
    /// The path ends in `.apk`.
    pub apk: bool,
    /// The host is an IP address.
    pub ip: bool,
}

fn url_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // A scheme URL, or a bare host with at least one dot and a letter TLD; the path runs
        // to the next space or CJK punctuation.
        // The text is normalized (lowercase, half-width), so the pattern stays ASCII and
        // small; a match is cut at the first CJK character or CJK punctuation afterwards.
        Regex::new(
            r#"(?:https?|hxxps?)://[^\s<>()\[\]"'`]+|(?:[a-z0-9][a-z0-9-]*\.)+[a-z][a-z0-9-]{1,62}(?::\d{2,5})?(?:/[^\s<>()\[\]"'`]*)?"#,
        )
        .expect("valid URL regex")
    })
}

/// File extensions that look like TLDs: a bare `report.zip` is a file name, not a link.
const FILE_LIKE_TLDS: [&str; 6] = ["zip", "mov", "py", "sh", "rs", "md"];

/// Generic TLDs people type without a scheme (besides two-letter country codes and the data
/// file's risky TLDs).
const TYPED_TLDS: [&str; 12] = [
    "com", "net", "org", "edu", "gov", "info", "biz", "app", "dev", "mobi", "name", "pro",
];

/// Every URL of a normalized text, at most [`MAX_URLS`]; `risky` TLDs count as typed TLDs.
#[must_use]
pub fn find_urls(n: &Normalized, original: &str, risky: &HashSet<String>) -> Vec<FoundUrl> {
    let s = n.as_str();
    if !s.contains('.') {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in url_regex().find_iter(s) {
        if out.len() >= MAX_URLS {
            break;
        }
        let before = s[..m.start()].chars().next_back();
        // Part of a word, an e-mail address, or a longer dotted token.
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_')) {
            continue;
        }
        let raw = m.as_str();
        let cut = raw
            .char_indices()
            .find(|&(_, c)| crate::text::is_cjk(c) || "，。！？、；：（）【】「」…".contains(c))
            .map_or(raw.len(), |(i, _)| i);
        let raw = raw[..cut].trim_end_matches(['.', ',', ')', ']', '!', '?', ';', ':']);
        if raw.is_empty() {
            continue;
        }
        let raw = crate::guard::truncate_bytes(raw, MAX_URL_BYTES);
        let has_scheme = raw.contains("://");
        let with_scheme = if has_scheme {
            raw.replacen("hxxp", "http", 1)
        } else {
            format!("http://{raw}")
        };
        let Ok(url) = url::Url::parse(&with_scheme) else {
            continue;
        };
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            continue;
        };
        let ip = matches!(url.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)));
        let domain = if ip {
            None
        } else {
            psl::domain_str(&host).map(str::to_string)
        };
        let range = m.start()..m.start() + raw.len();
        let orig = original
            .get(n.original_range(range.clone()))
            .unwrap_or_default();
        if !ip && !has_scheme {
            // A bare word.word counts as a link only as written (not assembled by folding
            // other characters), on a known suffix that people type (a country code or a
            // generic TLD, not a brand TLD like `.hsbc`), and not as a file name.
            let known = psl::suffix(host.as_bytes()).is_some_and(|sfx| sfx.is_known());
            let tld = host.rsplit('.').next().unwrap_or_default();
            let typed = tld.len() == 2 || TYPED_TLDS.contains(&tld) || risky.contains(tld);
            if !orig.is_ascii()
                || !known
                || !typed
                || domain.is_none()
                || FILE_LIKE_TLDS.contains(&tld)
            {
                continue;
            }
        }
        // The host as written: letters (of any alphabet but CJK), digits, dots and hyphens.
        let after_scheme = orig.split("://").last().unwrap_or_default();
        let host_len: usize = after_scheme
            .chars()
            .take_while(|&c| {
                (c.is_alphanumeric() && !crate::text::is_cjk(c)) || matches!(c, '-' | '.')
            })
            .map(char::len_utf8)
            .sum();
        let orig_host = &after_scheme[..host_len];
        let non_ascii_host =
            !orig_host.is_ascii() || host.split('.').any(|l| l.starts_with("xn--"));
        // Normalization folds look-alike letters into ASCII; the real host is the original's.
        let (host, domain) = if orig_host.is_ascii() {
            (host, domain)
        } else {
            let real = url::Url::parse(&format!("http://{orig_host}"))
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                .unwrap_or(host);
            let d = psl::domain_str(&real).map(str::to_string);
            (real, d)
        };
        let path = url.path().to_ascii_lowercase();
        out.push(FoundUrl {
            range,
            host,
            domain,
            non_ascii_host,
            userinfo: !url.username().is_empty() || url.password().is_some(),
            apk: path.ends_with(".apk"),
            ip,
        });
    }
    out
}

/// The registrable domain of a URL or a bare host (`None` when it has none).
#[must_use]
pub fn registrable(url_or_host: &str) -> Option<String> {
    let s = url_or_host.trim();
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("http://{s}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    psl::domain_str(&host).map(str::to_string)
}

/// Whether a link shown as `shown` (the visible text of a `text_link`) goes to another site:
/// the visible text is itself a web address, and its registrable domain is not the target's.
#[must_use]
pub fn shown_elsewhere(shown: &str, target: &str) -> bool {
    let shown = shown.trim();
    let host = shown
        .split("://")
        .last()
        .unwrap_or_default()
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let looks_like_address = !shown.contains(char::is_whitespace)
        && host.contains('.')
        && shown.is_ascii()
        && psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known());
    if !looks_like_address {
        return false;
    }
    // A target without a registrable domain (an IP address) is elsewhere too.
    registrable(shown).is_some_and(|a| registrable(target).is_none_or(|b| a != b))
}

/// `s` with digits that stand for letters turned into those letters.
fn deleet(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'l',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

/// Whether `a` and `b` are at most one edit apart (one letter changed, added or removed), in
/// one pass: domain labels are ASCII, so bytes are letters.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        // One substitution at most: the rest after the first difference is equal.
        prefix == short.len() || short[prefix + 1..] == long[prefix + 1..]
    } else {
        // One insertion: skipping a byte of the longer one makes them equal.
        short[prefix..] == long[prefix + 1..]
    }
}

/// Whether `text[start..end]` stands as a word: an ASCII name needs no letter or digit
/// right before or after it; other names stand anywhere.
fn word_at(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let name = &text[start..end];
    !name.is_ascii()
        || ((start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
            && (end == bytes.len() || !bytes[end].is_ascii_alphanumeric()))
}

impl LinkRules {
    /// SHA-256 of the file the data was read from.
    #[must_use]
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The rules of the signals (for locale checks and listings).
    #[must_use]
    pub fn metas(&self) -> Vec<Arc<RuleMeta>> {
        self.signals.iter().map(|s| Arc::clone(&s.meta)).collect()
    }

    fn signal(&self, kind: Kind) -> Option<&Signal> {
        self.signals.iter().find(|s| s.kind == kind)
    }

    /// Whether `domain` is one of any brand's own domains.
    fn official(&self, domain: &str) -> bool {
        self.brands
            .iter()
            .any(|b| b.domains.iter().any(|d| d == domain))
    }

    /// Whether `u` is on a brand's own domain, as written (no look-alike letters, no `user@`).
    fn is_official(&self, u: &FoundUrl) -> bool {
        !u.non_ascii_host && !u.userinfo && u.domain.as_deref().is_some_and(|d| self.official(d))
    }

    /// The links of a message: `n` is its normalized text, `original` the text it came from
    /// (evidence ranges are in `original`).
    #[must_use]
    pub fn analyze(&self, n: &Normalized, original: &str) -> LinkAnalysis {
        let urls = find_urls(n, original, &self.risky_tlds);
        if urls.is_empty() {
            return LinkAnalysis::default();
        }
        let only_official = urls.iter().all(|u| self.is_official(u));
        let text = n.as_str();
        let mut named_ix: Vec<usize> = Vec::new();
        for (ac, of, hay) in [
            (&self.names_ac, &self.names_of, text),
            (&self.exact_ac, &self.exact_of, original),
        ] {
            for m in ac.find_overlapping_iter(hay) {
                if word_at(hay, m.start(), m.end())
                    && !named_ix.contains(&of[m.pattern().as_usize()])
                {
                    named_ix.push(of[m.pattern().as_usize()]);
                }
            }
        }
        let named: Vec<&Brand> = named_ix.iter().map(|&i| &self.brands[i]).collect();
        let mut found: Vec<(Kind, Range<usize>)> = Vec::new();
        let mut add = |k: Kind, r: &Range<usize>| {
            if !found.iter().any(|(x, _)| *x == k) {
                found.push((k, r.clone()));
            }
        };
        for u in &urls {
            if self.is_official(u) {
                continue;
            }
            if u.ip {
                add(Kind::IpHost, &u.range);
            }
            if u.userinfo {
                add(Kind::UserInfo, &u.range);
            }
            if u.non_ascii_host {
                add(Kind::Punycode, &u.range);
            }
            if u.apk {
                add(Kind::Apk, &u.range);
            }
            let Some(domain) = u.domain.as_deref() else {
                if !named.is_empty() {
                    add(Kind::BrandMismatch, &u.range);
                }
                continue;
            };
            if self.shorteners.contains(domain) {
                add(Kind::Shortener, &u.range);
            }
            let tld = domain.rsplit('.').next().unwrap_or_default();
            if self.risky_tlds.contains(tld) {
                add(Kind::RiskyTld, &u.range);
            }
            let sld = domain.split('.').next().unwrap_or_default();
            let sub = u.host.strip_suffix(domain).unwrap_or_default();
            let sub_labels: Vec<&str> = sub.split(['.', '-']).filter(|l| !l.is_empty()).collect();
            // The domain as written and with digits read as letters (`paypa1`), so that
            // digit brands (`12306`) and leet look-alikes are both seen.
            let forms = [sld.to_string(), deleet(sld)];
            let joined: Vec<String> = forms.iter().map(|f| f.replace('-', "")).collect();
            let parts: Vec<Vec<&str>> = forms
                .iter()
                .map(|f| f.split('-').filter(|p| !p.is_empty()).collect())
                .collect();
            let sub_plain: Vec<String> = sub_labels.iter().map(|l| deleet(l)).collect();
            for b in &self.brands {
                for t in &b.tokens {
                    let look = parts.iter().zip(&joined).any(|(parts, joined)| {
                        parts.iter().any(|p| {
                            *p == t
                                || (t.len() >= 4 && p.contains(t.as_str()))
                                || (t.len() >= 5 && one_edit_apart(p, t))
                        }) || (t.len() >= 4 && joined.contains(t.as_str()))
                    });
                    if look {
                        add(Kind::Lookalike, &u.range);
                    }
                    if sub_labels
                        .iter()
                        .zip(&sub_plain)
                        .any(|(l, p)| *l == t || p == t)
                    {
                        add(Kind::BrandSubdomain, &u.range);
                    }
                }
            }
            if named.iter().any(|b| !b.domains.iter().any(|d| d == domain)) {
                add(Kind::BrandMismatch, &u.range);
            }
        }
        let mut out: Vec<Finding> = found
            .into_iter()
            .filter_map(|(k, r)| {
                let s = self.signal(k)?;
                Some(Finding {
                    rule: Arc::clone(&s.meta),
                    evidence: n.original_range(r),
                })
            })
            .collect();
        out.sort_by_key(|f| f.rule.stage);
        LinkAnalysis {
            findings: out,
            only_official,
        }
    }

    /// Every example of every signal, checked with `scan` (the whole engine): a signal's
    /// `match` example must make it fire, a `no-match` one must not.
    pub fn check_examples(&self, scan: impl Fn(&str) -> Vec<String>) -> Vec<RuleError> {
        let mut errors = Vec::new();
        for s in &self.signals {
            let has = |e: Expect| s.examples.iter().any(|x| x.expect == e);
            if !has(Expect::Match) || !has(Expect::NoMatch) {
                errors.push(RuleError {
                    code: ErrorCode::MissingExample,
                    location: s.location.clone(),
                    rule: Some(s.meta.id.clone()),
                    message: "every rule needs at least one `match` and one `no-match` example"
                        .into(),
                });
            }
            for ex in &s.examples {
                let matched = scan(&ex.text).contains(&s.meta.id);
                let want = ex.expect == Expect::Match;
                if matched != want {
                    errors.push(RuleError {
                        code: ErrorCode::ExampleFailed,
                        location: ex.location.clone(),
                        rule: Some(s.meta.id.clone()),
                        message: format!(
                            "example expects {} but the rule {}: {:?}",
                            if want { "a match" } else { "no match" },
                            if matched { "matched" } else { "did not match" },
                            ex.text
                        ),
                    });
                }
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests;
