//! The text contract of `motcua calendar …` (scripts rely on it), kept here so
//! it is tested with the domain; the CLI crate only maps arguments. Every
//! function takes the user's raw text and returns the exact stdout text, or an
//! error message for stderr. Nothing here panics on any input.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{TimeZone, offset};

use super::deadline::{Channel, DeadlineInput, MAX_DAYS, ProcessingTime, compute_deadline};
use super::{CalendarConfig, WorkingCalendar, lunar};
use crate::rules::RuleSet;

/// The calendar around `year`: wide enough for the longest duration accepted (3,650 days, in
/// either direction), and much faster to build than all of 1900–2199.
fn calendar(config: &CalendarConfig, year: i16) -> Result<WorkingCalendar, String> {
    const SPAN_YEARS: i16 = 16;
    WorkingCalendar::for_years(
        config,
        year.saturating_sub(SPAN_YEARS),
        year.saturating_add(SPAN_YEARS),
    )
    .map_err(|e| format!("invalid calendar configuration: {e}"))
}

/// Parses `YYYY-MM-DD`, rejecting impossible dates like 2026-02-30.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let ok_shape = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    match t.parse::<Date>() {
        Ok(d) if ok_shape => Ok(d),
        _ => Err(format!(
            "invalid date '{t}': expected an existing date as YYYY-MM-DD"
        )),
    }
}

fn parse_int<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("invalid {what} '{}'", text.trim()))
}

/// Parses an instant: RFC 3339 with an offset (`2026-11-20T16:10:00+07:00`),
/// optionally with `[Asia/Ho_Chi_Minh]`; without an offset the time is taken
/// as Việt Nam local time (UTC+7). Other time zone names are rejected rather
/// than guessed.
pub fn parse_instant(text: &str) -> Result<Timestamp, String> {
    let t = text.trim();
    let (core, zone) = match t.split_once('[') {
        Some((core, rest)) => (core, Some(rest.trim_end_matches(']'))),
        None => (t, None),
    };
    if let Some(zone) = zone
        && !matches!(zone, "Asia/Ho_Chi_Minh" | "Asia/Saigon")
    {
        return Err(format!(
            "unknown or unsupported time zone '{zone}': use an offset such as +07:00 or [Asia/Ho_Chi_Minh]"
        ));
    }
    if let Ok(ts) = core.parse::<Timestamp>() {
        if zone.is_some() && !core.ends_with("+07:00") {
            return Err(format!(
                "offset does not match Asia/Ho_Chi_Minh (+07:00) in '{t}'"
            ));
        }
        return Ok(ts);
    }
    let civil: DateTime = core.parse().map_err(|_| {
        format!("invalid instant '{t}': expected RFC 3339, e.g. 2026-11-20T16:10:00+07:00")
    })?;
    TimeZone::fixed(offset(7))
        .to_timestamp(civil)
        .map_err(|e| format!("invalid instant '{t}': {e}"))
}

