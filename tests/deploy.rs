//! The deployment files in `deploy/`: the example configuration loads, names every key of the
//! schema and passes `scamguard config check`; the systemd unit passes `systemd-analyze
//! verify` and carries its hardening; the Dockerfile and the Compose file have the stages,
//! user, health check, volume and secret that `deploy/README.md` describes.
//!
//! There is no container engine on this machine (`docker` is only a client, with no daemon
//! to talk to), so the Dockerfile and the Compose file are checked as text: nothing is built
//! or started.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use scamguard::config::{Config, KEYS, LogFormat};

/// A made-up token in the bot-token shape; not a real one.
const FAKE_TOKEN: &str = "123456:not-a-real-token";
const EXAMPLE: &str = "deploy/scamguard.toml";
const UNIT: &str = "deploy/scamguard.service";
const DOCKERFILE: &str = "deploy/Dockerfile";
const DOCKERIGNORE: &str = "deploy/Dockerfile.dockerignore";
const COMPOSE: &str = "deploy/docker-compose.yml";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    let path = repo().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// An environment holding nothing but `TELOXIDE_TOKEN`.
fn only_token(var: &str) -> Option<String> {
    (var == "TELOXIDE_TOKEN").then(|| FAKE_TOKEN.to_string())
}

/// Runs the built `scamguard` in the repository root with `args`, with no configuration
/// variable inherited from the test's environment, and with `env` set.
fn scamguard(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scamguard"));
    cmd.args(args).current_dir(repo());
    for (var, _) in std::env::vars_os() {
        let Some(name) = var.to_str() else { continue };
        if name.starts_with("SCAMGUARD_")
            || name.starts_with("TELOXIDE_")
            || matches!(name, "RUST_LOG" | "STATE_DIRECTORY" | "XDG_STATE_HOME")
        {
            cmd.env_remove(name);
        }
    }
    cmd.envs(env.iter().copied());
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run scamguard {args:?}: {e}"))
}

