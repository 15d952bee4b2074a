//! Reports for managers: the share of each SLA target met, breached, still running and
//! stopped, for a period in the regulation's time zone, grouped by month, organization,
//! priority, level, line, category or agent, with the breaches linked to their tickets.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use reglament_domain::{AgentId, OrgId, Principal};
use reglament_store::reports::{ComplianceCount, Grouping, ReportFilter};
use serde::{Deserialize, Serialize};

use crate::permissions::{self, Action};
use crate::view::instant;
use crate::{Desk, DeskError, Lang, Result, Text};

/// The longest period a report covers: two years.
const MAX_DAYS: i32 = 731;

/// How many breaches a report lists.
const MAX_BREACHES: i64 = 500;

/// What a report is asked for. The period is a `month` (`YYYY-MM`), or `from` and `to`
/// (`YYYY-MM-DD`, both days included), or the current month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `YYYY-MM`.
    pub month: Option<String>,
    /// The first day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// `target` (the default), `month`, `organization`, `priority`, `level`, `line`,
    /// `category` or `agent`.
    pub group_by: Option<String>,
    /// Only this organization's tickets.
    pub organization_id: Option<i64>,
    /// Only this priority.
    pub priority: Option<String>,
    /// Only this level.
    pub level: Option<String>,
    /// Only tickets on this line.
    pub line: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only tickets assigned to this agent.
    pub agent_id: Option<i64>,
}

/// One target in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComplianceRow {
    /// The target's id.
    pub target: String,
    /// Its title.
    pub target_title: String,
    /// The group's value: a month, an id; `None` for tickets without one, or when not grouped.
    pub group: Option<String>,
    /// The group's title: an organization's name, a priority's title.
    pub group_title: Option<String>,
    /// Clocks that started in the period.
    pub total: i64,
    /// Stopped in time.
    pub met: i64,
    /// Past due.
    pub breached: i64,
    /// Still counting, not yet due.
    pub running: i64,
    /// Stopped by a rejection or merge: neither met nor breached.
    pub cancelled: i64,
    /// Met as a share of met and breached, in percent to one decimal; `None` before any is
    /// decided.
    pub met_percent: Option<f64>,
}

/// A breached clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BreachView {
    /// The ticket.
    pub ticket_id: i64,
    /// Its number.
    pub ticket_number: Option<String>,
    /// The target's id.
    pub target: String,
    /// Its title.
    pub target_title: String,
    /// When the clock started.
    pub started_at: String,
    /// Its deadline.
    pub due: Option<String>,
    /// When it stopped; `None` while it still runs.
    pub stopped_at: Option<String>,
    /// The ticket's page, where the deadline's explanation is.
    pub url: String,
}

/// The SLA compliance report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComplianceReport {
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// The time zone days are taken in.
    pub time_zone: String,
    /// What rows are grouped by.
    pub group_by: String,
    /// One row per target and group.
    pub rows: Vec<ComplianceRow>,
    /// The breaches, earliest deadline first, at most 500.
    pub breaches: Vec<BreachView>,
}

/// The bins of a distribution, as upper bounds in working minutes; the last is open.
const BINS: [i64; 9] = [15, 30, 60, 120, 240, 480, 960, 1440, 2400];

/// One bin of a distribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bin {
    /// The bin's upper bound in working minutes, included; `None` for the last, open bin.
    pub up_to_minutes: Option<i64>,
    /// How many clocks took that long.
    pub count: i64,
}

/// How long one target's stopped clocks took, in working time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetDistribution {
    /// The target's id.
    pub target: String,
    /// Its title.
    pub target_title: String,
    /// Clocks stopped (met or breached).
    pub count: i64,
    /// The median, in working minutes.
    pub median_minutes: i64,
    /// The 90th percentile (nearest rank), in working minutes.
    pub p90_minutes: i64,
    /// The histogram.
    pub bins: Vec<Bin>,
}

