//! `motcua calendar …`: a thin clap layer over `motcua_domain::calendar::cli`,
//! where the text contract lives and is tested.

use motcua_domain::calendar::CalendarConfig;
use motcua_domain::calendar::cli;

/// Legal-time tools: lunar dates, working days, holidays, deadlines.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum CalendarCommand {
    /// Lunar date of a solar date: prints {"year":…,"month":…,"day":…,"leap":…}.
    ToLunar {
        /// Date as YYYY-MM-DD.
        date: String,
    },
    /// Solar date (YYYY-MM-DD) of a lunar date.
    FromLunar {
        year: String,
        month: String,
        day: String,
        /// The leap month (tháng nhuận) of that number.
        #[arg(long)]
        leap: bool,
    },
    /// Prints true if the date is a working day.
    IsWorkingDay { date: String },
    /// The working day N working days after DATE (before it if N < 0).
    AddWorkingDays {
        date: String,
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
    /// Days off that are not weekend days, then make-up working days.
    Holidays { year: String },
    /// The due moment (RFC 3339, +07:00) of a file.
    Deadline {
        /// Receipt instant, e.g. 2026-11-20T16:10:00+07:00.
        #[arg(long)]
        received: String,
        #[arg(long, allow_hyphen_values = true)]
        working_days: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        calendar_days: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        working_hours: Option<String>,
        /// counter, post or online.
        #[arg(long, default_value = "counter")]
        channel: String,
    },
}

/// Runs a calendar command: Ok is stdout text, Err a message for stderr.
pub fn run(cmd: &CalendarCommand, config: &CalendarConfig) -> Result<String, String> {
    let out = match cmd {
        CalendarCommand::ToLunar { date } => cli::to_lunar(date)?,
        CalendarCommand::FromLunar {
            year,
            month,
            day,
            leap,
        } => cli::from_lunar(year, month, day, *leap)?,
        CalendarCommand::IsWorkingDay { date } => cli::is_working_day(config, date)?,
        CalendarCommand::AddWorkingDays { date, n } => cli::add_working_days(config, date, n)?,
        CalendarCommand::Holidays { year } => return cli::holidays(config, year),
        CalendarCommand::Deadline {
            received,
            working_days,
            calendar_days,
            working_hours,
            channel,
        } => cli::deadline(
            config,
            &cli::DeadlineArgs {
                received,
                working_days: working_days.as_deref(),
                calendar_days: calendar_days.as_deref(),
                working_hours: working_hours.as_deref(),
                channel: Some(channel),
            },
        )?,
    };
    Ok(format!("{out}\n"))
}
