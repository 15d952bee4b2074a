//! Mail from end to end, with real processes: `reglament serve --demo` delivering its outbox over
//! SMTP to an aiosmtpd sink, and each customer message piped into `reglament mail ingest` as an
//! MTA does. A customer writes in windows-1251 and gets the acknowledgment; replies to it, and
//! the reply joins; the agent's answer reaches them with the number in the subject; the agent
//! completes the ticket, and the customer confirms it by the link in the mail, signed out.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

use support::{serve_in_fresh_dir, smtp_sink, spawn_on_own_port};

/// A message as a Windows mail client in Russian writes it: windows-1251, 8-bit.
fn cp1251_message(id: &str, subject: &str, in_reply_to: Option<&str>, body: &str) -> Vec<u8> {
    let (encoded_subject, _, _) = encoding_rs::WINDOWS_1251.encode(subject);
    let b64 = |b: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let (name, _, _) = encoding_rs::WINDOWS_1251.encode("Иван Клиентов");
    let mut head = format!(
        "From: =?windows-1251?B?{}?= <client@romashka.ru>\r\nTo: support@demo.test\r\n\
         Subject: =?windows-1251?B?{}?=\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n",
        b64(&name),
        b64(&encoded_subject)
    );
    if let Some(r) = in_reply_to {
        head.push_str(&format!("In-Reply-To: <{r}>\r\nReferences: <{r}>\r\n"));
    }
    head.push_str("\r\n");
    let (body, _, _) = encoding_rs::WINDOWS_1251.encode(body);
    let mut raw = head.into_bytes();
    raw.extend_from_slice(&body);
    raw
}

/// `reglament mail ingest` in the server's directory, with the message on stdin.
fn ingest(dir: &std::path::Path, raw: &[u8]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["mail", "ingest"])
        .current_dir(dir)
        .env_remove("REGLAMENT_DATABASE__URL")
        .env_remove("REGLAMENT_SERVER__REGULATION")
        .env("REGLAMENT_MAIL__FROM", "support@demo.test")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits (at most twenty seconds) for a message to the customer that `matches`.
