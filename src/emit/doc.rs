//! Prettier's document algebra (Wadler-style): text, groups, indentation, lines, conditional
//! groups, fill, and the builders and queries Prettier's printers use on them. The Prettier
//! rules describe code as a [`Doc`]; the printer lays it out.

use std::borrow::Cow;

#[derive(Debug, Clone)]
pub enum Doc {
    /// Text without line breaks; constants are borrowed, not allocated.
    Text(Cow<'static, str>),
    Concat(Vec<Doc>),
    Group(Box<Group>),
    Indent(Box<Doc>),
    /// Extra indentation of `n` spaces (Prettier's `align(n, …)`).
    Align(usize, Box<Doc>),
    /// A space (or nothing, when `soft`) in flat mode, a newline in break mode; `hard` lines
    /// are always newlines and break every group around them.
    Line {
        soft: bool,
        hard: bool,
    },
    IfBreak {
        broken: Box<Doc>,
        flat: Box<Doc>,
        group: Option<GroupId>,
    },
    /// Indents `contents` when the group `group` is broken.
    IndentIfBreak {
        contents: Box<Doc>,
        group: GroupId,
    },
    /// Breaks the enclosing group.
    BreakParent,
    /// Prettier's `fill`: alternating contents and separators (lines), each separator broken
    /// only when the next content does not fit on the line.
    Fill(Vec<Doc>),
}

/// Names a group so that other parts of the doc can ask whether it broke. Ids only link docs;
/// they never reach the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupId(u32);

/// Hands out [`GroupId`]s. The ids in one doc must be distinct, so one allocator serves
/// everything that goes into a doc before it is printed.
#[derive(Debug, Default)]
pub struct GroupIds {
    next: u32,
}

impl GroupIds {
    /// An id distinct from every other this allocator has handed out.
    pub fn fresh(&mut self) -> GroupId {
        let id = GroupId(self.next);
        self.next += 1;
        id
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub contents: Doc,
    pub broken: bool,
    pub id: Option<GroupId>,
    /// Prettier's `conditionalGroup`: the most compact state is `contents`; these are tried in
    /// order when it does not fit, the last one broken.
    pub expanded: Option<Vec<Doc>>,
}

// ---- builders ------------------------------------------------------------------------------

pub fn text(s: impl Into<Cow<'static, str>>) -> Doc {
    Doc::Text(s.into())
}

pub fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

pub fn group(contents: Doc) -> Doc {
    Doc::Group(Box::new(Group {
        contents,
        broken: false,
        id: None,
        expanded: None,
    }))
}

pub fn group_broken(contents: Doc, broken: bool) -> Doc {
    Doc::Group(Box::new(Group {
        contents,
        broken,
        id: None,
        expanded: None,
    }))
}

pub fn group_with_id(contents: Doc, id: GroupId) -> Doc {
    group_with_id_broken(contents, id, false)
}

pub fn group_with_id_broken(contents: Doc, id: GroupId, broken: bool) -> Doc {
    Doc::Group(Box::new(Group {
        contents,
        broken,
        id: Some(id),
        expanded: None,
    }))
}

/// Prettier's `conditionalGroup(states)`.
pub fn conditional_group(mut states: Vec<Doc>) -> Doc {
    let first = states.remove(0);
    let mut expanded = vec![first.clone()];
    expanded.extend(states);
    Doc::Group(Box::new(Group {
        contents: first,
        broken: false,
        id: None,
        expanded: Some(expanded),
    }))
}

pub fn indent(contents: Doc) -> Doc {
    Doc::Indent(Box::new(contents))
}

pub fn align(n: usize, contents: Doc) -> Doc {
    Doc::Align(n, Box::new(contents))
}

pub fn line() -> Doc {
    Doc::Line {
        soft: false,
        hard: false,
    }
}

pub fn softline() -> Doc {
    Doc::Line {
        soft: true,
        hard: false,
    }
}

pub fn hardline() -> Doc {
    Doc::Concat(vec![
        Doc::Line {
            soft: false,
            hard: true,
        },
        Doc::BreakParent,
    ])
}

pub fn if_break(broken: Doc, flat: Doc) -> Doc {
    Doc::IfBreak {
        broken: Box::new(broken),
        flat: Box::new(flat),
        group: None,
    }
}

pub fn if_break_of(group: GroupId, broken: Doc, flat: Doc) -> Doc {
    Doc::IfBreak {
        broken: Box::new(broken),
        flat: Box::new(flat),
        group: Some(group),
    }
}

pub fn indent_if_break(group: GroupId, contents: Doc) -> Doc {
    Doc::IndentIfBreak {
        contents: Box::new(contents),
        group,
    }
}

pub fn fill(parts: Vec<Doc>) -> Doc {
    Doc::Fill(parts)
}

pub fn empty() -> Doc {
    Doc::Concat(Vec::new())
}

/// `parts` separated by `sep`.
pub fn join(sep: &Doc, parts: Vec<Doc>) -> Doc {
    let mut out = Vec::with_capacity(parts.len() * 2);
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(sep.clone());
        }
        out.push(p);
    }
    Doc::Concat(out)
}

impl Doc {
    /// Whether printing this doc always produces a line break (Prettier's `willBreak`).
    pub fn will_break(&self) -> bool {
        match self {
            Doc::Text(_) => false,
            Doc::Concat(parts) | Doc::Fill(parts) => parts.iter().any(Doc::will_break),
            Doc::Group(g) => g.broken || g.contents.will_break(),
            Doc::Indent(d) | Doc::Align(_, d) => d.will_break(),
            Doc::IndentIfBreak { contents, .. } => contents.will_break(),
            Doc::Line { hard, .. } => *hard,
            Doc::IfBreak { broken, flat, .. } => broken.will_break() || flat.will_break(),
            Doc::BreakParent => true,
        }
    }

    /// The doc printed with every group flat, as one line (lines are spaces).
    #[cfg(test)]
    pub fn flat_text(&self) -> String {
        let mut out = String::new();
        self.flat_into(&mut out);
        out
    }

    #[cfg(test)]
    fn flat_into(&self, out: &mut String) {
        match self {
            Doc::Text(s) => out.push_str(s),
            Doc::Concat(parts) | Doc::Fill(parts) => parts.iter().for_each(|p| p.flat_into(out)),
            Doc::Group(g) => g.contents.flat_into(out),
            Doc::Indent(d) | Doc::Align(_, d) => d.flat_into(out),
            Doc::IndentIfBreak { contents, .. } => contents.flat_into(out),
            Doc::Line { soft, .. } => {
                if !soft {
                    out.push(' ');
                }
            }
            Doc::IfBreak { flat, .. } => flat.flat_into(out),
            Doc::BreakParent => {}
        }
    }
}
