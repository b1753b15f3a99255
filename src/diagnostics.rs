//! Every problem the tool reports, built by one constructor per kind of error so that codes,
//! messages and hints stay consistent, and rendered through miette.
//!
//! Codes are stable and grouped by area: `mizan::io::*` (reading input), `mizan::json::*`
//! (syntax), `mizan::schema::*` (the OpenAPI document and its `x-mizan-*` extensions) and
//! `mizan::names::*` (identifiers the generated code would get).

use std::fmt;
use std::sync::{Arc, OnceLock};

use miette::{SourceCode as _, SpanContents as _};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    fn at(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: Some(text.into()),
            primary: true,
        });
        self
    }

    fn also(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: Some(text.into()),
            primary: false,
        });
        self
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Moves every label `by` bytes on: a diagnostic about a document that is not the first
    /// file of a description (see `openapi::parse_fragment`).
    pub fn shift(&mut self, by: u32) {
        for label in &mut self.labels {
            label.span.start += by;
            label.span.end += by;
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The start of the primary label, for ordering diagnostics by position.
    pub fn offset(&self) -> u32 {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or(self.labels.first())
            .map_or(0, |l| l.span.start)
    }
}

/// The text a diagnostic points into, with the name it is shown under. Where its lines start,
/// and the copy of it that code frames show, are computed once, when first needed, and shared
/// by clones: locating a diagnostic is then a binary search, whatever the file's size.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    index: Arc<OnceLock<LineIndex>>,
    shown: Arc<OnceLock<Box<str>>>,
}

/// Bytes per step of [`LineIndex::chars_before`].
const CHAR_STEP: usize = 4096;

#[derive(Debug)]
struct LineIndex {
    /// Byte offset of the start of every line; the first is 0.
    line_starts: Vec<u32>,
    /// The number of characters before byte `i * CHAR_STEP`, so that a column on a long
    /// (minified) line is counted over at most `CHAR_STEP` bytes.
    chars_before: Vec<u32>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| (i + 1) as u32),
        );
        let mut chars_before = Vec::with_capacity(bytes.len() / CHAR_STEP + 1);
        let mut count = 0u32;
        for chunk in bytes.chunks(CHAR_STEP) {
            chars_before.push(count);
            count += char_starts(chunk);
        }
        chars_before.push(count);
        LineIndex {
            line_starts,
            chars_before,
        }
    }
}

/// The number of characters that start in `bytes` (every byte but UTF-8 continuation bytes).
fn char_starts(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            index: Arc::default(),
            shown: Arc::default(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The text as code frames show it, followed by one space: a label at the very end of a
    /// text that ends without a line break is on no line that miette draws, and the space puts
    /// its caret just after the last character. Schema text reaches a terminal there: control
    /// characters in it must not become escape sequences, so they are replaced by a
    /// placeholder of the same length in bytes, and spans still fit.
    fn shown(&self) -> &str {
        self.shown.get_or_init(|| {
            let mut out = String::with_capacity(self.text.len() + 1);
            if self.text.chars().any(is_unprintable) {
                out.extend(self.text.chars().map(|c| match c.len_utf8() {
                    _ if !is_unprintable(c) => c,
                    1 => '?',
                    2 => '\u{bf}',
                    _ => '\u{fffd}',
                }));
            } else {
                out.push_str(&self.text);
            }
            out.push(' ');
            out.into_boxed_str()
        })
    }

    /// Zero-based index of the line holding `offset`.
    fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len()) as u32;
        self.index().line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of the line holding `offset`, without its line break.
    fn line_bounds(&self, offset: usize) -> (usize, usize) {
        let starts = &self.index().line_starts;
        let line = self.line_index(offset);
        let start = starts[line] as usize;
        let end = starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        (start, end)
    }

    /// Length in bytes of the line holding `offset`.
    fn line_len_at(&self, offset: u32) -> usize {
        let (start, end) = self.line_bounds(offset as usize);
        end - start
    }

    /// The number of characters before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let step = offset / CHAR_STEP;
        let from = step * CHAR_STEP;
        self.index().chars_before[step] as usize
            + char_starts(&self.text.as_bytes()[from..offset]) as usize
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = (offset as usize).min(self.text.len());
        let line = self.line_index(offset);
        let start = self.index().line_starts[line] as usize;
        (
            line + 1,
            self.chars_before(offset) - self.chars_before(start) + 1,
        )
    }

    /// The code frame miette draws for `span` (offsets in this file), with `before` and `after`
    /// lines around it; `padded` lets it reach the space after the text ([`Self::shown`]).
    /// Only the lines drawn are read.
    fn read_span(
        &self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
        padded: bool,
    ) -> Result<miette::MietteSpanContents<'_>, miette::MietteError> {
        let len = self.text.len() + usize::from(padded);
        let text = &self.shown()[..len];
        if span.offset() + span.len() > len {
            return Err(miette::MietteError::OutOfBounds);
        }
        let start = span.offset();
        let line = self.line_index(start);
        if self.line_len_at(u32::try_from(start).unwrap_or(u32::MAX)) <= LONG_LINE {
            // miette reads from the first line it shows: its line numbers and offsets there are
            // relative to that line and are moved back here.
            let first = line.saturating_sub(before);
            let from = self.index().line_starts[first] as usize;
            let inner = text.as_bytes()[from..].read_span(
                &miette::SourceSpan::new((start - from).into(), span.len()),
                before,
                after,
            )?;
            return Ok(miette::MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                miette::SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
                inner.line() + first,
                inner.column(),
                inner.line_count() + first,
            ));
        }
        // A window of the long line around the span; line and column stay true.
        let (line_start, mut line_end) = self.line_bounds(start);
        if line + 1 == self.index().line_starts.len() {
            line_end = len;
        }
        let mut from = start.saturating_sub(WINDOW_MARGIN).max(line_start);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (start + span.len().min(WINDOW_MARGIN) + WINDOW_MARGIN).min(line_end);
        while !text.is_char_boundary(to) {
            to += 1;
        }
        let (line, column) = self.line_col(u32::try_from(start).unwrap_or(u32::MAX));
        Ok(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[from..to],
            miette::SourceSpan::new(from.into(), to - from),
            line - 1,
            column - 1,
            1,
        ))
    }
}

/// Every file diagnostics may point into, in one offset space (as rustc's `SourceMap`): each
/// file added starts at a base offset one past the end of the one before, the spans of its
/// nodes are shifted by that base, and so a span names its file and never sits on two. A map
/// starts with the root document at base 0.
#[derive(Debug, Clone)]
pub struct SourceMap {
    /// Each file with its base, in increasing order of base.
    files: Vec<(u32, SourceFile)>,
}

/// Where an offset is: the file's name, and one-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
}

impl SourceMap {
    /// A map holding `root` at base 0.
    pub fn new(root: SourceFile) -> Self {
        SourceMap {
            files: vec![(0, root)],
        }
    }