fn show(out: &Output) -> String {
    format!(
        "exit status: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn has_line(text: &[u8], line: &str) -> bool {
    String::from_utf8_lossy(text).lines().any(|l| l == line)
}

// --- deploy/scamguard.toml ---------------------------------------------------------------

#[test]
fn example_config_loads_with_only_a_token_in_the_environment() {
    let text = read(EXAMPLE);
    let c = Config::from_parts(EXAMPLE, Some(&text), &only_token)
        .unwrap_or_else(|e| panic!("{EXAMPLE} does not load:\n{e}"));
    assert_eq!(
        c.token.as_ref().map(|t| t.expose()),
        Some(FAKE_TOKEN),
        "the token comes from TELOXIDE_TOKEN: the example's own `token` is empty"
    );
    assert_eq!(
        c.database,
        PathBuf::from("/var/lib/scamguard/scamguard.db"),
        "the database lives in the systemd unit's StateDirectory"
    );
    assert_eq!(c.rules_dir, None, "rules: the built-in ones");
    assert_eq!(c.locales_dir, None, "locales: the built-in ones");
    assert_eq!(c.webhook, None, "the example runs in long-polling mode");
    assert_eq!(c.api_url, None, "api_url: Telegram's");
    assert_eq!(c.listen, Some("127.0.0.1:8080".parse().unwrap()));
    assert!(c.throttle, "telegram.throttle");
    assert_eq!(c.batch_delay, Duration::from_millis(2500));
    assert_eq!(c.session_idle, Duration::from_secs(30 * 60));
    assert_eq!(c.session_max_entries, 100_000);
    assert!(c.reload_watch, "reload.watch");
    assert_eq!(c.reload_debounce, Duration::from_millis(500));
    assert_eq!(c.log_format, LogFormat::Text);
    assert_eq!(c.log_filter, "info,teloxide::dispatching::dispatcher=off");
    assert!(c.qr, "media.qr");
    assert_eq!(c.max_image_bytes, 10 * 1024 * 1024);
    assert_eq!(c.max_image_pixels, 40_000_000);
}

#[test]
fn example_config_sets_every_key_with_a_comment_above_it_and_no_secret() {
    let text = read(EXAMPLE);
    let doc: toml_edit::DocumentMut = text
        .parse()
        .unwrap_or_else(|e| panic!("{EXAMPLE} is not TOML: {e}"));
    let mut missing = Vec::new();
    let mut uncommented = Vec::new();
    for spec in KEYS {
        let table = if spec.section.is_empty() {
            Some(doc.as_table())
        } else {
            doc.get(spec.section).and_then(toml_edit::Item::as_table)
        };
        let Some(table) = table else {
            missing.push(format!("[{}] (for {})", spec.section, spec.name()));
            continue;
        };
        let Some(item) = table.get(spec.key) else {
            missing.push(spec.name());
            continue;
        };
        assert!(
            item.is_value(),
            "{EXAMPLE}: {} must be a value, not a table",
            spec.name()
        );
        let comment = table
            .key(spec.key)
            .and_then(|k| k.leaf_decor().prefix())
            .and_then(toml_edit::RawString::as_str)
            .is_some_and(|p| p.contains('#'));
        if !comment {
            uncommented.push(spec.name());
        }
    }
    assert!(
        missing.is_empty(),
        "{EXAMPLE} must set every key of config::KEYS; missing: {missing:?}"
    );
    assert!(
        uncommented.is_empty(),
        "{EXAMPLE}: every key needs a comment above it explaining it; none above: {uncommented:?}"
    );
    for (section, key) in [("telegram", "token"), ("webhook", "secret")] {
        assert_eq!(
            doc[section][key].as_str(),
            Some(""),
            "{EXAMPLE}: {section}.{key} must stay empty: secrets come from files"
        );
    }
}

#[test]
fn config_check_accepts_the_example() {
    let out = scamguard(
        &["config", "check", "--config", EXAMPLE],
        &[("TELOXIDE_TOKEN", FAKE_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    for line in [
        "configuration ok",
        "mode: long polling",
        "http: 127.0.0.1:8080 (/healthz, /readyz, /metrics)",
        "database: /var/lib/scamguard/scamguard.db",
        "rules: built in",
        "locales: built in",
    ] {
        assert!(
            has_line(&out.stdout, line),
            "missing line `{line}`:\n{}",
            show(&out)
        );
    }
}

#[test]
fn config_check_of_the_example_needs_a_token() {
    let out = scamguard(&["config", "check", "--config", EXAMPLE], &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "without a token in the environment the example must be refused (it holds none):\n{}",
        show(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("telegram.token"),
        "the problem names telegram.token:\n{}",
        show(&out)
    );
}

/// The token and the webhook secret as systemd's credentials and Compose's secrets hand them
/// over: files named by TELOXIDE_TOKEN_FILE and SCAMGUARD_WEBHOOK_SECRET_FILE.
#[test]
fn config_check_reads_the_token_and_webhook_secret_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("telegram_token");
    let secret_file = dir.path().join("webhook_secret");
    let secret = "k3Yb_9-zQ";
    std::fs::write(&token_file, format!("{FAKE_TOKEN}\n")).unwrap();
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    let url = "https://bot.example.org/telegram/3kq9v0ZRm1";
    let out = scamguard(
        &["config", "check", "--config", EXAMPLE],
        &[
            ("TELOXIDE_TOKEN_FILE", token_file.to_str().unwrap()),
            ("SCAMGUARD_WEBHOOK_URL", url),
            (
                "SCAMGUARD_WEBHOOK_SECRET_FILE",
                secret_file.to_str().unwrap(),
            ),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        has_line(&out.stdout, &format!("mode: webhook at {url} (secret set)")),
        "{}",
        show(&out)
    );
    let all = show(&out);
    assert!(
        !all.contains(FAKE_TOKEN) && !all.contains(secret),
        "config check must not print the token or the secret:\n{all}"
    );
}

#[test]
fn config_check_names_the_line_and_key_of_each_problem_in_a_broken_copy() {
    let text = read(EXAMPLE);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i] == "max_connections = 40")
        .collect();
    assert_eq!(
        at.len(),
        1,
        "{EXAMPLE} must have exactly one line `max_connections = 40`"
    );
    // 101 is past webhook.max_connections' range, 1..=100.
    lines[at[0]] = "max_connections = 101".to_string();
    let range_line = at[0] + 1;
    let last_table = lines.iter().rev().find(|l| l.starts_with('['));
    assert_eq!(
        last_table.map(String::as_str),
        Some("[media]"),
        "{EXAMPLE} must end with the [media] table"
    );
    lines.push("max_image_side = 4096".to_string());
    let unknown_line = lines.len();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let path = path.to_str().unwrap();
    let out = scamguard(
        &["config", "check", "--config", path],
        &[("TELOXIDE_TOKEN", FAKE_TOKEN)],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let range = format!("{path}:{range_line}: webhook.max_connections");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&range) && l.contains("101")),
        "expected a line starting `{range}` naming the value 101:\n{}",
        show(&out)
    );
    let unknown = format!("{path}:{unknown_line}: media.max_image_side");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&unknown) && l.contains("unknown key")),
        "expected a line starting `{unknown}` saying `unknown key`:\n{}",
        show(&out)
    );
    assert!(
        has_line(&out.stderr, "2 problems found"),
        "exactly the two planted problems:\n{}",
        show(&out)
    );
}

