//! View-path routes in Django's syntax (`/profile/<int:user_id>/`).

use crate::ir::{names, Route, RouteConverter, RouteSegment};

/// Why a route was refused; each kind has its own diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// Not Django's route syntax (an unknown converter, an unclosed `<`...).
    Syntax(String),
    /// Not a path on the backend's own site: a scheme (`javascript:`, `https:`), another host
    /// (`//host`, `/\\host`), or characters a URL does not hold as they are.
    NotAPath(String),
    /// OpenAPI's `{name}` instead of Django's `<name>`: the name inside the braces.
    Braces(String),
    /// A parameter named like a member every object has ([`names::OBJECT_MEMBERS`]).
    ObjectMember(String),
}

/// Parses a Django-style route (`/profile/<int:user_id>/`).
pub fn parse_route(path: &str) -> Result<Route, RouteError> {
    check_is_path(path)?;
    let route = parse_segments(path).map_err(RouteError::Syntax)?;
    for seg in &route.segments {
        if let RouteSegment::Param { name, .. } = seg {
            if names::is_object_member(name) {
                return Err(RouteError::ObjectMember(name.clone()));
            }
        }
    }
    Ok(route)
}

/// A route must stay a path on the site that serves it: the URL builder puts it in `href`s and
/// redirects as it is.
fn check_is_path(path: &str) -> Result<(), RouteError> {
    let not_a_path = |why: &str| Err(RouteError::NotAPath(why.to_owned()));
    if let Some(c) = path.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return not_a_path(&format!(
            "it contains U+{:04X}; spaces and control characters must be percent-encoded",
            u32::from(c)
        ));
    }
    // Browsers read `\\` as `/`, so `/\\host` and `\\\\host` name another host as `//host` does.
    let mut head = path.chars();
    if let (Some(a @ ('/' | '\\')), Some(b @ ('/' | '\\'))) = (head.next(), head.next()) {
        return not_a_path(&format!(
            "it starts with `{a}{b}`, which names another host"
        ));
    }
    // A `:` before the first `/`, `<`, `?` or `#` makes the text before it a URL scheme.
    let head = path.split(['/', '<', '?', '#']).next().unwrap_or("");
    if let Some((scheme, _)) = head.split_once(':') {
        return not_a_path(&format!("it starts with the URL scheme `{scheme}:`"));
    }
    // OpenAPI's `{name}`: a name in braces. Other braces are literal text.
    for (open, _) in path.match_indices('{') {
        if let Some((name, _)) = path[open + 1..].split_once('}') {
            if names::is_identifier(name) {
                return Err(RouteError::Braces(name.to_owned()));
            }
        }
    }
    Ok(())
}

fn parse_segments(path: &str) -> Result<Route, String> {
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
            "/<int:a-b>/",
            "/<a>/<a>/",
            "/a>/",
        ] {
            assert!(
                matches!(parse_route(bad), Err(RouteError::Syntax(_))),
                "{bad}"
            );
        }
        for elsewhere in [
            "javascript:alert(1)//<int:user_id>",
            "http://evil.example/<int:user_id>/",
            "//evil.example/<int:user_id>/",
            "/\\evil.example/",
            " //evil.example/",
            "/a\nb/",
            "mailto:x@example.com",
        ] {
            assert!(
                matches!(parse_route(elsewhere), Err(RouteError::NotAPath(_))),
                "{elsewhere}"
            );
        }
        assert_eq!(
            parse_route("/p/{user_id}/").err(),
            Some(RouteError::Braces("user_id".into()))
        );
        assert_eq!(
            parse_route("/p/<__proto__>/").err(),
            Some(RouteError::ObjectMember("__proto__".into()))
        );
        assert_eq!(
            parse_route("/p/<int:constructor>/").err(),
            Some(RouteError::ObjectMember("constructor".into()))
        );
        // A colon after the first `/` is path text; `<int:...>` is a converter.
        assert!(parse_route("/a:b/<int:id>/").is_ok());
        assert!(parse_route("<int:id>/").is_ok());
        assert!(parse_route("/p/<prototype>/").is_ok());
        assert!(
            parse_route("/p/${x/{}/").is_ok(),
            "braces around no name are text"
        );
        // A backslash further in changes the path, not the host.
        assert!(parse_route("/back\\slash/<path:rest>/").is_ok());
    }
}