    /// Adds a file and returns its base: shift the spans of its nodes by it. `None` when the
    /// offsets of every file together would not fit in 32 bits.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> Option<u32> {
        let (last_base, last) = self.files.last()?;
        let text: Arc<str> = text.into();
        let base = last_base
            .checked_add(u32::try_from(last.text.len()).ok()?)?
            .checked_add(1)?;
        u32::try_from(text.len()).ok()?.checked_add(base)?;
        self.files.push((base, SourceFile::new(name, text)));
        Some(base)
    }

    /// The document the map was made for.
    pub fn root(&self) -> &SourceFile {
        &self.files[0].1
    }

    /// Every file with its base, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (u32, &SourceFile)> {
        self.files.iter().map(|(base, f)| (*base, f))
    }

    /// The file holding `offset`, with its base.
    pub fn file_at(&self, offset: u32) -> (u32, &SourceFile) {
        let i = self.files.partition_point(|&(base, _)| base <= offset);
        let (base, file) = &self.files[i.saturating_sub(1)];
        (*base, file)
    }

    /// The file, line and column of `offset`.
    pub fn locate(&self, offset: u32) -> Location<'_> {
        let (base, file) = self.file_at(offset);
        let (line, column) = file.line_col(offset - base);
        Location {
            file: &file.name,
            line,
            column,
        }
    }
}

impl From<SourceFile> for SourceMap {
    fn from(root: SourceFile) -> Self {
        SourceMap::new(root)
    }
}

/// How diagnostics are drawn: colours for a terminal, plain for logs and snapshots.
#[derive(Debug, Clone, Copy)]
pub struct RenderStyle {
    pub color: bool,
    pub width: usize,
}

impl RenderStyle {
    /// No colour, and the width used when the terminal's is unknown (output to a file or a
    /// pipe, no `$COLUMNS`).
    pub const PLAIN: RenderStyle = RenderStyle {
        color: false,
        width: 100,
    };
}

/// Lines longer than this are shown as a window around the label (minified documents put
/// megabytes on one line).
const LONG_LINE: usize = 160;
/// How much of a long line is shown on each side of the label.
const WINDOW_MARGIN: usize = 60;

/// Renders one diagnostic, with a code frame when it has labels and a source. Each label is
/// drawn under the `name:line:col` of the file it points into.
pub fn render(diag: &Diagnostic, source: Option<&SourceMap>, style: RenderStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    // Schema text reaches a terminal here: control characters in it must not become escape
    // sequences there. Messages spell them out; code frames show a placeholder of the same
    // length in bytes, so spans still fit (`SourceFile::shown`).
    let shown;
    let diag = match printable_diagnostic(diag) {
        Some(d) => {
            shown = d;
            &shown
        }
        None => diag,
    };
    let windowed;
    let diag = match source {
        Some(map)
            if diag.labels.iter().any(|l| {
                let (base, file) = map.file_at(l.span.start);
                file.line_len_at(l.span.start - base) > LONG_LINE
            }) =>
        {
            windowed = windowed_view(diag, map);
            &windowed
        }
        _ => diag,
    };
    let frames = source.map(|map| Frames {
        map,
        // A label at the very end of a text that ends without a line break is on no line that
        // miette draws: its file is read with the space after the text.
        padded: map
            .files()
            .map(|(base, file)| {
                let end = base as usize + file.text.len();
                diag.labels.iter().any(|l| {
                    let (start, stop) = (l.span.start as usize, l.span.end as usize);
                    start >= base as usize && start <= end + 1 && (start >= end || stop > end)
                })
            })
            .collect(),
    });
    let view = Located {
        diag,
        source: frames.as_ref(),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &view).is_err() {
        // Rendering into a String cannot fail in practice; fall back to the bare message.
        out = format!("{}: {}\n", diag.code, diag.message);
    }
    out
}

/// The diagnostics human output draws in full, and for each code that has more than
/// `max_per_code` of them (0: no limit), how many are left out.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary<'a> {
    /// The first `max_per_code` diagnostics of every code, in their given order: every code,
    /// error or warning, keeps its first ones, so errors are never hidden behind warnings.
    pub shown: Vec<&'a Diagnostic>,
    /// Per code left out: its severity, code and how many were left out; errors first, then by
    /// code.
    pub hidden: Vec<(Severity, &'static str, usize)>,
}

pub fn summarise(diags: &[Diagnostic], max_per_code: usize) -> Summary<'_> {
    let mut seen: std::collections::HashMap<&'static str, usize> = Default::default();
    let mut hidden: std::collections::BTreeMap<(std::cmp::Reverse<Severity>, &'static str), usize> =
        Default::default();
    let mut shown = Vec::with_capacity(diags.len().min(64));
    for d in diags {
        let n = seen.entry(d.code).or_default();
        *n += 1;
        if max_per_code == 0 || *n <= max_per_code {
            shown.push(d);
        } else {
            *hidden
                .entry((std::cmp::Reverse(d.severity), d.code))
                .or_default() += 1;
        }
    }
    Summary {
        shown,
        hidden: hidden
            .into_iter()
            .map(|((severity, code), n)| (severity.0, code, n))
            .collect(),
    }
}

/// Renders `diags` summarised ([`summarise`]): the ones shown in full, then one line per code
/// with the count of the rest.
pub fn render_summarised(
    diags: &[Diagnostic],
    source: Option<&SourceMap>,
    style: RenderStyle,
    max_per_code: usize,
) -> String {
    let summary = summarise(diags, max_per_code);
    let mut out = String::new();
    for d in summary.shown {
        out.push_str(&render(d, source, style));
    }
    if !summary.hidden.is_empty() {
        out.push('\n');
    }
    for (_, code, n) in summary.hidden {
        out.push_str(&format!(
            "… and {n} more {code} (use --verbose to show all)\n"
        ));
    }
    out
}

/// Characters a terminal may act on instead of showing ([`crate::text::is_unprintable`]), but
/// for the tab and line breaks a code frame lays out.
fn is_unprintable(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && crate::text::is_unprintable(c)
}

/// `s` with every unprintable character spelled out (`\u{1b}`).
fn spelled_out(s: &str) -> String {
    s.chars()
        .map(|c| {
            if is_unprintable(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A copy of `diag` whose texts are printable, or `None` when they already are.
fn printable_diagnostic(diag: &Diagnostic) -> Option<Diagnostic> {
    let texts = std::iter::once(&diag.message)
        .chain(diag.help.iter())
        .chain(diag.labels.iter().filter_map(|l| l.text.as_ref()));
    if !texts.flat_map(|t| t.chars()).any(is_unprintable) {
        return None;
    }
    let mut out = diag.clone();
    out.message = spelled_out(&out.message);
    out.help = out.help.as_deref().map(spelled_out);
    for l in &mut out.labels {
        l.text = l.text.as_deref().map(spelled_out);
    }
    Some(out)
}

/// For labels on very long lines: the primary label alone, clamped to a short span, and the
/// other labels' positions moved into the help text.
fn windowed_view(diag: &Diagnostic, map: &SourceMap) -> Diagnostic {
    let mut out = diag.clone();
    let primary = diag.labels.iter().position(|l| l.primary).unwrap_or(0);
    out.labels = Vec::new();
    let mut notes = Vec::new();
    for (i, l) in diag.labels.iter().enumerate() {
        if i == primary {
            let (base, file) = map.file_at(l.span.start);
            let base = base as usize;
            let mut end = (l.span.start as usize + WINDOW_MARGIN)
                .min(l.span.end as usize)
                .min(base + file.text.len());
            while !file.text.is_char_boundary(end - base) {
                end -= 1;
            }
            out.labels.push(Label {
                span: Span::new(l.span.start as usize, end.max(l.span.start as usize)),
                ..l.clone()
            });
        } else {
            let at = map.locate(l.span.start);
            notes.push(format!(
                "{} at {}:{}:{}",
                l.text.as_deref().unwrap_or("related"),
                at.file,
                at.line,
                at.column
            ));
        }
    }
    if !notes.is_empty() {
        let help = out
            .help
            .take()
            .map(|h| format!("\n{h}"))
            .unwrap_or_default();
        out.help = Some(format!("{}{help}", notes.join("\n")));
    }
    out
}

struct Located<'a> {
    diag: &'a Diagnostic,
    source: Option<&'a Frames<'a>>,
}

/// What miette reads code frames from: the files of a map, each read only around the lines
/// drawn; `padded[i]`: file `i` is read with the space after its text.
struct Frames<'a> {
    map: &'a SourceMap,
    padded: Vec<bool>,
}

impl miette::SourceCode for Frames<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let offset = u32::try_from(span.offset()).map_err(|_| miette::MietteError::OutOfBounds)?;
        let i = self
            .map
            .files
            .partition_point(|&(base, _)| base <= offset)
            .saturating_sub(1);
        let (base, file) = &self.map.files[i];
        let base = *base as usize;
        let local = miette::SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = file.read_span(&local, before, after, self.padded[i])?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            file.name.clone(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Located<'_> {}

impl miette::Diagnostic for Located<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        if self.diag.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.diag.labels.iter().map(|l| {
            let span: miette::SourceSpan = l.span.into();
            if l.primary {
                LabeledSpan::new_primary_with_span(l.text.clone(), span)
            } else {
                LabeledSpan::new_with_span(l.text.clone(), span)
            }
        })))
    }
}

