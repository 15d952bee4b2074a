//! The command line, run as a real process: exact output forms that scripts depend on, and
//! clear errors on bad input.

use std::process::{Command, Output};

fn reglament(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8")
}

fn data(path: &str) -> String {
    format!(
        "{}/../calendar/tests/data/{path}",
        env!("CARGO_MANIFEST_DIR")
    )
}

const BRIEF: [&str; 13] = [
    "deadline",
    "--tz",
    "Europe/Moscow",
    "--days",
    "mon-fri",
    "--hours",
    "09:00-18:00",
    "--calendar",
    "ru",
    "--start",
    "2026-05-08T16:30:00+03:00",
    "--add",
    "60 working minutes",
];

#[test]
fn deadline_prints_the_rfc3339_deadline_with_the_schedule_offset_as_the_first_line() {
    let o = reglament(&BRIEF);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2026-05-12T09:30:00+03:00\n");
}

#[test]
fn deadline_explain_lists_the_shortened_day_and_the_skipped_holidays_after_the_first_line() {
    let mut args = BRIEF.to_vec();
    args.push("--explain");
    let o = reglament(&args);
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("2026-05-12T09:30:00+03:00"));
    assert!(out.contains("counted 2026-05-08 16:30–17:00 (30 min) — 2026-05-08 (Friday): shortened pre-holiday day"), "{out}");
    assert!(
        out.contains("skipped 2026-05-09 (Saturday): public holiday (День Победы)"),
        "{out}"
    );
    assert!(
        out.contains("skipped 2026-05-11 (Monday): transferred day off (from 2026-05-09)"),
        "{out}"
    );
    assert!(out.contains("working time: 1 h"), "{out}");
}

#[test]
fn deadline_accepts_every_documented_unit() {
    let cases = [
        ("2 working hours", "2026-05-12T10:30:00+03:00"),
        ("1 working days", "2026-05-12T16:30:00+03:00"),
        ("24 hours", "2026-05-09T16:30:00+03:00"),
        ("3 days", "2026-05-11T16:30:00+03:00"),
        ("2 weekdays", "2026-05-12T16:30:00+03:00"),
        (
            "24 working hours, at most 2 weekdays",
            "2026-05-12T16:30:00+03:00",
        ),
    ];
    for (add, want) in cases {
        let o = reglament(&[
            "deadline",
            "--start",
            "2026-05-08T16:30:00+03:00",
            "--add",
            add,
        ]);
        assert!(o.status.success(), "{add}: {}", stderr(&o));
        assert_eq!(stdout(&o).lines().next(), Some(want), "{add}");
    }
}

#[test]
fn deadline_with_calendar_none_ignores_holidays() {
    let o = reglament(&[
        "deadline",
        "--calendar",
        "none",
        "--start",
        "2026-05-08T16:30:00+03:00",
        "--add",
        "60 working minutes",
    ]);
    assert_eq!(stdout(&o), "2026-05-08T17:30:00+03:00\n");
}

