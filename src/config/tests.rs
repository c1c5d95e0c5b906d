use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_string())
    }
}

#[test]
fn empty_file_gives_defaults() {
    let env = env_of(&[("HOME", "/home/ann")]);
    let c = Config::from_parts("c.toml", Some(""), &env).unwrap();
    let expected = Config {
        database: PathBuf::from("/home/ann/.local/state/scamguard/scamguard.db"),
        ..Config::default()
    };
    assert_eq!(c, expected);
    let c = Config::from_parts("c.toml", None, &env).unwrap();
    assert_eq!(c, expected);
    assert_eq!(c.listen, Some("127.0.0.1:8080".parse().unwrap()));
    assert!(c.webhook.is_none(), "long polling by default");
}

#[test]
fn default_database_follows_systemd_then_xdg_then_home() {
    let all = env_of(&[
        ("STATE_DIRECTORY", "/var/lib/scamguard"),
        ("XDG_STATE_HOME", "/x"),
        ("HOME", "/h"),
    ]);
    assert_eq!(
        default_database(&all),
        PathBuf::from("/var/lib/scamguard/scamguard.db")
    );
    let xdg = env_of(&[("XDG_STATE_HOME", "/x"), ("HOME", "/h")]);
    assert_eq!(
        default_database(&xdg),
        PathBuf::from("/x/scamguard/scamguard.db")
    );
    assert_eq!(default_database(&no_env), PathBuf::from("scamguard.db"));
}

#[test]
fn full_file() {
    let text = r#"
database = "/tmp/x.db"
rules = "/r"
locales = "/l"
[telegram]
token = "123:abc"
api_url = "http://127.0.0.1:8081/"
throttle = false
[webhook]
url = "https://bot.example.org/tg/hook"
secret = "s3cret_value-1"
max_body_bytes = 65536
queue = 100
max_connections = 10
ack_wait_ms = 40
[http]
listen = "0.0.0.0:9000"
[private]
batch_delay_ms = 300
[sessions]
idle_minutes = 5
max_entries = 10
[reload]
watch = false
debounce_ms = 50
[log]
format = "json"
filter = "debug"
[media]
qr = false
max_image_bytes = 2048
max_image_pixels = 4096
"#;
    let c = Config::from_parts("c.toml", Some(text), &no_env).unwrap();
    assert_eq!(c.token.as_ref().unwrap().expose(), "123:abc");
    assert_eq!(c.api_url.as_deref(), Some("http://127.0.0.1:8081"));
    assert!(!c.throttle);
    assert_eq!(c.database, PathBuf::from("/tmp/x.db"));
    assert_eq!(c.rules_dir, Some(PathBuf::from("/r")));
    assert_eq!(c.locales_dir, Some(PathBuf::from("/l")));
    let w = c.webhook.as_ref().unwrap();
    assert_eq!(w.url, "https://bot.example.org/tg/hook");
    assert_eq!(w.path, "/tg/hook");
    assert_eq!(w.secret.expose(), "s3cret_value-1");
    assert_eq!(
        (w.max_body_bytes, w.queue, w.max_connections),
        (65536, 100, 10)
    );
    assert_eq!(w.ack_wait, Duration::from_millis(40));
    assert_eq!(c.listen, Some("0.0.0.0:9000".parse().unwrap()));
    assert_eq!(c.batch_delay, Duration::from_millis(300));
    assert_eq!(c.session_idle, Duration::from_secs(300));
    assert_eq!(c.session_max_entries, 10);
    assert!(!c.reload_watch);
    assert_eq!(c.reload_debounce, Duration::from_millis(50));
    assert_eq!(c.log_format, LogFormat::Json);
    assert_eq!(c.log_filter, "debug");
    assert!(!c.qr);
    assert_eq!((c.max_image_bytes, c.max_image_pixels), (2048, 4096));
}