/// Reaction and resolution times: each target's stopped clocks by the working time they took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DistributionReport {
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// The time zone days are taken in.
    pub time_zone: String,
    /// One entry per target with stopped clocks, in the regulation's order.
    pub targets: Vec<TargetDistribution>,
}

/// The nearest-rank percentile of sorted values.
fn rank(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let n = sorted.len();
    let k = ((p * n as f64).ceil() as usize).clamp(1, n);
    sorted[k - 1]
}

/// The distribution of sorted working seconds.
fn distribution(seconds: &[i64]) -> (i64, i64, Vec<Bin>) {
    let minutes: Vec<i64> = seconds.iter().map(|s| (s + 59) / 60).collect();
    let mut bins: Vec<Bin> = BINS
        .iter()
        .map(|b| Bin {
            up_to_minutes: Some(*b),
            count: 0,
        })
        .chain(std::iter::once(Bin {
            up_to_minutes: None,
            count: 0,
        }))
        .collect();
    for m in &minutes {
        let i = BINS.iter().position(|b| m <= b).unwrap_or(BINS.len());
        bins[i].count += 1;
    }
    (rank(&minutes, 0.5), rank(&minutes, 0.9), bins)
}

/// The ratings of one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CsatRow {
    /// The group's value: a month, an id; `None` for all ratings, or tickets without one.
    pub group: Option<String>,
    /// The group's title.
    pub group_title: Option<String>,
    /// How many ratings.
    pub count: i64,
    /// Their average, to two decimals; `None` without ratings.
    pub average: Option<f64>,
    /// How many of 1, 2, 3, 4 and 5 stars.
    pub stars: [i64; 5],
}

/// A rating with a comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CsatComment {
    /// The ticket.
    pub ticket_id: i64,
    /// Its number.
    pub ticket_number: Option<String>,
    /// 1 to 5.
    pub stars: u8,
    /// What the customer wrote.
    pub comment: String,
    /// When.
    pub at: String,
    /// The ticket's page.
    pub url: String,
}

/// Customer satisfaction: the ratings given in the period, by group, and their comments.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CsatReport {
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// The time zone days are taken in.
    pub time_zone: String,
    /// What rows are grouped by: `all`, `month`, or a ticket attribute.
    pub group_by: String,
    /// One row per group.
    pub rows: Vec<CsatRow>,
    /// The ratings with a comment, newest first, at most 500.
    pub comments: Vec<CsatComment>,
}

impl CsatReport {
    /// The rows as CSV with a header in the reader's language.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{CsatReport, Lang};
    ///
    /// let r = CsatReport { from: "2026-11-01".into(), to: "2026-11-30".into(), time_zone: "Europe/Moscow".into(), group_by: "all".into(), rows: vec![], comments: vec![] };
    /// assert_eq!(r.csv(Lang::Ru).trim_end(), "Группа,Оценок,Средняя,1,2,3,4,5");
    /// ```
    pub fn csv(&self, lang: Lang) -> String {
        let mut head = headings(
            &[
                "report-col-group",
                "report-col-ratings",
                "report-col-average",
            ],
            lang,
        );
        head.extend((1..=5).map(|n: i32| n.to_string()));
        table(
            &head,
            self.rows.iter().map(|r| {
                let mut row = vec![
                    r.group_title
                        .clone()
                        .or_else(|| r.group.clone())
                        .unwrap_or_default(),
                    r.count.to_string(),
                    r.average.map(|a| format!("{a:.2}")).unwrap_or_default(),
                ];
                row.extend(r.stars.iter().map(|n| n.to_string()));
                row
            }),
        )
    }
}

/// One agent's or line's work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadRow {
    /// The agent's id or the line's; `None` for tickets no one is assigned to (or on no line),
    /// and for time logged by no agent.
    pub group: Option<String>,
    /// The agent's name or the line's title.
    pub group_title: Option<String>,
    /// Tickets received in the period, assigned to the agent (on the line) now.
    pub tickets: i64,
    /// Of them, still open.
    pub open: i64,
    /// Work time logged in the period, by the agent (on the line's tickets), in minutes.
    pub logged_minutes: i64,
}