#[test]
fn deadline_with_an_xmlcalendar_file_agrees_with_the_builtin_calendar() {
    let file = data("xmlcalendar/ru_2026.xml");
    let o = reglament(&[
        "deadline",
        "--calendar",
        &file,
        "--start",
        "2026-05-08T16:30:00+03:00",
        "--add",
        "60 working minutes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2026-05-12T09:30:00+03:00\n");
}

#[test]
fn deadline_beyond_the_known_years_warns_that_it_is_provisional() {
    let o = reglament(&[
        "deadline",
        "--start",
        "2029-05-08T16:30:00+03:00",
        "--add",
        "2 working days",
    ]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "2029-05-11T16:30:00+03:00\n");
    assert!(stderr(&o).contains("provisional"));
}

#[test]
fn deadline_with_an_unknown_unit_fails_and_names_it() {
    let o = reglament(&[
        "deadline",
        "--start",
        "2026-05-08T16:30:00+03:00",
        "--add",
        "5 workdays",
    ]);
    assert!(!o.status.success());
    assert!(stdout(&o).is_empty());
    assert!(
        stderr(&o).contains("unknown unit `workdays`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn deadline_with_a_malformed_start_fails_and_names_it() {
    let o = reglament(&[
        "deadline",
        "--start",
        "next tuesday",
        "--add",
        "1 working hour",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("`--start next tuesday`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn deadline_can_take_its_schedule_from_a_regulation_file() {
    let dir = std::env::temp_dir().join(format!("reglament-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("r.toml");
    std::fs::write(
        &file,
        "[regulation]\nname = \"R\"\n[schedules.line]\nhours = { daily = \"06:00-20:00\" }\ncalendar = \"none\"\n",
    )
    .unwrap();
    let o = reglament(&[
        "deadline",
        "--regulation",
        file.to_str().unwrap(),
        "--schedule",
        "line",
        "--start",
        "2026-05-09T19:30:00+03:00",
        "--add",
        "1 working hour",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2026-05-10T06:30:00+03:00\n");
    let o = reglament(&[
        "deadline",
        "--regulation",
        file.to_str().unwrap(),
        "--schedule",
        "office",
        "--start",
        "2026-05-09T19:30:00+03:00",
        "--add",
        "1 working hour",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no schedule `office`, expected one of: line"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn regulation_check_reports_every_error_with_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("reglament-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n[[targets]]\nid = \"t\"\ntitle = \"T\"\nstart = \"received\"\nstop = \"registered\"\nschedule = \"ofice\"\nduration = \"5 workdays\"\n",
    )
    .unwrap();
    let o = reglament(&["regulation", "check", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    let f = file.to_str().unwrap();
    assert!(
        err.contains(&format!(
            "{f}:10:12: target `t`: unknown schedule `ofice`, expected one of: `office`"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{f}:11:12: target `t`: `duration`: duration `5 workdays`: unknown unit `workdays`"
        )),
        "{err}"
    );
}

#[test]
fn regulation_check_of_a_missing_file_fails_clearly() {
    let o = reglament(&["regulation", "check", "/nonexistent/regulation.toml"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot read regulation file `/nonexistent/regulation.toml`"));
}

#[test]
fn calendar_show_lists_the_2026_days_off_shortened_days_and_totals() {
    let o = reglament(&["calendar", "show", "--calendar", "ru", "--year", "2026"]);
    let out = stdout(&o);
    assert!(
        out.contains("2026-01-09 Friday    transferred day off (from 2026-01-03)"),
        "{out}"
    );
    assert!(
        out.contains("2026-05-08 Friday    shortened pre-holiday day"),
        "{out}"
    );
    assert!(out.contains("shortened days (4):"), "{out}");
    assert!(
        out.contains("working days: 247; hours for a 40-hour week: 1972"),
        "{out}"
    );
}

#[test]
fn calendar_show_for_2024_lists_the_working_saturdays() {
    let o = reglament(&["calendar", "show", "--year", "2024"]);
    let out = stdout(&o);
    assert!(out.contains("working weekend days (3):"), "{out}");
    assert!(
        out.contains("2024-11-02 Saturday  working weekend day, shortened by one hour"),
        "{out}"
    );
    assert!(
        out.contains("working days: 248; hours for a 40-hour week: 1979"),
        "{out}"
    );
}

#[test]
fn calendar_import_reports_what_an_xmlcalendar_file_contained() {
    let o = reglament(&["calendar", "import", &data("xmlcalendar/ru_2025.xml")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("format: xmlcalendar"), "{out}");
    assert!(out.contains("years: 2025"), "{out}");
    assert!(out.contains("working weekend days: 1"), "{out}");
    assert!(
        out.contains("working days: 247; hours for a 40-hour week: 1972"),
        "{out}"
    );
}

#[test]
fn calendar_import_of_a_datagov_csv_reports_its_year() {
    let o = reglament(&["calendar", "import", &data("datagov_style_2025.csv")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("format: data.gov.ru CSV"));
}

#[test]
fn calendar_import_of_a_malformed_file_names_the_line() {
    let dir = std::env::temp_dir().join(format!("reglament-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.xml");
    std::fs::write(&file, "<?xml version=\"1.0\"?>\n<calendar year=\"2026\">\n<days>\n<day d=\"02.30\" t=\"1\"/>\n</days></calendar>\n").unwrap();
    let o = reglament(&["calendar", "import", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("xmlcalendar line 4: day `d=\"02.30\"` is not a date in 2026"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn deadline_with_a_regulation_refuses_schedule_flags_and_accepts_its_calendars() {
    let dir = std::env::temp_dir().join(format!("reglament-cal-reg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("r.toml");
    std::fs::write(
        &file,
        "[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\ncalendar = \"corp\"\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let both = reglament(&[
        "deadline",
        "--regulation",
        f,
        "--schedule",
        "office",
        "--hours",
        "10:00-11:00",
        "--start",
        "2026-05-08T16:30:00+03:00",
        "--add",
        "1 working hour",
    ]);
    assert!(!both.status.success());
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
    let xml = data("xmlcalendar/ru_2026.xml");
    let with = format!("corp={xml}");
    let o = reglament(&[
        "deadline",
        "--regulation",
        f,
        "--schedule",
        "office",
        "--with-calendar",
        &with,
        "--start",
        "2026-05-08T16:30:00+03:00",
        "--add",
        "60 working minutes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2026-05-12T09:30:00+03:00\n");
    // The built-in names cannot be replaced: the file would be silently ignored.
    for name in ["ru", "none"] {
        let with = format!("{name}={xml}");
        let o = reglament(&[
            "deadline",
            "--regulation",
            f,
            "--schedule",
            "office",
            "--with-calendar",
            &with,
            "--start",
            "2026-05-08T16:30:00+03:00",
            "--add",
            "60 working minutes",
        ]);
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains(&format!("`{name}` is built in and cannot be replaced")),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_deadline_beyond_the_computed_years_says_which_years_those_are() {
    let o = reglament(&[
        "deadline",
        "--start",
        "2049-12-30T10:00:00+03:00",
        "--add",
        "100 working days",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("the deadline from 2049-12-30 falls after 2050-01-01, outside 2010–2049, the years Reglament computes deadlines for"),
        "{}",
        stderr(&o)
    );
    let o = reglament(&[
        "deadline",
        "--start",
        "2051-03-02T10:00:00+03:00",
        "--add",
        "1 working day",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("the start 2051-03-02 lies outside 2010–2049"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_negative_term_gets_the_terms_own_error_and_a_file_that_is_not_utf8_its_position() {
    let o = reglament(&[
        "deadline",
        "--start",
        "2026-05-08T16:30:00+03:00",
        "--add",
        "-5 hours",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("must be zero or more"),
        "{}",
        stderr(&o)
    );
    let dir = std::env::temp_dir().join(format!("reglament-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cp1251.toml");
    let (name, _, _) = encoding_rs::WINDOWS_1251.encode("Регламент");
    let mut bytes = b"[regulation]\nname = \"".to_vec();
    bytes.extend_from_slice(&name);
    bytes.extend_from_slice(b"\"\n");
    std::fs::write(&file, bytes).unwrap();
    let o = reglament(&["regulation", "check", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("line 2, column 9: the bytes there are not UTF-8"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn output_cut_short_by_the_reader_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["calendar", "show", "--year", "2026"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the program writes: its first write fails with a broken pipe.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

#[test]
fn provisional_years_follow_the_statutory_rules() {
    let o = reglament(&[
        "deadline",
        "--start",
        "2028-05-08T16:30:00+03:00",
        "--add",
        "60 working minutes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2028-05-10T09:30:00+03:00\n");
    assert!(stderr(&o).contains("provisional"));
}

fn reglament_in(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(args)
        .current_dir(dir)
        .env_remove("REGLAMENT_DATABASE__URL")
        .env_remove("REGLAMENT_CONFIG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

#[test]
fn accounts_and_tokens_are_bootstrapped_from_the_command_line_into_a_local_sqlite_database() {
    let dir = std::env::temp_dir().join(format!("reglament-users-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = reglament_in(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("reglament-data/reglament.db").exists());
    let o = reglament_in(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "admin@example.ru",
            "--name",
            "Администратор",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("s3cret-pass\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "created admin admin@example.ru\n");
    let o = reglament_in(
        &dir,
        &[
            "user",
            "create",
            "--customer",
            "--organization",
            "ООО «Ромашка»",
            "--email",
            "client@romashka.ru",
            "--name",
            "Иванов И.И.",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "created customer contact client@romashka.ru of «ООО «Ромашка»»\npassword: "
        ),
        "{out}"
    );
    let o = reglament_in(
        &dir,
        &["token", "create", "--role", "admin", "--name", "ci"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("token 1 (admin, ci): "),
        "{}",
        stdout(&o)
    );
    let again = reglament_in(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "ADMIN@example.ru",
            "--name",
            "X",
        ],
        None,
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already belongs to another account"),
        "{}",
        stderr(&again)
    );
    let short = reglament_in(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "b@example.ru",
            "--name",
            "X",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("`password`: The password is shorter than 8 characters"),
        "{}",
        stderr(&short)
    );
    // Tokens are listed without their secret, and revoked by id.
    let list = reglament_in(&dir, &["token", "list"], None);
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(
        stdout(&list).starts_with("1\tadmin\tci\tcreated "),
        "{}",
        stdout(&list)
    );
    assert!(
        stdout(&list).trim_end().ends_with("live"),
        "{}",
        stdout(&list)
    );
    let revoke = reglament_in(&dir, &["token", "revoke", "1"], None);
    assert!(revoke.status.success(), "{}", stderr(&revoke));
    let list = reglament_in(&dir, &["token", "list"], None);
    assert!(stdout(&list).contains("\trevoked "), "{}", stdout(&list));
    let again = reglament_in(&dir, &["token", "revoke", "1"], None);
    assert!(
        stderr(&again).contains("no live token with id 1"),
        "{}",
        stderr(&again)
    );
    let bad_role = reglament_in(&dir, &["token", "create", "--role", "root"], None);
    assert!(
        stderr(&bad_role).contains("unknown role `root`"),
        "{}",
        stderr(&bad_role)
    );
}

#[test]
fn migrate_reports_an_unreachable_database_without_its_password() {
    let dir = std::env::temp_dir().join(format!("reglament-nodb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = reglament_in(
        &dir,
        &[
            "migrate",
            "--database-url",
            "postgres://u:hunter2@127.0.0.1:1/x",
        ],
        None,
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("cannot open the database `postgres://u:***@127.0.0.1:1/x`"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn migrate_works_on_postgresql_too() {
    let admin = std::env::var("REGLAMENT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let db = format!("reglament_cli_{}", std::process::id());
    let psql = |sql: &str| {
        Command::new("psql")
            .args([admin.as_str(), "-qAtc", sql])
            .output()
            .expect("psql runs")
    };
    psql(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    assert!(psql(&format!("CREATE DATABASE {db}")).status.success());
    let url = format!("{}/{db}", admin.rsplit_once('/').unwrap().0);
    let dir = std::env::temp_dir();
    let o = reglament_in(&dir, &["migrate", "--database-url", &url], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("migrated Postgres database"),
        "{}",
        stdout(&o)
    );
    let o = reglament_in(
        &dir,
        &["token", "create", "--database-url", &url, "--role", "agent"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // TLS: sqlx speaks rustls, so `sslmode=require` connects to a server that offers it.
    let o = reglament_in(
        &dir,
        &[
            "migrate",
            "--database-url",
            &format!("{url}?sslmode=require"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    psql(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
}

#[test]
fn serve_demo_prints_the_url_and_logins_serves_health_and_shuts_down_gracefully() {
    let dir = std::env::temp_dir().join(format!("reglament-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut child, mut lines, first, url) = spawn_demo(&dir);
    let mut printed = vec![first.clone()];
    for _ in 0..11 {
        printed.push(lines.next().unwrap().unwrap());
    }
    let printed = printed.join("\n");
    assert!(
        printed.contains(&format!("sign in:    {url}/")),
        "{printed}"
    );
    // The URL opens the sign-in page, which a person can use.
    let page = Command::new("curl")
        .args(["-s", "-H", "Accept-Language: ru", &format!("{url}/")])
        .output()
        .unwrap();
    let page = String::from_utf8_lossy(&page.stdout);
    assert!(
        page.contains("<form method=\"post\" action=\"/sign-in\">"),
        "{page}"
    );
    assert!(page.contains("Вход в службу поддержки"), "{page}");
    assert!(
        printed.contains("login (administrator): admin@reglament.local / demo-admin-1"),
        "{printed}"
    );
    assert!(
        printed.contains("login (customer): client@romashka.ru / demo-client-1"),
        "{printed}"
    );
    let addr = url.trim_start_matches("http://");
    let health = reglament(&["healthcheck", "--listen", addr]);
    assert!(health.status.success(), "{}", stderr(&health));
    assert!(
        stdout(&health).contains(r#""status":"ok""#),
        "{}",
        stdout(&health)
    );
    // SIGTERM: the server finishes and exits cleanly.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let down = reglament(&["healthcheck", "--listen", addr]);
    assert!(!down.status.success());
    assert!(
        stderr(&down).contains("nothing answers"),
        "{}",
        stderr(&down)
    );
}

/// `serve --demo` on a free port in a directory: the process, the rest of its standard output,
/// the banner's first line and the URL it prints.
fn spawn_demo(
    dir: &std::path::Path,
) -> (
    std::process::Child,
    std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    String,
    String,
) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .env_remove("REGLAMENT_DATABASE__URL")
        .env_remove("REGLAMENT_SERVER__REGULATION")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Reglament is running at ")
        .expect(&first)
        .trim_end_matches('/')
        .to_string();
    (child, lines, first, url)
}

fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("reglament-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_config_file_sets_the_database_and_flags_and_the_environment_override_it() {
    let dir = fresh_dir("config");
    std::fs::write(
        dir.join("reglament.toml"),
        "[database]\nurl = \"sqlite:from-file/db.sqlite\"\n",
    )
    .unwrap();
    let o = reglament_in(&dir, &["migrate", "--config", "reglament.toml"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("sqlite:from-file/db.sqlite"),
        "{}",
        stdout(&o)
    );
    assert!(dir.join("from-file/db.sqlite").exists());
    // The environment beats the file, and the flag beats both.
    let o = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["migrate"])
        .current_dir(&dir)
        .env("REGLAMENT_CONFIG", "reglament.toml")
        .env("REGLAMENT_DATABASE__URL", "sqlite:from-env/db.sqlite")
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("sqlite:from-env/db.sqlite"),
        "{}",
        stderr(&o)
    );
    let o = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["migrate", "--database-url", "sqlite:from-flag/db.sqlite"])
        .current_dir(&dir)
        .env("REGLAMENT_CONFIG", "reglament.toml")
        .env("REGLAMENT_DATABASE__URL", "sqlite:from-env/db.sqlite")
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("sqlite:from-flag/db.sqlite"),
        "{}",
        stderr(&o)
    );
    // A mistake in the file is reported with the file's name and the key.
    std::fs::write(dir.join("bad.toml"), "[database]\nadress = \"x\"\n").unwrap();
    let o = reglament_in(&dir, &["migrate", "--config", "bad.toml"], None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.toml"), "{}", stderr(&o));
    assert!(stderr(&o).contains("adress"), "{}", stderr(&o));
    let o = reglament_in(&dir, &["migrate", "--config", "missing.toml"], None);
    assert!(
        stderr(&o).contains("cannot read the configuration file `missing.toml`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn serve_takes_the_listen_address_regulation_and_database_from_the_config_file() {
    use std::io::{BufRead, BufReader};
    let dir = fresh_dir("serve-config");
    std::fs::create_dir_all(dir.join("etc")).unwrap();
    std::fs::write(
        dir.join("etc/regulation.toml"),
        include_str!("../../../examples/regulations/bitrix24-integrator.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("etc/reglament.toml"),
        "[database]\nurl = \"sqlite:data/desk.db\"\n[server]\nlisten = \"127.0.0.1:0\"\nregulation = \"regulation.toml\"\nticket_number = \"HD-{seq:6}\"\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["serve", "--config", "etc/reglament.toml"])
        .current_dir(&dir)
        .env_remove("REGLAMENT_DATABASE__URL")
        .env_remove("REGLAMENT_SERVER__LISTEN")
        .env_remove("REGLAMENT_SERVER__REGULATION")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner: Vec<String> = (0..3).map(|_| lines.next().unwrap().unwrap()).collect();
    let _ = child.kill();
    let _ = child.wait();
    let banner = banner.join("\n");
    assert!(
        banner.contains("Reglament is running at http://127.0.0.1:"),
        "{banner}"
    );
    assert!(banner.contains("etc/regulation.toml"), "{banner}");
    assert!(
        banner.contains("database:   sqlite:data/desk.db"),
        "{banner}"
    );
    assert!(dir.join("data/desk.db").exists());
}

#[test]
fn backup_writes_a_consistent_snapshot_that_holds_the_data_and_never_overwrites() {
    let dir = fresh_dir("backup");
    let o = reglament_in(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "boss@support.ru",
            "--name",
            "Начальник",
            "--role",
            "admin",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = reglament_in(&dir, &["backup", "--output", "backups/snap.db"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("wrote a consistent snapshot"),
        "{}",
        stdout(&o)
    );
    // The snapshot is a working database that already has the account.
    let o = reglament_in(
        &dir,
        &[
            "user",
            "create",
            "--database-url",
            "sqlite:backups/snap.db",
            "--email",
            "boss@support.ru",
            "--name",
            "Начальник",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("already belongs to another account"),
        "{}",
        stderr(&o)
    );
    let o = reglament_in(&dir, &["backup", "--output", "backups/snap.db"], None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    let o = reglament_in(
        &dir,
        &[
            "backup",
            "--database-url",
            "postgres://u:secret@db/reglament",
            "--output",
            "x.dump",
        ],
        None,
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("pg_dump --format=custom --file=x.dump"),
        "{err}"
    );
    assert!(!err.contains("secret"), "{err}");
}

#[test]
fn the_readme_api_flow_runs_against_serve_demo() {
    let dir = fresh_dir("api-flow");
    let (mut child, _lines, _, url) = spawn_demo(&dir);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/api-flow.sh");
    let o = Command::new("bash")
        .args([script, &url])
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let steps: Vec<&str> = out.lines().collect();
    assert!(
        steps[0].starts_with("filed ") && steps[0].ends_with(": registered on line L1"),
        "{out}"
    );
    assert_eq!(
        &steps[1..],
        [
            "in_progress",
            "in_progress",
            "completed",
            "closed",
            "closed ★5"
        ],
        "{out}"
    );
}

#[test]
fn mail_ingest_stores_a_message_once_and_asks_the_mta_to_retry_when_the_database_is_down() {
    let dir = fresh_dir("mail-ingest");
    let regulation = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/regulations/pass24.toml"
    );
    let o = reglament_in(
        &dir,
        &[
            "user",
            "create",
            "--customer",
            "--organization",
            "ООО «Почта»",
            "--email",
            "ivanov@pochta.test",
            "--name",
            "Иванов Иван",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let message = "From: Иванов <ivanov@pochta.test>\r\nTo: support@pass24.test\r\nSubject: Не открывается шлагбаум\r\nMessage-ID: <cli-1@pochta.test>\r\n\r\nПропуск не срабатывает.\r\n";
    let o = reglament_in(
        &dir,
        &["mail", "ingest", "--regulation", regulation],
        Some(message),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stdout(&o);
    // Opened, or held when the regulation's email hours are over: stored either way.
    assert!(
        said.starts_with("inbound #1: opened ticket")
            || said.starts_with("inbound #1: quarantined"),
        "{said}"
    );
    // The MTA delivers it again: nothing new.
    let o = reglament_in(
        &dir,
        &["mail", "ingest", "--regulation", regulation],
        Some(message),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("a duplicate"), "{}", stdout(&o));
    // Bytes that are no message are stored too, and held for an agent.
    let o = reglament_in(
        &dir,
        &["mail", "ingest", "--regulation", regulation],
        Some("garbage"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("quarantined"), "{}", stdout(&o));
    // A database that cannot be reached: 75, so that the MTA keeps the message and retries.
    let o = reglament_in(
        &dir,
        &[
            "mail",
            "ingest",
            "--regulation",
            regulation,
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ],
        Some(message),
    );
    assert_eq!(o.status.code(), Some(75), "{}", stderr(&o));
    assert!(stderr(&o).contains("try again later"), "{}", stderr(&o));
}

#[test]
fn mail_templates_are_written_out_to_edit_kept_when_edited_and_checked_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("reglament-cli-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().unwrap();
    let o = reglament(&["mail", "templates", d]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("written"), "{}", stdout(&o));
    assert!(dir.join("registered.txt").exists() && dir.join("message.html").exists());
    // An edited template is kept by a second run.
    std::fs::write(dir.join("registered.txt"), "Принято: {{ number }}\n").unwrap();
    let o = reglament(&["mail", "templates", d]);
    assert!(stdout(&o).contains("kept"), "{}", stdout(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("registered.txt")).unwrap(),
        "Принято: {{ number }}\n"
    );
    // A broken one is named with its line.
    std::fs::write(dir.join("status.txt"), "ok\n{% if base %}\nnever closed\n").unwrap();
    let o = reglament(&["mail", "templates", "--check", d]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("status.txt:"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bill_prices_a_csv_of_time_entries_under_the_regulations_rules_and_names_a_bad_line() {
    let dir = std::env::temp_dir().join(format!("reglament-bill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let entries = dir.join("entries.csv");
    // Echo's rate is 1 500 ₽/h, double inside its 06:00–20:00 emergency line outside office
    // hours (08:00–16:00 on working days): 17:00 on a Tuesday is double, 10:00 is not.
    std::fs::write(
        &entries,
        "ticket,activity,start,minutes\n\
         2026-000001,work,2026-11-24T10:00:00+03:00,60\n\
         2026-000002,work,2026-11-24T17:00:00+03:00,60\n\
         2026-000003,work,2026-12-01T10:00:00+03:00,60\n",
    )
    .unwrap();
    let echo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/regulations/echo.toml"
    );
    let args = |e: &std::path::Path, month: &str| {
        vec![
            "bill".to_string(),
            "--regulation".into(),
            echo.into(),
            "--entries".into(),
            e.to_str().unwrap().into(),
            "--month".into(),
            month.into(),
        ]
    };
    let run = |a: Vec<String>| reglament(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(args(&entries, "2026-11"));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("2026-000001"), "{text}");
    assert!(
        !text.contains("2026-000003"),
        "December is another month: {text}"
    );
    assert!(text.contains("Total: 4 500 ₽"), "1 500 + 3 000: {text}");
    // Bad input names the line and what was expected.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "ticket,activity,start,minutes\n2026-000001,work,2026-11-24T10:00:00+03:00,60\n2026-000002,design,2026-11-24T11:00:00+03:00,30\n",
    )
    .unwrap();
    let o = run(args(&bad, "2026-11"));
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("line 3: unknown activity `design`, expected one of: work"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&bad, "ticket,activity,minutes\n").unwrap();
    let o = run(args(&bad, "2026-11"));
    assert!(stderr(&o).contains("no column `start`"), "{}", stderr(&o));
    let o = run(args(&entries, "2026-13"));
    assert!(stderr(&o).contains("is not a month"), "{}", stderr(&o));
}

#[test]
fn bill_takes_calls_in_minutes_and_seconds_the_ticket_s_level_and_the_contract_s_price() {
    let dir = std::env::temp_dir().join(format!("reglament-bill2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("r.toml");
    std::fs::write(
        &reg,
        "[regulation]\nname = \"R\"\ntimezone = \"Europe/Moscow\"\n\
         [[levels]]\nid = \"fast\"\ntitle = \"Ускоренный\"\ntariffs = [\"Быстрый\"]\n\
         [[levels]]\nid = \"standard\"\ntitle = \"Стандартный\"\n\
         [billing.activities.work]\ntitle = \"Работы\"\nrate = 2500\nrate_by_level = { fast = 3000 }\nminimum = \"1 hour\"\nper = \"ticket\"\n\
         [billing.activities.fact]\ntitle = \"По факту\"\nrate = \"contract\"\n\
         [billing.activities.call]\ntitle = \"Звонок\"\ntiers = [ { up_to = \"5 minutes\", price = 200 } ]\nrate = 2400\nrounding = \"1 minute\"\n",
    )
    .unwrap();
    let entries = dir.join("entries.csv");
    std::fs::write(
        &entries,
        "ticket,activity,start,minutes,level\n\
         T-1,work,2026-11-24T10:00:00+03:00,20,fast\n\
         T-1,work,2026-11-24T12:00:00+03:00,20,fast\n\
         T-2,call,2026-11-24T13:00:00+03:00,4:59,\n\
         T-2,call,2026-11-24T14:00:00+03:00,5:01,\n\
         T-3,fact,2026-11-24T15:00:00+03:00,90,\n",
    )
    .unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "bill",
            "--regulation",
            reg.to_str().unwrap(),
            "--entries",
            entries.to_str().unwrap(),
            "--month",
            "2026-11",
        ];
        a.extend_from_slice(extra);
        reglament(&a)
    };
    let o = args(&[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("`fact` is priced by the contract"),
        "{}",
        stderr(&o)
    );
    let o = args(&["--contract-rate", "1800"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    // 40 minutes on T-1 are the hour per ticket at the fast level's 3 000 ₽; the 5:01 call is
    // 6 minutes at 2 400 ₽/h; 90 minutes by the contract's 1 800 ₽/h.
    assert!(
        text.contains("Total: 6 140 ₽"),
        "3 000 + 200 + 240 + 2 700: {text}"
    );
    assert!(text.contains("минимум 60 мин на обращение"), "{text}");
    let o = args(&["--contract-rate", "дорого"]);
    assert!(
        stderr(&o).contains("`--contract-rate дорого` is not a price"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        &entries,
        "ticket,activity,start,minutes\nT-1,call,2026-11-24T13:00:00+03:00,4:75\n",
    )
    .unwrap();
    let o = args(&["--contract-rate", "1800"]);
    assert!(
        stderr(&o).contains("line 2: minutes `4:75` is not a duration"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn regulation_diff_shows_what_changed_for_customers_and_exits_one_only_when_something_did() {
    let dir = std::env::temp_dir().join(format!("reglament-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/regulations/saveit.toml"
    );
    let text = std::fs::read_to_string(old).unwrap();
    let new = dir.join("new.toml");
    std::fs::write(
        &new,
        text.replace(
            "hours = { \"mon-fri\" = \"09:00-18:00\" }",
            "hours = { \"mon-fri\" = \"09:00-19:00\" }",
        )
        .replace("\nrate = 1800", "\nrate = 2000")
        .replace(
            "[channels.icq]\ntitle = \"ICQ\"\nkind = \"messenger\"\nofficial = false\n",
            "",
        ),
    )
    .unwrap();
    let o = reglament(&["regulation", "diff", old, new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    for expected in [
        "Время работы\n  ~ Рабочее время центра технической поддержки\n      was: Часы: пн–пт 09:00–18:00",
        "      now: Часы: пн–пт 09:00–19:00",
        "Каналы приёма обращений\n  - ICQ (мессенджер)",
        "Стоимость и учёт времени\n  ~ Ответ Заказчику\n      was: 1 800 ₽ в час; учитывается не менее 30 минут\n      now: 2 000 ₽ в час",
        "3 changes for customers.",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let same = reglament(&["regulation", "diff", old, old]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("No changes for customers"));
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "[regulation]\n").unwrap();
    let o = reglament(&["regulation", "diff", old, broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.toml:1:1"), "{}", stderr(&o));
}

#[test]
fn report_compliance_writes_csv_or_json_from_the_database_and_names_a_bad_month() {
    let dir = std::env::temp_dir().join(format!("reglament-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("r.db").display());
    let o = reglament(&["migrate", "--database-url", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = dir.join("c.csv");
    let o = reglament(&[
        "report",
        "compliance",
        "--month",
        "2026-11",
        "--database-url",
        &url,
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text.lines().next(),
        Some(
            "Цель,Группа,Всего,Выполнено в срок,Просрочено,В работе,Остановлено без оценки,\"Доля в срок, %\""
        )
    );
    let o = reglament(&[
        "report",
        "compliance",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-15",
        "--format",
        "json",
        "--database-url",
        &url,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (json["from"].as_str(), json["to"].as_str()),
        (Some("2026-11-01"), Some("2026-11-15"))
    );
    assert_eq!(json["rows"], serde_json::json!([]));
    let o = reglament(&[
        "report",
        "compliance",
        "--month",
        "2026-13",
        "--database-url",
        &url,
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("`2026-13` is not a month"),
        "{}",
        stderr(&o)
    );
}
