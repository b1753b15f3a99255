//! `mizan-reference-backend export-schema | serve [--addr ADDR] | token <username>`

use std::process::ExitCode;

use mizan_reference_backend::{auth, fixture, http, model, registry, state};

const USAGE: &str = "usage: mizan-reference-backend export-schema
       mizan-reference-backend serve [--addr 127.0.0.1:8000] [--static DIR]
       mizan-reference-backend token <username>   (prints an MWT for X-Mizan-Token)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["export-schema"] => {
            let doc = fixture::registry().document();
            match serde_json::to_string_pretty(&doc) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        ["serve", rest @ ..] => {
            let mut addr = "127.0.0.1:8000";
            let mut dir = None;
            let mut rest = rest.iter();
            while let Some(flag) = rest.next() {
                match (*flag, rest.next()) {
                    ("--addr", Some(a)) => addr = a,
                    ("--static", Some(d)) => dir = Some(std::path::PathBuf::from(d)),
                    _ => {
                        eprintln!("{USAGE}");
                        return ExitCode::from(2);
                    }
                }
            }
            serve(addr, dir)
        }
        ["token", username] => {
            let secrets = auth::Secrets::from_env();
            let store = model::Store::default();
            match store.users.values().find(|u| u.username == *username) {
                Some(user) => {
                    println!(
                        "{}",
                        auth::mwt_for(&secrets.mwt, user, auth::now(), auth::MWT_LIFETIME)
                    );
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("error: no user `{username}` (known: ada, grace, root)");
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn serve(addr: &str, dir: Option<std::path::PathBuf>) -> ExitCode {
    // A panicking handler is answered with INTERNAL_ERROR; the log gets one line, not a trace,
    // and nothing for a panic raised on purpose.
    std::panic::set_hook(Box::new(|info| {
        if let Some(line) = registry::panic_report(info.payload(), info.location()) {
            eprintln!("{line}");
        }
    }));
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        match listener.local_addr() {
            Ok(local) => println!("listening on http://{local}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
        let state = state::AppState::new(auth::Secrets::from_env());
        let shutdown = async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    {
                        Ok(t) => t,
                        Err(_) => return,
                    };
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            {
                let _ = ctrl_c.await;
            }
        };
        match http::serve_with_static(listener, state, dir, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
