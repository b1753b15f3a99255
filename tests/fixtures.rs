//! Every fixture, good and bad: the IR of the good ones and the rendered diagnostics of the bad
//! ones are snapshots; the expectations that matter are also asserted directly. Each fixture
//! is checked on its own, and a failing one does not stop the others.

mod common;

use common::{
    analyze_case, assert_well_formed, cases, check_each_case, render_all, snapshot_settings,
};

/// A good fixture builds an IR without warnings, unless its `expected-warnings` lists the codes
/// it warns with (schema keywords TypeScript can only approximate); those warnings are then a
/// snapshot too.
#[test]
fn good_fixtures_build_an_ir_without_warnings_but_the_expected_ones() {
    let good = cases("good");
    assert!(good.len() >= 5, "fixtures went missing: {good:?}");
    check_each_case("good", |case| {
        let analysis = analyze_case("good", case);
        assert_well_formed(&analysis, case);
        // `expected-warnings`: one code a line, for the fixtures that exercise a warning (a
        // schema named like a reserved word is exported suffixed, and says so).
        let expected = std::fs::read_to_string(common::fixture_path(&format!(
            "fixtures/good/{case}/expected-warnings"
        )))
        .unwrap_or_default();
        let expected: Vec<&str> = expected.lines().collect();
        let codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, expected, "{case}:\n{}", render_all(&analysis));
        for d in &analysis.diagnostics {
            assert!(d.help.is_some(), "{case}: {} has no help", d.code);
            assert!(!d.labels.is_empty(), "{case}: {} points nowhere", d.code);
        }
        if !expected.is_empty() {
            snapshot_settings().bind(|| {
                insta::assert_snapshot!(format!("warnings-{case}"), render_all(&analysis))
            });
        }
        let ir = analysis.ir.expect("valid");
        snapshot_settings().bind(|| insta::assert_json_snapshot!(format!("ir-{case}"), ir));
    });
}

#[test]
fn bad_fixtures_end_in_their_diagnostic() {
    let count = cases("bad").len();
    assert!(
        count >= 20,
        "fewer bad fixtures than failure modes: {count}"
    );
    check_each_case("bad", |case| {
        let expected = std::fs::read_to_string(common::fixture_path(&format!(
            "fixtures/bad/{case}/expected-code"
        )))
        .expect("expected-code file");
        let analysis = analyze_case("bad", case);
        assert_well_formed(&analysis, case);
        assert!(analysis.ir.is_none(), "{case}: accepted");
        assert!(
            analysis
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.code == expected.trim()),
            "{case}: no {} in\n{}",
            expected.trim(),
            render_all(&analysis)
        );
        for d in analysis.diagnostics.iter().filter(|d| d.is_error()) {
            assert!(d.help.is_some(), "{case}: {} has no help", d.code);
            assert!(!d.labels.is_empty(), "{case}: {} points nowhere", d.code);
        }
        snapshot_settings()
            .bind(|| insta::assert_snapshot!(format!("diagnostics-{case}"), render_all(&analysis)));
    });
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let analysis = analyze_case("bad", "many-problems");
    let mut codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "mizan::schema::dangling-ref",
            "mizan::schema::merge-type-mismatch",
            "mizan::schema::unknown-context",
            "mizan::schema::unknown-context",
        ]
    );
}

/// The two exports of the reference fixture differ only in dialect: once lowered they must say
/// the same thing. (3.0 has no tuples, so the one tuple-typed schema is left out.)
#[test]
fn both_dialects_of_the_reference_fixture_give_the_same_ir() {
    let ir = |case| {
        let mut v =
            serde_json::to_value(analyze_case("good", case).ir.expect("valid")).expect("json");
        v.as_object_mut().expect("object").remove("openapi");
        for t in v["types"].as_array_mut().expect("types") {
            if t["wire_name"] == "FormFieldSpec" {
                t["ty"] = serde_json::Value::Null;
            }
        }
        v
    };
    assert_eq!(ir("reference-3.0"), ir("reference-3.1"));
}

