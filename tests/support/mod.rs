//! A tiny threaded HTTP/1.1 server on 127.0.0.1 for crawl tests, with a log of
//! every request it received (path, headers, arrival time).
//!
//! Each connection is answered once and closed (`Connection: close`), which keeps
//! the server simple and makes every request visible in the log.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    /// The request target (path and query).
    pub path: String,
    /// Header names lowercased.
    pub headers: HashMap<String, String>,
    /// When the request head had arrived.
    pub at: Instant,
    /// The status answered.
    pub status: u16,
}

/// What a route answers.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When set, the body is sent one byte at a time with this pause between bytes.
    pub trickle: Option<Duration>,
}

impl Reply {
    /// 200 with `content_type` and `body`.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            trickle: None,
        }
    }

    /// An empty answer with `status`.
    pub fn status(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new(), trickle: None }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    /// This reply with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = Arc<dyn Fn(&Logged) -> Reply + Send + Sync>;

/// A running test server; stops accepting when dropped.
pub struct TestServer {
    addr: SocketAddr,
    routes: Arc<Mutex<HashMap<String, Handler>>>,
    log: Arc<Mutex<Vec<Logged>>>,
    stop: Arc<AtomicBool>,
}

impl TestServer {
    /// Starts a server on a free port of 127.0.0.1. Unknown paths answer 404.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let routes: Arc<Mutex<HashMap<String, Handler>>> = Arc::default();
        let log: Arc<Mutex<Vec<Logged>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (routes2, log2, stop2) = (routes.clone(), log.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (routes, log) = (routes2.clone(), log2.clone());
                thread::spawn(move || serve(stream, &routes, &log));
            }
        });
        TestServer { addr, routes, log, stop }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Answers `path` with `handler`'s reply (the handler sees the request).
    pub fn route(&self, path: &str, handler: impl Fn(&Logged) -> Reply + Send + Sync + 'static) {
        self.routes.lock().unwrap().insert(path.to_string(), Arc::new(handler));
    }

    /// Answers `path` with a fixed reply.
    pub fn fixed(&self, path: &str, reply: Reply) {
        self.route(path, move |_| reply.clone());
    }

    /// Answers `path` with `replies` in turn, repeating the last one.
    pub fn sequence(&self, path: &str, replies: Vec<Reply>) {
        let count = Mutex::new(0usize);
        self.route(path, move |_| {
            let mut n = count.lock().unwrap();
            let reply = replies[(*n).min(replies.len() - 1)].clone();
            *n += 1;
            reply
        });
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    /// Requests so far for `path`.
    pub fn requests_for(&self, path: &str) -> Vec<Logged> {
        self.log().into_iter().filter(|r| r.path == path).collect()
    }

    /// Forgets the log.
    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag and closes the listener.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn serve(stream: TcpStream, routes: &Mutex<HashMap<String, Handler>>, log: &Mutex<Vec<Logged>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let mut logged = Logged { path: path.clone(), headers, at: Instant::now(), status: 0 };
    let handler = routes.lock().unwrap().get(path.as_str()).cloned();
    let reply = match handler {
        Some(handler) => handler(&logged),
        None => Reply::status(404),
    };
    logged.status = reply.status;
    log.lock().unwrap().push(logged);
    let _ = respond(stream, &reply);
    let _ = reader.read(&mut [0u8; 0]);
}

fn respond(mut stream: TcpStream, reply: &Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} Test\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let has_length = reply.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if !has_length && reply.status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    match reply.trickle {
        None => stream.write_all(&reply.body)?,
        Some(pause) => {
            let started = Instant::now();
            for byte in &reply.body {
                if started.elapsed() > Duration::from_secs(20) {
                    break;
                }
                stream.write_all(&[*byte])?;
                stream.flush()?;
                thread::sleep(pause);
            }
        }
    }
    stream.flush()
}