/// The closest candidate within a small edit distance, for "did you mean" hints. The distance
/// counts a swap of two neighbouring characters as one edit (`Itme` → `Item`), the commonest
/// typing mistake, which plain Levenshtein counts as two.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).max(1);
    let counts = char_counts(word);
    // Callers pass every name a document declares, for every mistake: candidates the edit
    // distance cannot come within the limit (or the best so far) of are skipped on two lower
    // bounds of it, the difference in length and the characters one has more of than the
    // other.
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let bound = best.map_or(limit, |(d, _)| d);
        // The length first: it is the cheaper bound, and rules out most names.
        if len.abs_diff(c.chars().count()) > bound {
            continue;
        }
        let mut diff = counts;
        for ch in c.chars() {
            diff[bucket(ch)] -= 1;
        }
        let (more, fewer) = diff.iter().fold((0, 0), |(m, f), &d| {
            (m + d.max(0) as usize, f + (-d).max(0) as usize)
        });
        if more.max(fewer) > bound {
            continue;
        }
        let d = strsim::osa_distance(word, c);
        if d <= limit && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// How many characters of `s` fall in each of 64 buckets (characters sharing a bucket only
/// make the bound of [`did_you_mean`] lower, never wrong).
fn char_counts(s: &str) -> [i32; 64] {
    let mut counts = [0; 64];
    for c in s.chars() {
        counts[bucket(c)] += 1;
    }
    counts
}

fn bucket(c: char) -> usize {
    u32::from(c) as usize % 64
}

fn suggestion(word: &str, candidates: &[&str], what: &str) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None if candidates.is_empty() => format!("the document declares no {what}"),
        None => {
            let mut shown: Vec<&str> = candidates.iter().copied().take(8).collect();
            shown.sort_unstable();
            let more = if candidates.len() > 8 { ", ..." } else { "" };
            format!("known {what}: {}{more}", shown.join(", "))
        }
    }
}

// ---- reading input -------------------------------------------------------------------------

/// `config` is the file the path was written in, when it came from one (paths there are
/// relative to that file, on the command line to the current directory).
pub fn read_failed(
    path: &str,
    error: &std::io::Error,
    config: Option<&std::path::Path>,
) -> Diagnostic {
    Diagnostic::error(
        "mizan::io::read-failed",
        format!("cannot read `{path}`: {error}"),
    )
    .help(match config {
        Some(config) => format!(
            "check the path in {}; paths there are relative to that file's directory",
            config.display()
        ),
        None => "check the path; relative paths are resolved from the current directory".to_owned(),
    })
}

pub fn not_utf8(offset: usize) -> Diagnostic {
    Diagnostic::error(
        "mizan::io::not-utf8",
        format!("the document is not UTF-8 text (invalid byte at offset {offset})"),
    )
    .at(
        // The text shown is a lossy copy, where the bad byte became U+FFFD (three bytes).
        Span::new(offset, offset + '\u{fffd}'.len_utf8()),
        "this byte is not valid UTF-8",
    )
    .help("export the schema as JSON (UTF-8); this looks like a binary or differently encoded file")
}

pub fn too_large(len: usize) -> Diagnostic {
    Diagnostic::error(
        "mizan::io::too-large",
        format!("the document is {len} bytes; documents over 1 GiB are not read"),
    )
    .help("check that the schema source produces an OpenAPI document")
}

/// `limit` is the cap in bytes; `config` the file it can be raised in, when there is one.
pub fn over_limit(name: &str, limit: u64, config: Option<&std::path::Path>) -> Diagnostic {
    let mib = match limit {
        l if l % (1 << 20) == 0 => format!(" ({} MiB)", l >> 20),
        l if l > 1 << 20 => format!(" ({:.1} MiB)", l as f64 / f64::from(1 << 20)),
        _ => String::new(),
    };
    Diagnostic::error(
        "mizan::io::over-limit",
        format!("`{name}` is larger than the limit of {limit} bytes{mib} for a schema document"),
    )
    .help(match config {
        Some(config) => format!(
            "if the schema really is this large, raise `max_bytes` in the [source] table of {}; otherwise check that the source produces an OpenAPI document",
            config.display()
        ),
        None => "if the schema really is this large, generate from a mizan.toml with a higher `max_bytes` in its [source] table; otherwise check that the source produces an OpenAPI document (a device or endless stream never ends)".to_owned(),
    })
}

pub fn write_failed(path: &std::path::Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "mizan::io::write-failed",
        format!("cannot write `{}`: {error}", path.display()),
    )
        .help("check that the output directory is writable; the output is as it was, or, when every new file was ready before the failure, the next run completes it")
}

// ---- configuration and schema sources ----------------------------------------------------

/// `ceiling`: where the search stopped because `$MIZAN_CONFIG_CEILING` said so.
pub fn no_config(start: &std::path::Path, ceiling: Option<&std::path::Path>) -> Diagnostic {
    let above = match ceiling {
        Some(c) => format!("or above it up to {} ($MIZAN_CONFIG_CEILING)", c.display()),
        None => "or any directory above it".to_owned(),
    };
    Diagnostic::error(
        "mizan::config::not-found",
        format!("no `mizan.toml` in {} {above}", start.display()),
    )
    .help("create one with `mizan-generate init`, pass `--config <file>`, or generate without one: `mizan-generate --schema <file> --out <dir>`")
}

pub fn config_unknown_key(span: Span, key: &str, expected: &[&str]) -> Diagnostic {
    Diagnostic::error("mizan::config::unknown-key", format!("unknown key `{key}`"))
        .at(span, "not a mizan.toml setting")
        .help(suggestion(key, expected, "keys"))
}

pub fn config_invalid(span: Span, message: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::config::invalid",
        format!("invalid configuration: {message}"),
    )
    .at(span, "here")
    .help("the settings and their types are listed in the README and in mizan.schema.json")
}

