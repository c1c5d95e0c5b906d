//! `scamguard rules fit`: propose rule weights from a labeled corpus, as SpamAssassin fits its
//! scores to ham and spam.
//!
//! Every message line of the corpus files (in the chosen half, read as `scamguard eval` reads
//! them) is scanned with the engine; the rules that hit are its features. A logistic regression
//! with an L2 penalty on the rule weights (not on the intercept) is fitted by cyclic coordinate
//! descent with a Newton step per coordinate: `scam` lines are positives, `benign` and
//! `spam_ad` lines negatives (advertising is not fraud; its hits are counted apart).
//!
//! **From fitted weights to the 0..=100 scale.** The engine warns when the summed weights of a
//! message reach 60 (`warning`). With intercept `b` and a chosen probability `p*`
//! (`--warn-probability`, default 0.9), a rule's proposed weight is
//! `60 · w / (logit(p*) − b)`, rounded and clamped to 0..=100: a message whose proposed weights
//! sum to 60 is one whose fitted scam probability is `p*`, since the model is additive in the
//! same way the score is. A negative fitted weight (the rule hits honest lines more than its
//! scam lines explain) becomes 0. The third route to `warning` (three distinct stages) and the
//! conversation are not modelled. A rule with no hits keeps its current weight. Hard triggers
//! (`trigger = true`) get a proposed weight like any rule; their trigger flag is only reported.
//!
//! The output is deterministic: lines are grouped by the set of rules they hit (a sorted map),
//! coordinates are visited in rule order, and the table is sorted by |proposed − current|,
//! then by rule id.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::eval::{Split, file_name, files_of, message_line, read_lines};
use super::{EXIT_ERROR, load_engine};
use crate::engine::Engine;

/// Score at which the engine's default thresholds make a message a `warning`.
const WARNING_SCORE: f64 = 60.0;
/// Largest Newton step on one coordinate (keeps separable rules from jumping).
const MAX_STEP: f64 = 2.0;
/// Coordinate-descent sweeps at most, and the step below which a sweep counts as converged.
const MAX_SWEEPS: usize = 1_000;
const TOLERANCE: f64 = 1e-7;

/// Arguments of `scamguard rules fit`.
#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// JSON Lines message files (or directories of them), labeled as for `scamguard eval`.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Rules directory (default: $SCAMGUARD_RULES, else the rules built into the binary).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Which lines to fit on: the `tune` half (default), the `check` half, or `all`.
    #[arg(long, value_enum, default_value_t = FitSplit::Tune)]
    pub split: FitSplit,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print JSON instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// L2 penalty on the rule weights (in units of the summed log-likelihood).
    #[arg(long, default_value_t = 1.0)]
    pub l2: f64,
    /// Fitted scam probability that a summed weight of 60 (`warning`) stands for.
    #[arg(long, default_value_t = 0.9)]
    pub warn_probability: f64,
}

/// Lines fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FitSplit {
    /// The tune half of every file (see `scamguard eval --split`).
    Tune,
    /// The check half.
    Check,
    /// Every line.
    All,
}

impl FitSplit {
    fn split(self) -> Option<Split> {
        match self {
            FitSplit::Tune => Some(Split::Tune),
            FitSplit::Check => Some(Split::Check),
            FitSplit::All => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FitSplit::Tune => "tune",
            FitSplit::Check => "check",
            FitSplit::All => "all",
        }
    }
}

/// Hits of one rule on the corpus.
#[derive(Debug, Default, Clone, Copy)]
struct Hits {
    scam: u64,
    benign: u64,
    ads: u64,
}

impl Hits {
    fn total(self) -> u64 {
        self.scam + self.benign + self.ads
    }

    /// Share of its hits that are scam lines.
    #[allow(clippy::cast_precision_loss)]
    fn precision(self) -> Option<f64> {
        (self.total() > 0).then(|| self.scam as f64 / self.total() as f64)
    }
}

/// The corpus as the model sees it: lines grouped by the set of rules they hit.
#[derive(Debug, Default)]
struct Data {
    /// Rule indices hit -> (scam lines, other lines).
    patterns: BTreeMap<Vec<usize>, (u64, u64)>,
    hits: Vec<Hits>,
    scam: u64,
    benign: u64,
    ads: u64,
    files: Vec<String>,
}