/// RFC 3339 at +07:00, e.g. `2026-11-26T17:00:00+07:00`.
pub fn format_instant(at: Timestamp) -> String {
    at.to_zoned(TimeZone::fixed(offset(7)))
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `to-lunar DATE` → `{"year":2026,"month":1,"day":1,"leap":false}`.
pub fn to_lunar(date: &str) -> Result<String, String> {
    let d = lunar::to_lunar(parse_date(date)?).map_err(|e| e.to_string())?;
    serde_json::to_string(&d).map_err(|e| e.to_string())
}

/// `from-lunar YEAR MONTH DAY [--leap]` → `YYYY-MM-DD`.
pub fn from_lunar(year: &str, month: &str, day: &str, leap: bool) -> Result<String, String> {
    let d = lunar::from_lunar(
        parse_int(year, "lunar year")?,
        parse_int(month, "lunar month")?,
        parse_int(day, "lunar day")?,
        leap,
    )
    .map_err(|e| e.to_string())?;
    Ok(d.to_string())
}

/// `is-working-day DATE` → `true` / `false`.
pub fn is_working_day(config: &CalendarConfig, date: &str) -> Result<String, String> {
    let d = parse_date(date)?;
    let cal = calendar(config, d.year())?;
    cal.day_info(d).map_err(|e| e.to_string())?;
    Ok(cal.is_working_day(d).to_string())
}

/// `add-working-days DATE N` → `YYYY-MM-DD` (N may be negative).
pub fn add_working_days(config: &CalendarConfig, date: &str, n: &str) -> Result<String, String> {
    let d = parse_date(date)?;
    let n: i64 = parse_int(n, "number of working days")?;
    if n.unsigned_abs() > u64::from(MAX_DAYS) {
        return Err(format!(
            "{n} working days is more than the {MAX_DAYS}-day limit"
        ));
    }
    let cal = calendar(config, d.year())?;
    cal.add_working_days(d, n as i32)
        .map(|r| r.to_string())
        .map_err(|e| e.to_string())
}

/// `holidays YEAR` → `YYYY-MM-DD off <name>` for each day off that is not a
/// weekly day off, then `YYYY-MM-DD work <name>` for each make-up day.
pub fn holidays(config: &CalendarConfig, year: &str) -> Result<String, String> {
    let year: i16 = parse_int(year, "year")?;
    if !(1900..=2199).contains(&year) {
        return Err(format!(
            "year {year} is outside the supported range 1900..=2199"
        ));
    }
    let cal = calendar(config, year)?;
    let days = cal.special_days(year).map_err(|e| e.to_string())?;
    Ok(days
        .iter()
        .map(|d| {
            let kind = if d.working { "work" } else { "off" };
            format!("{} {kind} {}\n", d.date, d.reason.label_vi())
        })
        .collect())
}

/// Raw `deadline` arguments.
#[derive(Debug, Clone, Default)]
pub struct DeadlineArgs<'a> {
    pub received: &'a str,
    pub working_days: Option<&'a str>,
    pub calendar_days: Option<&'a str>,
    pub working_hours: Option<&'a str>,
    pub channel: Option<&'a str>,
}

