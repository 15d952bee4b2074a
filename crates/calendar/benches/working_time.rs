//! Working-time arithmetic from 10,000 random starts in 2019–2027 on the Russian production
//! calendar (Moscow, Monday–Friday 09:00–18:00). Each iteration makes 10,000 calls; divide the
//! reported time by 10,000 for the time per call.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use reglament_calendar::{ProductionCalendar, Schedule, WeeklyPattern};

/// A small deterministic generator, so every run measures the same starts.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn starts(n: usize) -> Vec<Timestamp> {
    let from = "2019-01-01T00:00:00+03:00"
        .parse::<Timestamp>()
        .unwrap()
        .as_second();
    let to = "2027-12-31T00:00:00+03:00"
        .parse::<Timestamp>()
        .unwrap()
        .as_second();
    let mut g = Lcg(42);
    (0..n)
        .map(|_| Timestamp::from_second(from + (g.next() as i64 % (to - from))).unwrap())
        .collect()
}

fn bench(c: &mut Criterion) {
    let wt = Schedule::new(
        jiff::tz::TimeZone::get("Europe/Moscow").unwrap(),
        WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
    )
    .with_calendar(ProductionCalendar::russia())
    .compile()
    .unwrap();
    let starts = starts(10_000);
    let mut g = Lcg(7);
    let pairs: Vec<(Timestamp, Timestamp)> = starts
        .iter()
        .map(|s| {
            (
                *s,
                *s + SignedDuration::from_secs((g.next() % (30 * 86_400)) as i64),
            )
        })
        .collect();

    let mut group = c.benchmark_group("working_time_10k_calls");
    group.throughput(Throughput::Elements(starts.len() as u64));
    group.bench_function("add_4_working_hours", |b| {
        b.iter(|| {
            for s in &starts {
                black_box(
                    wt.add(black_box(*s), SignedDuration::from_hours(4))
                        .unwrap(),
                );
            }
        })
    });
    group.bench_function("add_10_working_days", |b| {
        b.iter(|| {
            for s in &starts {
                black_box(wt.add_working_days(black_box(*s), 10).unwrap());
            }
        })
    });
    group.bench_function("between", |b| {
        b.iter(|| {
            for (a, z) in &pairs {
                black_box(wt.between(black_box(*a), black_box(*z)).unwrap());
            }
        })
    });
    group.finish();

    c.bench_function("compile_ru_schedule_2010_2049", |b| {
        b.iter(|| {
            Schedule::new(
                jiff::tz::TimeZone::get("Europe/Moscow").unwrap(),
                WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
            )
            .with_calendar(ProductionCalendar::russia())
            .compile()
            .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