/// `[output] framework` names none of `accepted`.
pub fn config_unknown_framework(span: Span, found: &str, accepted: &[&str]) -> Diagnostic {
    let list = accepted
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::error(
        "mizan::config::unknown-framework",
        format!("unknown framework `{found}`"),
    )
    .at(span, "not a framework layer mizan-generate writes")
    .help(match did_you_mean(found, accepted.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? `framework` is one of {list}"),
        None => format!("`framework` is one of {list}"),
    })
}

/// The deprecated `[output] react` says otherwise than `[output] framework`.
pub fn config_framework_conflict(
    react: Span,
    framework: Span,
    react_value: bool,
    framework_value: &str,
) -> Diagnostic {
    Diagnostic::error(
        "mizan::config::framework-conflict",
        format!("`react = {react_value}` contradicts `framework = \"{framework_value}\"`"),
    )
    .at(react, "the old setting")
    .also(framework, "the setting that replaces it")
    .help("remove `react`: `framework` replaces it (`react = false` is `framework = \"none\"`, `react = true` is `framework = \"react\"`)")
}

pub fn config_sources(span: Span, found: &[&str]) -> Diagnostic {
    let message = if found.is_empty() {
        "`[source]` names no schema source".to_owned()
    } else {
        format!(
            "`[source]` names {} sources ({}); exactly one is allowed",
            found.len(),
            found.join(", ")
        )
    };
    Diagnostic::error("mizan::config::sources", message)
        .at(span, "the source table")
        .help("keep one of [source.file], [source.url], [source.command], [source.django], [source.fastapi]")
}

pub fn legacy_config(name: &str, reason: &str) -> Diagnostic {
    Diagnostic::error("mizan::config::legacy", format!("cannot read the JavaScript config {name}: {reason}"))
        .help("its default export should be an object like `{ source: { django: { managePath, command, env } }, output }`")
}

pub fn legacy_config_used(name: &str) -> Diagnostic {
    Diagnostic::warning("mizan::config::legacy", format!("{name} is a JavaScript config; it still works, by way of node"))
        .help("move to mizan.toml: `mizan-generate init` writes a starter, and the same settings have the same names in snake_case")
}

pub fn command_not_started(command: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error("mizan::source::command-not-found", format!("cannot run `{command}`: {error}"))
        .help("check that the program is installed and on PATH (for example `uv` or the virtualenv's `python`); a program written as a path is relative to the config file")
}

pub fn command_failed(command: &str, code: Option<i32>, stderr: &str) -> Diagnostic {
    let tail: Vec<&str> = stderr
        .lines()
        .rev()
        .take(20)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let status = code.map_or_else(
        || "was stopped by a signal".to_owned(),
        |c| format!("exited with status {c}"),
    );
    Diagnostic::error(
        "mizan::source::command-failed",
        format!("the schema export `{command}` {status}"),
    )
    .help(if tail.is_empty() {
        "it printed nothing on standard error; run it by hand to see what happens".to_owned()
    } else {
        format!("its standard error ended with:\n{}", tail.join("\n"))
    })
}

pub fn url_unreachable(url: &str, error: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::source::unreachable",
        format!("cannot fetch the schema from {url}: {error}"),
    )
    .help("is the backend running? start it, or point [source.url] at where it listens")
}

pub fn url_status(url: &str, status: u16) -> Diagnostic {
    Diagnostic::error("mizan::source::http-status", format!("{url} answered HTTP {status}"))
        .help("the URL should answer 200 with the exported OpenAPI document; check the path and any headers it needs")
}

pub fn not_owned(dir: &std::path::Path, paths: &[String]) -> Diagnostic {
    Diagnostic::error(
        "mizan::output::not-owned",
        format!("{} already holds files the generator did not write: {}", dir.display(), paths.join(", ")),
    )
    .help("nothing was written; move those files away, choose another output directory, or pass --force to replace them")
}

/// `config`: the file `[output] dir` was set in, when it came from one.
pub fn out_not_a_directory(dir: &std::path::Path, config: Option<&std::path::Path>) -> Diagnostic {
    Diagnostic::error(
        "mizan::output::not-a-directory",
        format!("the output directory {} is a file, not a directory", dir.display()),
    )
    .help(match config {
        Some(config) => format!("nothing was read or written there; point `dir` in the [output] table of {} at a directory (it is created if missing), or move the file away", config.display()),
        None => "nothing was read or written there; pass a directory to --out (it is created if missing), or move the file away".to_owned(),
    })
}

/// `present`: files of generated names in `dir`, which no manifest says are the generator's.
pub fn manifest_missing(dir: &std::path::Path, present: &[String], fix: &str) -> Diagnostic {
    let shown: Vec<&str> = present.iter().take(5).map(String::as_str).collect();
    let more = if present.len() > shown.len() {
        ", ..."
    } else {
        ""
    };
    Diagnostic::error(
        "mizan::output::no-manifest",
        format!(
            "{} holds {} {} of generated names ({}{more}) but no manifest (.mizan-generate.json) says the generator owns them",
            dir.display(),
            present.len(),
            if present.len() == 1 { "file" } else { "files" },
            shown.join(", "),
        ),
    )
    .help(format!("without the manifest the next generation refuses to replace them; run `{fix}` to record them (files that differ from what it generates need --force), and commit the manifest with them"))
}

pub fn manifest_corrupt(path: &std::path::Path, reason: &str, fix: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::output::manifest-corrupt",
        format!("the manifest {} cannot be read: {reason}", path.display()),
    )
    .help(format!("it lists the files the generator owns (a merge conflict is the usual cause); delete it and run `{fix}`, which records the files again (files that differ from what it generates need --force), or run `{fix} --force` to rewrite everything"))
}

/// Temporary files of a generation that was stopped before it committed.
pub fn stray_temp(dir: &std::path::Path, paths: &[String], fix: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::output::stray-temp",
        format!(
            "{} holds {} temporary {} left by a generation that was stopped: {}",
            dir.display(),
            paths.len(),
            if paths.len() == 1 { "file" } else { "files" },
            paths.join(", ")
        ),
    )
    .help(format!("they are not part of the output, which is as that generation found it; run `{fix}`, which removes them"))
}

pub fn journal_corrupt(path: &std::path::Path, reason: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::output::journal-corrupt",
        format!("the generation journal {} cannot be read: {reason}", path.display()),
    )
    .help("mizan-generate writes it whole or not at all, so something else changed it; nothing was written: delete it and generate again")
}

/// An interrupted generation, past its commit point, was completed from its journal.
pub fn recovered(dir: &std::path::Path, renamed: usize, removed: usize) -> Diagnostic {
    Diagnostic::warning(
        "mizan::output::recovered",
        format!(
            "a generation into {} was stopped after it committed; it has now been completed ({renamed} {} put in place, {removed} removed)",
            dir.display(),
            if renamed == 1 { "file" } else { "files" },
        ),
    )
    .help("the directory now holds that generation's complete output; nothing needs doing")
}

pub fn init_write_failed(path: &std::path::Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "mizan::io::write-failed",
        format!("cannot write `{}`: {error}", path.display()),
    )
    .help("check that the directory is writable; nothing was written")
}

