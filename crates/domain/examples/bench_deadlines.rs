//! Computes 1,000,000 deadlines (varied receipt instants, channels and
//! durations, with explanations) and prints the rate. Run in release:
//! `cargo run --release -p motcua-domain --example bench_deadlines`.

use std::time::Instant;

use jiff::Timestamp;
use motcua_domain::calendar::deadline::{Channel, DeadlineInput, ProcessingTime, compute_deadline};
use motcua_domain::calendar::{CalendarConfig, WorkingCalendar};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let built = Instant::now();
    let cal = WorkingCalendar::new(&CalendarConfig::builtin()).expect("built-in calendar is valid");
    println!(
        "calendar built in {:.1} ms",
        built.elapsed().as_secs_f64() * 1000.0
    );

    // A small linear congruential generator: reproducible, no dependency.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let base = 1_577_836_800; // 2020-01-01T00:00:00Z
    let inputs: Vec<DeadlineInput> = (0..n)
        .map(|_| {
            let at = Timestamp::from_second(base + (next() % (7 * 365 * 86_400)) as i64)
                .expect("in range");
            let channel = [Channel::Counter, Channel::Post, Channel::Online][(next() % 3) as usize];
            let time = match next() % 10 {
                0 => ProcessingTime::SameDay,
                1 => ProcessingTime::CalendarDays((next() % 60) as u32 + 1),
                2 => ProcessingTime::WorkingHours((next() % 48) as u32 + 1),
                _ => ProcessingTime::WorkingDays((next() % 30) as u32 + 1),
            };
            DeadlineInput::new(at, channel, time)
        })
        .collect();

    let started = Instant::now();
    let mut checksum = 0i64;
    for input in &inputs {
        let d = compute_deadline(&cal, input).expect("inputs are valid");
        checksum = checksum
            .wrapping_add(d.due.as_second())
            .wrapping_add(d.explanation.len() as i64);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "deadlines: {n} in {secs:.2} s ({:.1} M/s, checksum {checksum})",
        n as f64 / secs / 1e6
    );
}
