//! The whole flow in real headless Chromium, driven through ChromeDriver: a customer signs in at
//! `/` and files a ticket with a screenshot; an agent finds it in the queue by keyboard alone,
//! sees its deadline, replies and completes it; the customer confirms and rates it, and it is
//! closed. On the way the language is switched, no page logs a console error, axe-core finds no
//! serious or critical violation, and every main page is saved as a screenshot under
//! `target/screenshots/` to be looked at.
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver` and `npm install` in
//! `crates/web/tests/browser/` (the test command does all three); without them the test fails
//! and says what is missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use reglament_desk::{AgentInput, ContactInput, OPERATOR, OrganizationInput};
use reglament_domain::OrgId;
use reglament_testkit::{Db, TestApp, on_both_databases};
use serde_json::{Value, json};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// ChromeDriver on a free local port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn chromedriver() -> Driver {
    for bin in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        assert!(
            Path::new(bin).exists(),
            "{bin} is missing: apt-get install chromium chromium-driver (./scripts/test does)"
        );
    }
    let port = free_port();
    let driver = Driver {
        child: Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
        port,
    };
    // At most five seconds for it to listen; the driver is stopped when dropped, even here.
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not listen on 127.0.0.1:{port}");
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=ru-RU"],
            "prefs": { "intl.accept_languages": "ru-RU,ru" }
        }),
    );
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a ChromeDriver session")
}

/// ChromeDriver's browser log: what the pages wrote to the console, CSP violations included.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// Fails on any console message of level SEVERE since the last call.
async fn no_console_errors(c: &Client, page: &str) {
    let log = c.issue_cmd(BrowserLog).await.expect("the browser log");
    let errors: Vec<&Value> = log
        .as_array()
        .map(|a| a.iter().filter(|e| e["level"] == "SEVERE").collect())
        .unwrap_or_default();
    assert!(
        errors.is_empty(),
        "{page} logged console errors: {errors:?}"
    );
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(c: &Client, db: Db, name: &str) {
    let png = c.screenshot().await.expect("a screenshot");
    std::fs::write(
        screenshots().join(format!("{name}-{db:?}.png").to_lowercase()),
        png,
    )
    .unwrap();
}

/// Runs axe-core on the page and fails on serious or critical violations.
async fn accessible(c: &Client, page: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `npm install` in crates/web/tests/browser (./scripts/test does)",
            path.display()
        )
    });
    c.execute(&axe, vec![]).await.expect("axe-core loads");
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))))
                .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e) }]));",
            vec![],
        )
        .await
        .expect("axe-core runs");
    let bad: Vec<&Value> = result
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["impact"] == "serious" || v["impact"] == "critical")
        .collect();
    assert!(bad.is_empty(), "{page}: accessibility violations {bad:#?}");
}

/// Waits (at most ten seconds) until the page is at a path: a click's navigation finishes on
/// its own time.
async fn until_path(c: &Client, path: &str) {
    let mut at = String::new();
    for _ in 0..200 {
        at = c.current_url().await.unwrap().path().to_string();
        if at == path && ready(c).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the browser stayed at {at}, not {path}");
}

async fn ready(c: &Client) -> bool {
    c.execute("return document.readyState", vec![])
        .await
        .is_ok_and(|v| v == "complete")
}

/// Waits (at most ten seconds) until the page's text has `needle`, and returns the text.
async fn until_text(c: &Client, needle: &str) -> String {
    let mut body = String::new();
    for _ in 0..200 {
        if ready(c).await
            && let Ok(b) = c.find(Locator::Css("body")).await
        {
            body = b.text().await.unwrap_or_default();
            if body.contains(needle) {
                return body;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page never said {needle:?}: {body}");
}

async fn sign_in(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/")).await.unwrap();
    type_into(c, "email", email).await;
    type_into(c, "password", password).await;
    click(
        c,
        Locator::Css("form[action='/sign-in'] button[type=submit]"),
    )
    .await;
}

async fn sign_out(c: &Client) {
    click(c, Locator::Css("form[action='/sign-out'] button")).await;
    until_path(c, "/").await;
}

async fn click(c: &Client, what: Locator<'_>) {
    c.find(what).await.unwrap().click().await.unwrap();
}

async fn type_into(c: &Client, id: &str, text: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn press(c: &Client, key: &str) {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
}

async fn a_ticket_goes_from_filing_to_closing_in_a_real_browser(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let org = app
        .desk
        .create_organization(
            OPERATOR,
            OrganizationInput {
                name: "ООО «Ромашка»".into(),
                contract_number: Some("ТП-7".into()),
                state_contract_number: Some("ГК-7".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let olga = app
        .desk
        .create_contact(
            OPERATOR,
            OrgId(org.id),
            ContactInput {
                full_name: "Ольга Петрова".into(),
                position: Some("Бухгалтер".into()),
                phone: Some("+7 495 000-00-07".into()),
                email: "olga@romashka.test".into(),
                trusted: true,
                owner: true,
                password: Some("customer-pass-1".into()),
            },
        )
        .await
        .unwrap();
    app.desk
        .create_agent(
            OPERATOR,
            AgentInput {
                full_name: "Анна Смирнова".into(),
                email: "anna@support.test".into(),
                role: "agent".into(),
                line: None,
                password: Some("agent-pass-1".into()),
            },
        )
        .await
        .unwrap();
    app.desk
        .create_agent(
            OPERATOR,
            AgentInput {
                full_name: "Борис Руководитель".into(),
                email: "boris@support.test".into(),
                role: "admin".into(),
                line: None,
                password: Some("admin-pass-1".into()),
            },
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });

    let driver = chromedriver().await;
    let c = browser(&driver).await;

    // The customer signs in and files a ticket with a screenshot.
    c.goto(&format!("{base}/")).await.unwrap();
    screenshot(&c, db, "01-sign-in").await;
    accessible(&c, "sign-in").await;
    sign_in(&c, &base, "olga@romashka.test", "customer-pass-1").await;
    until_path(&c, "/portal").await;
    click(&c, Locator::LinkText("Новая заявка")).await;
    until_path(&c, "/portal/new").await;
    screenshot(&c, db, "02-new-ticket").await;
    accessible(&c, "new ticket").await;
    type_into(&c, "subject", "Не открывается отчёт по продажам").await;
    type_into(&c, "description", "После входа белый экран, ошибка 500.").await;
    let shot = std::env::temp_dir().join(format!("reglament-screen-{}.png", std::process::id()));
    std::fs::write(&shot, PNG).unwrap();
    type_into(&c, "files", shot.to_str().unwrap()).await;
    click(&c, Locator::Css("form.intake button[type=submit]")).await;
    let body = until_text(&c, "Заявка принята.").await;
    assert!(body.contains("screen"), "{body}");
    let ticket_path = c.current_url().await.unwrap().path().to_string();
    screenshot(&c, db, "03-ticket-customer").await;
    accessible(&c, "customer's ticket").await;
    no_console_errors(&c, "the customer's pages").await;
    sign_out(&c).await;

    // The agent finds it in the queue by keyboard, with its deadline, and opens it.
    sign_in(&c, &base, "anna@support.test", "agent-pass-1").await;
    until_path(&c, "/queue").await;
    let queue = until_text(&c, "Не открывается отчёт по продажам").await;
    assert!(queue.contains("ООО «Ромашка»"));
    assert!(
        c.find(Locator::Css("tr.row-ok .urgency")).await.is_ok(),
        "the row shows the working time left"
    );
    screenshot(&c, db, "04-queue").await;
    accessible(&c, "queue").await;
    // A ticket filed meanwhile appears in the open queue without a reload.
    app.desk
        .open_ticket(
            reglament_domain::Principal::Contact(olga.id, OrgId(org.id)),
            reglament_desk::Request::new("Вопрос по договору", "Когда продление?"),
            reglament_desk::Lang::Ru,
        )
        .await
        .unwrap();
    until_text(&c, "Вопрос по договору").await;
    assert!(
        c.find(Locator::Css("#live-status"))
            .await
            .unwrap()
            .text()
            .await
            .is_ok(),
        "the update is announced to screen readers"
    );
    press(&c, "?").await;
    assert!(
        c.find(Locator::Css("dialog#keys[open]")).await.is_ok(),
        "? opens the list of keys"
    );
    press(&c, "\u{e00c}").await; // Escape closes it.
    press(&c, "j").await;
    press(&c, "\u{e007}").await; // Enter.
    until_path(&c, &ticket_path).await;
    let page = until_text(&c, "Сроки").await;
    assert!(page.contains("Ольга Петрова"), "{page}");
    click(&c, Locator::Css(".clock details summary")).await;
    until_text(&c, "Норматив").await;
    screenshot(&c, db, "05-ticket-agent").await;
    accessible(&c, "agent's ticket").await;
    // `r` goes to the reply.
    press(&c, "r").await;
    let active = c.active_element().await.unwrap();
    assert_eq!(
        active.attr("id").await.unwrap().as_deref(),
        Some("reply-body")
    );
    active
        .send_keys("Исправили отчёт, проверьте, пожалуйста.")
        .await
        .unwrap();
    click(&c, Locator::Css("button[name=op][value=reply]")).await;
    until_text(&c, "Ответ отправлен.").await;
    click(&c, Locator::Css("#a-status option[value=completed]")).await;
    click(&c, Locator::Css("button[name=op][value=status]")).await;
    until_text(&c, "Статус изменён.").await;
    // The directory, as an agent sees it.
    c.goto(&format!("{base}/admin")).await.unwrap();
    until_text(&c, "ООО «Ромашка»").await;
    screenshot(&c, db, "09-admin-organizations").await;
    accessible(&c, "admin organizations").await;
    c.goto(&format!("{base}/admin/agents")).await.unwrap();
    until_text(&c, "Анна Смирнова").await;
    accessible(&c, "admin agents").await;
    // The compliance report counts the ticket just completed as met.
    c.goto(&format!("{base}/reports")).await.unwrap();
    let page = until_text(&c, "Соблюдение сроков").await;
    assert!(page.contains("Просрочек нет."), "{page}");
    screenshot(&c, db, "11-reports").await;
    c.execute(
        "document.querySelector('.histograms').scrollIntoView()",
        vec![],
    )
    .await
    .expect("scrolls to the times");
    screenshot(&c, db, "12-reports-times").await;
    accessible(&c, "reports").await;
    no_console_errors(&c, "the agent's pages").await;
    sign_out(&c).await;

    // The customer confirms and rates; the ticket is closed.
    sign_in(&c, &base, "olga@romashka.test", "customer-pass-1").await;
    until_path(&c, "/portal").await;
    c.goto(&format!("{base}{ticket_path}")).await.unwrap();
    until_text(&c, "Исправили отчёт").await;
    click(&c, Locator::Css("button[name=op][value=confirm]")).await;
    until_text(&c, "Спасибо! Выполнение подтверждено.").await;
    click(&c, Locator::Css("label[for=stars-5]")).await;
    type_into(&c, "rate-comment", "Спасибо, быстро").await;
    click(&c, Locator::Css("button[name=op][value=rate]")).await;
    let page = until_text(&c, "Спасибо за оценку.").await;
    assert!(page.contains("Закрыта"), "{page}");
    assert!(page.contains("Оценка: 5 звёзд"), "{page}");
    screenshot(&c, db, "06-ticket-closed").await;

    // English, by the switcher.
    click(&c, Locator::Css("a.lang")).await;
    let page = until_text(&c, "History").await;
    assert!(page.contains("Sign out"), "{page}");
    c.goto(&format!("{base}/portal")).await.unwrap();
    screenshot(&c, db, "07-portal-en").await;
    accessible(&c, "portal").await;
    c.goto(&format!("{base}/regulation")).await.unwrap();
    screenshot(&c, db, "08-regulation").await;
    accessible(&c, "regulation").await;
    no_console_errors(&c, "the closing pages").await;
    sign_out(&c).await;

    // An administrator's directory: the forms to change it, and the mail quarantine.
    sign_in(&c, &base, "boris@support.test", "admin-pass-1").await;
    until_path(&c, "/queue").await;
    c.goto(&format!("{base}/admin/organizations/{}", org.id))
        .await
        .unwrap();
    until_text(&c, "Ольга Петрова").await;
    screenshot(&c, db, "10-admin-organization").await;
    accessible(&c, "admin organization").await;
    c.goto(&format!("{base}/admin/mail")).await.unwrap();
    until_text(&c, "quarantine").await;
    screenshot(&c, db, "11-admin-mail").await;
    accessible(&c, "admin mail").await;
    no_console_errors(&c, "the admin's pages").await;
    c.close().await.unwrap();
    let _ = std::fs::remove_file(shot);
}

on_both_databases!(a_ticket_goes_from_filing_to_closing_in_a_real_browser);
