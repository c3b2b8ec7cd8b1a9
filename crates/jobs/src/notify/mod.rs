//! Messages to applicants: e-mail over SMTP, SMS and Zalo OA through an HTTP gateway.
//!
//! The gateway contract (one endpoint per channel, so a province can point SMS at its
//! telecom's brandname service and Zalo at its OA connector): `POST <url>` with JSON
//! `{"channel", "to", "sender", "text", "reference"}`, `Authorization: Bearer <token>` when a
//! token is set and `Idempotency-Key: <reference>`, so a gateway that keeps keys never sends a
//! message twice even if we retry after a lost answer. 2xx: sent. 408, 429, 5xx, timeouts and
//! refused connections: retried with backoff. Other 4xx: dead at once (retrying will not help).

pub mod staff;
pub mod templates;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message as Email};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

use crate::JobError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Zalo,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Zalo => "zalo",
        }
    }
}

/// `[notify]` in motcua.toml: where messages go, and per tenant which channels are on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// `smtp://host:port` (plain, for a relay on the internal network); with the `smtp-tls`
    /// build feature also `smtps://…` and `smtp://…?tls=required`.
    pub smtp_url: Option<String>,
    pub sms_gateway_url: Option<String>,
    pub zalo_gateway_url: Option<String>,
    /// Bearer token for the gateways (or `MOTCUA_NOTIFY_GATEWAY_TOKEN`). A secret: keep it
    /// out of command lines.
    pub gateway_token: Option<String>,
    /// Longest wait for a gateway or the SMTP relay, per message.
    pub timeout_seconds: u64,
    /// Base of the public lookup page printed in messages (e.g. `https://motcua.sonla.gov.vn`).
    pub public_url: Option<String>,
    /// Local hour (Asia/Ho_Chi_Minh, 0–23) from which the day's digest and apology warnings
    /// go to officers and leaders.
    pub digest_hour: u8,
    /// Send the digest and apology warnings only on the province's working days.
    pub reminders_on_working_days_only: bool,
    /// Send the staff their daily digest and apology warnings at all (default true).
    pub staff_reminders: bool,
    /// Per tenant code.
    pub tenants: BTreeMap<String, TenantNotify>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            smtp_url: None,
            sms_gateway_url: None,
            zalo_gateway_url: None,
            gateway_token: None,
            timeout_seconds: 10,
            public_url: None,
            digest_hour: 7,
            reminders_on_working_days_only: true,
            staff_reminders: true,
            tenants: BTreeMap::new(),
        }
    }
}

/// A tenant's settings: no channel is on unless listed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TenantNotify {
    pub channels: Vec<Channel>,
    /// `Name <address>` the e-mails come from.
    pub email_from: Option<String>,
    /// Signature under e-mails (the sending office).
    pub signature: Option<String>,
    /// SMS brandname.
    pub sms_sender: Option<String>,
    /// Zalo Official Account id.
    pub zalo_oa_id: Option<String>,
}

impl NotifyConfig {
    pub fn tenant(&self, code: &str) -> Option<&TenantNotify> {
        self.tenants.get(code)
    }

    /// Whether staff reminders (digest, apology warnings) can go out for the tenant: they are
    /// e-mails, so an SMTP relay and the tenant's sender address are needed.
    pub fn staff_email(&self, tenant_code: &str) -> Option<&TenantNotify> {
        self.tenant(tenant_code)
            .filter(|t| self.smtp_url.is_some() && t.email_from.is_some())
    }

    /// Channels on for the tenant whose transport is configured.
    pub fn channels(&self, tenant_code: &str) -> Vec<Channel> {
        let Some(t) = self.tenant(tenant_code) else {
            return Vec::new();
        };
        let mut out: Vec<Channel> = t
            .channels
            .iter()
            .copied()
            .filter(|c| match c {
                Channel::Email => self.smtp_url.is_some() && t.email_from.is_some(),
                Channel::Sms => self.sms_gateway_url.is_some(),
                Channel::Zalo => self.zalo_gateway_url.is_some(),
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

pub(crate) struct Notifier {
    pub config: NotifyConfig,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    http: reqwest::Client,
}

fn smtp_transport(
    url: &str,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    #[cfg(feature = "smtp-tls")]
    {
        Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("notify.smtp_url: {e}"))?
            .timeout(Some(timeout))
            .build())
    }
    #[cfg(not(feature = "smtp-tls"))]
    {
        let rest = url.strip_prefix("smtp://").ok_or_else(|| {
            "notify.smtp_url must be smtp://host:port (this build has no TLS: build with the smtp-tls feature)"
                .to_owned()
        })?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| "notify.smtp_url: bad port".to_owned())?,
            ),
            None => (rest, 25),
        };
        if host.is_empty() || host.contains(['@', '/', '?']) {
            return Err("notify.smtp_url must be smtp://host:port".into());
        }
        Ok(
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(port)
                .timeout(Some(timeout))
                .build(),
        )
    }
}