pub fn init_exists(path: &std::path::Path) -> Diagnostic {
    Diagnostic::error(
        "mizan::init::exists",
        format!("{} already exists", path.display()),
    )
    .help("it was left as it is; edit it, or delete it and run `mizan-generate init` again")
}

// ---- JSON syntax ---------------------------------------------------------------------------

pub fn json_empty(at: Span) -> Diagnostic {
    Diagnostic::error("mizan::json::empty", "the document is empty")
        .at(at, "expected a JSON object here")
        .help("the schema export produced no output; run the export command by hand to see why")
}

pub fn json_too_deep(at: Span, max_depth: usize) -> Diagnostic {
    Diagnostic::error(
        "mizan::json::too-deep",
        format!("the document nests deeper than {max_depth} levels"),
    )
    .at(at, "nesting limit reached here")
    .help("a real OpenAPI document never nests this deep; the file is likely corrupt or generated by a loop")
}

pub fn json_duplicate_key(at: Span, key: &str, first: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::json::duplicate-key",
        format!("the key `{key}` appears twice in one object"),
    )
    .at(at, "second occurrence")
    .also(first, "first occurrence")
    .help("JSON readers disagree on which value wins; remove one of them")
}

/// Any other JSON syntax error: `problem` says what is wrong, `expected` what would fit `at`.
pub fn json_syntax(at: Span, problem: String, expected: String) -> Diagnostic {
    Diagnostic::error("mizan::json::syntax", problem)
        .at(at, expected)
        .help("the schema must be valid JSON; check the exporter's output for stray log lines")
}

/// A file named `.json` that holds YAML: the name decides, so it was read as JSON.
pub fn yaml_in_json_file(span: Span) -> Diagnostic {
    Diagnostic::error("mizan::json::yaml", "this file is named .json but holds a YAML document")
        .at(span, "not JSON")
        .help("rename it to .yaml or .yml (YAML is read from any name but .json), or export the schema as JSON")
}

// ---- YAML syntax ---------------------------------------------------------------------------

/// A YAML syntax error: `problem` says what is wrong, `expected` what would fit `at`.
pub fn yaml_syntax(at: Span, problem: String, expected: String) -> Diagnostic {
    Diagnostic::error("mizan::yaml::syntax", problem)
        .at(at, expected)
        .help(
            "the schema must be valid YAML 1.2 (or JSON); a YAML linter shows the whole structure",
        )
}

pub fn yaml_duplicate_key(at: Span, key: &str, first: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::yaml::duplicate-key",
        format!("the key `{key}` appears twice in one mapping"),
    )
    .at(at, "second occurrence")
    .also(first, "first occurrence")
    .help(
        "YAML forbids duplicate keys and readers disagree on which value wins; remove one of them",
    )
}

pub fn yaml_multiple_documents(at: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::yaml::multiple-documents",
        "the YAML stream holds more than one document",
    )
    .at(at, "a second document starts here")
    .help("an OpenAPI description is one document; remove the `---` and what follows, or split the file")
}

pub fn yaml_complex_key(at: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::yaml::complex-key",
        "a mapping key that is not a scalar",
    )
    .at(at, "a collection used as a key")
    .help("OpenAPI keys are strings, as JSON's are; write this key as plain or quoted text")
}

pub fn yaml_merge_key(at: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::yaml::merge-key",
        "merge keys (`<<`) are YAML 1.1 and are not read",
    )
    .at(at, "merge key")
    .help("write the members out, or reuse the whole value with an alias (`key: *anchor`); quote `\"<<\"` for a key of that name")
}

pub fn yaml_not_finite(at: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::yaml::not-a-number",
        format!("`{text}` is a YAML number that JSON cannot hold"),
    )
    .at(at, "infinity or not-a-number")
    .help("OpenAPI values are JSON values; quote it to make it a string, or use a finite number")
}

pub fn yaml_integer_too_large(at: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::yaml::not-a-number",
        "this hexadecimal or octal integer does not fit 128 bits",
    )
    .at(at, "integer too large")
    .help("write it in decimal, or quote it to make it a string")
}

/// `mismatch`: a core tag (`!!int`) on text it cannot describe, rather than an unknown tag.
pub fn yaml_tag(at: Span, tag: &str, mismatch: bool) -> Diagnostic {
    let (message, label) = if mismatch {
        (
            format!("this value cannot be read as `{tag}`"),
            "the tag does not fit the value",
        )
    } else {
        (
            format!("the YAML tag `{tag}` is not supported"),
            "unsupported tag",
        )
    };
    Diagnostic::error("mizan::yaml::tag", message)
        .at(at, label)
        .help("OpenAPI values are JSON values: only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are read, on values of their kind; remove the tag")
}

pub fn yaml_alias_limit(at: Span, limit: usize) -> Diagnostic {
    Diagnostic::error(
        "mizan::yaml::alias-limit",
        format!("anchors and aliases expand to more than {} MiB", limit >> 20),
    )
    .at(at, "the limit was reached here")
    .help("aliases copy the values they name; a document that multiplies them (a \"billion laughs\") is refused. Write large shared schemas once and `$ref` them")
}

// ---- the OpenAPI document ------------------------------------------------------------------

pub fn root_not_object(span: Span, found: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::not-an-object",
        format!("an OpenAPI document is a JSON object, this is {found}"),
    )
    .at(span, "expected an object")
    .help("export the schema with the backend's `export_mizan_schema` command")
}

pub fn swagger_2(span: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unsupported-version",
        "Swagger 2.0 documents are not supported",
    )
    .at(span, "Swagger 2.0")
    .help("Mizan backends export OpenAPI 3.0 or 3.1; upgrade the backend's Mizan package, or convert with swagger2openapi")
}

pub fn missing_openapi_version(span: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unsupported-version",
        "the document has no `openapi` version field",
    )
    .at(span, "this document")
    .help("add `\"openapi\": \"3.1.0\"` (or 3.0.x) at the top level")
}

pub fn unsupported_openapi_version(span: Span, version: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unsupported-version",
        format!("OpenAPI version `{version}` is not supported"),
    )
    .at(span, "unsupported version")
    .help("mizan-generate reads OpenAPI 3.0.x and 3.1.x")
}

pub fn unsupported_mizan_version(span: Span, found: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unsupported-version",
        format!("`x-mizan-version` {found} is not supported"),
    )
    .at(span, "this version")
    .help(
        "this mizan-generate reads x-mizan-version 1; upgrade mizan-generate to read newer exports",
    )
}

pub fn wrong_type(span: Span, field: &str, expected: &str, found: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::wrong-type",
        format!("`{field}` must be {expected}, found {found}"),
    )
    .at(span, format!("expected {expected}"))
    .help("this field's type is fixed by the Mizan schema format (docs/PROTOCOL.md)")
}

pub fn missing_field(span: Span, what: &str, field: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::missing-field",
        format!("{what} has no `{field}`"),
    )
    .at(span, format!("`{field}` is required here"))
    .help("re-export the schema with the backend's exporter; hand-edited documents must keep every required key")
}

pub fn unknown_field(span: Span, what: &str, field: &str, known: &[&str]) -> Diagnostic {
    Diagnostic::warning(
        "mizan::schema::unknown-field",
        format!("unknown key `{field}` in {what}; it is ignored"),
    )
    .at(span, "not part of the Mizan schema format")
    .help(suggestion(field, known, "keys"))
}

