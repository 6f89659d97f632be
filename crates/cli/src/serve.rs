//! `clinpost serve`: the local web page and HTTP API (`clinpost-server`) on a tokio runtime.
//!
//! The listener is bound before the URL is printed, so whoever reads the URL (a person, a script)
//! can connect at once. Ctrl-C or SIGTERM stops accepting, lets requests in flight finish, and
//! exits 0.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::{anyhow, Context as _, Result};
use clinpost_server::{AppState, Options};

use crate::args::ServeArgs;

/// Run the server until Ctrl-C / SIGTERM.
pub fn run(a: ServeArgs) -> Result<u8> {
    // The same clinpost.toml (rule selection, severities, allow-list) as `check`.
    let common = crate::args::Common {
        config: a.config.clone(),
        no_config: a.no_config,
        select: a.select.clone(),
        ignore: a.ignore.clone(),
        packs: a.packs.clone(),
        ..Default::default()
    };
    let loaded = crate::config::read(&common)?;
    let registry = crate::config::registry(&common, loaded.as_ref())?;
    let settings = crate::config::apply(&common, loaded, registry)?.settings;
    let options = Options {
        settings,
        cors_origins: a.cors_origins,
        log: (!a.quiet).then(clinpost_server::stderr_log),
        // Bound to this machine only, requests must be addressed to it too (DNS rebinding);
        // bound elsewhere on purpose, other host names are expected.
        any_host: !a.bind.is_loopback(),
        ..Options::default()
    };
    let state = AppState::new(registry, options).map_err(|e| anyhow!("{e}"))?;
    // A panic message could quote a draft: main's panic hook prints where it happened, not what
    // it said. The request still gets a JSON 500 from the server's panic layer.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let addr = SocketAddr::new(a.bind, a.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        let url = url_for(local);
        if !local.ip().is_loopback() {
            eprintln!(
                "warning: listening on {local}, which is not a loopback address: other machines \
                 can reach this server and send it drafts. Use --bind 127.0.0.1 unless that is \
                 what you want."
            );
        }
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{url}")?;
            out.flush()?;
        }
        eprintln!("clinpost serve: listening on {local}; press Ctrl-C to stop");
        if a.open {
            open_browser(&url);
        }
        clinpost_server::serve(listener, state, clinpost_server::shutdown_signal())
            .await
            .context("server error")?;
        eprintln!("clinpost serve: stopped");
        Ok(0)
    })
}

/// The URL to print: the bound address, or loopback when bound to every interface.
fn url_for(local: SocketAddr) -> String {
    let ip = match local.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, local.port()))
}

/// Open `url` in the default browser if an opener exists; never fail.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    match std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            // Reap it whenever it exits.
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
        Err(_) => eprintln!("note: could not run {opener}; open {url} in a browser"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_is_reachable() {
        assert_eq!(
            url_for("0.0.0.0:8765".parse().unwrap()),
            "http://127.0.0.1:8765/"
        );
        assert_eq!(url_for("[::]:80".parse().unwrap()), "http://[::1]:80/");
        assert_eq!(
            url_for("192.168.1.2:1".parse().unwrap()),
            "http://192.168.1.2:1/"
        );
    }
}
