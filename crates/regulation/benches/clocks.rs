//! Re-evaluating the SLA clocks of 100,000 tickets with pauses: what a server does after a
//! regulation or calendar change. One iteration evaluates all 100,000 tickets.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use reglament_regulation::Regulation;
use reglament_regulation::sla::{self, Event, EventKind};

const REGULATION: &str = r#"
[regulation]
name = "Bench"
timezone = "Europe/Moscow"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[priorities]]
id = "P1"
title = "P1"
[[priorities]]
id = "P2"
title = "P2"
[[priorities]]
id = "P3"
title = "P3"
[[targets]]
id = "registration"
title = "Registration"
start = "received"
stop = "registered"
schedule = "office"
duration = "3 working hours"
[[targets]]
id = "reaction"
title = "Reaction"
start = "registered"
stop = "public_reply"
schedule = "office"
duration = "8 working hours"
warn_at_percent = 80
[[targets]]
id = "resolution"
title = "Resolution"
start = "registered"
stop = "completed"
pause_in = ["waiting_customer"]
resume_on = ["reopened"]
schedule = "office"
by_priority = { P1 = "4 working hours", P2 = "8 working hours", P3 = "5 working days" }
warn_before = "1 working hour"
"#;

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

fn tickets(n: usize) -> Vec<Vec<Event>> {
    let from = "2025-01-01T00:00:00+03:00"
        .parse::<Timestamp>()
        .unwrap()
        .as_second();
    let mut g = Lcg(1);
    (0..n)
        .map(|i| {
            let t0 = Timestamp::from_second(from + (g.next() % (600 * 86_400)) as i64).unwrap();
            let at = |mins: u64| t0 + SignedDuration::from_mins(mins as i64);
            let p = ["P1", "P2", "P3"][i % 3];
            let mut ev = vec![
                Event::new(
                    at(0),
                    EventKind::Received {
                        channel: None,
                        level: None,
                        priority: Some(p.into()),
                        category: None,
                    },
                ),
                Event::new(
                    at(20 + g.next() % 100),
                    EventKind::Status("registered".into()),
                ),
                Event::new(at(200), EventKind::PublicReply),
                Event::new(at(300), EventKind::Status("waiting_customer".into())),
                Event::new(
                    at(300 + g.next() % 5000),
                    EventKind::Status("in_progress".into()),
                ),
            ];
            if i % 2 == 0 {
                ev.push(Event::new(at(6000), EventKind::Status("completed".into())));
            }
            ev
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let reg = Regulation::parse(REGULATION).unwrap();
    let tickets = tickets(100_000);
    let now: Timestamp = "2026-11-22T12:00:00+03:00".parse().unwrap();
    let mut g = c.benchmark_group("clocks");
    g.sample_size(10);
    g.bench_function("evaluate_100k_tickets_3_targets_with_pauses", |b| {
        b.iter(|| {
            for t in &tickets {
                black_box(sla::evaluate(&reg, black_box(t), now).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