pub fn invalid_value(span: Span, field: &str, found: &str, allowed: &[&str]) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::invalid-value",
        format!("`{field}` cannot be `{found}`"),
    )
    .at(span, "not an allowed value")
    .help(match did_you_mean(found, allowed.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? allowed: {}", allowed.join(", ")),
        None => format!("allowed: {}", allowed.join(", ")),
    })
}

/// `what`: the kind of item named (`function`, `context`, `form`, `channel`).
pub fn invalid_name(span: Span, what: &str, name: &str) -> Diagnostic {
    let label = match name
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
    {
        Some(c) => format!("{} is not allowed in a {what} name", char_name(c)),
        None => "needs at least one letter".to_owned(),
    };
    Diagnostic::error(
        "mizan::schema::invalid-name",
        format!("{what} name {} is not a valid name", quoted(name)),
    )
    .at(span, label)
    .help(format!(
        "register the {what} under a name made of letters, digits, `_` and `.`, with at least one letter"
    ))
}

/// A character as a diagnostic shows it: `-`, or its code point when it is invisible.
fn char_name(c: char) -> String {
    if c.is_whitespace() || c.is_control() || c == '`' {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// A name in a message, quoted, with control characters shown as escapes.
fn quoted(name: &str) -> String {
    format!("{name:?}")
}

pub fn duplicate_name(span: Span, first: Span, what: &str, name: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::duplicate-name",
        format!("{what} `{name}` is declared twice"),
    )
    .at(span, "declared again here")
    .also(first, "first declared here")
    .help(format!(
        "{what} names are the wire names and must be unique; rename or remove one"
    ))
}

pub fn unknown_context(span: Span, name: &str, known: &[&str]) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unknown-context",
        format!("unknown context `{name}`"),
    )
    .at(span, "no context of this name in `x-mizan-contexts`")
    .help(suggestion(name, known, "contexts"))
}

pub fn unknown_function(span: Span, name: &str, role: &str, known: &[&str]) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unknown-function",
        format!("{role} names `{name}`, which is not a function of this document"),
    )
    .at(span, "no function of this name in `x-mizan-functions`")
    .help(suggestion(name, known, "functions"))
}

pub fn context_member_mismatch(
    span: Span,
    function: &str,
    context: &str,
    declared: Option<&str>,
) -> Diagnostic {
    let message = match declared {
        Some(other) => format!(
            "context `{context}` lists `{function}`, but `{function}` belongs to context `{other}`"
        ),
        None => format!(
            "context `{context}` lists `{function}`, but `{function}` is not a context function"
        ),
    };
    Diagnostic::error("mizan::schema::context-member-mismatch", message)
        .at(span, "listed here")
        .help(format!(
            "set `\"context\": \"{context}\"` on the function, or remove it from the context's `functions`"
        ))
}

pub fn context_member_unlisted(span: Span, function: &str, context: &str) -> Diagnostic {
    Diagnostic::warning(
        "mizan::schema::context-member-unlisted",
        format!("`{function}` says it belongs to context `{context}`, which does not list it"),
    )
    .at(span, "context declared here")
    .help(format!(
        "it is treated as a member of `{context}`; re-export the schema so the context's `functions` list it"
    ))
}

pub fn context_with_mutation(context_span: Span, other_span: Span, field: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::context-and-mutation",
        format!("a context function cannot also have `{field}`"),
    )
    .at(other_span, format!("`{field}` makes it a mutation"))
    .also(context_span, "`context` makes it a read function")
    .help("a function either reads (belongs to a context) or writes (affects/merges); split it in two")
}

pub fn function_not_in_context(
    span: Span,
    function: &str,
    context: &str,
    actual: Option<&str>,
) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::function-not-in-context",
        format!("`{function}` is not a function of context `{context}`"),
    )
    .at(span, "named here")
    .help(match actual {
        Some(actual) => format!("`{function}` belongs to context `{actual}`"),
        None => format!("`{function}` belongs to no context; name one of `{context}`'s functions"),
    })
}

pub fn merge_type_mismatch(
    span: Span,
    mutation: &str,
    slot: &str,
    mutation_type: &str,
    slot_type: &str,
) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::merge-type-mismatch",
        format!("`{mutation}` cannot merge into slot `{slot}`: it returns `{mutation_type}`, the slot holds `{slot_type}`"),
    )
    .at(span, "this merge")
    .help("a merge replaces the slot with the mutation's result, so both must have the same output type (protocol §5); use `affects` to refetch instead")
}

pub fn global_with_params(span: Span) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::global-with-params",
        "the `global` context cannot take params",
    )
    .at(span, "params declared here")
    .help("`global` is fetched once per app; move parameterised functions to a named context")
}

pub fn param_required_mismatch(
    span: Span,
    context: &str,
    param: &str,
    declared: bool,
) -> Diagnostic {
    let (said, is) = if declared {
        ("required", "optional")
    } else {
        ("optional", "required")
    };
    Diagnostic::warning(
        "mizan::schema::param-required-mismatch",
        format!("param `{param}` of context `{context}` is declared {said} but is {is} by its `sharedBy`"),
    )
    .at(span, format!("declared {said}"))
    .help("a context param is required exactly when every function of the context takes it; the `sharedBy` list wins")
}

pub fn input_not_object(span: Span, function: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::input-not-object",
        format!("the input of `{function}` is not an object schema"),
    )
    .at(
        span,
        "expected an object schema (or a $ref to one) whose properties are the arguments",
    )
    .help("use `null` for a function without arguments")
}

pub fn channel_params_not_object(span: Span, channel: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::params-not-object",
        format!("the params of channel `{channel}` are not an object schema"),
    )
    .at(
        span,
        "expected an object schema (or a $ref to one) whose properties are the params",
    )
    .help("a client subscribes with its params as one JSON object; use `null` for a channel without params")
}

/// `field_type`: the field's `type` as written; `expected`: what such a field's `initial` is
/// (`None`: a field that takes no initial value).
pub fn initial_wrong_type(
    span: Span,
    field: &str,
    field_type: &str,
    expected: Option<&str>,
    found: &str,
) -> Diagnostic {
    let a = if field_type.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    let diagnostic = Diagnostic::error(
        "mizan::schema::initial-type",
        format!("the initial value of form field `{field}` is {found}, but it is {a} `{field_type}` field"),
    );
    match expected {
        Some(expected) => diagnostic
            .at(span, format!("expected {expected}"))
            .help(format!(
                "the initial value of {a} `{field_type}` field is {expected}; fix it on the backend, or use `null` for none"
            )),
        None => diagnostic
            .at(span, "a file field starts empty")
            .help(format!("{a} `{field_type}` field takes no initial value; use `null` or leave `initial` out")),
    }
}

/// `found`: the initial value; `choices`: the field's choice values, in order; `required`: the
/// field must be filled, so it cannot start unselected (`""`).
pub fn initial_not_a_choice(
    span: Span,
    field: &str,
    found: &serde_json::Value,
    choices: &[&serde_json::Value],
    required: bool,
) -> Diagnostic {
    let allowed = choices
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let close = found
        .as_str()
        .and_then(|word| did_you_mean(word, choices.iter().filter_map(|c| c.as_str())));
    let help = match close {
        Some(c) => format!("did you mean \"{c}\"? the choices are {allowed}"),
        None if required && found.as_str() == Some("") => format!(
            "the field is required, so it cannot start unselected; use one of {allowed}, or `null` for no initial value"
        ),
        None => format!("the choices are {allowed}"),
    };
    Diagnostic::error(
        "mizan::schema::initial-not-a-choice",
        format!("the initial value {found} of form field `{field}` is not one of its choices"),
    )
    .at(span, "not a choice of this field")
    .help(help)
}

