//! Test support: a fresh, migrated database per test on SQLite or PostgreSQL that is dropped
//! afterwards, [`on_both_databases!`] to run one test body on both, and [`TestApp`], the real
//! router on a real database with signed-in clients of every kind.
//!
//! PostgreSQL is reached at `REGLAMENT_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); its absence fails the test rather than
//! skipping it.

pub mod proxy;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use reglament_desk::{ContactInput, Desk, OPERATOR, OrganizationInput};
use reglament_domain::{AgentId, ContactId, OrgId, Principal, Role, TicketNumberFormat};
use reglament_regulation::Regulation;
use reglament_store::Store;
use reglament_store::directory::NewAgent;
use serde_json::Value;
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    /// A file in a fresh temporary directory.
    Sqlite,
    /// A fresh database on the test server.
    Postgres,
}

static N: AtomicU32 = AtomicU32::new(0);

fn admin_url() -> String {
    std::env::var("REGLAMENT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh migrated database, dropped when this value is.
pub struct TestDb {
    /// The store on it.
    pub store: Store,
    /// The URL it was opened with.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Database(String),
}

impl TestDb {
    /// Creates and migrates a fresh database.
    pub async fn new(db: Db) -> TestDb {
        let n = format!(
            "{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let (url, cleanup) = match db {
            Db::Sqlite => {
                let dir = std::env::temp_dir().join(format!("reglament-kit-{n}"));
                (
                    format!("sqlite:{}/db.sqlite", dir.display()),
                    Cleanup::Dir(dir),
                )
            }
            Db::Postgres => {
                let admin = Store::connect(&admin_url())
                    .await
                    .expect("PostgreSQL must be running for the tests (see .ci/run)");
                let name = format!("reglament_kit_{n}");
                reglament_store::raw_execute(&admin, &format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                admin.close().await;
                let base = admin_url()
                    .rsplit_once('/')
                    .map_or(admin_url(), |(b, _)| b.to_string());
                (format!("{base}/{name}"), Cleanup::Database(name))
            }
        };
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        TestDb {
            store,
            url,
            cleanup,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(d) => {
                let _ = std::fs::remove_dir_all(d);
            }
            // Dropping needs a connection of its own, outside the test's runtime, which may be
            // shutting down.
            Cleanup::Database(name) => {
                let name = name.clone();
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Store::connect(&admin_url()).await {
                            let _ = reglament_store::raw_execute(
                                &admin,
                                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                            )
                            .await;
                            admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Runs each named async test body, `async fn name(db: Db)`, on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn on_sqlite() {
                    super::$name($crate::Db::Sqlite).await;
                }
                #[tokio::test]
                async fn on_postgres() {
                    super::$name($crate::Db::Postgres).await;
                }
            }
        )*
    };
}

/// The real router and desk on a fresh database, with one organization per customer.
pub struct TestApp {
    /// The router, as `serve` runs it.
    pub router: axum::Router,
    /// The desk under it.
    pub desk: Desk,
    /// The database; dropped with the app.
    pub db: TestDb,
}

/// A signed-in caller of a [`TestApp`].
#[derive(Clone, Debug)]
pub struct Client {
    router: axum::Router,
    /// `Bearer …` or a cookie with its CSRF token; `None` for anonymous.
    auth: Option<Auth>,
    /// Who it is.
    pub principal: Option<Principal>,
    lang: Option<&'static str>,
}

#[derive(Clone, Debug)]
enum Auth {
    Bearer(String),
    Cookie { cookie: String, csrf: String },
}

/// A JSON answer.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The body, or its text as a JSON string when it is not JSON.
    pub body: Value,
}

impl Client {
    /// The same session without its CSRF token, as a forged cross-site request would be.
    pub fn without_csrf(mut self) -> Client {
        if let Some(Auth::Cookie { csrf, .. }) = &mut self.auth {
            csrf.clear();
        }
        self
    }

    /// The same client asking for another language.
    pub fn lang(mut self, tag: &'static str) -> Client {
        self.lang = Some(tag);
        self
    }

    /// Sends a request with an optional JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        match body {
            Some(b) => {
                self.raw(method, path, "application/json", b.to_string().into_bytes())
                    .await
            }
            None => self.raw(method, path, "", Vec::new()).await,
        }
    }

    /// Sends a request with a body of a media type (none when `content_type` is empty).
    pub async fn raw(&self, method: &str, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        match &self.auth {
            Some(Auth::Bearer(t)) => req = req.header("authorization", t),
            Some(Auth::Cookie { cookie, csrf }) => {
                req = req.header("cookie", cookie);
                if !csrf.is_empty() {
                    req = req.header("x-csrf-token", csrf);
                }
            }
            None => {}
        }
        if let Some(l) = self.lang {
            req = req.header("accept-language", l);
        }
        if !content_type.is_empty() {
            req = req.header("content-type", content_type);
        }
        let req = req.body(Body::from(body)).unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
        Answer { status, body }
    }

    /// `GET`.
    pub async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None).await
    }

    /// `POST` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call("POST", path, Some(body)).await
    }
}