fn read_corpus(engine: &Engine, args: &FitArgs) -> Result<Data, String> {
    let n_rules = engine.rules().len();
    let mut data = Data {
        hits: vec![Hits::default(); n_rules],
        ..Data::default()
    };
    let index: BTreeMap<&str, usize> = engine
        .rules()
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let split = args.split.split();
    for path in files_of(&args.paths)? {
        data.files.push(file_name(&path));
        for (line_no, line) in read_lines(&path)? {
            let m = message_line(&path, line_no, &line)?;
            if !Split::keeps(split, &m.text) {
                continue;
            }
            let scan = engine.scan(&m.text);
            let mut hit: Vec<usize> = scan
                .findings
                .iter()
                .filter_map(|f| index.get(f.rule.id.as_str()).copied())
                .collect();
            hit.sort_unstable();
            hit.dedup();
            let scam = m.label == "scam";
            for &r in &hit {
                let h = &mut data.hits[r];
                match m.label.as_str() {
                    "scam" => h.scam += 1,
                    "benign" => h.benign += 1,
                    _ => h.ads += 1,
                }
            }
            match m.label.as_str() {
                "scam" => data.scam += 1,
                "benign" => data.benign += 1,
                _ => data.ads += 1,
            }
            let e = data.patterns.entry(hit).or_default();
            if scam {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    Ok(data)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A fitted model: intercept and one weight per rule (0 for rules without hits).
#[derive(Debug)]
struct Model {
    intercept: f64,
    weights: Vec<f64>,
    sweeps: usize,
}

/// L2-regularised logistic regression by cyclic coordinate descent (a Newton step per
/// coordinate, the intercept unpenalised).
#[allow(clippy::cast_precision_loss)]
fn fit(data: &Data, n_rules: usize, l2: f64) -> Model {
    let patterns: Vec<(&Vec<usize>, f64, f64)> = data
        .patterns
        .iter()
        .map(|(k, &(s, n))| (k, s as f64, (s + n) as f64))
        .collect();
    // The patterns each rule appears in.
    let mut of_rule: Vec<Vec<usize>> = vec![Vec::new(); n_rules];
    for (p, (rules, _, _)) in patterns.iter().enumerate() {
        for &r in *rules {
            of_rule[r].push(p);
        }
    }
    let mut margin = vec![0.0f64; patterns.len()];
    let mut weights = vec![0.0f64; n_rules];
    let mut intercept = 0.0f64;
    let mut sweeps = 0;
    // One Newton step on a coordinate touching `members`: (gradient, curvature) -> step.
    let step_of = |members: &mut dyn Iterator<Item = usize>, margin: &[f64], w: f64, l2: f64| {
        let (mut g, mut h) = (l2 * w, l2 + 1e-12);
        for p in members {
            let (_, s, n) = patterns[p];
            let q = sigmoid(margin[p]);
            g += n * q - s;
            h += n * q * (1.0 - q);
        }
        (g / h).clamp(-MAX_STEP, MAX_STEP)
    };
    while sweeps < MAX_SWEEPS {
        sweeps += 1;
        let mut largest = 0.0f64;
        let step = step_of(&mut (0..patterns.len()), &margin, 0.0, 0.0);
        intercept -= step;
        margin.iter_mut().for_each(|m| *m -= step);
        largest = largest.max(step.abs());
        for r in 0..n_rules {
            if of_rule[r].is_empty() {
                continue;
            }
            let step = step_of(&mut of_rule[r].iter().copied(), &margin, weights[r], l2);
            weights[r] -= step;
            for &p in &of_rule[r] {
                margin[p] -= step;
            }
            largest = largest.max(step.abs());
        }
        if largest < TOLERANCE {
            break;
        }
    }
    Model {
        intercept,
        weights,
        sweeps,
    }
}

/// One row of the report.
struct Row {
    id: String,
    stage: &'static str,
    trigger: bool,
    hits: Hits,
    current: u32,
    fitted: f64,
    proposed: u32,
    more_benign: bool,
    no_hits: bool,
}

impl Row {
    fn delta(&self) -> i64 {
        i64::from(self.proposed) - i64::from(self.current)
    }
}

/// The weight on the 0..=100 scale for fitted weight `w`, when `scale` (= 60 / (logit(p*) −
/// b)) is defined.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn proposed_weight(w: f64, scale: f64) -> u32 {
    (w * scale).round().clamp(0.0, 100.0) as u32
}

fn rows(engine: &Engine, data: &Data, model: &Model, scale: f64) -> Vec<Row> {
    let mut rows: Vec<Row> = engine
        .rules()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let hits = data.hits[i];
            let no_hits = hits.total() == 0;
            Row {
                id: r.id.clone(),
                stage: r.stage.as_str(),
                trigger: r.trigger,
                hits,
                current: r.weight,
                fitted: model.weights[i],
                proposed: if no_hits {
                    r.weight
                } else {
                    proposed_weight(model.weights[i], scale)
                },
                more_benign: hits.benign > hits.scam,
                no_hits,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.delta()
            .abs()
            .cmp(&a.delta().abs())
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0))
}

fn markdown(args: &FitArgs, data: &Data, model: &Model, rows: &[Row]) -> String {
    let mut s = String::new();
    let with_hits = rows.iter().filter(|r| !r.no_hits).count();
    let more_benign: Vec<&Row> = rows.iter().filter(|r| r.more_benign).collect();
    let no_hits: Vec<&Row> = rows.iter().filter(|r| r.no_hits).collect();
    let up = rows.iter().filter(|r| r.delta() >= 10).count();
    let down = rows.iter().filter(|r| r.delta() <= -10).count();
    let _ = writeln!(s, "# Rule weight fit\n");
    let _ = writeln!(
        s,
        "Split `{}` of {} file(s): {} scam, {} benign, {} advertising lines ({} distinct rule-hit sets).",
        args.split.name(),
        data.files.len(),
        data.scam,
        data.benign,
        data.ads,
        data.patterns.len()
    );
    let _ = writeln!(
        s,
        "Logistic regression, L2 = {}, {} sweeps; intercept {:.3}; a summed weight of 60 stands for a fitted scam probability of {}.\n",
        args.l2, model.sweeps, model.intercept, args.warn_probability
    );
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(s, "- rules: {}, with hits: {with_hits}", rows.len());
    let _ = writeln!(
        s,
        "- proposed at least 10 above current: {up}; at least 10 below: {down}"
    );
    let _ = writeln!(
        s,
        "- fire on more benign than scam lines: {}{}",
        more_benign.len(),
        list(&more_benign)
    );
    let _ = writeln!(
        s,
        "- no hits on this split: {}{}\n",
        no_hits.len(),
        list(&no_hits)
    );
    let _ = writeln!(s, "## Rules\n");
    let _ = writeln!(
        s,
        "| rule | stage | trigger | scam | benign | ads | precision | fitted | current | proposed | Δ | flags |"
    );
    let _ = writeln!(
        s,
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    );
    for r in rows {
        let mut flags = Vec::new();
        if r.more_benign {
            flags.push("more benign than scam");
        }
        if r.no_hits {
            flags.push("no hits");
        }
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} | {:.3} | {} | {} | {:+} | {} |",
            r.id,
            r.stage,
            if r.trigger { "yes" } else { "" },
            r.hits.scam,
            r.hits.benign,
            r.hits.ads,
            pct(r.hits.precision()),
            r.fitted,
            r.current,
            r.proposed,
            r.delta(),
            flags.join(", ")
        );
    }
    s
}