// --- deploy/scamguard.service ------------------------------------------------------------

/// `[section]` of each directive line of a unit file, in order.
fn unit_directives(text: &str) -> Vec<(String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            section = line.to_string();
        } else {
            out.push((section.clone(), line.to_string()));
        }
    }
    out
}

#[test]
fn systemd_unit_has_its_hardening_and_credentials() {
    let unit = read(UNIT);
    let directives = unit_directives(&unit);
    let expected: &[(&str, &str)] = &[
        ("[Unit]", "After=network-online.target"),
        ("[Unit]", "Wants=network-online.target"),
        (
            "[Service]",
            "ExecStart=/usr/local/bin/scamguard run --config /etc/scamguard/scamguard.toml",
        ),
        ("[Service]", "ExecReload=/bin/kill -HUP $MAINPID"),
        ("[Service]", "KillSignal=SIGTERM"),
        ("[Service]", "TimeoutStopSec=45"),
        ("[Service]", "Restart=on-failure"),
        (
            "[Service]",
            "LoadCredential=telegram_token:/etc/scamguard/telegram_token",
        ),
        (
            "[Service]",
            "Environment=TELOXIDE_TOKEN_FILE=%d/telegram_token",
        ),
        ("[Service]", "DynamicUser=yes"),
        ("[Service]", "StateDirectory=scamguard"),
        ("[Service]", "ConfigurationDirectory=scamguard"),
        ("[Service]", "ProtectSystem=strict"),
        ("[Service]", "ProtectHome=yes"),
        ("[Service]", "PrivateTmp=yes"),
        ("[Service]", "NoNewPrivileges=yes"),
        ("[Service]", "PrivateDevices=yes"),
        ("[Service]", "ProtectKernelTunables=yes"),
        ("[Service]", "ProtectKernelModules=yes"),
        ("[Service]", "ProtectKernelLogs=yes"),
        ("[Service]", "ProtectControlGroups=yes"),
        (
            "[Service]",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        ),
        ("[Service]", "RestrictNamespaces=yes"),
        ("[Service]", "LockPersonality=yes"),
        ("[Service]", "MemoryDenyWriteExecute=yes"),
        ("[Service]", "SystemCallFilter=@system-service"),
        ("[Service]", "SystemCallArchitectures=native"),
        ("[Service]", "CapabilityBoundingSet="),
        ("[Service]", "UMask=0077"),
        ("[Install]", "WantedBy=multi-user.target"),
    ];
    let missing: Vec<String> = expected
        .iter()
        .filter(|(s, d)| !directives.iter().any(|(ds, dd)| ds == s && dd == d))
        .map(|(s, d)| format!("{s} {d}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{UNIT} lacks these directives (each in its section):\n{}",
        missing.join("\n")
    );
    assert!(
        !unit.contains("TELOXIDE_TOKEN="),
        "{UNIT} must not carry a token: it comes from LoadCredential="
    );
}

/// `systemd-analyze verify` on `unit` saved as `scamguard.service` in a fresh directory: its
/// output, and the lines of its standard error that are about that file.
fn verify_unit(unit: &str) -> (Output, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scamguard.service");
    std::fs::write(&path, unit).unwrap();
    let out = match Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "systemd-analyze is not installed, so {UNIT} cannot be verified: install the \
             `systemd` package (apt-get install systemd)"
        ),
        Err(e) => panic!("cannot run systemd-analyze: {e}"),
    };
    let complaints = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains("scamguard.service"))
        .filter(|l| {
            ["Unknown", "Failed", "ignoring", "Invalid", "not executable"]
                .iter()
                .any(|w| l.contains(w))
        })
        .map(str::to_string)
        .collect();
    (out, complaints)
}

