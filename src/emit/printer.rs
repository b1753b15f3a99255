//! Prettier's `printDocToString` for [`Doc`]s, with Prettier's default options (80 columns,
//! two-space indent), so that a doc is laid out exactly as Prettier would lay it out: a group is
//! printed flat when everything up to the next possible line break of the enclosing content
//! fits in the remaining width, and groups that contain a forced break are broken, as are all
//! the groups around them.

use std::collections::HashMap;

use super::doc::{Doc, GroupId};

/// Prettier's default `printWidth`.
const WIDTH: usize = 80;

/// Marks every group that contains a forced break (a hard line, `BreakParent` or a broken
/// group) as broken; conditional groups are not marked and stop the propagation, as in
/// Prettier. Returns whether `doc` forces its enclosing group to break.
fn propagate_breaks(doc: &mut Doc) -> bool {
    match doc {
        Doc::Text(_) | Doc::Line { .. } => false,
        Doc::BreakParent => true,
        Doc::Concat(parts) | Doc::Fill(parts) => {
            let mut any = false;
            for p in parts {
                any |= propagate_breaks(p);
            }
            any
        }
        Doc::Indent(d) | Doc::Align(_, d) => propagate_breaks(d),
        Doc::IndentIfBreak { contents, .. } => propagate_breaks(contents),
        Doc::IfBreak { broken, flat, .. } => {
            let a = propagate_breaks(broken);
            let b = propagate_breaks(flat);
            a || b
        }
        Doc::Group(g) => {
            let inner = propagate_breaks(&mut g.contents);
            if let Some(states) = &mut g.expanded {
                for s in states.iter_mut() {
                    propagate_breaks(s);
                }
                return g.broken;
            }
            if inner {
                g.broken = true;
            }
            g.broken
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Break,
    Flat,
}

#[derive(Clone, Copy)]
struct Cmd<'a> {
    indent: usize,
    mode: Mode,
    doc: &'a Doc,
    /// For a `Fill`: how many of its parts are already printed.
    offset: usize,
}

/// Prints `doc` starting at column 0, as Prettier would with its default options.
pub fn print(doc: Doc) -> String {
    print_with_modes(doc).0
}

/// [`print`], and whether each group with an id was printed broken.
pub fn print_with_modes(mut doc: Doc) -> (String, HashMap<GroupId, bool>) {
    propagate_breaks(&mut doc);
    let mut out = String::new();
    let mut pos: usize = 0;
    let mut group_modes: HashMap<GroupId, Mode> = HashMap::new();
    let mut cmds: Vec<Cmd<'_>> = vec![Cmd {
        indent: 0,
        mode: Mode::Break,
        doc: &doc,
        offset: 0,
    }];
    let mut should_remeasure = false;
    let mut scratch = Vec::new();
    while let Some(Cmd {
        indent,
        mode,
        doc,
        offset,
    }) = cmds.pop()
    {
        match doc {
            Doc::Text(s) => {
                out.push_str(s);
                pos += width_of(s);
            }
            Doc::Concat(parts) => {
                for p in parts.iter().rev() {
                    cmds.push(Cmd {
                        indent,
                        mode,
                        doc: p,
                        offset: 0,
                    });
                }
            }
            Doc::Fill(parts) => {
                // As Prettier: a content stays flat when it fits; a separator stays flat when the
                // content after it fits on the same line too.
                let rem = WIDTH as isize - pos as isize;
                // The parts not printed yet.
                let parts = &parts[offset.min(parts.len())..];
                let Some(content) = parts.first() else {
                    continue;
                };
                let flat = |doc| Cmd {
                    indent,
                    mode: Mode::Flat,
                    doc,
                    offset: 0,
                };
                let broken = |doc| Cmd {
                    indent,
                    mode: Mode::Break,
                    doc,
                    offset: 0,
                };
                let content_fits = fits(flat(content), &[], rem, &group_modes, true, &mut scratch);
                if parts.len() == 1 {
                    cmds.push(if content_fits {
                        flat(content)
                    } else {
                        broken(content)
                    });
                    continue;
                }
                let whitespace = &parts[1];
                if parts.len() == 2 {
                    if content_fits {
                        cmds.push(flat(whitespace));
                        cmds.push(flat(content));
                    } else {
                        cmds.push(broken(whitespace));
                        cmds.push(broken(content));
                    }
                    continue;
                }
                let pair = [
                    (Mode::Flat, &parts[2]),
                    (Mode::Flat, &parts[1]),
                    (Mode::Flat, &parts[0]),
                ];
                let pair_fits = fits_all(&pair, &[], rem, &group_modes, true, &mut scratch);
                cmds.push(Cmd {
                    indent,
                    mode,
                    doc,
                    offset: offset + 2,
                });
                if pair_fits {
                    cmds.push(flat(whitespace));
                    cmds.push(flat(content));
                } else if content_fits {
                    cmds.push(broken(whitespace));
                    cmds.push(flat(content));
                } else {
                    cmds.push(broken(whitespace));
                    cmds.push(broken(content));
                }
            }
            Doc::Indent(d) => cmds.push(Cmd {
                indent: indent + 2,
                mode,
                doc: d,
                offset: 0,
            }),
            Doc::Align(n, d) => cmds.push(Cmd {
                indent: indent + n,
                mode,
                doc: d,
                offset: 0,
            }),
            Doc::BreakParent => {}
            Doc::Group(g) => {
                let chosen = if mode == Mode::Flat && !should_remeasure {
                    Cmd {
                        indent,
                        mode: if g.broken { Mode::Break } else { Mode::Flat },
                        doc: &g.contents,
                        offset: 0,
                    }
                } else {
                    should_remeasure = false;
                    let next = Cmd {
                        indent,
                        mode: Mode::Flat,
                        doc: &g.contents,
                        offset: 0,
                    };
                    let rem = WIDTH as isize - pos as isize;
                    if !g.broken && fits(next, &cmds, rem, &group_modes, false, &mut scratch) {
                        next
                    } else if let Some(states) = &g.expanded {
                        let most = states.last().unwrap_or(&g.contents);
                        if g.broken {
                            Cmd {
                                indent,
                                mode: Mode::Break,
                                doc: most,
                                offset: 0,
                            }
                        } else {
                            let mut pick = Cmd {
                                indent,
                                mode: Mode::Break,
                                doc: most,
                                offset: 0,
                            };
                            // The states between the first and the last, flat; else the last,
                            // broken.
                            for state in &states[1..states.len().saturating_sub(1).max(1)] {
                                let cmd = Cmd {
                                    indent,
                                    mode: Mode::Flat,
                                    doc: state,
                                    offset: 0,
                                };
                                if fits(cmd, &cmds, rem, &group_modes, false, &mut scratch) {
                                    pick = cmd;
                                    break;
                                }
                            }
                            pick
                        }
                    } else {
                        Cmd {
                            indent,
                            mode: Mode::Break,
                            doc: &g.contents,
                            offset: 0,
                        }
                    }
                };
                cmds.push(chosen);
                if let Some(id) = g.id {
                    group_modes.insert(id, chosen.mode);
                }
            }
            Doc::IfBreak {
                broken,
                flat,
                group,
            } => {
                let m = branch_mode(*group, mode, &group_modes);
                cmds.push(Cmd {
                    indent,
                    mode,
                    doc: if m == Mode::Break { broken } else { flat },
                    offset: 0,
                });
            }
            Doc::IndentIfBreak { contents, group } => {
                let m = group_modes.get(group).copied().unwrap_or(Mode::Flat);
                cmds.push(Cmd {
                    indent: if m == Mode::Break { indent + 2 } else { indent },
                    mode,
                    doc: contents,
                    offset: 0,
                });
            }
            Doc::Line { soft, hard } => {
                if mode == Mode::Flat && !hard {
                    if !soft {
                        out.push(' ');
                        pos += 1;
                    }
                    continue;
                }
                if mode == Mode::Flat {
                    should_remeasure = true;
                }
                let trimmed = out.trim_end_matches([' ', '\t']).len();
                out.truncate(trimmed);
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', indent));
                pos = indent;
            }
        }
    }
    let modes = group_modes
        .into_iter()
        .map(|(id, m)| (id, m == Mode::Break))
        .collect();
    (out, modes)
}

