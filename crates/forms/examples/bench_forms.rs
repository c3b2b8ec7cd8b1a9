//! Prints how long each form takes to generate, in milliseconds (median of several runs) and
//! the file size. Run in release: `cargo run -p motcua-forms --release --example bench_forms`.
//! The target is well under 200 ms per form on the 2-core CI machine.

#[path = "../tests/common/samples.rs"]
mod samples;

use std::time::Instant;

use motcua_forms::{ApologyKind, Form, render};

fn median_ms(runs: usize, mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        size = f();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], size)
}

fn main() {
    // The first form parses the embedded fonts once per process; report it separately.
    let receipt = samples::receipt();
    let start = Instant::now();
    render(Form::Receipt(&receipt)).expect("receipt");
    println!(
        "first form in the process (font parsing included): {:.2} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    let supplement = samples::supplement();
    let refusal = samples::refusal();
    let apology = samples::apology(ApologyKind::NewAppointment);
    let stop = samples::stop_notice();
    let slip = samples::control_slip();
    let book_30 = samples::tracking_book(30);
    let book_300 = samples::tracking_book(300);
    let cases: Vec<(&str, Form<'_>)> = vec![
        ("01 receipt (with QR)", Form::Receipt(&receipt)),
        (
            "02 supplement request",
            Form::SupplementRequest(&supplement),
        ),
        ("03 refusal", Form::Refusal(&refusal)),
        ("04 apology", Form::Apology(&apology)),
        ("05 stop notice", Form::StopNotice(&stop)),
        ("06 control slip", Form::ControlSlip(&slip)),
        ("07 tracking book, 30 rows", Form::TrackingBook(&book_30)),
        ("07 tracking book, 300 rows", Form::TrackingBook(&book_300)),
    ];
    println!("{:<30} {:>10} {:>10}", "form", "ms", "bytes");
    for (name, form) in cases {
        let runs = if name.contains("300") { 5 } else { 21 };
        let (ms, size) = median_ms(runs, || render(form).expect("form").len());
        println!("{name:<30} {ms:>10.2} {size:>10}");
    }
}
