//! The state of laying out one declaration, and the shapes Prettier shares between kinds of
//! syntax: bracketed lists, the "fluid" assignment, comment lines.

use std::collections::BTreeSet;

use crate::emit::doc::{
    concat, group, group_with_id, group_with_id_broken, hardline, if_break, indent,
    indent_if_break, join, line, softline, text, Doc, GroupId, GroupIds,
};
use crate::emit::lexical::DocLines;

/// What laying out one declaration carries along: the allocator of its group ids and, while a
/// function's return type is laid out, the object type literals built so far.
#[derive(Debug, Default)]
pub(super) struct Layout {
    ids: GroupIds,
    objects: Option<ObjectTracker>,
}

/// Object type literals built while a function's return type is laid out: Prettier keeps an
/// object broken when its source has a line break after `{`, so an object this printer breaks
/// is one Prettier will treat as broken from then on (see `declarations::function`).
#[derive(Debug)]
struct ObjectTracker {
    /// The group id of each object literal, in the order they were built.
    ids: Vec<GroupId>,
    /// Ordinals of the objects to build broken.
    forced: BTreeSet<usize>,
}

impl Layout {
    pub(super) fn fresh_id(&mut self) -> GroupId {
        self.ids.fresh()
    }

    /// The group of an object type literal's contents: with an id, broken when forced, while
    /// objects are tracked; a plain group otherwise.
    pub(super) fn object_group(&mut self, content: Doc) -> Doc {
        let Some(tracker) = &mut self.objects else {
            return group(content);
        };
        let id = self.ids.fresh();
        let broken = tracker.forced.contains(&tracker.ids.len());
        tracker.ids.push(id);
        group_with_id_broken(content, id, broken)
    }

    /// Runs `build` with the object type literals it builds tracked, those whose ordinals are in
    /// `forced` built broken; returns its doc and the ids of all those objects, in order.
    pub(super) fn tracking_objects(
        &mut self,
        forced: BTreeSet<usize>,
        build: impl FnOnce(&mut Layout) -> Doc,
    ) -> (Doc, Vec<GroupId>) {
        let outer = self.objects.replace(ObjectTracker {
            ids: Vec::new(),
            forced,
        });
        let doc = build(self);
        let tracked = std::mem::replace(&mut self.objects, outer);
        (doc, tracked.map(|t| t.ids).unwrap_or_default())
    }
}

/// A bracketed list as Prettier prints one: `open`, the items separated by `sep` and a line,
/// `sep` once more when broken, `close`. `spaced` lists (objects, imports) have a space inside
/// the brackets when flat. Not grouped: callers decide.
pub(super) fn delimited(
    open: Doc,
    items: Vec<Doc>,
    sep: &'static str,
    spaced: bool,
    close: Doc,
) -> Doc {
    let edge = || if spaced { line() } else { softline() };
    concat(vec![
        open,
        indent(concat(vec![
            edge(),
            join(&concat(vec![text(sep), line()]), items),
        ])),
        if_break(text(sep), concat(Vec::new())),
        edge(),
        close,
    ])
}

/// Prettier's "fluid" assignment layout: the right side stays after the operator when its first
/// line fits there, and moves to the next line otherwise.
pub(super) fn fluid(cx: &mut Layout, left: Doc, right: Doc) -> Doc {
    let id = cx.fresh_id();
    group(concat(vec![
        left,
        group_with_id(indent(line()), id),
        indent_if_break(id, right),
    ]))
}

/// A doc comment's lines, each followed by a line break.
pub(super) fn comment_lines(doc: &DocLines) -> Vec<Doc> {
    doc.lines()
        .iter()
        .flat_map(|l| [text(l.clone()), hardline()])
        .collect()
}