/// Workload: tickets and logged time per agent or per line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadReport {
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// The time zone days are taken in.
    pub time_zone: String,
    /// `agent` or `line`.
    pub group_by: String,
    /// One row per agent or line.
    pub rows: Vec<WorkloadRow>,
}

impl WorkloadReport {
    /// The rows as CSV with a header in the reader's language.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Lang, WorkloadReport};
    ///
    /// let r = WorkloadReport { from: "2026-11-01".into(), to: "2026-11-30".into(), time_zone: "Europe/Moscow".into(), group_by: "agent".into(), rows: vec![] };
    /// assert_eq!(r.csv(Lang::Ru).trim_end(), "Группа,Заявок,Открыто,Учтено минут");
    /// ```
    pub fn csv(&self, lang: Lang) -> String {
        let head = headings(
            &[
                "report-col-group",
                "report-col-tickets",
                "report-col-open",
                "report-col-logged",
            ],
            lang,
        );
        table(
            &head,
            self.rows.iter().map(|r| {
                vec![
                    r.group_title
                        .clone()
                        .or_else(|| r.group.clone())
                        .unwrap_or_default(),
                    r.tickets.to_string(),
                    r.open.to_string(),
                    r.logged_minutes.to_string(),
                ]
            }),
        )
    }
}

/// How a report's rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum By {
    Month,
    Store(Grouping),
}

fn grouping(name: &str) -> Option<By> {
    Some(match name {
        "target" => By::Store(Grouping::Target),
        "month" => By::Month,
        "organization" => By::Store(Grouping::Organization),
        "priority" => By::Store(Grouping::Priority),
        "level" => By::Store(Grouping::Level),
        "line" => By::Store(Grouping::Line),
        "category" => By::Store(Grouping::Category),
        "agent" => By::Store(Grouping::Agent),
        _ => return None,
    })
}

/// The grouping a report is asked for, by its name: `target` when none is.
fn grouped(q: &ReportQuery) -> Result<(&str, By)> {
    let name = q.group_by.as_deref().unwrap_or("target");
    let by = grouping(name).ok_or_else(|| {
        DeskError::field(
            "group_by",
            Text::new("report-group").arg("value", name.to_string()),
        )
    })?;
    Ok((name, by))
}

fn percent(met: i64, breached: i64) -> Option<f64> {
    let decided = met + breached;
    (decided > 0).then(|| (met as f64 * 1000.0 / decided as f64).round() / 10.0)
}

