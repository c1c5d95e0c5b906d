//! The built `scamguard` binary as a child process, against a [`FakeBotApi`].

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::fake_bot_api::FakeBotApi;

/// Bot token used by the end-to-end tests.
pub const TOKEN: &str = "1234567:E2E-test-TOKEN_abcdefghijklmnop";

/// A fake Bot API, a temporary directory with `config.toml`, and the database path.
pub struct Harness {
    pub api: FakeBotApi,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub db: PathBuf,
    runs: usize,
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Harness {
    /// Starts the fake API and writes the config (`batch_delay_ms = 300`, HTTP on a free
    /// port).
    ///
    /// # Panics
    /// If the temporary directory or the config cannot be written.
    pub async fn start() -> Self {
        Self::start_with("").await
    }

    /// The same, with `extra` appended to the config (whole tables other than `[telegram]`,
    /// `[private]` and `[http]`).
    ///
    /// # Panics
    /// If the temporary directory or the config cannot be written.
    pub async fn start_with(extra: &str) -> Self {
        Self::start_with_rules(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"), extra).await
    }

    /// The same, with the rules read from `rules`.
    ///
    /// # Panics
    /// If the temporary directory or the config cannot be written.
    pub async fn start_with_rules(rules: &Path, extra: &str) -> Self {
        let api = FakeBotApi::start(TOKEN).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("scamguard.db");
        let config = dir.path().join("config.toml");
        let text = format!(
            "database = {}\nrules = {}\n\n[telegram]\ntoken = {}\napi_url = {}\n\n[private]\nbatch_delay_ms = 300\n\n[http]\nlisten = \"127.0.0.1:0\"\n{extra}",
            toml_str(&db.to_string_lossy()),
            toml_str(&rules.to_string_lossy()),
            toml_str(TOKEN),
            toml_str(&api.url()),
        );
        std::fs::write(&config, text).expect("write config.toml");
        Self {
            api,
            dir,
            config,
            db,
            runs: 0,
        }
    }

    /// Runs `scamguard run --config <config>`; each run logs to its own file.
    pub fn spawn_bot(&mut self) -> BotProcess {
        self.runs += 1;
        let label = format!("scamguard run #{}", self.runs);
        let log = self.dir.path().join(format!("run-{}.log", self.runs));
        BotProcess::spawn(&label, &self.config, &log)
    }

    /// Every file of the database (`scamguard.db`, `-wal`, `-shm`, `-journal`) that exists.
    #[must_use]
    pub fn database_files(&self) -> Vec<PathBuf> {
        let name = self
            .db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with(&name))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }
}

/// A running bot. Killed on drop; its log (stdout and stderr) is printed when the test panics.
pub struct BotProcess {
    label: String,
    child: Child,
    log: PathBuf,
    exit: Option<ExitStatus>,
}

impl BotProcess {
    /// # Panics
    /// If the binary cannot be started.
    #[must_use]
    pub fn spawn(label: &str, config: &Path, log: &Path) -> Self {
        let out = File::create(log).expect("create log file");
        let err = out.try_clone().expect("clone log file");
        let child = Command::new(env!("CARGO_BIN_EXE_scamguard"))
            .arg("run")
            .arg("--config")
            .arg(config)
            .env("RUST_LOG", "info")
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("TELOXIDE_API_URL")
            .env_remove("TELOXIDE_PROXY")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn scamguard");
        Self::adopt(label, child, log)
    }

    /// A process started elsewhere, logging to `log`.
    #[must_use]
    pub fn adopt(label: &str, child: Child, log: &Path) -> Self {
        Self {
            label: label.to_owned(),
            child,
            log: log.to_path_buf(),
            exit: None,
        }
    }

    /// The address of the HTTP listener, once the process has logged it.
    #[must_use]
    pub fn http_addr(&self) -> Option<std::net::SocketAddr> {
        let log = self.log();
        let line = log.lines().find(|l| l.contains("http listening"))?;
        if let Some(at) = line.find("listen=") {
            return line[at + "listen=".len()..]
                .split_whitespace()
                .next()?
                .parse()
                .ok();
        }
        // JSON lines: "listen":"127.0.0.1:1234"
        let at = line.find("\"listen\":\"")? + "\"listen\":\"".len();
        line[at..].split('"').next()?.parse().ok()
    }

    /// Wait (bounded) for the HTTP listener's address.
    ///
    /// # Panics
    /// If it is not logged within `timeout`, or the process exits.
    pub async fn wait_http(&mut self, timeout: Duration) -> std::net::SocketAddr {
        let start = Instant::now();
        loop {
            if let Some(a) = self.http_addr() {
                return a;
            }
            self.assert_running();
            assert!(
                start.elapsed() < timeout,
                "{}: no HTTP listener within {timeout:?}\n{}",
                self.label,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the process printed so far.
    #[must_use]
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM (through `kill`, as Docker and systemd would).
    ///
    /// # Panics
    /// If `kill` cannot be run.
    pub fn sigterm(&self) {
        self.signal("TERM");
    }

    /// Sends SIGHUP (reload), as `systemctl reload` would.
    ///
    /// # Panics
    /// If `kill` cannot be run.
    pub fn sighup(&self) {
        self.signal("HUP");
    }

    /// Sends signal `name` (`TERM`, `HUP`) with `kill`.
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} {} failed", self.pid());
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn sigkill(&mut self) {
        let _ = self.child.kill();
        if let Ok(status) = self.child.wait() {
            self.exit = Some(status);
        }
    }

    /// The exit status if it has exited.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        if self.exit.is_none() {
            self.exit = self.child.try_wait().ok().flatten();
        }
        self.exit
    }

    /// Waits up to `timeout` for the process to exit.
    ///
    /// # Errors
    /// When it is still running after `timeout`.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.try_exit() {
                return Ok(status);
            }
            if start.elapsed() >= timeout {
                return Err(format!(
                    "{} (pid {}) still running after {timeout:?}",
                    self.label,
                    self.pid()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then asserts a clean exit (status 0) within `timeout`.
    ///
    /// # Panics
    /// If it does not exit in time or exits with a non-zero status.
    pub async fn stop_gracefully(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = self.try_exit() {
            panic!(
                "{} had already exited with {status} before SIGTERM",
                self.label
            );
        }
        self.sigterm();
        let status = self
            .wait_exit(timeout)
            .await
            .unwrap_or_else(|e| panic!("SIGTERM: {e}"));
        assert!(
            status.success(),
            "{} exited with {status} after SIGTERM, expected 0",
            self.label
        );
        status
    }

    /// Panics (with the log) if the process has exited, e.g. at startup.
    pub fn assert_running(&mut self) {
        if let Some(status) = self.try_exit() {
            panic!("{} exited early with {status}", self.label);
        }
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        if self.try_exit().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "----- {} (pid {}) log -----\n{}\n----- end of {} log -----",
                self.label,
                self.pid(),
                self.log(),
                self.label
            );
        }
    }
}
