//! What the benchmarks share: a scratch database on SQLite or PostgreSQL, and the real server
//! started on it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A scratch database for the bench `name`: a file in a fresh directory, or a fresh database on
/// the test PostgreSQL (`REGLAMENT_TEST_POSTGRES`).
pub async fn database(name: &str, postgres: bool) -> String {
    let n = std::process::id();
    if postgres {
        let admin_url = std::env::var("REGLAMENT_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let admin = reglament_store::Store::connect(&admin_url).await.unwrap();
        let name = format!("reglament_{name}_{n}");
        reglament_store::raw_execute(&admin, &format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .unwrap();
        reglament_store::raw_execute(&admin, &format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await;
        format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0)
    } else {
        let dir = std::env::temp_dir().join(format!("reglament-{name}-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        format!("sqlite:{}/bench.db", dir.display())
    }
}

/// Removes the scratch database.
pub async fn drop_database(url: &str, postgres: bool) {
    if postgres {
        let admin_url = std::env::var("REGLAMENT_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let admin = reglament_store::Store::connect(&admin_url).await.unwrap();
        let name = url.rsplit('/').next().unwrap();
        let _ =
            reglament_store::raw_execute(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        admin.close().await;
    } else if let Some(dir) = url
        .strip_prefix("sqlite:")
        .and_then(|f| std::path::Path::new(f).parent())
    {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// `reglament serve` on the database, on a port of its own; the process and its address.
#[allow(dead_code)] // Each bench uses a part of this module.
pub fn serve(url: &str) -> (Child, String) {
    serve_with(url, &[], &[])
}

/// As [`serve`], with more arguments and environment variables.
pub fn serve_with(url: &str, args: &[&str], envs: &[(&str, String)]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .args(args)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .env_remove("REGLAMENT_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("Reglament is running at http://")
        .expect(&first)
        .trim_end_matches('/')
        .to_string();
    // Keep reading the banner in the background so the server never blocks on stdout.
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr)
}

/// Stops the server as an operator would, with SIGTERM.
pub fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