impl Desk {
    /// The first and last day of the period asked for.
    fn period(&self, q: &ReportQuery) -> Result<(Date, Date)> {
        let day = |field: &'static str, v: &str| {
            v.parse::<Date>().map_err(|_| {
                DeskError::field(field, Text::new("dir-bad-date").arg("value", v.to_string()))
            })
        };
        let (first, last) = match (&q.month, &q.from, &q.to) {
            (Some(m), None, None) => {
                let (first, _, _) = self.month(m)?;
                (first, first.last_of_month())
            }
            (None, Some(f), Some(t)) => (day("from", f)?, day("to", t)?),
            (None, None, None) => {
                let today = self.now().to_zoned(self.regulation.timezone.clone()).date();
                (today.first_of_month(), today.last_of_month())
            }
            _ => return Err(DeskError::field("month", Text::new("report-period"))),
        };
        if last < first {
            return Err(DeskError::field("to", Text::new("report-period-order")));
        }
        if first.until(last).map_or(true, |s| s.get_days() > MAX_DAYS) {
            return Err(DeskError::field(
                "to",
                Text::new("report-period-long").num("days", MAX_DAYS as f64),
            ));
        }
        Ok((first, last))
    }

    /// The instants a period of days starts and ends at.
    fn bounds(&self, first: Date, last: Date) -> Result<(Timestamp, Timestamp)> {
        let next = last
            .tomorrow()
            .map_err(|_| DeskError::field("to", Text::new("report-period")))?;
        Ok((self.day_start(first)?, self.day_start(next)?))
    }

    /// The instant a day starts in the regulation's time zone.
    fn day_start(&self, d: Date) -> Result<Timestamp> {
        d.to_zoned(self.regulation.timezone.clone())
            .map(|z| z.timestamp())
            .map_err(|_| DeskError::field("from", Text::new("report-period")))
    }

    /// The period and the filter of a report, each value checked against the regulation.
    fn report_scope(&self, q: &ReportQuery) -> Result<(Date, Date, ReportFilter)> {
        let reg = &*self.regulation;
        for (field, value, known) in [
            (
                "priority",
                &q.priority,
                reg.priorities
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>(),
            ),
            (
                "level",
                &q.level,
                reg.levels.iter().map(|l| l.id.as_str()).collect(),
            ),
            (
                "line",
                &q.line,
                reg.lines.iter().map(|l| l.id.as_str()).collect(),
            ),
            (
                "category",
                &q.category,
                reg.categories.iter().map(|c| c.id.as_str()).collect(),
            ),
        ] {
            if let Some(v) = value
                && !known.contains(&v.as_str())
            {
                return Err(DeskError::field(
                    field,
                    Text::new("report-unknown")
                        .arg("value", v.clone())
                        .arg("expected", known.join(", ")),
                ));
            }
        }
        let (first, last) = self.period(q)?;
        let filter = ReportFilter {
            organization: q.organization_id.map(OrgId),
            priority: q.priority.clone(),
            level: q.level.clone(),
            line: q.line.clone(),
            category: q.category.clone(),
            agent: q.agent_id.map(AgentId),
        };
        Ok((first, last, filter))
    }

    /// The SLA compliance report: for each target, how many of the clocks that started in the
    /// period were met, breached, are still running, or were cancelled by a rejection or a
    /// merge, by group, with the breaches.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers; [`DeskError::Invalid`] for a bad period, group
    /// or filter.
    pub async fn compliance_report(
        &self,
        who: Principal,
        q: &ReportQuery,
    ) -> Result<ComplianceReport> {
        permissions::check(who, Action::ReadReports)?;
        let (by_name, by) = grouped(q)?;
        let reg = &*self.regulation;
        let (first, last, filter) = self.report_scope(q)?;
        let now = self.now();
        let (from, to) = self.bounds(first, last)?;
        let mut counts: Vec<ComplianceCount> = Vec::new();
        match by {
            By::Store(g) => counts = self.store.compliance(from, to, now, &filter, g).await?,
            By::Month => {
                let mut month = first.first_of_month();
                while month <= last {
                    let start = self.day_start(month.max(first))?;
                    let next = month
                        .checked_add(1.month())
                        .map_err(|_| DeskError::field("to", Text::new("report-period")))?;
                    let end = if next > last {
                        to
                    } else {
                        self.day_start(next)?
                    };
                    for mut c in self
                        .store
                        .compliance(start, end, now, &filter, Grouping::Target)
                        .await?
                    {
                        c.group = Some(month.strftime("%Y-%m").to_string());
                        counts.push(c);
                    }
                    month = next;
                }
            }
        }
        let titles = self.group_titles(by, &counts).await?;
        let target_title = |id: &str| reg.target(id).map_or(id.to_string(), |t| t.title.clone());
        // Targets in the regulation's order, then groups in their order.
        let order = |id: &str| {
            reg.targets
                .iter()
                .position(|t| t.id == id)
                .unwrap_or(usize::MAX)
        };
        counts.sort_by(|a, b| (order(&a.target), &a.group).cmp(&(order(&b.target), &b.group)));
        let rows = counts
            .into_iter()
            .map(|c| ComplianceRow {
                target_title: target_title(&c.target),
                group_title: c.group.as_ref().and_then(|g| titles.get(g).cloned()),
                met_percent: percent(c.met, c.breached),
                target: c.target,
                group: c.group,
                total: c.total,
                met: c.met,
                breached: c.breached,
                running: c.running,
                cancelled: c.cancelled,
            })
            .collect();
        let tz = &reg.timezone;
        let breaches = self
            .store
            .breaches(from, to, now, &filter, MAX_BREACHES)
            .await?
            .into_iter()
            .map(|b| BreachView {
                ticket_id: b.ticket.0,
                ticket_number: b.number,
                target_title: target_title(&b.target),
                target: b.target,
                started_at: instant(b.started_at, tz),
                due: b.due.map(|t| instant(t, tz)),
                stopped_at: b.stopped_at.map(|t| instant(t, tz)),
                url: format!("/tickets/{}", b.ticket.0),
            })
            .collect();
        Ok(ComplianceReport {
            from: first.to_string(),
            to: last.to_string(),
            time_zone: tz.iana_name().unwrap_or("UTC").to_string(),
            group_by: by_name.to_string(),
            rows,
            breaches,
        })
    }

    /// Reaction and resolution times: for each target, the working time its clocks took from
    /// start to stop (pauses excluded), for the clocks that started in the period and stopped,
    /// met or breached: the median, the 90th percentile and a histogram.
    ///
    /// # Errors
    ///
    /// As for [`Desk::compliance_report`]; `group_by` is not used.
    pub async fn distribution_report(
        &self,
        who: Principal,
        q: &ReportQuery,
    ) -> Result<DistributionReport> {
        permissions::check(who, Action::ReadReports)?;
        let (first, last, filter) = self.report_scope(q)?;
        let (from, to) = self.bounds(first, last)?;
        let rows = self.store.stopped_durations(from, to, &filter).await?;
        let reg = &*self.regulation;
        let mut by_target: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (target, secs) in rows {
            by_target.entry(target).or_default().push(secs);
        }
        let order = |id: &str| {
            reg.targets
                .iter()
                .position(|t| t.id == id)
                .unwrap_or(usize::MAX)
        };
        let mut targets: Vec<TargetDistribution> = by_target
            .into_iter()
            .map(|(target, mut secs)| {
                secs.sort_unstable();
                let (median_minutes, p90_minutes, bins) = distribution(&secs);
                TargetDistribution {
                    target_title: reg
                        .target(&target)
                        .map_or(target.clone(), |t| t.title.clone()),
                    count: secs.len() as i64,
                    target,
                    median_minutes,
                    p90_minutes,
                    bins,
                }
            })
            .collect();
        targets.sort_by_key(|t| order(&t.target));
        Ok(DistributionReport {
            from: first.to_string(),
            to: last.to_string(),
            time_zone: reg.timezone.iana_name().unwrap_or("UTC").to_string(),
            targets,
        })
    }

    /// Customer satisfaction: the ratings given in the period, grouped by `month` or a
    /// ticket's attribute (`group_by` = `target` or none gives one row for all), with their
    /// average and the count of each star, and the comments, newest first.
    ///
    /// # Errors
    ///
    /// As for [`Desk::compliance_report`].
    pub async fn csat_report(&self, who: Principal, q: &ReportQuery) -> Result<CsatReport> {
        permissions::check(who, Action::ReadReports)?;
        let (by_name, by) = grouped(q)?;
        let (first, last, filter) = self.report_scope(q)?;
        let (from, to) = self.bounds(first, last)?;
        let ratings = self.store.ratings(from, to, &filter).await?;
        let tz = &self.regulation.timezone;
        let key = |r: &reglament_store::reports::Rated| -> Option<String> {
            match by {
                By::Month => Some(tz.to_datetime(r.at).strftime("%Y-%m").to_string()),
                By::Store(Grouping::Target) => None,
                By::Store(Grouping::Organization) => r.organization.map(|o| o.0.to_string()),
                By::Store(Grouping::Agent) => r.agent.map(|a| a.0.to_string()),
                By::Store(Grouping::Priority) => r.priority.clone(),
                By::Store(Grouping::Level) => r.level.clone(),
                By::Store(Grouping::Line) => r.line.clone(),
                By::Store(Grouping::Category) => r.category.clone(),
            }
        };
        let mut groups: BTreeMap<Option<String>, [i64; 5]> = BTreeMap::new();
        for r in &ratings {
            let stars = groups.entry(key(r)).or_default();
            stars[usize::from(r.stars.clamp(1, 5)) - 1] += 1;
        }
        let counts: Vec<ComplianceCount> = groups
            .keys()
            .map(|g| ComplianceCount {
                group: g.clone(),
                ..ComplianceCount::default()
            })
            .collect();
        let titles = self.group_titles(by, &counts).await?;
        let rows = groups
            .into_iter()
            .map(|(group, stars)| {
                let count: i64 = stars.iter().sum();
                let sum: i64 = stars
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (i as i64 + 1) * n)
                    .sum();
                CsatRow {
                    group_title: group.as_ref().and_then(|g| titles.get(g).cloned()),
                    group,
                    count,
                    average: (count > 0)
                        .then(|| (sum as f64 * 100.0 / count as f64).round() / 100.0),
                    stars,
                }
            })
            .collect();
        let comments = ratings
            .iter()
            .rev()
            .filter_map(|r| {
                let c = r.comment.as_deref()?.trim();
                (!c.is_empty()).then(|| CsatComment {
                    ticket_id: r.ticket.0,
                    ticket_number: r.number.clone(),
                    stars: r.stars,
                    comment: c.to_string(),
                    at: instant(r.at, tz),
                    url: format!("/tickets/{}", r.ticket.0),
                })
            })
            .take(MAX_BREACHES as usize)
            .collect();
        Ok(CsatReport {
            from: first.to_string(),
            to: last.to_string(),
            time_zone: tz.iana_name().unwrap_or("UTC").to_string(),
            group_by: if by == By::Store(Grouping::Target) {
                "all".into()
            } else {
                by_name.to_string()
            },
            rows,
            comments,
        })
    }

    /// Workload: per agent (`group_by` = `agent`, the default) or per line, the tickets
    /// received in the period that are assigned to it (on it) now, how many of them are still
    /// open, and the work time logged in the period.
    ///
    /// # Errors
    ///
    /// As for [`Desk::compliance_report`]; a grouping other than `agent` or `line` is refused.
    pub async fn workload_report(&self, who: Principal, q: &ReportQuery) -> Result<WorkloadReport> {
        permissions::check(who, Action::ReadReports)?;
        let by_line = match q.group_by.as_deref() {
            None | Some("agent") => false,
            Some("line") => true,
            Some(other) => {
                return Err(DeskError::field(
                    "group_by",
                    Text::new("report-workload-group").arg("value", other.to_string()),
                ));
            }
        };
        let (first, last, filter) = self.report_scope(q)?;
        let (from, to) = self.bounds(first, last)?;
        let mut rows: BTreeMap<Option<String>, WorkloadRow> = BTreeMap::new();
        fn slot(
            rows: &mut BTreeMap<Option<String>, WorkloadRow>,
            g: Option<String>,
        ) -> &mut WorkloadRow {
            rows.entry(g.clone()).or_insert_with(|| WorkloadRow {
                group: g,
                group_title: None,
                tickets: 0,
                open: 0,
                logged_minutes: 0,
            })
        }
        for (g, total, open) in self.store.tickets_by(from, to, &filter, by_line).await? {
            let r = slot(&mut rows, g);
            r.tickets += total;
            r.open += open;
        }
        let mut seconds: BTreeMap<Option<String>, i64> = BTreeMap::new();
        for (agent, line, secs) in self.store.logged_by(from, to, &filter).await? {
            let g = if by_line {
                line
            } else {
                agent.map(|a| a.0.to_string())
            };
            *seconds.entry(g).or_default() += secs;
        }
        for (g, secs) in seconds {
            slot(&mut rows, g).logged_minutes = (secs + 59) / 60;
        }
        let by = By::Store(if by_line {
            Grouping::Line
        } else {
            Grouping::Agent
        });
        let counts: Vec<ComplianceCount> = rows
            .keys()
            .map(|g| ComplianceCount {
                group: g.clone(),
                ..ComplianceCount::default()
            })
            .collect();
        let titles = self.group_titles(by, &counts).await?;
        let rows = rows
            .into_values()
            .map(|mut r| {
                r.group_title = r.group.as_ref().and_then(|g| titles.get(g).cloned());
                r
            })
            .collect();
        Ok(WorkloadReport {
            from: first.to_string(),
            to: last.to_string(),
            time_zone: self
                .regulation
                .timezone
                .iana_name()
                .unwrap_or("UTC")
                .to_string(),
            group_by: if by_line { "line" } else { "agent" }.to_string(),
            rows,
        })
    }

    /// The titles of the groups a report shows: organizations' and agents' names, the
    /// regulation's titles of priorities, levels, lines and categories.
    async fn group_titles(
        &self,
        by: By,
        counts: &[ComplianceCount],
    ) -> Result<BTreeMap<String, String>> {
        let reg = &*self.regulation;
        let mut out = BTreeMap::new();
        for g in counts.iter().filter_map(|c| c.group.clone()) {
            if out.contains_key(&g) {
                continue;
            }
            let title = match by {
                By::Month => Some(g.clone()),
                By::Store(Grouping::Organization) => match g.parse::<i64>() {
                    Ok(id) => self
                        .store
                        .organization(OrgId(id))
                        .await
                        .ok()
                        .map(|o| o.name),
                    Err(_) => None,
                },
                By::Store(Grouping::Agent) => match g.parse::<i64>() {
                    Ok(id) => self
                        .store
                        .agent(AgentId(id))
                        .await
                        .ok()
                        .map(|a| a.full_name),
                    Err(_) => None,
                },
                By::Store(Grouping::Priority) => reg.priority(&g).map(|p| p.title.clone()),
                By::Store(Grouping::Level) => reg.level(&g).map(|l| l.title.clone()),
                By::Store(Grouping::Line) => reg.line(&g).map(|l| l.title.clone()),
                By::Store(Grouping::Category) => reg.category(&g).map(|c| c.title.clone()),
                By::Store(Grouping::Target) => None,
            };
            if let Some(t) = title {
                out.insert(g, t);
            }
        }
        Ok(out)
    }
}