#[test]
fn systemd_unit_passes_systemd_analyze_verify() {
    let unit = read(UNIT);
    // verify checks that the program ExecStart= names exists: point it at the binary just built.
    let installed = "ExecStart=/usr/local/bin/scamguard ";
    assert!(
        unit.contains(installed),
        "{UNIT}: ExecStart= must run {installed}"
    );
    let built = format!("ExecStart={} ", env!("CARGO_BIN_EXE_scamguard"));
    let (out, complaints) = verify_unit(&unit.replace(installed, &built));
    assert!(
        out.status.success(),
        "systemd-analyze verify failed:\n{}",
        show(&out)
    );
    assert!(
        complaints.is_empty(),
        "systemd-analyze verify complains about {UNIT}:\n{}",
        complaints.join("\n")
    );

    // The same check on a unit with a misspelled directive and a bad value must complain, or
    // the check above proves nothing.
    let broken = unit.replace(installed, &built).replace(
        "UMask=0077",
        "UMask=0077\nProtectSytem=strict\nRestart=sometimes",
    );
    let (_, complaints) = verify_unit(&broken);
    assert!(
        complaints.iter().any(|l| l.contains("ProtectSytem"))
            && complaints.iter().any(|l| l.contains("sometimes")),
        "systemd-analyze verify did not report a misspelled directive and a bad value: {complaints:?}"
    );
}

// --- deploy/Dockerfile, deploy/docker-compose.yml ------------------------------------------

/// The instructions of a Dockerfile: (INSTRUCTION, arguments), continuation lines joined,
/// comments and the parser directive left out.
fn dockerfile_instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if trimmed.starts_with('#') {
            continue;
        }
        if let Some(part) = trimmed.strip_suffix('\\') {
            current.push_str(part);
            current.push(' ');
            continue;
        }
        current.push_str(trimmed);
        let (word, args) = current
            .split_once(char::is_whitespace)
            .unwrap_or((&current, ""));
        out.push((word.to_ascii_uppercase(), args.trim().to_string()));
        current.clear();
    }
    out
}

#[test]
fn dockerfile_builds_in_two_stages_and_runs_unprivileged_with_a_health_check() {
    let text = read(DOCKERFILE);
    let ins = dockerfile_instructions(&text);
    let all = |word: &str| -> Vec<&str> {
        ins.iter()
            .filter(|(w, _)| w == word)
            .map(|(_, a)| a.as_str())
            .collect()
    };
    let froms = all("FROM");
    assert!(
        froms.len() >= 2,
        "{DOCKERFILE}: a build stage and a runtime stage: {froms:?}"
    );
    assert!(
        froms[0].starts_with("rust:1-bookworm"),
        "{DOCKERFILE}: the build stage is rust:1-bookworm: {froms:?}"
    );
    assert_eq!(
        froms.last().copied(),
        Some("debian:bookworm-slim"),
        "{DOCKERFILE}: the runtime stage is debian:bookworm-slim"
    );
    assert!(
        all("RUN")
            .iter()
            .any(|r| r.contains("cargo build --release --locked")),
        "{DOCKERFILE}: cargo build --release --locked"
    );

    // Everything from the last FROM on is the image that runs.
    let last_from = ins.iter().rposition(|(w, _)| w == "FROM").unwrap();
    let runtime = &ins[last_from..];
    let user = runtime.iter().rev().find(|(w, _)| w == "USER");
    let user = user.map(|(_, a)| a.as_str());
    assert!(
        user.is_some_and(|u| {
            let name = u.split(':').next().unwrap_or(u);
            !name.is_empty() && name != "root" && name != "0"
        }),
        "{DOCKERFILE}: the runtime stage ends with a USER that is not root: {user:?}"
    );
    let health: Vec<&str> = runtime
        .iter()
        .filter(|(w, _)| w == "HEALTHCHECK")
        .map(|(_, a)| a.as_str())
        .collect();
    assert!(
        health.len() == 1 && health[0].contains("/healthz"),
        "{DOCKERFILE}: one HEALTHCHECK asking /healthz: {health:?}"
    );
    if health[0].contains("curl") {
        assert!(
            runtime
                .iter()
                .any(|(w, a)| w == "RUN" && a.contains("apt-get install") && a.contains(" curl")),
            "{DOCKERFILE}: the health check runs curl, so the runtime stage installs it"
        );
    }
    assert!(
        runtime
            .iter()
            .any(|(w, a)| w == "RUN" && a.contains("ca-certificates")),
        "{DOCKERFILE}: the runtime stage installs ca-certificates (TLS to the Bot API)"
    );
    for (what, dest) in [
        ("rules", "/usr/share/scamguard/rules"),
        ("locales", "/usr/share/scamguard/locales"),
    ] {
        assert!(
            runtime
                .iter()
                .any(|(w, a)| w == "COPY"
                    && a.split_whitespace().collect::<Vec<_>>() == [what, dest]),
            "{DOCKERFILE}: COPY {what} {dest}"
        );
    }
    assert!(
        runtime.iter().any(|(w, a)| w == "COPY"
            && a.starts_with("--from=")
            && a.ends_with("/usr/local/bin/scamguard")),
        "{DOCKERFILE}: the binary is copied from the build stage to /usr/local/bin/scamguard"
    );
    let env = runtime
        .iter()
        .filter(|(w, _)| w == "ENV")
        .flat_map(|(_, a)| a.split_whitespace())
        .collect::<Vec<_>>();
    for var in [
        "SCAMGUARD_DATABASE=/data/scamguard.db",
        "SCAMGUARD_HTTP_LISTEN=0.0.0.0:8080",
    ] {
        assert!(env.contains(&var), "{DOCKERFILE}: ENV {var}: {env:?}");
    }
    assert!(
        !env.iter().any(|v| v.starts_with("TELOXIDE_TOKEN=")),
        "{DOCKERFILE}: no token in the image"
    );
    assert!(
        runtime.iter().any(|(w, a)| w == "VOLUME" && a == "/data"),
        "{DOCKERFILE}: VOLUME /data"
    );
    assert!(
        runtime.iter().any(|(w, a)| w == "EXPOSE" && a == "8080"),
        "{DOCKERFILE}: EXPOSE 8080"
    );

    let ignore = read(DOCKERIGNORE);
    let patterns: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for p in ["target/", ".git/", "deploy/*.txt"] {
        assert!(
            patterns.contains(&p),
            "{DOCKERIGNORE}: `{p}` keeps the build context small and secrets out: {patterns:?}"
        );
    }
}

