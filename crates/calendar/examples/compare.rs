//! The Rust side of `bench/compare_businesstimedelta.py`: adds 4 working hours to each start and
//! reports the time per call, on the same inputs the Python side uses.
//!
//! Usage: `compare HOLIDAYS.ics STARTS.txt` — starts are Unix seconds, one per line. Prints one
//! deadline (Unix seconds) per line to stdout and `ns_per_call N` to stderr.

use std::hint::black_box;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use reglament_calendar::{Schedule, WeeklyPattern};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, ics, starts] = args.as_slice() else {
        return Err("usage: compare HOLIDAYS.ics STARTS.txt".into());
    };
    let calendar = reglament_calendar::import::icalendar(&std::fs::read_to_string(ics)?)?.calendar;
    let wt = Schedule::new(
        jiff::tz::TimeZone::get("Europe/Moscow")?,
        WeeklyPattern::parse("mon-fri", "09:00-18:00")?,
    )
    .with_calendar(std::sync::Arc::new(calendar))
    .compile()?;
    let starts: Vec<Timestamp> = std::fs::read_to_string(starts)?
        .lines()
        .map(|l| Timestamp::from_second(l.trim().parse().expect("unix seconds")).expect("valid"))
        .collect();
    let d = SignedDuration::from_hours(4);
    let mut best = f64::MAX;
    for _ in 0..50 {
        let t = Instant::now();
        for s in &starts {
            black_box(wt.add(black_box(*s), d)?);
        }
        best = best.min(t.elapsed().as_nanos() as f64 / starts.len() as f64);
    }
    for s in &starts {
        println!("{}", wt.add(*s, d)?.as_second());
    }
    eprintln!("ns_per_call {best:.1}");
    Ok(())
}
