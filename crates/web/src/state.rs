use crate::metrics::Metrics;
use motcua_app::App;
use std::sync::Arc;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Tenant served when the Host header matches none (single-province installations).
    pub default_tenant: Option<String>,
    /// Mark cookies `Secure` (set when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Largest accepted request body for the JSON API, in bytes.
    pub max_body_bytes: usize,
    /// Public base URL used in links printed on forms (QR codes), e.g. `https://motcua.sonla.gov.vn`.
    pub public_url: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded: bool,
    /// Chat platforms whose webhooks answer file and procedure lookups.
    pub chat: motcua_app::chat::ChatConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            default_tenant: None,
            secure_cookies: false,
            max_body_bytes: 1024 * 1024,
            public_url: None,
            trust_forwarded: false,
            chat: motcua_app::chat::ChatConfig::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
}
