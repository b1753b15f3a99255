//! The module graph ARCHITECTURE.md describes: the top-level modules depend one way, in the
//! order of `LAYERS`, and inside every module folder the files form no import circle.

mod common;

use std::collections::{BTreeMap, BTreeSet};

/// Bottom to top: each module may use only the modules listed before it.
const LAYERS: &[&str] = &[
    "text",
    "span",
    "diagnostics",
    "openapi",
    "ir",
    "emit",
    "output",
    "config",
    "source",
    "watch",
    "cli",
    "app",
];

/// A module path (`["ir", "build", "resolve"]`) for every source file under `src/`, with its
/// code.
fn modules() -> BTreeMap<Vec<String>, String> {
    let mut out = BTreeMap::new();
    for (rel, (bytes, _)) in common::files(&common::root().join("src")) {
        if rel.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let mut module: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        if module == ["lib"] || module == ["main"] {
            continue;
        }
        out.insert(
            module,
            code_of(&String::from_utf8(bytes).expect("UTF-8 source")),
        );
    }
    out
}

/// The source without its tests and comments: doc links name modules without using them.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths `code` (in module `at`) names through `crate::` and `super::`, including
/// the members of `{...}` groups, resolved to absolute paths (not yet to files).
fn paths_named(at: &[String], code: &str) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found = Vec::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", at[..at.len().saturating_sub(1)].to_vec()),
    ] {
        for (i, _) in code.match_indices(prefix) {
            if code[..i].ends_with(ident) {
                continue;
            }
            let rest = &code[i + prefix.len()..];
            let mut path = base.clone();
            let mut tail = rest;
            loop {
                let name: String = tail.chars().take_while(|&c| ident(c)).collect();
                if !name.is_empty() {
                    path.push(name.clone());
                    tail = &tail[name.len()..];
                    if let Some(next) = tail.strip_prefix("::") {
                        tail = next;
                        continue;
                    }
                } else if let Some(group) = tail.strip_prefix('{') {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    for member in group.split(',') {
                        let first: String =
                            member.trim().chars().take_while(|&c| ident(c)).collect();
                        if !first.is_empty() {
                            found.push([path.clone(), vec![first]].concat());
                        }
                    }
                }
                break;
            }
            found.push(path);
        }
    }
    found
}

/// The longest prefix of `path` that is a module of ours.
fn resolve<'a>(
    modules: &'a BTreeMap<Vec<String>, String>,
    path: &[String],
) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get_key_value(&path[..n]).map(|(k, _)| k))
}

#[test]
fn top_level_modules_depend_one_way() {
    let modules = modules();
    let tops: BTreeSet<&str> = modules.keys().map(|m| m[0].as_str()).collect();
    let listed: BTreeSet<&str> = LAYERS.iter().copied().collect();
    assert_eq!(
        tops, listed,
        "every top-level module is in LAYERS, and only those"
    );
    let level = |m: &str| LAYERS.iter().position(|l| *l == m).expect("listed");
    let mut wrong = Vec::new();
    for (module, code) in &modules {
        for named in paths_named(module, code) {
            let Some(target) = resolve(&modules, &named) else {
                continue;
            };
            if target[0] != module[0] && level(&target[0]) > level(&module[0]) {
                wrong.push(format!("{} uses {}", module.join("::"), target.join("::")));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "uses against LAYERS:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_circle_among_the_files_of_a_module() {
    let modules = modules();
    // Edges between siblings: files in the same folder (a folder's mod.rs is its parent, which
    // declares them, and is left out).
    let mut edges: BTreeMap<&Vec<String>, BTreeSet<&Vec<String>>> = BTreeMap::new();
    for (module, code) in &modules {
        for named in paths_named(module, code) {
            let Some(target) = resolve(&modules, &named) else {
                continue;
            };
            let sibling = target.len() == module.len()
                && target[..target.len() - 1] == module[..module.len() - 1]
                && target != module;
            if sibling {
                edges.entry(module).or_default().insert(target);
            }
        }
    }
    let mut circles = Vec::new();
    let mut state: BTreeMap<&Vec<String>, bool> = BTreeMap::new(); // false: on the stack
    fn visit<'a>(
        at: &'a Vec<String>,
        edges: &BTreeMap<&'a Vec<String>, BTreeSet<&'a Vec<String>>>,
        state: &mut BTreeMap<&'a Vec<String>, bool>,
        stack: &mut Vec<&'a Vec<String>>,
        circles: &mut Vec<String>,
    ) {
        state.insert(at, false);
        stack.push(at);
        for next in edges.get(at).into_iter().flatten() {
            match state.get(next) {
                Some(false) => {
                    let from = stack.iter().position(|m| m == next).unwrap_or_default();
                    let circle: Vec<String> = stack[from..]
                        .iter()
                        .chain([next])
                        .map(|m| m.join("::"))
                        .collect();
                    circles.push(circle.join(" -> "));
                }
                Some(true) => {}
                None => visit(next, edges, state, stack, circles),
            }
        }
        stack.pop();
        state.insert(at, true);
    }
    for module in modules.keys() {
        if !state.contains_key(module) {
            visit(module, &edges, &mut state, &mut Vec::new(), &mut circles);
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_checks_see_a_circle_and_a_layer_break() {
    // The reader itself: a file naming its sibling through `super::` and `crate::`, and groups.
    let at = vec!["ir".to_owned(), "build".to_owned(), "forms".to_owned()];
    let named = paths_named(
        &at,
        "use super::extensions::Named;\nuse crate::{emit, ir::{names, Type}};\n// crate::app",
    );
    let named: Vec<String> = named.iter().map(|p| p.join("::")).collect();
    assert!(
        named.contains(&"ir::build::extensions::Named".to_owned()),
        "{named:?}"
    );
    assert!(named.contains(&"emit".to_owned()), "{named:?}");
    assert!(named.contains(&"ir".to_owned()), "{named:?}");
    assert!(!code_of("// crate::app\nlet x = 1;").contains("crate::app"));
}