#[test]
fn every_key_has_an_environment_variable() {
    // Each key set only through its variable, to a value unlike its default.
    let value = |spec: &KeySpec| -> &'static str {
        match spec.kind {
            Kind::Bool => "false",
            Kind::Int { min, .. } if min > 1 => "5000",
            Kind::Int { .. } => "7",
            Kind::Choice(_) => "json",
            _ => match spec.key {
                "url" if spec.section == "redis" => "redis://127.0.0.1:1/",
                "api_url" => "http://127.0.0.1:1",
                "url" => "https://h.example/p",
                "listen" => "127.0.0.1:1",
                "token_file" | "secret_file" => "",
                _ => "abc",
            },
        }
    };
    let vars: Vec<(String, &'static str)> = KEYS.iter().map(|k| (k.env(), value(k))).collect();
    let env = |k: &str| {
        vars.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| (*v).to_string())
    };
    let c = Config::from_parts("c.toml", None, &env).unwrap();
    assert_eq!(c.token.as_ref().unwrap().expose(), "abc");
    assert_eq!(c.api_url.as_deref(), Some("http://127.0.0.1:1"));
    assert!(!c.throttle && !c.reload_watch && !c.qr);
    assert_eq!(c.database, PathBuf::from("abc"));
    assert_eq!(c.rules_dir, Some(PathBuf::from("abc")));
    assert_eq!(c.locales_dir, Some(PathBuf::from("abc")));
    let w = c.webhook.unwrap();
    assert_eq!(
        (w.url.as_str(), w.secret.expose()),
        ("https://h.example/p", "abc")
    );
    assert_eq!((w.max_body_bytes, w.queue, w.max_connections), (5000, 7, 7));
    assert_eq!(w.ack_wait, Duration::from_millis(7));
    assert_eq!(c.listen, Some("127.0.0.1:1".parse().unwrap()));
    assert_eq!(c.batch_delay, Duration::from_millis(7));
    assert_eq!(c.session_idle, Duration::from_secs(7 * 60));
    assert_eq!(c.session_max_entries, 7);
    assert_eq!(c.reload_debounce, Duration::from_millis(7));
    assert_eq!(c.log_format, LogFormat::Json);
    assert_eq!(c.log_filter, "abc");
    assert_eq!((c.max_image_bytes, c.max_image_pixels), (5000, 5000));
    assert_eq!(
        c.redis_url.as_ref().map(Secret::expose),
        Some("redis://127.0.0.1:1/")
    );
    assert_eq!(c.redis_prefix, "abc");
}

#[test]
fn env_names_follow_section_and_key() {
    let names: Vec<String> = KEYS.iter().map(KeySpec::env).collect();
    for n in [
        "SCAMGUARD_WEBHOOK_URL",
        "SCAMGUARD_WEBHOOK_SECRET",
        "SCAMGUARD_HTTP_LISTEN",
        "SCAMGUARD_RULES",
        "SCAMGUARD_LOCALES",
        "SCAMGUARD_DATABASE",
        "SCAMGUARD_TELEGRAM_TOKEN",
        "SCAMGUARD_PRIVATE_BATCH_DELAY_MS",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} missing");
    }
}

#[test]
fn env_overrides_file_and_the_library_names_are_read() {
    let env = env_of(&[
        ("TELOXIDE_TOKEN", "env-token"),
        ("TELOXIDE_API_URL", "http://localhost:9"),
        ("SCAMGUARD_DATABASE", "env.db"),
        ("SCAMGUARD_RULES", "env-rules"),
        ("SCAMGUARD_PRIVATE_BATCH_DELAY_MS", "40"),
    ]);
    let text = "database = \"f.db\"\n[telegram]\ntoken = \"file\"\napi_url = \"http://file\"\n[private]\nbatch_delay_ms = 900\n";
    let c = Config::from_parts("c.toml", Some(text), &env).unwrap();
    assert_eq!(c.token.unwrap().expose(), "env-token");
    assert_eq!(c.api_url.as_deref(), Some("http://localhost:9"));
    assert_eq!(c.database, PathBuf::from("env.db"));
    assert_eq!(c.rules_dir, Some(PathBuf::from("env-rules")));
    assert_eq!(c.batch_delay, Duration::from_millis(40));
}

#[test]
fn scamguard_variable_wins_over_the_library_alias() {
    let env = env_of(&[
        ("TELOXIDE_TOKEN", "alias"),
        ("SCAMGUARD_TELEGRAM_TOKEN", "own"),
    ]);
    let c = Config::from_parts("c.toml", None, &env).unwrap();
    assert_eq!(c.token.unwrap().expose(), "own");
}

