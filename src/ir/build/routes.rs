//! View-path routes in Django's syntax (`/profile/<int:user_id>/`).

use crate::ir::{names, Route, RouteConverter, RouteSegment};

/// Parses a Django-style route (`/profile/<int:user_id>/`).
pub fn parse_route(path: &str) -> Result<Route, String> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                if rest.contains('>') {
                    return Err("`>` without a matching `<`".to_owned());
                }
                segments.push(RouteSegment::Literal {
                    text: rest.to_owned(),
                });
                break;
            }
            Some(open) => {
                if open > 0 {
                    let text = &rest[..open];
                    if text.contains('>') {
                        return Err("`>` without a matching `<`".to_owned());
                    }
                    segments.push(RouteSegment::Literal {
                        text: text.to_owned(),
                    });
                }
                let after = &rest[open + 1..];
                let close = after
                    .find('>')
                    .ok_or_else(|| "`<` without a closing `>`".to_owned())?;
                let inner = &after[..close];
                let (conv, name) = inner.split_once(':').unwrap_or(("str", inner));
                let converter = match conv {
                    "str" => RouteConverter::Str,
                    "int" => RouteConverter::Int,
                    "slug" => RouteConverter::Slug,
                    "uuid" => RouteConverter::Uuid,
                    "path" => RouteConverter::Path,
                    other => return Err(format!("unknown converter `{other}`")),
                };
                if !names::is_identifier(name) {
                    return Err(format!("`{name}` is not a parameter name"));
                }
                if segments
                    .iter()
                    .any(|s| matches!(s, RouteSegment::Param { name: n, .. } if n == name))
                {
                    return Err(format!("parameter `{name}` appears twice"));
                }
                segments.push(RouteSegment::Param {
                    name: name.to_owned(),
                    converter,
                });
                rest = &after[close + 1..];
            }
        }
    }
    Ok(Route {
        path: path.to_owned(),
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = parse_route("/profile/<int:user_id>/").expect("valid");
        assert_eq!(
            r.segments,
            [
                RouteSegment::Literal {
                    text: "/profile/".into()
                },
                RouteSegment::Param {
                    name: "user_id".into(),
                    converter: RouteConverter::Int
                },
                RouteSegment::Literal { text: "/".into() },
            ]
        );
        assert_eq!(parse_route("a/<slug>/").expect("bare").segments.len(), 3);
        for bad in [
            "/<int:id",
            "/<float:x>/",
            "/<int:a b>/",
            "/<a>/<a>/",
            "/a>/",
        ] {
            assert!(parse_route(bad).is_err(), "{bad}");
        }
    }
}