impl ComplianceReport {
    /// The rows as CSV with a header in the reader's language, for a spreadsheet.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{ComplianceReport, Lang};
    ///
    /// let r = ComplianceReport { from: "2026-11-01".into(), to: "2026-11-30".into(), time_zone: "Europe/Moscow".into(), group_by: "target".into(), rows: vec![], breaches: vec![] };
    /// assert!(r.csv(Lang::Ru).starts_with("Цель,Группа,"));
    /// assert!(r.csv(Lang::En).starts_with("Target,Group,"));
    /// ```
    pub fn csv(&self, lang: Lang) -> String {
        let head = headings(
            &[
                "report-col-target",
                "report-col-group",
                "report-col-total",
                "report-col-met",
                "report-col-breached",
                "report-col-running",
                "report-col-cancelled",
                "report-col-met-percent",
            ],
            lang,
        );
        table(
            &head,
            self.rows.iter().map(|r| {
                vec![
                    r.target_title.clone(),
                    r.group_title
                        .clone()
                        .or_else(|| r.group.clone())
                        .unwrap_or_default(),
                    r.total.to_string(),
                    r.met.to_string(),
                    r.breached.to_string(),
                    r.running.to_string(),
                    r.cancelled.to_string(),
                    r.met_percent.map(|p| format!("{p:.1}")).unwrap_or_default(),
                ]
            }),
        )
    }
}