#[test]
fn reference_fixture_semantics() {
    let ir = analyze_case("good", "reference-3.1").ir.expect("valid");
    let function = |name: &str| {
        ir.functions
            .iter()
            .find(|f| f.wire_name == name)
            .expect(name)
    };
    let context = |name: &str| {
        ir.contexts
            .iter()
            .find(|c| c.wire_name == name)
            .expect(name)
    };

    let user = context("user");
    let params: Vec<(&str, bool)> = user
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p.required))
        .collect();
    assert_eq!(params, [("user_id", true), ("limit", false)]);
    assert!(context("global").is_global && context("global").params.is_empty());
    assert_eq!(context("items").rev, 2);

    use mizan_generate::ir::{AffectTarget, FunctionKind};
    let FunctionKind::Mutation { merge, affects } = &function("rename_user").kind else {
        panic!("rename_user is a mutation")
    };
    assert!(affects.is_empty());
    assert_eq!(ir.function(merge[0].slot).wire_name, "user_profile");
    assert_eq!(
        merge[0].scope,
        ["user_id"],
        "rename_user takes user_id, so its merge is scoped"
    );
    let FunctionKind::Mutation { affects, .. } = &function("update_email").kind else {
        panic!("mutation")
    };
    assert!(matches!(affects[0], AffectTarget::Function { .. }));
    assert!(matches!(
        function("profile_page").kind,
        FunctionKind::ViewPath { .. }
    ));
    assert_eq!(function("profile_page").args[0].wire_name, "user_id");
    assert!(function("upload_avatar")
        .args
        .iter()
        .any(|a| a.wire_name == "file" && a.is_file));
    assert!(function("current_user").output_nullable);
    assert_eq!(function("contact.submit").ident, "ContactSubmit");
    let limit = function("user_orders")
        .args
        .iter()
        .find(|a| a.wire_name == "limit")
        .expect("limit");
    assert!(!limit.required, "a defaulted argument is optional");

    let internal = ir
        .types
        .iter()
        .find(|t| t.wire_name == "InternalStats")
        .expect("type");
    assert!(!internal.reachable, "only a private function uses it");
    assert!(ir
        .types
        .iter()
        .filter(|t| t.wire_name != "InternalStats")
        .all(|t| t.reachable));
}

#[test]
fn type_model_semantics() {
    use mizan_generate::ir::{Additional, TypeKind};
    let ir = analyze_case("good", "types-3.1").ir.expect("valid");
    let ty = |name: &str| ir.types.iter().find(|t| t.wire_name == name).expect(name);

    assert_eq!(ty("TreeNode-Input").ident, "TreeNodeInput");
    assert_eq!(ty("delete").ident, "delete2");
    assert_eq!(ty("app.models.Account").ident, "appModelsAccount");
    assert_eq!(
        ty("Record").ident,
        "Record",
        "globals are the emitter's concern, not renamed"
    );
    assert!(!ty("Unused").reachable && !ty("Secret").reachable);

    let TypeKind::Union {
        discriminator: Some(d),
        ..
    } = &ty("Pet").ty.kind
    else {
        panic!("Pet")
    };
    assert!(d.explicit && d.property == "pet_type");
    assert_eq!(d.mapping, [("cat".to_owned(), 0), ("dog".to_owned(), 1)]);
    let TypeKind::Union {
        discriminator: Some(d),
        ..
    } = &ty("Shape").ty.kind
    else {
        panic!("Shape")
    };
    assert!(!d.explicit, "inferred from const / one-value enum");
    assert_eq!(
        d.mapping,
        [("circle".to_owned(), 0), ("square".to_owned(), 1)]
    );

    let TypeKind::Object(account) = &ty("app.models.Account").ty.kind else {
        panic!("object")
    };
    let prop = |name: &str| {
        account
            .properties
            .iter()
            .find(|p| p.wire_name == name)
            .expect(name)
    };
    assert!(prop("nickname").ty.nullable);
    assert!(prop("password").ty.write_only && prop("created").ty.read_only);
    assert!(
        matches!(&prop("coords").ty.kind, TypeKind::Tuple { items, rest: None } if items.len() == 2)
    );
    assert!(matches!(
        &prop("tags").ty.kind,
        TypeKind::Tuple { rest: Some(_), .. }
    ));
    assert!(prop("pet").ty.nullable && !prop("pet").required);

    let TypeKind::Object(record) = &ty("Record").ty.kind else {
        panic!("object")
    };
    let rp = |name: &str| {
        record
            .properties
            .iter()
            .find(|p| p.wire_name == name)
            .expect(name)
    };
    assert!(
        matches!(&rp("data").ty.kind, TypeKind::Object(o) if matches!(o.additional, Additional::Typed(_)))
    );
    assert!(matches!(&rp("meta").ty.kind, TypeKind::Object(o) if o.additional == Additional::Any));
    assert_eq!(rp("anything").ty.kind, TypeKind::Unknown);

    let lib = analyze_case("good", "types-3.0").ir.expect("valid");
    let media = lib
        .types
        .iter()
        .find(|t| t.wire_name == "Media")
        .expect("Media");
    let TypeKind::Union {
        discriminator: Some(d),
        ..
    } = &media.ty.kind
    else {
        panic!("Media")
    };
    assert_eq!(
        d.mapping,
        [("book".to_owned(), 0), ("film".to_owned(), 1)],
        "3.0 one-value enums tag members"
    );
}
