//! Legal time: the Vietnamese lunar calendar, public holidays and swaps,
//! working hours, working-day arithmetic, deadlines and timeliness.

pub mod day;
pub mod lunar;
