//! A function's arguments: the properties of its input object schema (through references and
//! `allOf`), and a view path's route parameters.

use crate::ir::{Arg, Constraints, Property, RouteConverter, Type, TypeKind};

/// Collects an object schema's properties, following `$ref`s and `allOf`. `false` when the type
/// is not an object, or admits `null` anywhere along the way (a function's arguments and a
/// channel's params are one object).
pub(super) fn collect_properties(
    ty: &Type,
    types: &[Type],
    out: &mut Vec<Property>,
    depth: usize,
) -> bool {
    // The arguments are one object: never `null`.
    if depth > 32 || ty.nullable {
        return false;
    }
    match &ty.kind {
        TypeKind::Object(o) => {
            for p in &o.properties {
                if let Some(existing) = out.iter_mut().find(|e| e.wire_name == p.wire_name) {
                    existing.required |= p.required;
                } else {
                    out.push(p.clone());
                }
            }
            true
        }
        // A named `{}` is declared as `unknown`, which no call takes as its arguments; only an
        // inline `{}` means "no arguments".
        TypeKind::Ref { id } => types.get(id.0 as usize).is_some_and(|target| {
            !matches!(target.kind, TypeKind::Unknown)
                && collect_properties(target, types, out, depth + 1)
        }),
        TypeKind::Intersection { members } => members
            .iter()
            .all(|m| collect_properties(m, types, out, depth + 1)),
        // `{}` as an input: no declared arguments.
        TypeKind::Unknown => true,
        _ => false,
    }
}

/// A `format: binary` string, or an array of them: a file part of an upload.
pub(super) fn is_binary(ty: &Type, types: &[Type]) -> bool {
    let mut ty = ty;
    for _ in 0..8 {
        match &ty.kind {
            TypeKind::String {
                format: Some(f), ..
            } => return f == "binary",
            TypeKind::Array { items } => ty = items,
            TypeKind::Ref { id } => match types.get(id.0 as usize) {
                Some(target) => ty = target,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

/// The argument a route parameter gives a view-path function.
pub(super) fn route_arg(name: &str, converter: RouteConverter) -> Arg {
    let kind = match converter {
        RouteConverter::Int => TypeKind::Integer {
            format: None,
            constraints: Constraints::default(),
        },
        RouteConverter::Uuid => TypeKind::String {
            format: Some("uuid".to_owned()),
            constraints: Constraints::default(),
        },
        _ => TypeKind::String {
            format: None,
            constraints: Constraints::default(),
        },
    };
    Arg {
        wire_name: name.to_owned(),
        ty: Type::new(kind),
        required: true,
        is_file: false,
    }
}