fn list(rows: &[&Row]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = rows.iter().map(|r| format!("`{}`", r.id)).collect();
    format!(" ({})", ids.join(", "))
}

fn to_json(args: &FitArgs, data: &Data, model: &Model, rows: &[Row]) -> String {
    let rules: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "stage": r.stage, "trigger": r.trigger,
                "scam": r.hits.scam, "benign": r.hits.benign, "ads": r.hits.ads,
                "precision": r.hits.precision(), "fitted": r.fitted,
                "current": r.current, "proposed": r.proposed, "delta": r.delta(),
                "more_benign_than_scam": r.more_benign, "no_hits": r.no_hits,
            })
        })
        .collect();
    let v = json!({
        "split": args.split.name(), "files": data.files,
        "scam": data.scam, "benign": data.benign, "ads": data.ads,
        "l2": args.l2, "warn_probability": args.warn_probability,
        "intercept": model.intercept, "sweeps": model.sweeps,
        "rules": rules,
    });
    format!("{v:#}\n")
}

/// Run `scamguard rules fit`.
#[must_use]
pub fn run(args: &FitArgs) -> ExitCode {
    if !(args.warn_probability > 0.0 && args.warn_probability < 1.0)
        || args.l2.is_nan()
        || args.l2 < 0.0
    {
        eprintln!("scamguard rules fit: --warn-probability must be in (0, 1) and --l2 at least 0");
        return ExitCode::from(EXIT_ERROR);
    }
    let engine = match load_engine(args.rules.as_deref()) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let data = match read_corpus(&engine, args) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("scamguard rules fit: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if data.scam == 0 || data.benign + data.ads == 0 {
        eprintln!(
            "scamguard rules fit: need both scam and non-scam lines on split `{}` (got {} scam, {} other)",
            args.split.name(),
            data.scam,
            data.benign + data.ads
        );
        return ExitCode::from(EXIT_ERROR);
    }
    let model = fit(&data, engine.rules().len(), args.l2);
    let p = args.warn_probability;
    let gap = (p / (1.0 - p)).ln() - model.intercept;
    if gap <= 0.0 {
        eprintln!(
            "scamguard rules fit: a line that hits no rule already has a fitted scam probability above {p}; choose a higher --warn-probability"
        );
        return ExitCode::from(EXIT_ERROR);
    }
    let rows = rows(&engine, &data, &model, WARNING_SCORE / gap);
    let text = if args.json {
        to_json(args, &data, &model, &rows)
    } else {
        markdown(args, &data, &model, &rows)
    };
    match &args.report {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("scamguard rules fit: {}: cannot write: {e}", path.display());
                return ExitCode::from(EXIT_ERROR);
            }
        }
        None => out!("{text}"),
    }
    ExitCode::SUCCESS
}