fn wait_for(
    maildir: &std::path::Path,
    what: &str,
    matches: impl Fn(&reglament_mail::Inbound) -> bool,
) -> reglament_mail::Inbound {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Ok(entries) = std::fs::read_dir(maildir.join("new")) {
            for e in entries.flatten() {
                let Ok(raw) = std::fs::read(e.path()) else {
                    continue;
                };
                if let Ok(m) = reglament_mail::parse(&raw)
                    && m.to.iter().any(|t| t.email == "client@romashka.ru")
                    && matches(&m)
                {
                    return m;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no {what} reached the customer");
}

fn session(
    http: &reqwest::blocking::Client,
    base: &str,
    email: &str,
    password: &str,
) -> (String, String) {
    let r = http
        .post(format!("{base}/api/v1/session"))
        .header("content-type", "application/json")
        .body(format!(r#"{{"email":"{email}","password":"{password}"}}"#))
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
    let body: serde_json::Value = serde_json::from_str(&r.text().unwrap()).unwrap();
    (cookie, body["csrf"].as_str().unwrap().to_string())
}

#[test]
fn a_customer_writes_in_windows_1251_replies_gets_the_answer_and_confirms_by_the_link() {
    let (mut command, dir) = serve_in_fresh_dir("mail-e2e");
    let maildir = dir.join("maildir");
    let (_sink, port) = smtp_sink(&maildir);
    command
        .arg("--demo")
        .env("REGLAMENT_MAIL__FROM", "support@demo.test")
        .env("REGLAMENT_MAIL__SMTP__HOST", "127.0.0.1")
        .env("REGLAMENT_MAIL__SMTP__PORT", port.to_string())
        .env("REGLAMENT_MAIL__SMTP__SECURITY", "none");
    let (_server, http_port) = spawn_on_own_port(command);
    let base = format!("http://127.0.0.1:{http_port}");
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // 1. The customer writes, copying a colleague; the message opens a ticket and the
    // acknowledgment comes back to both.
    let subject = "Не открывается отчёт по продажам";
    let mut with_copy = cp1251_message(
        "e2e-1@romashka.ru",
        subject,
        None,
        "Здравствуйте! После обновления отчёт по продажам не открывается.\r\n",
    );
    let at = with_copy
        .windows(2)
        .position(|w| w == b"\r\n")
        .expect("a first header line")
        + 2;
    with_copy.splice(at..at, b"Cc: boss@romashka.ru\r\n".iter().copied());
    let out = ingest(&dir, &with_copy);
    let ticket: i64 = out
        .trim()
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no ticket opened: {out}"));
    let ack = wait_for(&maildir, "acknowledgment", |m| {
        m.subject.contains(subject) && m.text.contains("зарегистрировано")
    });
    assert!(ack.subject.starts_with("[Заявка #"), "{}", ack.subject);
    assert_eq!(ack.in_reply_to, vec!["e2e-1@romashka.ru"]);
    assert_eq!(
        ack.cc.iter().map(|a| a.email.as_str()).collect::<Vec<_>>(),
        ["boss@romashka.ru"]
    );
    // The copy went in an envelope of its own: the sink holds the acknowledgment twice.
    let start = Instant::now();
    let copies = loop {
        let n = std::fs::read_dir(maildir.join("new"))
            .map(|d| {
                d.flatten()
                    .filter_map(|e| std::fs::read(e.path()).ok())
                    .filter_map(|raw| reglament_mail::parse(&raw).ok())
                    .filter(|m| m.message_id == ack.message_id)
                    .count()
            })
            .unwrap_or(0);
        if n >= 2 || start.elapsed() > Duration::from_secs(10) {
            break n;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(copies, 2, "one delivery to the customer, one to the copy");
    let number = ack.subject["[Заявка #".len()..]
        .split(']')
        .next()
        .unwrap()
        .to_string();

    // 2. The customer replies to the acknowledgment; the reply joins the ticket.
    let out = ingest(
        &dir,
        &cp1251_message(
            "e2e-2@romashka.ru",
            &format!("Re: {}", ack.subject),
            ack.message_id.as_deref(),
            "Прикладываю подробности: ошибка 500.\r\n\r\n> Ваше обращение зарегистрировано.\r\n",
        ),
    );
    assert_eq!(out.trim(), format!("inbound #2: joined ticket {ticket}"));

    // 3. The agent answers; the customer gets it with the number in the subject.
    let (cookie, csrf) = session(&http, &base, "supervisor@reglament.local", "demo-super-1");
    let act = |body: &str| {
        let r = http
            .post(format!("{base}/api/v1/tickets/{ticket}/actions"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{body}: {}", r.text().unwrap());
    };
    act(r#"{"action":"reply","body":"Исправили права на отчёт, проверьте, пожалуйста."}"#);
    let answer = wait_for(&maildir, "agent's answer", |m| {
        m.text.contains("Исправили права")
    });
    assert!(
        answer.subject.contains(&format!("[Заявка #{number}]")),
        "{}",
        answer.subject
    );
    assert_eq!(answer.automatic, None, "a person's reply");
    assert!(
        answer
            .text
            .contains("> Прикладываю подробности: ошибка 500."),
        "the history is quoted: {}",
        answer.text
    );

    // 4. Completed; the customer confirms by the link, signed out.
    act(r#"{"action":"status","status":"completed"}"#);
    let done = wait_for(&maildir, "completion mail", |m| {
        m.text.contains("Подтвердить выполнение")
    });
    let link = done
        .text
        .lines()
        .find_map(|l| l.strip_prefix("Подтвердить выполнение: "))
        .expect("a confirm link")
        .to_string();
    assert!(link.starts_with(&format!("{base}/m/")), "{link}");
    let page = http.get(&link).send().unwrap();
    assert_eq!(page.status(), 200);
    let form_cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .find(|c| c.starts_with("reglament_form="))
        .expect("the form's cookie");
    let html = page.text().unwrap();
    let form_token = html
        .split("name=\"form_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the form's token")
        .to_string();
    let action = link.split('?').next().unwrap();
    let confirmed = http
        .post(action)
        .header("cookie", &form_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("form_token={form_token}&op=confirm"))
        .send()
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(
        confirmed
            .text()
            .unwrap()
            .contains("Выполнение подтверждено")
    );
    let view: serde_json::Value = serde_json::from_str(
        &http
            .get(format!("{base}/api/v1/tickets/{ticket}"))
            .header("cookie", &cookie)
            .send()
            .unwrap()
            .text()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(view["status"], "closed", "{view}");
    let _ = std::fs::remove_dir_all(&dir);
}
