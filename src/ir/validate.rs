//! Checks that need the whole IR: alias cycles between named schemas, merge type agreement
//! (protocol §5), and which schemas the generated client needs.

use super::{Additional, Channel, Context, Function, Type, TypeDef, TypeId, TypeKind};
use crate::diagnostics::{self, Diagnostic};

/// Reports schemas that are defined only through themselves (`A = B`, `B = A | null`): no
/// language can declare them. Recursion through an object property or an array element is
/// fine and is not reported.
pub fn alias_cycles(types: &[TypeDef], diags: &mut Vec<Diagnostic>) {
    let n = types.len();
    // Edges: the named types a type is an alias of (top level, union and intersection members).
    let edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            alias_targets(&t.ty, &mut out);
            out
        })
        .collect();
    // Iterative DFS with colours; each cycle is reported once, at its first member in document
    // order.
    let mut colour = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut reported = vec![false; n];
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&TypeId(target)) = edges[node].get(*next) {
                *next += 1;
                let target = target as usize;
                match colour[target] {
                    0 => {
                        colour[target] = 1;
                        stack.push((target, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|&(s, _)| s == target).unwrap_or(0);
                        let cycle: Vec<usize> = stack[from..].iter().map(|&(s, _)| s).collect();
                        if cycle.iter().all(|&c| !reported[c]) {
                            let first = cycle.iter().copied().min().unwrap_or(target);
                            let pos = cycle.iter().position(|&c| c == first).unwrap_or(0);
                            let mut chain: Vec<&str> = cycle[pos..]
                                .iter()
                                .chain(&cycle[..pos])
                                .map(|&c| types[c].wire_name.as_str())
                                .collect();
                            chain.push(&types[first].wire_name);
                            diags.push(diagnostics::ref_cycle(types[first].span, &chain));
                            for c in cycle {
                                reported[c] = true;
                            }
                        }
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
}

fn alias_targets(ty: &Type, out: &mut Vec<TypeId>) {
    match &ty.kind {
        TypeKind::Ref { id } => out.push(*id),
        TypeKind::Union {
            variants: members, ..
        }
        | TypeKind::Intersection { members } => {
            for m in members {
                alias_targets(m, out);
            }
        }
        _ => {}
    }
}

/// Which named types the client needs: everything reachable from a public function, a context
/// param or a channel; every schema when `all` (types-only documents). `types` are the named
/// types' schemas, in order.
pub fn reachable(
    types: &[Type],
    functions: &[Function],
    contexts: &[Context],
    channels: &[Channel],
    all: bool,
) -> Vec<bool> {
    if all {
        return vec![true; types.len()];
    }
    let mut work: Vec<TypeId> = Vec::new();
    let visit = |ty: &Type, work: &mut Vec<TypeId>| refs_in(ty, work);
    for f in functions.iter().filter(|f| !f.private) {
        if let Some(input) = &f.input {
            visit(input, &mut work);
        }
        for a in &f.args {
            visit(&a.ty, &mut work);
        }
        visit(&f.output, &mut work);
    }
    for c in contexts {
        for p in &c.params {
            visit(&p.ty, &mut work);
        }
    }
    for ch in channels {
        visit(&ch.params, &mut work);
        visit(&ch.server_message, &mut work);
        if let Some(m) = &ch.client_message {
            visit(m, &mut work);
        }
    }
    let mut seen = vec![false; types.len()];
    while let Some(id) = work.pop() {
        let i = id.0 as usize;
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        refs_in(&types[i], &mut work);
    }
    seen
}

/// Every named type a type mentions, at any depth (not following the references themselves).
pub fn refs_in(ty: &Type, out: &mut Vec<TypeId>) {
    match &ty.kind {
        TypeKind::Ref { id } => out.push(*id),
        TypeKind::Array { items } => refs_in(items, out),
        TypeKind::Tuple { items, rest } => {
            for i in items {
                refs_in(i, out);
            }
            if let Some(r) = rest {
                refs_in(r, out);
            }
        }
        TypeKind::Object(o) => {
            for p in &o.properties {
                refs_in(&p.ty, out);
            }
            if let Additional::Typed(t) = &o.additional {
                refs_in(t, out);
            }
        }
        TypeKind::Union {
            variants: members, ..
        }
        | TypeKind::Intersection { members } => {
            for m in members {
                refs_in(m, out);
            }
        }
        TypeKind::Unknown
        | TypeKind::Never
        | TypeKind::Null
        | TypeKind::Boolean
        | TypeKind::String { .. }
        | TypeKind::Integer { .. }
        | TypeKind::Number { .. }
        | TypeKind::Literal { .. }
        | TypeKind::Enum { .. } => {}
    }
}

/// Protocol §5: after removing nullability, the same named schema, or structurally equal when
/// neither is named.
pub fn same_output(a: &Type, b: &Type) -> bool {
    match (&a.kind, &b.kind) {
        (TypeKind::Ref { id: x }, TypeKind::Ref { id: y }) => x == y,
        (TypeKind::Ref { .. }, _) | (_, TypeKind::Ref { .. }) => false,
        (x, y) => {
            let (mut a, mut b) = (Type::new(x.clone()), Type::new(y.clone()));
            a.nullable = false;
            b.nullable = false;
            a.shape_eq(&b)
        }
    }
}

/// A short name of a type for messages: the schema name, or the kind. `type_names` are the named
/// types' wire names, in order.
pub fn describe(ty: &Type, type_names: &[&str]) -> String {
    let base = match &ty.kind {
        TypeKind::Ref { id } => type_names[id.0 as usize].to_owned(),
        TypeKind::Array { items } => format!("array of {}", describe(items, type_names)),
        TypeKind::Unknown => "any".to_owned(),
        TypeKind::Never => "never".to_owned(),
        TypeKind::Null => "null".to_owned(),
        TypeKind::Boolean => "boolean".to_owned(),
        TypeKind::String { .. } => "string".to_owned(),
        TypeKind::Integer { .. } => "integer".to_owned(),
        TypeKind::Number { .. } => "number".to_owned(),
        TypeKind::Literal { .. } => "literal".to_owned(),
        TypeKind::Enum { .. } => "enum".to_owned(),
        TypeKind::Tuple { .. } => "tuple".to_owned(),
        TypeKind::Object(_) => "inline object".to_owned(),
        TypeKind::Union { .. } => "union".to_owned(),
        TypeKind::Intersection { .. } => "intersection".to_owned(),
    };
    if ty.nullable {
        format!("{base} | null")
    } else {
        base
    }
}