#[test]
fn token_from_a_file_is_trimmed_and_a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("token");
    std::fs::write(&f, "42:from-file\n").unwrap();
    let path = f.to_string_lossy().to_string();
    let env = move |k: &str| (k == ENV_TOKEN_FILE).then(|| path.clone());
    let c = Config::from_parts("c.toml", None, &env).unwrap();
    assert_eq!(c.token.unwrap().expose(), "42:from-file");

    let text = "[telegram]\ntoken_file = \"/nonexistent/tok\"\n";
    let e = Config::from_parts("c.toml", Some(text), &no_env).unwrap_err();
    assert_eq!(e.0.len(), 1, "{e}");
    assert!(e.0[0].starts_with("c.toml:2: telegram.token_file: "), "{e}");
    assert!(e.0[0].contains("/nonexistent/tok"), "{e}");
}

#[test]
fn unknown_keys_name_file_line_and_key_with_a_suggestion() {
    let text = "[telegram]\ntoken = \"x\"\n[private]\nbatch_delay = 3\n[nope]\na = 1\n";
    let e = Config::from_parts("conf/bot.toml", Some(text), &no_env).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    assert_eq!(
        e.0[0],
        "conf/bot.toml:4: private.batch_delay: unknown key (did you mean `batch_delay_ms`?)"
    );
    assert!(
        e.0[1].starts_with("conf/bot.toml:5: unknown section [nope]"),
        "{e}"
    );
}

#[test]
fn every_problem_is_listed_with_its_line_and_key() {
    let text = "\
rules = 5
[telegram]
api_url = \"ftp://x\"
throttle = \"maybe\"
[private]
batch_delay_ms = 999999
[sessions]
idle_minutes = 0
max_entries = \"many\"
[http]
listen = \"localhost\"
[log]
format = \"xml\"
filter = \"info,[unclosed\"
";
    let e = Config::from_parts("b.toml", Some(text), &no_env).unwrap_err();
    let expected_starts = [
        "b.toml:1: rules: expected a string",
        "b.toml:4: telegram.throttle: expected true or false",
        "b.toml:6: private.batch_delay_ms = 999999: must be 0..=60000",
        "b.toml:8: sessions.idle_minutes = 0: must be 1..=10080",
        "b.toml:9: sessions.max_entries: expected a whole number",
        "b.toml:13: log.format = `xml`: must be one of text, json",
        "b.toml:3: telegram.api_url: `ftp://x` is not an http",
        "b.toml:11: http.listen: `localhost` is not an address",
        "b.toml:14: log.filter: `info,[unclosed` is not a log filter",
    ];
    assert_eq!(e.0.len(), expected_starts.len(), "{e}");
    for want in expected_starts {
        assert!(
            e.0.iter().any(|m| m.starts_with(want)),
            "missing {want:?} in\n{e}"
        );
    }
}

#[test]
fn bad_environment_values_name_the_variable() {
    let env = env_of(&[("SCAMGUARD_SESSIONS_IDLE_MINUTES", "soon")]);
    let e = Config::from_parts("c.toml", None, &env).unwrap_err();
    assert_eq!(
        e.0,
        vec!["SCAMGUARD_SESSIONS_IDLE_MINUTES (environment): sessions.idle_minutes: expected a whole number".to_string()]
    );
}

#[test]
fn syntax_error_names_line_and_column() {
    let e = Config::from_parts("b.toml", Some("\n\nrules = \n"), &no_env).unwrap_err();
    assert!(e.0[0].starts_with("b.toml:3:"), "{e}");
}

#[test]
fn webhook_needs_a_valid_secret_and_a_listener() {
    let text = "[webhook]\nurl = \"https://x.example/hook\"\n";
    let e = Config::from_parts("w.toml", Some(text), &no_env).unwrap_err();
    assert_eq!(e.0.len(), 1, "{e}");
    assert!(
        e.0[0].starts_with("w.toml:2: webhook.url: webhook mode needs webhook.secret"),
        "{e}"
    );

    let text = "[webhook]\nurl = \"https://x.example/hook\"\nsecret = \"has space\"\n[http]\nlisten = \"off\"\n";
    let e = Config::from_parts("w.toml", Some(text), &no_env).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    assert!(
        e.0[0].starts_with("w.toml:3: webhook.secret: the secret must be"),
        "{e}"
    );
    assert!(
        e.0[1].starts_with("w.toml:5: http.listen: webhook mode needs"),
        "{e}"
    );

    let text = "[webhook]\nurl = \"not a url\"\nsecret = \"ok\"\n";
    let e = Config::from_parts("w.toml", Some(text), &no_env).unwrap_err();
    assert!(
        e.0[0].starts_with("w.toml:2: webhook.url: `not a url`"),
        "{e}"
    );
}