/// `deadline --received T --working-days N [--channel …]` → RFC 3339 due.
/// Uses the rule version in force at the receipt date.
pub fn deadline(config: &CalendarConfig, args: &DeadlineArgs<'_>) -> Result<String, String> {
    let received = parse_instant(args.received)?;
    let limit = |text: &str, what: &str, max: u64| -> Result<u32, String> {
        let n: u64 = parse_int(text, what)?;
        if n > max {
            return Err(format!(
                "{n} {what} is more than the limit of {max} ({MAX_DAYS} days)"
            ));
        }
        Ok(n as u32)
    };
    let max_days = u64::from(MAX_DAYS);
    let time = match (args.working_days, args.calendar_days, args.working_hours) {
        (Some(n), None, None) => ProcessingTime::WorkingDays(limit(n, "working days", max_days)?),
        (None, Some(n), None) => ProcessingTime::CalendarDays(limit(n, "calendar days", max_days)?),
        (None, None, Some(n)) => {
            ProcessingTime::WorkingHours(limit(n, "working hours", max_days * 8)?)
        }
        _ => {
            return Err(
                "give exactly one of --working-days, --calendar-days, --working-hours".into(),
            );
        }
    };
    let channel = match args.channel.map(str::trim).unwrap_or("counter") {
        "counter" => Channel::Counter,
        "post" => Channel::Post,
        "online" => Channel::Online,
        other => {
            return Err(format!(
                "unknown channel '{other}': use counter, post or online"
            ));
        }
    };
    let mut input = DeadlineInput::new(received, channel, time);
    let local_date = received.to_zoned(TimeZone::fixed(offset(7))).date();
    if let Some(rules) = RuleSet::in_force_at(local_date) {
        input.rules = rules.deadline_rules();
    }
    let cal = calendar(config, local_date.year())?;
    let d = compute_deadline(&cal, &input).map_err(|e| e.to_string())?;
    Ok(format_instant(d.due))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> CalendarConfig {
        CalendarConfig::builtin()
    }

    #[test]
    fn the_documented_examples() {
        assert_eq!(
            to_lunar("2026-02-17").unwrap(),
            r#"{"year":2026,"month":1,"day":1,"leap":false}"#
        );
        assert_eq!(from_lunar("2026", "1", "1", false).unwrap(), "2026-02-17");
        assert_eq!(is_working_day(&cfg(), "2026-09-01").unwrap(), "false");
        assert_eq!(is_working_day(&cfg(), "2026-08-22").unwrap(), "true");
        assert_eq!(
            add_working_days(&cfg(), "2026-11-20", "3").unwrap(),
            "2026-11-26"
        );
        assert_eq!(
            add_working_days(&cfg(), "2026-11-26", "-3").unwrap(),
            "2026-11-20"
        );
        let args = DeadlineArgs {
            received: "2026-11-20T16:10:00+07:00",
            working_days: Some("3"),
            ..Default::default()
        };
        assert_eq!(
            deadline(&cfg(), &args).unwrap(),
            "2026-11-26T17:00:00+07:00"
        );
        let args = DeadlineArgs {
            received: "2026-11-20T09:10:00Z",
            working_hours: Some("2"),
            channel: Some("online"),
            ..Default::default()
        };
        assert_eq!(
            deadline(&cfg(), &args).unwrap(),
            "2026-11-23T08:10:00+07:00"
        );
    }

    #[test]
    fn holidays_lines() {
        let out = holidays(&cfg(), "2026").unwrap();
        assert!(
            out.contains("2026-09-01 off Quốc khánh (ngày liền kề)\n"),
            "{out}"
        );
        assert!(
            out.ends_with("2026-08-22 work Làm bù cho thứ Hai 31/8/2026\n"),
            "{out}"
        );
    }

    #[test]
    fn bad_input_is_an_error_message() {
        assert!(to_lunar("2026-02-30").unwrap_err().contains("invalid date"));
        assert!(
            from_lunar("2025", "12", "30", false)
                .unwrap_err()
                .contains("has 29 days")
        );
        assert!(
            from_lunar("2026", "4", "1", true)
                .unwrap_err()
                .contains("no leap month")
        );
        assert!(
            from_lunar("2026", "x", "1", false)
                .unwrap_err()
                .contains("invalid lunar month")
        );
        assert!(
            add_working_days(&cfg(), "2026-11-20", "99999")
                .unwrap_err()
                .contains("limit")
        );
        assert!(
            is_working_day(&cfg(), "1800-01-01")
                .unwrap_err()
                .contains("outside")
        );
        assert!(holidays(&cfg(), "3000").unwrap_err().contains("outside"));
        let bad = |received, wd: Option<&'static str>| {
            deadline(
                &cfg(),
                &DeadlineArgs {
                    received,
                    working_days: wd,
                    ..Default::default()
                },
            )
            .unwrap_err()
        };
        assert!(bad("2026-11-20T16:10:00+07:00[Europe/Paris]", Some("3")).contains("time zone"));
        assert!(bad("2026-02-30T10:00:00+07:00", Some("3")).contains("invalid instant"));
        assert!(bad("2026-11-20T16:10:00+07:00", Some("3651")).contains("limit"));
        assert!(bad("2026-11-20T16:10:00+07:00", None).contains("exactly one"));
        assert!(bad("2199-12-31T10:00:00+07:00", Some("30")).contains("outside"));
        let args = DeadlineArgs {
            received: "2026-11-20T10:00:00",
            working_days: Some("1"),
            channel: Some("fax"),
            ..Default::default()
        };
        assert!(
            deadline(&cfg(), &args)
                .unwrap_err()
                .contains("unknown channel")
        );
    }

    #[test]
    fn instants_without_offset_are_local_and_zone_names_checked() {
        assert_eq!(
            format_instant(parse_instant("2026-11-20T16:10:00").unwrap()),
            "2026-11-20T16:10:00+07:00"
        );
        assert_eq!(
            format_instant(parse_instant("2026-11-20T16:10:00+07:00[Asia/Ho_Chi_Minh]").unwrap()),
            "2026-11-20T16:10:00+07:00"
        );
        assert!(parse_instant("2026-11-20T16:10:00+08:00[Asia/Ho_Chi_Minh]").is_err());
    }
}