/// An HTML answer: the status, the headers and the text.
#[derive(Clone, Debug)]
pub struct Page {
    /// The status.
    pub status: StatusCode,
    /// The headers, `Location` and `Set-Cookie` among them.
    pub headers: axum::http::HeaderMap,
    /// The body as text.
    pub text: String,
}

impl Page {
    /// Where a redirect goes.
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(axum::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    /// The value a `Set-Cookie` header gives a cookie.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                let first = c.split(';').next()?;
                let (k, v) = first.split_once('=')?;
                (k == name).then(|| v.to_string())
            })
    }

    /// The `value` of the first input named `name`.
    pub fn input(&self, name: &str) -> Option<String> {
        let at = self.text.find(&format!("name=\"{name}\" value=\""))?;
        let rest = &self.text[at + name.len() + 15..];
        rest.split('"').next().map(str::to_string)
    }
}

/// A part of a multipart form: a text field, or a file with its name and media type.
#[derive(Clone, Debug)]
pub enum Part<'a> {
    /// A text field.
    Text(&'a str, &'a str),
    /// A file: the field name, the file name, the media type and the content.
    File(&'a str, &'a str, &'a str, &'a [u8]),
}

/// A multipart body and its content type.
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "reglament-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match p {
            Part::Text(k, v) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(k, name, ctype, data) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(data);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Percent-encodes form fields as `application/x-www-form-urlencoded`.