/// The lines of a YAML file without comments, and the top-level blocks: each key at column 0
/// with the lines under it.
fn yaml_blocks(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut blocks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            current = line.trim_end_matches(':').to_string();
            blocks.entry(current.clone()).or_default();
        } else {
            blocks
                .entry(current.clone())
                .or_default()
                .push(trimmed.to_string());
        }
    }
    blocks
}

#[test]
fn compose_file_uses_a_secret_for_the_token_and_a_volume_for_the_database() {
    let blocks = yaml_blocks(&read(COMPOSE));
    let block = |name: &str| {
        blocks
            .get(name)
            .unwrap_or_else(|| panic!("{COMPOSE}: no top-level `{name}:`"))
    };
    let has = |name: &str, line: &str| block(name).iter().any(|l| l == line);
    for line in [
        "context: ..",
        "dockerfile: deploy/Dockerfile",
        "restart: unless-stopped",
        "TELOXIDE_TOKEN_FILE: /run/secrets/telegram_token",
        "- telegram_token",
        "- scamguard-data:/data",
        "- \"127.0.0.1:8080:8080\"",
        "healthcheck:",
    ] {
        assert!(
            has("services", line),
            "{COMPOSE}: services must have `{line}`"
        );
    }
    assert!(
        block("services")
            .iter()
            .any(|l| l.starts_with("test:") && l.contains("/healthz")),
        "{COMPOSE}: the health check asks /healthz"
    );
    assert!(
        has("secrets", "telegram_token:") && has("secrets", "file: ./telegram_token.txt"),
        "{COMPOSE}: a top-level secret telegram_token from ./telegram_token.txt"
    );
    assert!(
        has("volumes", "scamguard-data:"),
        "{COMPOSE}: a top-level named volume scamguard-data"
    );
    assert!(
        !block("services")
            .iter()
            .any(|l| l.starts_with("TELOXIDE_TOKEN:")),
        "{COMPOSE}: the token comes from the secret, not the environment"
    );
}

