//! Configuration: `motcua.toml` (optional), then `MOTCUA_*` / `DATABASE_URL` environment
//! variables, then command-line flags. No configuration is needed to start.

use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    /// Tenant served when no host name matches and used by command-line tools.
    pub default_tenant: Option<String>,
    pub secure_cookies: bool,
    pub public_url: Option<String>,
    pub trust_forwarded: bool,
    pub max_connections: u32,
    /// `text` or `json`.
    pub log_format: String,
    pub session_idle_minutes: i64,
    pub login_max_failures: i64,
    pub login_max_failures_per_address: i64,
    pub login_window_minutes: i64,
    /// Largest JSON request body, in KiB.
    pub max_body_kib: usize,
    /// The platform owner's code (AA) printed in file codes of the 2026 national format.
    pub platform_code: String,
    /// Directory of attached documents (created if absent).
    pub attachments_dir: String,
    /// Largest attachment, in KiB.
    pub max_attachment_kib: usize,
    /// Background workers (`[jobs]`).
    pub jobs: motcua_jobs::WorkerConfig,
    /// Messages to applicants (`[notify]`).
    pub notify: motcua_jobs::NotifyConfig,
    /// `[chat.zalo.TENANT]`: chat platforms whose webhooks answer lookups.
    pub chat: motcua_app::chat::ChatConfig,
    /// Feedback and petitions (`[feedback]`): rate limits, retention of personal data.
    pub feedback: motcua_app::feedback::FeedbackSettings,
    /// Key of the contact hashes in the opt-out table (or `MOTCUA_CONTACT_HASH_KEY`). A
    /// secret, and never to be changed once used; unset, each tenant gets a random key kept
    /// in the database.
    pub contact_hash_key: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://motcua.db".into(),
            bind: "127.0.0.1:8080".into(),
            default_tenant: None,
            secure_cookies: false,
            public_url: None,
            trust_forwarded: false,
            max_connections: 10,
            log_format: "text".into(),
            session_idle_minutes: 8 * 60,
            login_max_failures: 5,
            login_max_failures_per_address: 50,
            login_window_minutes: 15,
            max_body_kib: 1024,
            platform_code: "01".into(),
            attachments_dir: "motcua-files".into(),
            max_attachment_kib: 10 * 1024,
            jobs: motcua_jobs::WorkerConfig::default(),
            notify: motcua_jobs::NotifyConfig::default(),
            chat: motcua_app::chat::ChatConfig::default(),
            feedback: motcua_app::feedback::FeedbackSettings::default(),
            contact_hash_key: None,
        }
    }
}

impl Config {
    /// Reads the file (if given or if `./motcua.toml` exists) and applies the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, String> {
        let default_file = Path::new("motcua.toml");
        let path = file.or_else(|| default_file.exists().then_some(default_file));
        let mut config = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                toml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        Ok(config)
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        if let Some(v) = var("MOTCUA_DATABASE_URL").or_else(|| var("DATABASE_URL")) {
            self.database_url = v;
        }
        if let Some(v) = var("MOTCUA_BIND") {
            self.bind = v;
        }
        if let Some(v) = var("MOTCUA_DEFAULT_TENANT") {
            self.default_tenant = Some(v);
        }
        if let Some(v) = var("MOTCUA_PUBLIC_URL") {
            self.public_url = Some(v);
        }
        if let Some(v) = var("MOTCUA_ATTACHMENTS_DIR") {
            self.attachments_dir = v;
        }
        if let Some(v) = var("MOTCUA_LOG_FORMAT") {
            self.log_format = v;
        }
        let flag = |name: &str, v: String| match v.as_str() {
            "1" | "true" | "yes" => Ok(true),
            "0" | "false" | "no" => Ok(false),
            _ => Err(format!("{name} must be true or false")),
        };
        if let Some(v) = var("MOTCUA_SECURE_COOKIES") {
            self.secure_cookies = flag("MOTCUA_SECURE_COOKIES", v)?;
        }
        if let Some(v) = var("MOTCUA_TRUST_FORWARDED") {
            self.trust_forwarded = flag("MOTCUA_TRUST_FORWARDED", v)?;
        }
        if let Some(v) = var("MOTCUA_JOBS") {
            self.jobs.enabled = flag("MOTCUA_JOBS", v)?;
        }
        if let Some(v) = var("MOTCUA_NOTIFY_GATEWAY_TOKEN") {
            self.notify.gateway_token = Some(v);
        }
        if let Some(v) = var("MOTCUA_CONTACT_HASH_KEY") {
            self.contact_hash_key = Some(v);
        }
        if let Some(v) = var("MOTCUA_MAX_CONNECTIONS") {
            self.max_connections = v
                .parse()
                .map_err(|_| "MOTCUA_MAX_CONNECTIONS must be a number".to_owned())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file_and_database_url_is_honoured() {
        let mut c: Config =
            toml::from_str("database_url = \"sqlite://a.db\"\nbind = \"0.0.0.0:80\"").unwrap();
        c.apply_env(|k| (k == "DATABASE_URL").then(|| "postgres://x/y".to_owned()))
            .unwrap();
        assert_eq!(c.database_url, "postgres://x/y");
        assert_eq!(c.bind, "0.0.0.0:80");
        c.apply_env(|k| (k == "MOTCUA_DATABASE_URL").then(|| "sqlite://b.db".to_owned()))
            .unwrap();
        assert_eq!(c.database_url, "sqlite://b.db");
    }

    #[test]
    fn jobs_and_notification_settings_are_read_per_tenant() {
        let c: Config = toml::from_str(
            "[jobs]\nlease_seconds = 5\n[notify]\nsmtp_url = \"smtp://127.0.0.1:2525\"\n\
             [notify.tenants.sonla]\nchannels = [\"email\", \"sms\"]\nemail_from = \"Một cửa <motcua@sonla.gov.vn>\"\n",
        )
        .unwrap();
        assert_eq!(c.jobs.lease_seconds, 5);
        assert!(c.jobs.enabled, "workers run with serve unless turned off");
        // SMS is listed but no gateway is configured: only e-mail is on.
        assert_eq!(
            c.notify.channels("sonla"),
            vec![motcua_jobs::Channel::Email]
        );
        assert!(c.notify.channels("other").is_empty());
        assert!(toml::from_str::<Config>("[jobs]\nleases = 5").is_err());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        assert!(toml::from_str::<Config>("databse_url = \"x\"").is_err());
        let mut c = Config::default();
        assert!(
            c.apply_env(|k| (k == "MOTCUA_SECURE_COOKIES").then(|| "maybe".to_owned()))
                .is_err()
        );
    }
}