#[test]
fn listener_can_be_turned_off_with_polling() {
    let c = Config::from_parts("c.toml", Some("[http]\nlisten = \"off\"\n"), &no_env).unwrap();
    assert_eq!(c.listen, None);
}

#[test]
fn secrets_are_never_printed() {
    let text = "[telegram]\ntoken = \"SECRET-TOKEN\"\n[webhook]\nurl = \"https://a.example/h\"\nsecret = \"HOOKSECRET\"\n";
    let c = Config::from_parts("c.toml", Some(text), &no_env).unwrap();
    let dbg = format!("{c:?}");
    assert!(
        !dbg.contains("SECRET-TOKEN") && !dbg.contains("HOOKSECRET"),
        "{dbg}"
    );
    assert!(dbg.contains("***"));
    assert_eq!(format!("{}", c.token.unwrap()), "***");
    // A wrongly typed token is reported without its value.
    let e =
        Config::from_parts("c.toml", Some("[telegram]\ntoken = 12345678\n"), &no_env).unwrap_err();
    assert!(!e.to_string().contains("12345678"), "{e}");
}

#[test]
fn line_col_counts_chars() {
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
    assert_eq!(line_col("é\nxé", 4), (2, 2));
    assert_eq!(line_col("x", 99), (1, 2));
}

#[test]
fn redis_is_chosen_by_its_url_and_its_password_is_never_printed() {
    let c = Config::from_parts("c.toml", None, &no_env).unwrap();
    assert_eq!(c.redis_url, None, "SQLite by default");
    assert_eq!(c.redis_prefix, "scamguard:");
    let env = env_of(&[
        ("SCAMGUARD_REDIS_URL", "redis://bot:hunter2@db:6379/1"),
        ("SCAMGUARD_REDIS_PREFIX", "sg1:"),
    ]);
    let c = Config::from_parts("c.toml", None, &env).unwrap();
    assert_eq!(
        c.redis_url.as_ref().map(Secret::expose),
        Some("redis://bot:hunter2@db:6379/1")
    );
    assert_eq!(c.redis_prefix, "sg1:");
    assert_eq!(
        c.state_description(),
        "redis redis://bot:***@db:6379/1 (prefix sg1:)"
    );
    assert!(!format!("{c:?}").contains("hunter2"));

    let e = Config::from_parts(
        "c.toml",
        Some("[redis]\nurl = \"http://bot:hunter2@db/\"\n"),
        &no_env,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("c.toml:2: redis.url"), "{e}");
    assert!(!e.contains("hunter2"), "{e}");
}

#[test]
fn a_redis_url_with_a_password_can_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("redis_url");
    std::fs::write(&f, "redis://bot:hunter2@db:6379/0\n").unwrap();
    let text = format!("[redis]\nurl_file = \"{}\"\n", f.display());
    let c = Config::from_parts("c.toml", Some(&text), &no_env).unwrap();
    assert_eq!(
        c.redis_url.as_ref().map(Secret::expose),
        Some("redis://bot:hunter2@db:6379/0")
    );
    // `url` wins over the file.
    let env = env_of(&[("SCAMGUARD_REDIS_URL", "redis://other:6379/2")]);
    let c = Config::from_parts("c.toml", Some(&text), &env).unwrap();
    assert_eq!(
        c.redis_url.as_ref().map(Secret::expose),
        Some("redis://other:6379/2")
    );
    // A file with something else is named by its key and never printed.
    std::fs::write(&f, "http://bot:hunter2@db/\n").unwrap();
    let e = Config::from_parts("c.toml", Some(&text), &no_env)
        .unwrap_err()
        .to_string();
    assert!(e.contains("c.toml:2: redis.url_file"), "{e}");
    assert!(!e.contains("hunter2"), "{e}");
    let missing = "[redis]\nurl_file = \"/nonexistent/redis_url\"\n";
    let e = Config::from_parts("c.toml", Some(missing), &no_env)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("c.toml:2: redis.url_file") && e.contains("/nonexistent/redis_url"),
        "{e}"
    );
}