#[test]
fn an_unreachable_redis_stops_the_start_with_code_2_naming_it_without_its_password() {
    // Port 1 on loopback: nothing listens there.
    let out = scamguard(
        &["run"],
        &[
            ("TELOXIDE_TOKEN", FAKE_TOKEN),
            ("SCAMGUARD_REDIS_URL", "redis://bot:hunter2@127.0.0.1:1/0"),
            ("SCAMGUARD_HTTP_LISTEN", "off"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("redis.url") && stderr.contains("redis://bot:***@127.0.0.1:1/0"),
        "{}",
        show(&out)
    );
    assert!(!stderr.contains("hunter2"), "{}", show(&out));
}

// --- deploy/replicas: several replicas behind nginx or HAProxy, one Redis ------------------

const REPLICAS: &str = "deploy/replicas/docker-compose.yml";
const NGINX: &str = "deploy/replicas/nginx.conf";
const HAPROXY: &str = "deploy/replicas/haproxy.cfg";

/// `KEY: value` lines of the replicas' shared block (`x-scamguard`), under `environment:`.
fn replica_environment() -> Vec<(String, String)> {
    let text = read(REPLICAS);
    let mut env = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if line == "  environment:" {
            inside = true;
            continue;
        }
        if inside && !line.starts_with("    ") {
            break;
        }
        if inside && let Some((k, v)) = trimmed.split_once(": ") {
            env.push((k.to_string(), v.trim_matches('"').to_string()));
        }
    }
    env
}

/// The replica services: top-level keys under `services:` named `scamguard-N`.
fn replica_services() -> Vec<String> {
    read(REPLICAS)
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.strip_suffix(':'))
        .filter(|l| l.starts_with("scamguard-"))
        .map(str::to_string)
        .collect()
}

#[test]
fn replicas_share_one_redis_and_their_environment_passes_config_check() {
    let env = replica_environment();
    let get = |k: &str| {
        env.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{REPLICAS}: x-scamguard sets no {k}"))
    };
    assert_eq!(get("SCAMGUARD_REDIS_URL"), "redis://redis:6379/0");
    assert_eq!(get("TELOXIDE_TOKEN_FILE"), "/run/secrets/telegram_token");
    assert_eq!(
        get("SCAMGUARD_WEBHOOK_SECRET_FILE"),
        "/run/secrets/webhook_secret"
    );
    assert!(
        replica_services().len() >= 2,
        "{REPLICAS}: two replicas at least"
    );

    // The same variables, with the secrets' files here, make a configuration the bot accepts.
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("telegram_token");
    let secret = dir.path().join("webhook_secret");
    std::fs::write(&token, format!("{FAKE_TOKEN}\n")).unwrap();
    std::fs::write(&secret, "k3Yb_9-zQ\n").unwrap();
    let mut vars: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| match k.as_str() {
            "TELOXIDE_TOKEN_FILE" => (k.clone(), token.to_string_lossy().into_owned()),
            "SCAMGUARD_WEBHOOK_SECRET_FILE" => (k.clone(), secret.to_string_lossy().into_owned()),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    vars.push(("SCAMGUARD_HTTP_LISTEN".into(), "0.0.0.0:8080".into()));
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let out = scamguard(&["config", "check", "--config", EXAMPLE], &pairs);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        has_line(
            &out.stdout,
            "database: redis redis://redis:6379/0 (prefix scamguard:)"
        ),
        "{}",
        show(&out)
    );
}

#[test]
fn the_balancers_forward_only_the_webhook_path_to_every_replica_and_check_liveness() {
    let url = replica_environment()
        .into_iter()
        .find(|(k, _)| k == "SCAMGUARD_WEBHOOK_URL")
        .map(|(_, v)| v)
        .expect("SCAMGUARD_WEBHOOK_URL");
    let path = &url[url.find("/telegram/").expect("a /telegram/ path")..];
    let nginx = read(NGINX);
    let haproxy = read(HAPROXY);
    assert!(
        nginx.contains(&format!("location = {path} {{")),
        "{NGINX}: forwards {path}"
    );
    assert!(
        haproxy.contains(&format!("acl webhook path {path}")),
        "{HAPROXY}: forwards {path}"
    );
    for service in replica_services() {
        assert!(
            nginx.contains(&format!("server {service}:8080")),
            "{NGINX}: {service} is not in the upstream"
        );
        assert!(
            haproxy.contains(&format!("server {service} {service}:8080 check")),
            "{HAPROXY}: {service} is not in the backend"
        );
    }
    // A refused update goes to another replica; liveness, not readiness, decides: during a
    // Redis outage every replica is unready yet answers hard triggers.
    assert!(nginx.contains("proxy_next_upstream error timeout http_502 http_503 non_idempotent;"));
    assert!(haproxy.contains("option httpchk GET /healthz"));
    assert!(haproxy.contains("retry-on conn-failure empty-response response-timeout 503"));
    let directives = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(!directives(&haproxy).contains("/readyz") && !directives(&nginx).contains("/readyz"));
    // Only keys with a TTL may be evicted, never the salt or the group settings.
    let compose = read(REPLICAS);
    assert!(compose.contains("\"--maxmemory-policy\", \"volatile-lru\""));
    assert!(!compose.contains("allkeys"));
}
