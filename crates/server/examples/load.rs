//! Load generator for `clinpost serve` (DESIGN §7: ≥ 5,000 checks/s, p99 < 5 ms for a 1 kB post).
//!
//! ```text
//! cargo run --release -p clinpost-server --example load -- --url http://127.0.0.1:8765 \
//!     [--connections 8] [--duration 10] [--max-requests 2000000] [--path /v1/check]
//! ```
//!
//! N keep-alive connections over raw HTTP/1.1, each sending the next request as soon as the last
//! response is read (closed loop), on one thread so the server keeps the other core. It talks
//! to loopback addresses only, stops at the duration or the request count (whichever first),
//! and prints requests/s, p50/p99/max latency and the error count. Exit status 1 when any
//! request failed.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The 1 kB post of the engine benchmarks (invented): names, dates, numbers, places.
const POST_1K: &str = "Long night on call at Harrogate District Hospital. Mrs Eileen Thornbury \
(NHS 486 091 3906, DOB 12/03/1941) came in from Larkfield Care Home at 02:40 with a fall and \
new confusion; her son Gareth rang from 07700 900462 twice before I had even seen her. \
Background of Parkinson's disease, a Baker's cyst on the left and Bell's palsy in '92. CRP \
rose to 180 overnight, B12 fine, pain 7/10 on the 3/7 history. Discussed with Dr Siân \
Pritchard (ortho reg) who was happy to see her on Ward 23 in the morning. Lives alone at \
14 Mill Lane, Knaresborough HG5 0AB; the GP at Springwood Surgery (020 7946 0321) faxed the \
meds list by 06:00, which must be a record. Hope the day team get her home by Tuesday 14th: \
she asked me to tell everyone she is 93, not 92, and that she will be back at the bowls club \
by May. Will update the group after the MDT. Email a.pritchard@nhs.net for the audit sheet, \
not me. Note to the new F1s: the NHS number on the whiteboard earlier (430 792 4404) failed \
its check digit and nobody noticed. A 67-year-old man with Crohn's in bay 4 was fine.";

struct Args {
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
    max_requests: u64,
    path: String,
}

fn usage() -> ! {
    eprintln!(
        "usage: load --url http://127.0.0.1:PORT [--connections N] [--duration SECS] \
         [--max-requests N] [--path /v1/check]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut url = None;
    let mut connections = 8;
    let mut duration = 10.0f64;
    let mut max_requests = 2_000_000u64;
    let mut path = "/v1/check".to_string();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--url" => url = Some(val()),
            "--connections" | "-c" => connections = val().parse().unwrap_or_else(|_| usage()),
            "--duration" | "-d" => duration = val().parse().unwrap_or_else(|_| usage()),
            "--max-requests" | "-n" => max_requests = val().parse().unwrap_or_else(|_| usage()),
            "--path" => path = val(),
            _ => usage(),
        }
    }
    let url = url.unwrap_or_else(|| usage());
    let hostport = url
        .strip_prefix("http://")
        .unwrap_or_else(|| usage())
        .trim_end_matches('/');
    let addr = hostport
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .unwrap_or_else(|| usage());
    let loopback = match addr.ip() {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback(),
    };
    if !loopback {
        eprintln!("load: refusing to load a non-loopback address ({addr})");
        std::process::exit(2);
    }
    if connections == 0 || connections > 1024 || !(0.1..=600.0).contains(&duration) {
        usage();
    }
    Args {
        addr,
        connections,
        duration: Duration::from_secs_f64(duration),
        max_requests,
        path,
    }
}

/// Read one Content-Length-framed response; returns the status.
async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head =
                std::str::from_utf8(&buf[..end]).map_err(|_| std::io::Error::other("bad head"))?;
            let status: u16 = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| std::io::Error::other("bad status"))?;
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .ok_or_else(|| std::io::Error::other("no content-length"))?;
            let total = end + 4 + len;
            while buf.len() < total {
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..total);
            return Ok(status);
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

struct Worker {
    latencies_us: Vec<u32>,
    errors: u64,
}

async fn worker(
    addr: SocketAddr,
    request: Arc<Vec<u8>>,
    deadline: Instant,
    budget: Arc<AtomicU64>,
) -> Worker {
    let mut w = Worker {
        latencies_us: Vec::with_capacity(1 << 16),
        errors: 0,
    };
    let mut conn: Option<TcpStream> = None;
    let mut buf = Vec::with_capacity(16 * 1024);
    while Instant::now() < deadline {
        if budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_err()
        {
            break;
        }
        if conn.is_none() {
            match TcpStream::connect(addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    conn = Some(s);
                    buf.clear();
                }
                Err(_) => {
                    w.errors += 1;
                    continue;
                }
            }
        }
        let s = conn.as_mut().expect("connected");
        let start = Instant::now();
        let result = async {
            s.write_all(&request).await?;
            read_response(s, &mut buf).await
        }
        .await;
        let us = start.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        match result {
            Ok(200) => w.latencies_us.push(us),
            Ok(_) => {
                w.errors += 1;
                w.latencies_us.push(us);
            }
            Err(_) => {
                w.errors += 1;
                conn = None;
            }
        }
    }
    w
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn main() -> ExitCode {
    let args = parse_args();
    let body = serde_json::to_vec(&serde_json::json!({
        "text": POST_1K,
        "context": {"audience": "closed-group:5000"}
    }))
    .expect("json");
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        args.path,
        args.addr,
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let request = Arc::new(request);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let deadline = started + args.duration;
    let budget = Arc::new(AtomicU64::new(args.max_requests));
    let workers = rt.block_on(async {
        let tasks: Vec<_> = (0..args.connections)
            .map(|_| tokio::spawn(worker(args.addr, request.clone(), deadline, budget.clone())))
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.expect("worker"));
        }
        out
    });
    let elapsed = started.elapsed().as_secs_f64();
    let errors: u64 = workers.iter().map(|w| w.errors).sum();
    let mut lat: Vec<u32> = workers.into_iter().flat_map(|w| w.latencies_us).collect();
    lat.sort_unstable();
    let n = lat.len();
    println!(
        "load: {} POST {} ({} B body), {} connections, {:.1} s",
        args.addr,
        args.path,
        body.len(),
        args.connections,
        elapsed
    );
    println!(
        "requests: {n}  requests/s: {:.0}  p50: {:.3} ms  p99: {:.3} ms  max: {:.3} ms  errors: {errors}",
        n as f64 / elapsed,
        pct(&lat, 0.50),
        pct(&lat, 0.99),
        lat.last().map_or(0.0, |m| f64::from(*m) / 1000.0),
    );
    if errors > 0 || n == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