impl Notifier {
    pub fn new(mut config: NotifyConfig) -> Result<Notifier, String> {
        if config.gateway_token.is_none() {
            config.gateway_token = std::env::var("MOTCUA_NOTIFY_GATEWAY_TOKEN").ok();
        }
        let timeout = Duration::from_secs(config.timeout_seconds.clamp(1, 300));
        let smtp = config
            .smtp_url
            .as_deref()
            .map(|u| smtp_transport(u, timeout))
            .transpose()?;
        for (code, t) in &config.tenants {
            if let Some(from) = &t.email_from {
                from.parse::<Mailbox>()
                    .map_err(|e| format!("notify.tenants.{code}.email_from: {e}"))?;
            }
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Notifier { config, smtp, http })
    }

    pub async fn email(
        &self,
        tenant: &TenantNotify,
        to_name: &str,
        to_address: &str,
        subject: &str,
        body: String,
        reference: &str,
    ) -> Result<(), JobError> {
        let smtp = self
            .smtp
            .as_ref()
            .ok_or_else(|| JobError::Permanent("no SMTP relay configured".into()))?;
        let from: Mailbox = tenant
            .email_from
            .as_deref()
            .unwrap_or_default()
            .parse()
            .map_err(|_| JobError::Permanent("the tenant's email_from is not an address".into()))?;
        let to = Mailbox::new(
            Some(to_name.to_owned()),
            to_address.trim().parse().map_err(|_| {
                JobError::Permanent("the applicant's e-mail address is not valid".into())
            })?,
        );
        let domain = from.email.domain().to_owned();
        // Derived from the job, so a receiving system can recognise a resent copy.
        let message_id = format!("<{}@{domain}>", reference.replace([':', ' '], "."));
        let email = Email::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .message_id(Some(message_id))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| JobError::Permanent(format!("e-mail not built: {e}")))?;
        match smtp.send(email).await {
            Ok(_) => Ok(()),
            Err(e) => {
                // The status code only: SMTP replies often quote the address.
                let code = e
                    .status()
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "no reply".into());
                if e.is_permanent() {
                    Err(JobError::Permanent(format!(
                        "SMTP refused the message ({code})"
                    )))
                } else {
                    Err(JobError::Retry(format!("SMTP relay unavailable ({code})")))
                }
            }
        }
    }

    pub async fn gateway(
        &self,
        channel: Channel,
        tenant: &TenantNotify,
        to: &str,
        text: &str,
        reference: &str,
    ) -> Result<(), JobError> {
        let (url, sender) = match channel {
            Channel::Sms => (&self.config.sms_gateway_url, tenant.sms_sender.as_deref()),
            Channel::Zalo => (&self.config.zalo_gateway_url, tenant.zalo_oa_id.as_deref()),
            Channel::Email => return Err(JobError::Permanent("e-mail is not a gateway".into())),
        };
        let url = url.as_deref().ok_or_else(|| {
            JobError::Permanent(format!("no {} gateway configured", channel.as_str()))
        })?;
        let mut request = self
            .http
            .post(url)
            .header("Idempotency-Key", reference)
            .json(&serde_json::json!({
                "channel": channel.as_str(),
                "to": to,
                "sender": sender,
                "text": text,
                "reference": reference,
            }));
        if let Some(token) = &self.config.gateway_token {
            request = request.bearer_auth(token);
        }
        let name = channel.as_str();
        match request.send().await {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => {
                let status = r.status().as_u16();
                if status == 408 || status == 429 || status >= 500 {
                    Err(JobError::Retry(format!("{name} gateway answered {status}")))
                } else {
                    Err(JobError::Permanent(format!(
                        "{name} gateway refused the message ({status})"
                    )))
                }
            }
            Err(e) if e.is_timeout() => Err(JobError::Retry(format!("{name} gateway timed out"))),
            Err(_) => Err(JobError::Retry(format!("{name} gateway unreachable"))),
        }
    }
}
