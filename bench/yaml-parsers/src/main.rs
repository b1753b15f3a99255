//! Times each candidate YAML parser's event stream over one document, three passes each, and
//! prints the best. Only the events: building a tree is mizan-generate's own work either way.
use std::time::{Duration, Instant};

fn best(mut pass: impl FnMut() -> usize) -> (Duration, usize) {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let n = pass();
            (t.elapsed(), n)
        })
        .min()
        .expect("three passes")
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: yaml-parsers <file.yaml>");
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let (t, n) = best(|| {
        saphyr_parser::Parser::new_from_str(&text)
            .map(|e| e.expect("valid YAML"))
            .count()
    });
    println!("saphyr-parser 0.3.4: {n} events in {t:.0?} (start and end marker per event)");
    let (t, n) = best(|| {
        let mut p = yaml_rust2::parser::Parser::new_from_str(&text);
        let mut n = 0;
        loop {
            let (e, _start) = p.next_token().expect("valid YAML");
            n += 1;
            if e == yaml_rust2::Event::StreamEnd {
                break n;
            }
        }
    });
    println!("yaml-rust2 0.13.2: {n} events in {t:.0?} (start marker only)");
}