/// Headings in the reader's language, from their Fluent ids.
fn headings(ids: &[&'static str], lang: Lang) -> Vec<String> {
    ids.iter().map(|k| Text::new(*k).render(lang)).collect()
}

/// A CSV table: the header, then the rows.
fn table(head: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(head);
    for r in rows {
        let _ = w.write_record(&r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A bin's heading: `≤ 15 мин`, `≤ 2 ч`, `> 40 ч`.
fn bin_label(b: &Bin, lang: Lang) -> String {
    let (bound, open) = match b.up_to_minutes {
        Some(m) => (m, false),
        None => (*BINS.last().unwrap_or(&0), true),
    };
    let amount = if bound % 60 == 0 {
        Text::new("report-hours").num("n", (bound / 60) as f64)
    } else {
        Text::new("report-minutes").num("n", bound as f64)
    }
    .render(lang);
    if open {
        format!("> {amount}")
    } else {
        format!("≤ {amount}")
    }
}

impl DistributionReport {
    /// One line per target: its count, median, 90th percentile and each bin, with a header
    /// in the reader's language.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{DistributionReport, Lang};
    ///
    /// let r = DistributionReport { from: "2026-11-01".into(), to: "2026-11-30".into(), time_zone: "Europe/Moscow".into(), targets: vec![] };
    /// assert!(r.csv(Lang::Ru).starts_with("Цель,Остановлено,Медиана (мин),90-й процентиль (мин),≤ 15 мин,"));
    /// assert!(r.csv(Lang::En).trim_end().ends_with("> 40 h"));
    /// ```
    pub fn csv(&self, lang: Lang) -> String {
        let mut head = headings(
            &[
                "report-col-target",
                "report-col-stopped",
                "report-col-median",
                "report-col-p90",
            ],
            lang,
        );
        let (_, _, empty) = distribution(&[]);
        head.extend(empty.iter().map(|b| bin_label(b, lang)));
        table(
            &head,
            self.targets.iter().map(|t| {
                let mut row = vec![
                    t.target_title.clone(),
                    t.count.to_string(),
                    t.median_minutes.to_string(),
                    t.p90_minutes.to_string(),
                ];
                row.extend(t.bins.iter().map(|b| b.count.to_string()));
                row
            }),
        )
    }
}

impl Bin {
    /// The bin's heading in a language: `≤ 15 мин`, `> 40 ч`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Bin, Lang};
    ///
    /// assert_eq!(Bin { up_to_minutes: Some(120), count: 0 }.label(Lang::Ru), "≤ 2 ч");
    /// ```
    pub fn label(&self, lang: Lang) -> String {
        bin_label(self, lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_and_minutes_round_up() {
        let cases: &[(&[i64], i64, i64)] = &[
            (&[], 0, 0),
            (&[60], 1, 1),
            (&[60, 120, 180, 240, 300, 360, 420, 480, 540, 600], 5, 9),
            (&[1, 61], 1, 2),
        ];
        for (secs, median, p90) in cases {
            let (m, p, bins) = distribution(secs);
            assert_eq!((m, p), (*median, *p90), "{secs:?}");
            assert_eq!(bins.iter().map(|b| b.count).sum::<i64>(), secs.len() as i64);
        }
    }

    #[test]
    fn a_time_falls_in_the_first_bin_that_holds_it_and_the_last_bin_is_open() {
        let (_, _, bins) = distribution(&[15 * 60, 15 * 60 + 1, 10_000 * 60]);
        assert_eq!((bins[0].up_to_minutes, bins[0].count), (Some(15), 1));
        assert_eq!((bins[1].up_to_minutes, bins[1].count), (Some(30), 1));
        let last = bins.last().unwrap();
        assert_eq!((last.up_to_minutes, last.count), (None, 1));
    }
}
