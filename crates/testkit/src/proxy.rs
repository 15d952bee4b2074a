//! A TCP proxy on 127.0.0.1 that a test controls, put between the product and a real server to
//! make the network fail the ways networks do: refusing new connections, swallowing every byte
//! (a partition, where nothing answers and nothing closes), or cutting every open connection at
//! once with a reset.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Forwards both ways.
    Pass,
    /// Resets each new connection as soon as it is accepted; open ones keep passing.
    Refuse,
    /// Accepts connections, forwards nothing and closes nothing: what is sent waits, as it
    /// would in the senders' buffers behind a partition, and flows on once the proxy passes
    /// again.
    BlackHole,
}

/// A running proxy; it stops, and drops its connections, when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    mode: watch::Sender<Mode>,
    /// Bumped to cut every connection open at that moment.
    cuts: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `target`, passing at first.
    pub async fn start(target: SocketAddr) -> FaultProxy {
        assert!(
            target.ip().is_loopback(),
            "fault tests reach only 127.0.0.1"
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (mode, mode_rx) = watch::channel(Mode::Pass);
        let (cuts, cuts_rx) = watch::channel(0u64);
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                if *mode_rx.borrow() == Mode::Refuse {
                    reset(client);
                    continue;
                }
                // Cuts before this connection are not its own; any from now on are, even
                // while it is still connecting onward.
                let mut cuts = cuts_rx.clone();
                cuts.mark_unchanged();
                tokio::spawn(relay(client, target, mode_rx.clone(), cuts));
            }
        });
        FaultProxy {
            addr,
            mode,
            cuts,
            task,
        }
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `url` with its `host:port` replaced by this proxy's.
    pub fn url_through(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let user = authority.rsplit_once('@').map(|(u, _)| format!("{u}@"));
        format!(
            "{scheme}://{}{}/{path}",
            user.unwrap_or_default(),
            self.addr
        )
    }

    /// Sets what happens to traffic from now on, on open connections and new ones.
    pub fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }

    /// Resets every connection open now, both sides, as a crashed router would.
    pub fn cut(&self) {
        self.cuts.send_modify(|n| *n += 1);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
        self.cut();
    }
}

/// Closes with a reset rather than an orderly close.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn relay(
    client: TcpStream,
    target: SocketAddr,
    mode: watch::Receiver<Mode>,
    mut cuts: watch::Receiver<u64>,
) {
    let server = tokio::select! {
        s = TcpStream::connect(target) => s,
        _ = cuts.changed() => {
            reset(client);
            return;
        }
    };
    let Ok(server) = server else {
        reset(client);
        return;
    };
    let client = Arc::new(client);
    let server = Arc::new(server);
    let up = pump(client.clone(), server.clone(), mode.clone());
    let down = pump(server.clone(), client.clone(), mode);
    tokio::select! {
        _ = up => {}
        _ = down => {}
        _ = cuts.changed() => {}
    }
    for side in [client, server] {
        if let Ok(stream) = Arc::try_unwrap(side) {
            reset(stream);
        }
    }
}

/// Copies from one side to the other until either closes, holding everything while the proxy
/// is a black hole.
async fn pump(from: Arc<TcpStream>, to: Arc<TcpStream>, mut mode: watch::Receiver<Mode>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        while *mode.borrow_and_update() == Mode::BlackHole {
            if mode.changed().await.is_err() {
                return;
            }
        }
        if from.readable().await.is_err() {
            return;
        }
        if *mode.borrow() == Mode::BlackHole {
            continue;
        }
        let n = match from.try_read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return,
        };
        let mut written = 0;
        while written < n {
            if to.writable().await.is_err() {
                return;
            }
            match to.try_write(&buf[written..n]) {
                Ok(k) => written += k,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => return,
            }
        }
    }
}