pub fn invalid_route(span: Span, reason: &str) -> Diagnostic {
    Diagnostic::error("mizan::schema::invalid-route", format!("invalid route: {reason}"))
        .at(span, "this route")
        .help("routes use Django's syntax: `/profile/<int:user_id>/`, converters str, int, slug, uuid, path")
}

pub fn route_not_a_path(span: Span, why: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::route-not-a-path",
        format!("this route is not a path on the backend's site: {why}"),
    )
    .at(span, "this route")
    .help("a route is a path on the site that serves it, such as `/profile/<int:user_id>/`; the generated URL builder puts it in links as it is, so it cannot name a scheme or another host")
}

pub fn argument_not_in_route(span: Span, function: &str, arg: &str, route: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::argument-not-in-route",
        format!("argument `{arg}` of the view path `{function}` is not a parameter of its route `{route}`"),
    )
    .at(span, "this input")
    .help(format!(
        "a view path's arguments are its route's parameters: add `<{arg}>` to the route, or drop `{arg}` from `input`"
    ))
}

pub fn route_braces(span: Span, name: &str) -> Diagnostic {
    let example = if name.is_empty() { "user_id" } else { name };
    Diagnostic::error(
        "mizan::schema::invalid-route",
        "this route uses OpenAPI's `{...}` for a parameter; routes use Django's syntax",
    )
    .at(span, "braces are not route parameters")
    .help(format!(
        "write the parameter as `<{example}>` (a string) or with a converter, such as `<int:{example}>`; converters str, int, slug, uuid, path"
    ))
}

/// `what`: where the name was found (`an argument of `f``, `a route parameter of `f``...).
pub fn object_member_name(span: Span, what: &str, name: &str) -> Diagnostic {
    let why = if name == "__proto__" {
        "an object literal cannot hold it as a key: `{__proto__: x}` sets the object's prototype"
    } else {
        "every JavaScript object already has it, so it would read as set when absent"
    };
    Diagnostic::error(
        "mizan::names::object-member",
        format!("{what} is named `{name}`, which JavaScript objects reserve"),
    )
    .at(span, format!("named `{name}` here"))
    .help(format!(
        "{why}; rename it on the backend (`__proto__` and Object.prototype's members, such as `constructor` and `toString`, cannot be field, argument or param names; `prototype` can)"
    ))
}

/// `target` resolved up to `prefix` (a pointer), where `failure` says what was missing;
/// `missing` is the token that named nothing and `known` the members that were there.
pub fn dangling_ref(
    span: Span,
    target: &str,
    failure: &str,
    prefix: &str,
    missing: &str,
    known: &[&str],
) -> Diagnostic {
    let escape = |t: &str| t.replace('~', "~0").replace('/', "~1");
    Diagnostic::error(
        "mizan::schema::dangling-ref",
        format!("`$ref` points at `{target}`, which does not exist"),
    )
    .at(span, failure)
    .help(match did_you_mean(missing, known.iter().copied()) {
        Some(c) => format!("did you mean `{prefix}/{}`?", escape(c)),
        None if prefix == "#/components/schemas" && known.is_empty() => {
            "the document declares no schema under `components.schemas`".to_owned()
        }
        None if known.is_empty() => {
            format!("`{target}` must name a value of this document; `{prefix}` is the last part that does")
        }
        None => {
            let mut shown: Vec<&str> = known.iter().copied().take(8).collect();
            shown.sort_unstable();
            let more = if known.len() > 8 { ", ..." } else { "" };
            format!("`{prefix}` has: {}{more}", shown.join(", "))
        }
    })
}

/// A reference to another document (`common.json#/X`, `https://...`).
pub fn unsupported_ref(span: Span, target: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unsupported-ref",
        format!("`$ref` to `{target}` is not supported"),
    )
    .at(span, "a reference to another document, which was not read")
    .help("read the description with its documents (`mizan_generate::analyze_description`): references to other files are read relative to the file that names them")
}

/// A same-document reference whose fragment is not a JSON Pointer, or not a well-formed one.
pub fn malformed_ref(span: Span, target: &str, reason: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::unsupported-ref",
        format!("`$ref` `{target}` is not a JSON Pointer"),
    )
    .at(span, reason)
    .help("a reference inside the document is `#` and a JSON Pointer, such as `#/components/schemas/Pet`; inside a name, `~` is written `~0` and `/` is written `~1`")
}

/// Pointers to unnamed schemas that would make the types too large to build: nested deeper
/// than the limit, or inlining more type nodes than the budget. `why` says which.
pub fn ref_limit(span: Span, why: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::ref-limit",
        format!("`$ref`s to unnamed schemas {why}"),
    )
    .at(span, "this reference")
    .help("move the schemas these references point at under `components.schemas` and reference them by name (`#/components/schemas/<Name>`), which is declared once")
}

pub fn external_ref_cycle(span: Span, chain: &[String]) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::ref-cycle",
        format!("references form a cycle: {}", chain.join(" → ")),
    )
    .at(span, "this reference leads back to itself")
    .help("only schemas may refer to themselves; make one of these references point at the object itself")
}

pub fn external_schema_renamed(span: Span, first: Span, wanted: &str, name: &str) -> Diagnostic {
    Diagnostic::warning(
        "mizan::schema::external-renamed",
        format!("the schema this reference names is called `{name}`, since `{wanted}` is taken"),
    )
    .at(span, format!("named `{name}` in the generated types"))
    .also(first, format!("`{wanted}` is this schema"))
    .help("a schema from another file is named after its pointer or file; add it to `components.schemas` under a name of your choice as `{\"$ref\": ...}` to choose its name")
}

pub fn ref_unreadable(span: Span, location: &str, reason: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::source::ref-unreadable",
        format!("cannot read `{location}`, which this `$ref` names: {reason}"),
    )
    .at(span, "referred to here")
    .help("a reference to another file is relative to the file it is written in")
}

pub fn remote_ref_refused(span: Span, url: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::source::remote-ref",
        format!("`$ref` to `{url}` would download a document, which a local description may not do"),
    )
    .at(span, "a URL reference")
    .help("set `remote_refs = true` under `[source]` in mizan.toml to follow references to URLs, or save the document next to this one and refer to the file")
}

pub fn too_many_documents(span: Span, limit: usize) -> Diagnostic {
    Diagnostic::error(
        "mizan::source::too-many-documents",
        format!("the description refers to more than {limit} documents"),
    )
    .at(span, "one too many")
    .help("bundle the description into fewer files")
}

pub fn ref_cycle(span: Span, chain: &[&str]) -> Diagnostic {
    Diagnostic::error(
        "mizan::schema::ref-cycle",
        format!("schema `{}` is defined only in terms of itself: {}", chain[0], chain.join(" → ")),
    )
    .at(span, "this schema")
    .help("a recursive type needs an object or array between the references (for example `children: [TreeNode]`)")
}

pub fn invalid_schema(span: Span, reason: impl Into<String>) -> Diagnostic {
    Diagnostic::error("mizan::schema::invalid-schema", reason.into())
        .at(span, "here")
        .help("schemas follow JSON Schema as OpenAPI 3.0/3.1 allow it")
}