/// Which branch of an `IfBreak` applies: its group's mode when it names one (flat until that
/// group is printed), else the enclosing mode.
fn branch_mode(group: Option<GroupId>, mode: Mode, modes: &HashMap<GroupId, Mode>) -> Mode {
    group.map_or(mode, |id| modes.get(&id).copied().unwrap_or(Mode::Flat))
}

/// Whether `next`, followed by the rest of the line from `rest`, fits in `width` columns.
fn fits<'d>(
    next: Cmd<'d>,
    rest: &[Cmd<'d>],
    width: isize,
    group_modes: &HashMap<GroupId, Mode>,
    must_be_flat: bool,
    scratch: &mut Vec<(Mode, &'d Doc)>,
) -> bool {
    fits_all(
        &[(next.mode, next.doc)],
        rest,
        width,
        group_modes,
        must_be_flat,
        scratch,
    )
}

/// [`fits`] for several docs (a stack: the last is printed first).
fn fits_all<'d>(
    next: &[(Mode, &'d Doc)],
    rest: &[Cmd<'d>],
    mut width: isize,
    group_modes: &HashMap<GroupId, Mode>,
    must_be_flat: bool,
    // Reused between calls: a group's fit is measured often.
    cmds: &mut Vec<(Mode, &'d Doc)>,
) -> bool {
    let mut rest_idx = rest.len();
    // A space counts only once something is printed after it on the same line.
    let mut pending_space = false;
    cmds.clear();
    cmds.extend_from_slice(next);
    while width >= 0 {
        let Some((mode, doc)) = cmds.pop() else {
            if rest_idx == 0 {
                return true;
            }
            rest_idx -= 1;
            let r = rest[rest_idx];
            match r.doc {
                // The unprinted parts of a fill.
                Doc::Fill(parts) => {
                    for p in parts[r.offset.min(parts.len())..].iter().rev() {
                        cmds.push((r.mode, p));
                    }
                }
                _ => cmds.push((r.mode, r.doc)),
            }
            continue;
        };
        match doc {
            Doc::Text(s) => {
                if !s.is_empty() {
                    if pending_space {
                        width -= 1;
                        pending_space = false;
                    }
                    width -= width_of(s) as isize;
                }
            }
            Doc::Concat(parts) | Doc::Fill(parts) => {
                for p in parts.iter().rev() {
                    cmds.push((mode, p));
                }
            }
            Doc::Indent(d) | Doc::Align(_, d) => cmds.push((mode, d)),
            Doc::IndentIfBreak { contents, .. } => cmds.push((mode, contents)),
            Doc::BreakParent => {}
            Doc::Group(g) => {
                if must_be_flat && g.broken {
                    return false;
                }
                let m = if g.broken { Mode::Break } else { mode };
                let contents = match (&g.expanded, m) {
                    (Some(states), Mode::Break) => states.last().unwrap_or(&g.contents),
                    _ => &g.contents,
                };
                cmds.push((m, contents));
            }
            Doc::IfBreak {
                broken,
                flat,
                group,
            } => {
                let m = branch_mode(*group, mode, group_modes);
                cmds.push((mode, if m == Mode::Break { broken } else { flat }));
            }
            Doc::Line { soft, hard } => {
                if mode == Mode::Break || *hard {
                    return true;
                }
                if !soft {
                    pending_space = true;
                }
            }
        }
    }
    false
}

/// Columns a string takes: Prettier counts characters, wide East Asian ones twice.
pub fn text_width(s: &str) -> usize {
    width_of(s)
}

fn width_of(s: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    if s.is_ascii() {
        s.len()
    } else {
        s.width()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::doc::{
        concat, empty, fill, group, hardline, if_break, indent, join, line, softline, text,
    };

    fn params(names: &[&str]) -> Doc {
        let printed: Vec<Doc> = names.iter().map(|n| text(n.to_string())).collect();
        group(concat(vec![
            text("f("),
            indent(concat(vec![
                softline(),
                join(&concat(vec![text(","), line()]), printed),
            ])),
            if_break(text(","), empty()),
            softline(),
            text(");"),
        ]))
    }

    #[test]
    fn a_group_that_fits_stays_on_one_line() {
        assert_eq!(print(params(&["a", "b"])), "f(a, b);");
    }

    #[test]
    fn a_group_that_does_not_fit_breaks_with_a_trailing_comma() {
        let long = "x".repeat(40);
        assert_eq!(
            print(params(&[&long, &long])),
            format!("f(\n  {long},\n  {long},\n);")
        );
    }

    #[test]
    fn a_hard_line_breaks_every_group_around_it() {
        let doc = group(concat(vec![
            text("{"),
            indent(concat(vec![line(), text("a"), hardline(), text("b")])),
            line(),
            text("}"),
        ]));
        assert_eq!(print(doc), "{\n  a\n  b\n}");
    }

    #[test]
    fn fitting_counts_the_rest_of_the_line_up_to_its_next_break() {
        // The inner group would fit on its own, but the text after it on the same line does
        // not: it breaks.
        let doc = concat(vec![
            group(concat(vec![text("a"), line(), text("b")])),
            text("c".repeat(79)),
        ]);
        assert_eq!(print(doc), format!("a\nb{}", "c".repeat(79)));
    }

    #[test]
    fn a_fill_breaks_only_before_what_does_not_fit() {
        let mut parts = Vec::new();
        for i in 0..30 {
            if i > 0 {
                parts.push(line());
            }
            parts.push(text(format!("{i:03},")));
        }
        let printed = print(fill(parts));
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), 2, "{printed}");
        assert_eq!(lines[0].len(), 79);
        assert!(lines[1].starts_with("016,"));
    }

    #[test]
    fn trailing_spaces_are_trimmed_before_a_newline() {
        let doc = concat(vec![text("a "), hardline(), text("b")]);
        assert_eq!(print(doc), "a\nb");
    }
}