pub fn urlencoded(fields: &[(&str, &str)]) -> Vec<u8> {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

impl Client {
    /// The session token of the cookie.
    pub fn session_token(&self) -> String {
        match &self.auth {
            Some(Auth::Cookie { cookie, .. }) => cookie
                .strip_prefix("reglament_session=")
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        }
    }

    /// The session's CSRF token, which pages put into their forms.
    pub fn csrf(&self) -> String {
        match &self.auth {
            Some(Auth::Cookie { csrf, .. }) => csrf.clone(),
            _ => String::new(),
        }
    }

    /// Requests a page as a browser would: the session cookie (and `extra_cookie`), never the
    /// API's CSRF header.
    pub async fn browse(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        extra_cookie: Option<&str>,
    ) -> Page {
        let mut req = Request::builder().method(method).uri(path);
        let mut cookies = Vec::new();
        if let Some(Auth::Cookie { cookie, .. }) = &self.auth {
            cookies.push(cookie.clone());
        }
        cookies.extend(extra_cookie.map(str::to_string));
        if !cookies.is_empty() {
            req = req.header("cookie", cookies.join("; "));
        }
        if let Some(l) = self.lang {
            req = req.header("accept-language", l);
        }
        if !content_type.is_empty() {
            req = req.header("content-type", content_type);
        }
        let req = req
            .header("host", "127.0.0.1")
            .body(Body::from(body))
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Requests a page and reads only its status and headers, for a stream that never ends.
    pub async fn peek(&self, method: &str, path: &str) -> (StatusCode, axum::http::HeaderMap) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(Auth::Cookie { cookie, .. }) = &self.auth {
            req = req.header("cookie", cookie);
        }
        let req = req.header("host", "127.0.0.1").body(Body::empty()).unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        (resp.status(), resp.headers().clone())
    }

    /// `GET` a page.
    pub async fn page(&self, path: &str) -> Page {
        self.browse("GET", path, "", Vec::new(), None).await
    }

    /// Posts a multipart form, as the ticket and filing forms send.
    pub async fn submit(&self, path: &str, parts: &[Part<'_>]) -> Page {
        let (ctype, body) = multipart(parts);
        self.browse("POST", path, &ctype, body, None).await
    }
}

impl TestApp {
    /// The app on a fresh database under a regulation's text.
    pub async fn spawn(db: Db, regulation: &str) -> TestApp {
        let db = TestDb::new(db).await;
        let reg = Regulation::parse(regulation).expect("the test regulation parses");
        let desk = Desk::new(
            db.store.clone(),
            Arc::new(reg),
            Arc::new(TicketNumberFormat::default()),
        )
        .with_source(regulation);
        let router = reglament_web::router(reglament_web::AppState::new(desk.clone()));
        TestApp { router, desk, db }
    }

    /// The same desk fixed at an instant, for intake rules that depend on the hour.
    pub fn at(mut self, now: &str) -> TestApp {
        let t: jiff::Timestamp = now.parse().expect("an RFC 3339 instant");
        self.desk = self.desk.clone().with_clock(Arc::new(move || t));
        self.router = reglament_web::router(reglament_web::AppState::new(self.desk.clone()));
        self
    }

    /// The same app with its desk on `store` — another pool on the same database, such as one
    /// through a [`proxy::FaultProxy`] — and the server's settings changed by `configure`.
    /// Set-up calls that name `db.store` still go to the database directly.
    pub fn on_store(
        mut self,
        store: Store,
        configure: impl FnOnce(reglament_web::AppState) -> reglament_web::AppState,
    ) -> TestApp {
        self.desk = self.desk.clone().with_store(store);
        self.router =
            reglament_web::router(configure(reglament_web::AppState::new(self.desk.clone())));
        self
    }

    /// The desk on a clock fixed at an instant, sharing this app's database.
    pub fn desk_at(&self, now: &str) -> Desk {
        let t: jiff::Timestamp = now.parse().expect("an RFC 3339 instant");
        self.desk.clone().with_clock(Arc::new(move || t))
    }

    /// A client sending a bearer token as it is, such as a revoked or invented one.
    pub fn bearer(&self, token: &str) -> Client {
        Client {
            router: self.router.clone(),
            auth: Some(Auth::Bearer(format!("Bearer {token}"))),
            principal: None,
            lang: None,
        }
    }

    /// A client without credentials.
    pub fn anonymous(&self) -> Client {
        Client {
            router: self.router.clone(),
            auth: None,
            principal: None,
            lang: None,
        }
    }

    async fn session(&self, p: Principal) -> Client {
        let (token, session) = self
            .db
            .store
            .create_session(
                p,
                jiff::Timestamp::now(),
                jiff::SignedDuration::from_hours(1),
            )
            .await
            .unwrap();
        Client {
            router: self.router.clone(),
            auth: Some(Auth::Cookie {
                cookie: format!("reglament_session={}", token.expose()),
                csrf: session.csrf.expose().to_string(),
            }),
            principal: Some(p),
            lang: None,
        }
    }

    /// A new agent of a role, signed in with a session.
    pub async fn as_agent(&self, role: Role, line: Option<&str>) -> Client {
        let n = N.fetch_add(1, Ordering::SeqCst);
        let id = self
            .db
            .store
            .create_agent(&NewAgent {
                full_name: format!("Агент {n}"),
                email: format!("agent{n}@support.test").parse().unwrap(),
                role,
                line: line.map(str::to_string),
            })
            .await
            .unwrap();
        self.session(Principal::Agent(id, role)).await
    }

    /// A new organization with one contact (trusted, owner when asked), signed in.
    pub async fn as_customer(&self, trusted: bool, owner: bool) -> Client {
        let (org, contact) = self.organization_with_contact(trusted, owner).await;
        self.session(Principal::Contact(contact, org)).await
    }

    /// Another contact of an organization (trusted; its owner when asked), signed in.
    pub async fn as_colleague(&self, org: OrgId, owner: bool) -> Client {
        let n = N.fetch_add(1, Ordering::SeqCst);
        let contact = self
            .db
            .store
            .create_contact(&reglament_store::directory::NewContact {
                organization: org,
                full_name: format!("Коллега {n}"),
                position: Some("Инженер".into()),
                phone: Some("+7 900 000-00-00".into()),
                email: format!("colleague{n}@client.test").parse().unwrap(),
                trusted: true,
                owner,
            })
            .await
            .unwrap();
        self.session(Principal::Contact(contact, org)).await
    }

    /// A new organization and its contact, with a phone and a position.
    pub async fn organization_with_contact(
        &self,
        trusted: bool,
        owner: bool,
    ) -> (OrgId, ContactId) {
        let n = N.fetch_add(1, Ordering::SeqCst);
        let org = self
            .desk
            .create_organization(
                OPERATOR,
                OrganizationInput {
                    name: format!("ООО «Клиент {n}»"),
                    contract_number: Some(format!("ТП-{n}")),
                    state_contract_number: Some(format!("ГК-{n}")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let contact = self
            .desk
            .create_contact(
                OPERATOR,
                OrgId(org.id),
                ContactInput {
                    full_name: format!("Клиент {n}"),
                    position: Some("Инженер".into()),
                    phone: Some("+7 495 000-00-00".into()),
                    email: format!("client{n}@customer.test"),
                    trusted,
                    owner,
                    password: None,
                },
            )
            .await
            .unwrap();
        (OrgId(org.id), contact.id)
    }

    /// A new organization's contact and their address, for tests that write mail as them.
    pub async fn contact_with_email(&self) -> (OrgId, ContactId, String) {
        let (org, contact) = self.organization_with_contact(true, false).await;
        let email = self
            .db
            .store
            .contact(contact)
            .await
            .unwrap()
            .email
            .as_str()
            .to_string();
        (org, contact, email)
    }

    /// A new API token of a role.
    pub async fn as_token(&self, role: Role) -> Client {
        let (id, token) = self
            .db
            .store
            .create_api_token("test", role, jiff::Timestamp::now())
            .await
            .unwrap();
        Client {
            router: self.router.clone(),
            auth: Some(Auth::Bearer(format!("Bearer {}", token.expose()))),
            principal: Some(Principal::Token(reglament_domain::TokenId(id), role)),
            lang: None,
        }
    }

    /// The agent id of an agent client.
    pub fn agent_id(c: &Client) -> AgentId {
        match c.principal {
            Some(Principal::Agent(a, _)) => a,
            other => panic!("not an agent: {other:?}"),
        }
    }
}