/// A schema keyword TypeScript cannot express, typed more widely than it validates.
/// `became` says what the type became.
pub fn approximated(span: Span, keyword: &str, became: &str) -> Diagnostic {
    Diagnostic::warning(
        "mizan::schema::approximated",
        format!("`{keyword}` cannot be expressed in TypeScript; its type is approximated"),
    )
    .at(span, format!("this `{keyword}`"))
    .help(format!(
        "the type became {became}; the server still validates the value"
    ))
}

pub fn invalid_discriminator(span: Span, reason: impl Into<String>) -> Diagnostic {
    Diagnostic::error("mizan::schema::invalid-discriminator", reason.into())
        .at(span, "this discriminator")
        .help("each mapping value must reference one of the union's members, and each member must carry the tag property")
}

pub fn name_collision(
    span: Span,
    other: Span,
    ident: &str,
    first: &str,
    second: &str,
) -> Diagnostic {
    Diagnostic::error(
        "mizan::names::collision",
        format!("{first} and {second} would both generate `{ident}`"),
    )
    .at(span, format!("generates `{ident}`"))
    .also(other, format!("also generates `{ident}`"))
    .help("rename one of them on the backend; generated names are part of the client's API and are never renamed silently")
}

pub fn name_reserved(span: Span, ident: &str, owner: &str) -> Diagnostic {
    Diagnostic::error(
        "mizan::names::reserved",
        format!("{owner} would generate `{ident}`, a name the generated client already uses"),
    )
    .at(span, format!("generates `{ident}`"))
    .help("rename it on the backend; the generated files declare this name for their own use")
}

pub fn name_renamed(
    span: Span,
    schema: &str,
    ident: &str,
    wanted: &str,
    held_by: &str,
    other: Option<Span>,
) -> Diagnostic {
    let d = Diagnostic::warning(
        "mizan::names::renamed",
        format!("schema `{schema}` is exported as `{ident}`: `{wanted}` is {held_by}"),
    )
    .at(span, format!("exported as `{ident}`"));
    match other {
        Some(other) => d.also(other, format!("holds `{wanted}`")),
        None => d,
    }
    .help(format!("rename the schema on the backend to choose its name; `{ident}` is what the client exports and may change when schemas are added"))
}

// ---- the tool itself -----------------------------------------------------------------------

pub fn internal(what: &str) -> Diagnostic {
    Diagnostic::error("mizan::internal", format!("internal error: {what}"))
        .help("this is a bug in mizan-generate; please report it with the schema that caused it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_count_a_swap_of_neighbours_as_one_edit() {
        let names = ["Item", "Order", "Items2", "Pet"];
        assert_eq!(did_you_mean("Itme", names), Some("Item"));
        assert_eq!(did_you_mean("Oredr", names), Some("Order"));
        assert_eq!(did_you_mean("Pets", names), Some("Pet"));
        assert_eq!(did_you_mean("Customer", names), None);
    }

    #[test]
    fn schema_text_cannot_drive_the_terminal() {
        let text = "{\"a\": \u{1b}[31m1, \"b\": \"\u{9b}2J\u{202e}\"}";
        let source = SourceFile::new("s.json", text);
        let mut diag = Diagnostic::error("mizan::test", "name `\u{1b}]0;title\u{7}` is odd")
            .at(Span::new(6, 7), "label \u{1b}[0m")
            .help("help \u{202e}reversed");
        diag.labels[0].primary = true;
        let out = render(&diag, Some(&SourceMap::new(source)), RenderStyle::PLAIN);
        for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(
                !out.contains(c),
                "U+{:04X} reached the output:\n{out}",
                u32::from(c)
            );
        }
        assert!(out.contains("name `\\u{1b}]0;title\\u{7}` is odd"), "{out}");
        assert!(out.contains("{\"a\": ?[31m1"), "{out}");
        assert!(out.contains("[s.json:1:7]"), "{out}");
    }

    #[test]
    fn a_source_map_locates_offsets_in_each_file() {
        let mut map = SourceMap::new(SourceFile::new("root.json", "{\n  \"é\": 1\n}"));
        let base = map.add("schemas/user.yaml", "a: 1\nb: 2\n").expect("fits");
        assert_eq!(base, 14, "one past the end of the root's 13 bytes");
        let at = |o| {
            let l = map.locate(o);
            (l.file, l.line, l.column)
        };
        assert_eq!(at(0), ("root.json", 1, 1));
        assert_eq!(at(9), ("root.json", 2, 7), "columns count characters");
        assert_eq!(at(13), ("root.json", 3, 2), "the end of a file is in it");
        assert_eq!(at(base), ("schemas/user.yaml", 1, 1));
        assert_eq!(at(base + 5), ("schemas/user.yaml", 2, 1));
    }

    #[test]
    fn columns_on_a_long_line_count_characters() {
        let text = format!("{}x", "é".repeat(3 * CHAR_STEP));
        let file = SourceFile::new("min.json", text.as_str());
        let x = u32::try_from(text.len() - 1).expect("fits");
        assert_eq!(file.line_col(x), (1, 3 * CHAR_STEP + 1));
        assert_eq!(file.line_col(2 * 2049), (1, 2050));
    }

    #[test]
    fn labels_in_two_files_are_drawn_under_their_own_headers() {
        let mut map = SourceMap::new(SourceFile::new(
            "root.json",
            "{\n  \"a\": {\"$ref\": \"./user.json\"}\n}\n",
        ));
        let base = map
            .add("schemas/user.json", "{\n  \"type\": 1\n}")
            .expect("fits") as usize;
        let diag = Diagnostic::error("mizan::test", "two files")
            .at(Span::new(base + 12, base + 13), "here")
            .also(Span::new(17, 30), "from here");
        let out = render(&diag, Some(&map), RenderStyle::PLAIN);
        assert!(out.contains("[root.json:2:16]"), "{out}");
        assert!(out.contains("[schemas/user.json:2:11]"), "{out}");
        let root = out.find("[root.json").expect("fits");
        let user = out.find("[schemas/user.json").expect("fits");
        assert!(out[root..user].contains("from here"), "{out}");
        assert!(out[user..].contains("here"), "{out}");
        assert!(out[user..].contains("\"type\": 1"), "{out}");
        // A label at the very end of the second file still gets a frame.
        let end =
            Diagnostic::error("mizan::test", "end").at(Span::new(base + 15, base + 15), "end");
        let out = render(&end, Some(&map), RenderStyle::PLAIN);
        assert!(out.contains("[schemas/user.json:3:2]"), "{out}");
    }

    #[test]
    fn summaries_keep_the_first_of_every_code() {
        let e = |n: u32| Diagnostic::error("mizan::e", format!("e{n}"));
        let w = |n: u32| Diagnostic::warning("mizan::w", format!("w{n}"));
        let diags: Vec<Diagnostic> = (0..5).map(w).chain((0..4).map(e)).collect();
        let s = summarise(&diags, 2);
        let shown: Vec<&str> = s.shown.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(shown, ["w0", "w1", "e0", "e1"]);
        assert_eq!(
            s.hidden,
            [
                (Severity::Error, "mizan::e", 2),
                (Severity::Warning, "mizan::w", 3)
            ]
        );
        assert_eq!(summarise(&diags, 0).shown.len(), 9);
    }
}
