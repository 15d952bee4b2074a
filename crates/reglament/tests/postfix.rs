//! A real Postfix (Debian `postfix`, which `.ci/run` installs) on 127.0.0.1, delivering the
//! support address through the pipe transport of `docs/mail/postfix.md` into
//! `reglament mail ingest`, on SQLite and on PostgreSQL: each message a client sends by SMTP
//! becomes a ticket once — the same message sent twice too — and leaves Postfix's queue.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{Killed, free_port, serve_in_fresh_dir, spawn_on_own_port};

fn until(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn run(command: &mut Command) -> String {
    let o = command.output().unwrap();
    assert!(
        o.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A Postfix instance, stopped (its master and every daemon) when dropped, even when the test
/// panics.
struct Postfix {
    conf: std::path::PathBuf,
    _foreground: Killed,
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(&self.conf)
            .arg("abort")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A Postfix instance of its own: configuration, queue and data in `dir`, its SMTP server on
/// `port`, mail for `support.test` handed to `ingest` (the pipe transport's `argv`) in `cwd`.
fn postfix(dir: &Path, port: u16, cwd: &Path, ingest: &str) -> Postfix {
    let conf = dir.join("conf");
    for d in ["conf", "queue", "data"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    run(Command::new("chown").arg("postfix").arg(dir.join("data")));
    let d = dir.display();
    std::fs::write(
        conf.join("main.cf"),
        format!(
            "compatibility_level = 3.6\nqueue_directory = {d}/queue\ndata_directory = {d}/data\n\
             mail_owner = postfix\nsetgid_group = postdrop\ninet_interfaces = 127.0.0.1\n\
             inet_protocols = ipv4\nmyhostname = mx.support.test\nmydestination = support.test\n\
             mynetworks = 127.0.0.0/8\nrelay_domains =\nalias_maps =\nalias_database =\n\
             local_recipient_maps =\nlocal_transport = reglament\n\
             default_transport = error:nothing leaves this test\nmaillog_file = /dev/stdout\n\
             smtpd_recipient_restrictions = permit_mynetworks, reject\n"
        ),
    )
    .unwrap();
    // The pipe transport as docs/mail/postfix.md has it; `nobody` here, and the server's
    // directory to start in.
    std::fs::write(
        conf.join("master.cf"),
        format!(
            "127.0.0.1:{port} inet n - n - - smtpd\n\
             pickup unix n - n 60 1 pickup\ncleanup unix n - n - 0 cleanup\n\
             qmgr unix n - n 300 1 qmgr\nrewrite unix - - n - - trivial-rewrite\n\
             bounce unix - - n - 0 bounce\ndefer unix - - n - 0 bounce\n\
             trace unix - - n - 0 bounce\nverify unix - - n - 1 verify\n\
             flush unix n - n 1000? 0 flush\nproxymap unix - - n - - proxymap\n\
             showq unix n - n - - showq\nerror unix - - n - - error\n\
             retry unix - - n - - error\ndiscard unix - - n - - discard\n\
             anvil unix - - n - 1 anvil\nscache unix - - n - 1 scache\n\
             postlog unix-dgram n - n - 1 postlogd\n\
             reglament unix - n n - 2 pipe\n  flags=Rq user=nobody directory={} argv={ingest}\n",
            cwd.display()
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("postfix.log")).unwrap();
    let foreground = Killed(
        Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(&conf)
            .arg("start-fg")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let postfix = Postfix {
        conf,
        _foreground: foreground,
    };
    until("postfix to listen", 20, || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    postfix
}

/// Sends messages to Postfix by SMTP, as a mail client would (Python's `smtplib`).
fn send(port: u16, messages: &[Vec<u8>]) {
    let script = "import smtplib, sys\n\
                  port = int(sys.argv[1])\n\
                  for path in sys.argv[2:]:\n\
                  \x20   with smtplib.SMTP('127.0.0.1', port) as s:\n\
                  \x20       s.sendmail('client@romashka.ru', ['help@support.test'], open(path, 'rb').read())\n";
    let dir = std::env::temp_dir().join(format!(
        "reglament-postfix-out-{}-{port}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let p = dir.join(format!("{i}.eml"));
        std::fs::write(&p, m).unwrap();
        paths.push(p);
    }
    run(Command::new("python3")
        .args(["-c", script, &port.to_string()])
        .args(&paths));
}

fn message(id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: Иван Клиентов <client@romashka.ru>\r\nTo: help@support.test\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode("Здравствуйте! Не работает выгрузка.")
        }
    )
    .into_bytes()
}

/// A message from the Windows mail client of a Russian office: windows-1251, 8-bit.
fn cp1251(id: &str, subject: &str) -> Vec<u8> {
    let (subject, _, _) = encoding_rs::WINDOWS_1251.encode(subject);
    let (body, _, _) = encoding_rs::WINDOWS_1251.encode("Отчёт не открывается.\r\n");
    let mut raw = b"From: client@romashka.ru\r\nTo: help@support.test\r\nSubject: ".to_vec();
    raw.extend_from_slice(&subject);
    raw.extend_from_slice(
        format!("\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").as_bytes(),
    );
    raw.extend_from_slice(&body);
    raw
}

/// The subjects of the tickets the demo agent sees.
fn subjects(base: &str) -> Vec<String> {
    let http = reqwest::blocking::Client::new();
    let r = http
        .post(format!("{base}/api/v1/session"))
        .header("content-type", "application/json")
        .body(r#"{"email":"agent@reglament.local","password":"demo-agent-1"}"#)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .find(|c| c.starts_with("reglament_session="))
        .unwrap();
    let text = http
        .get(format!("{base}/api/v1/tickets?include_closed=true"))
        .header("cookie", cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let q: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut s: Vec<String> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap().to_string())
        .collect();
    s.sort();
    s
}

fn through_postfix(database_url: Option<String>) {
    assert!(
        Path::new("/usr/sbin/postfix").exists(),
        "/usr/sbin/postfix is missing: apt-get install postfix (.ci/run does)"
    );
    let tag = if database_url.is_some() {
        "postfix-pg"
    } else {
        "postfix-sqlite"
    };
    let (mut command, dir) = serve_in_fresh_dir(tag);
    command.arg("--demo");
    if let Some(url) = &database_url {
        command.args(["--database-url", url]);
    }
    let (_server, http_port) = spawn_on_own_port(command);
    let base = format!("http://127.0.0.1:{http_port}");
    // The pipe runs as `nobody`: it needs the binary, and for SQLite the database, readable
    // and writable.
    let bin = dir.join("reglament");
    std::fs::copy(env!("CARGO_BIN_EXE_reglament"), &bin).unwrap();
    run(Command::new("chmod").args(["-R", "a+rwX"]).arg(&dir));
    let mut ingest = format!("{} mail ingest", bin.display());
    if let Some(url) = &database_url {
        ingest.push_str(&format!(" --database-url {url}"));
    }
    let port = free_port();
    let _postfix = postfix(&dir.join("postfix"), port, &dir, &ingest);

    let first = message("pf-1@romashka.ru", "Не работает выгрузка");
    send(
        port,
        &[
            first.clone(),
            cp1251("pf-2@romashka.ru", "Отчёт по продажам"),
            // A client that retries after a lost reply: the same message again.
            first,
        ],
    );
    let ours = |s: &[String]| {
        ["Не работает выгрузка", "Отчёт по продажам"]
            .map(|want| s.iter().filter(|x| *x == want).count())
    };
    until("both tickets", 30, || ours(&subjects(&base)) == [1, 1]);
    until("Postfix's queue to empty", 30, || {
        run(Command::new("/usr/sbin/postqueue")
            .arg("-c")
            .arg(dir.join("postfix/conf"))
            .arg("-p"))
        .contains("Mail queue is empty")
    });
    // Each delivery went through the pipe, and Postfix logged what `mail ingest` said.
    let log = std::fs::read_to_string(dir.join("postfix/postfix.log")).unwrap();
    let delivered: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("relay=reglament") && l.contains("status=sent"))
        .collect();
    assert_eq!(delivered.len(), 3, "{log}");
    assert_eq!(
        delivered
            .iter()
            .filter(|l| l.contains(": opened ticket "))
            .count(),
        2,
        "{log}"
    );
    assert_eq!(
        delivered
            .iter()
            .filter(|l| l.contains("a duplicate of a stored message"))
            .count(),
        1,
        "{log}"
    );
    // The retry made no third ticket.
    assert_eq!(ours(&subjects(&base)), [1, 1]);
}

#[test]
fn mail_sent_through_postfix_becomes_tickets_once_on_sqlite() {
    through_postfix(None);
}

#[test]
fn mail_sent_through_postfix_becomes_tickets_once_on_postgres() {
    let admin = std::env::var("REGLAMENT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let db = format!("reglament_postfix_{}", std::process::id());
    let psql = |sql: &str| {
        run(Command::new("psql")
            .args([admin.as_str(), "-qAtc", sql])
            .stdout(Stdio::piped()))
    };
    psql(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    psql(&format!("CREATE DATABASE {db}"));
    let url = format!("{}/{db}", admin.rsplit_once('/').unwrap().0);
    through_postfix(Some(url));
    psql(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
}
