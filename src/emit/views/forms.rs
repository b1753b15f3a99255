//! The forms file of a framework layer (`forms.ts`, Svelte's `forms.svelte.ts`): per form, its
//! data type, field list, initial values, Zod schema and hook (`useForm`, Svelte's
//! `createForm`).

use askama::Template;

use crate::emit::file::HEADER;
use crate::emit::layer::Layer;
use crate::emit::lexical::{
    doc_lines, number_literal, object_key, property_name, string_literal, DocLines, Quoted,
};
use crate::emit::order::{self, Order};
use crate::emit::prettier;
use crate::emit::signature::output_expr;
use crate::emit::syntax::{Const, Data, Decl, Expr, Function, Member, Stmt, TypeExpr};
use crate::emit::typing::Printer;
use crate::ir::names::FormNames;
use crate::ir::{FieldType, Form, FormField, Ir};

/// Printed by `templates/forms.ts` for every layer (Svelte's file is `forms.svelte.ts`).
#[derive(Template)]
#[template(path = "forms.ts", escape = "none")]
pub struct FormsTs {
    header: &'static str,
    /// `"use client";` after the header (React).
    use_client: bool,
    imports: Vec<String>,
    /// `export { ... } from "./runtime/forms";`, laid out.
    reexport: String,
    /// Per form: its data type, field list, initial values, Zod schema and hook, laid out.
    forms: Vec<Vec<String>>,
}

/// The TypeScript type of a field's value in the form's data.
fn field_type(f: &FormField) -> TypeExpr {
    let choices = || -> Vec<TypeExpr> {
        f.choices
            .iter()
            .flatten()
            .map(|c| match &c.value {
                serde_json::Value::String(s) => TypeExpr::atom(string_literal(s)),
                serde_json::Value::Number(n) => TypeExpr::atom(number_literal(&n.to_string())),
                serde_json::Value::Bool(b) => TypeExpr::atom(b.to_string()),
                _ => TypeExpr::atom("unknown"),
            })
            .collect()
    };
    match f.field_type {
        FieldType::Integer | FieldType::Number => TypeExpr::atom("number"),
        FieldType::Boolean => TypeExpr::atom("boolean"),
        FieldType::File => TypeExpr::reference("Blob"),
        FieldType::Choice if f.choices.as_ref().is_some_and(|c| !c.is_empty()) => {
            let mut members = choices();
            if !f.required {
                // An optional choice may be left unselected.
                members.insert(0, TypeExpr::atom(string_literal("")));
            }
            TypeExpr::union(members)
        }
        FieldType::MultipleChoice => {
            let members = choices();
            TypeExpr::Array(Box::new(if members.is_empty() {
                TypeExpr::atom("string")
            } else {
                TypeExpr::union(members)
            }))
        }
        _ => TypeExpr::atom("string"),
    }
}

/// The value a field starts with: its declared `initial`, else empty text, `false` or `[]`.
fn initial_value(f: &FormField) -> Option<Data> {
    if let Some(v) = &f.initial {
        return Some(Data::from_json(v));
    }
    match f.field_type {
        FieldType::Text
        | FieldType::Textarea
        | FieldType::Password
        | FieldType::Email
        | FieldType::Url
        | FieldType::Date
        | FieldType::Datetime => Some(Data::Str(Quoted::new(""))),
        // Nothing selected: `""` where the field may stay empty, no value where it may not.
        FieldType::Choice if !f.required => Some(Data::Str(Quoted::new(""))),
        FieldType::Choice => None,
        FieldType::Boolean => Some(Data::Bool(false)),
        FieldType::MultipleChoice => Some(Data::Array(Vec::new())),
        FieldType::Integer | FieldType::Number | FieldType::File => None,
    }
}

/// A field's declaration, as the form hook's `fields` lists it.
fn field_meta(f: &FormField) -> Data {
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map_or(Data::Null, |s| Data::Str(Quoted::new(s)))
    };
    let num = |n: Option<u64>| n.map_or(Data::Null, |n| Data::Num(n.to_string()));
    let choices = match &f.choices {
        None => Data::Null,
        Some(cs) => Data::Array(
            cs.iter()
                .map(|c| {
                    Data::Object(vec![
                        ("value".to_owned(), Data::from_json(&c.value)),
                        ("label".to_owned(), Data::Str(Quoted::new(&c.label))),
                    ])
                })
                .collect(),
        ),
    };
    let kind = serde_json::to_value(f.field_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Data::Object(vec![
        ("name".to_owned(), Data::Str(Quoted::new(&f.wire_name))),
        (
            "label".to_owned(),
            Data::Str(Quoted::new(f.label.as_deref().unwrap_or(&f.wire_name))),
        ),
        ("type".to_owned(), Data::Str(Quoted::new(&kind))),
        ("widget".to_owned(), opt(&f.widget)),
        ("required".to_owned(), Data::Bool(f.required)),
        ("disabled".to_owned(), Data::Bool(f.disabled)),
        ("helpText".to_owned(), opt(&f.help_text)),
        ("maxLength".to_owned(), num(f.max_length)),
        ("minLength".to_owned(), num(f.min_length)),
        ("choices".to_owned(), choices),
    ])
}

pub fn forms_ts(ir: &Ir, order: &Order<'_>, layer: Layer) -> FormsTs {
    let printer = Printer::new(ir, "T.");
    let mut uses_types = false;
    let forms = order
        .forms
        .iter()
        .map(|form| {
            let (decls, mentions) = form_decls(ir, &printer, form, layer);
            uses_types |= mentions;
            decls.iter().map(prettier::format).collect()
        })
        .collect();
    let core = ["formSchema", "type FieldsOf", "type FormState"];
    let (forms_module, core_module) = (layer.forms_module(), layer.form_core_module());
    let mut imports = if core_module == forms_module {
        vec![Decl::import(
            &order::import_names(core.into_iter().chain([layer.form_helper()])),
            &forms_module,
            false,
        )]
    } else {
        vec![
            Decl::import(&order::import_names(core), &core_module, false),
            Decl::import(&[layer.form_helper()], &forms_module, false),
        ]
    };
    if uses_types {
        imports.push(Decl::import_types("./types"));
    }
    FormsTs {
        header: HEADER,
        use_client: layer.use_client(),
        imports: imports.iter().map(prettier::format).collect(),
        reexport: super::reexport(layer.reexports().forms, order),
        forms,
    }
}

/// A form's data type, field list, initial values, Zod schema and hook; and whether they refer
/// to `types.ts`.
fn form_decls(ir: &Ir, printer: &Printer<'_>, form: &Form, layer: Layer) -> (Vec<Decl>, bool) {
    let submit = form.submit_fn.map(|id| ir.function(id));
    let validate = form.validate_fn.map(|id| ir.function(id));
    let names = FormNames::of(&form.ident, layer.framework());
    let title = form.title.clone().unwrap_or_else(|| form.wire_name.clone());
    let data = names.data.clone();
    let by_name = order::form_fields(form);
    let members: Vec<Member> = by_name
        .iter()
        .map(|f| Member {
            doc: doc_lines(f.label.as_deref(), false),
            key: format!(
                "{}{}",
                property_name(&f.wire_name),
                if f.required { "" } else { "?" }
            ),
            ty: field_type(f),
        })
        .collect();
    let initial: Vec<(String, Data)> = by_name
        .iter()
        .filter_map(|f| initial_value(f).map(|v| (object_key(&f.wire_name), v)))
        .collect();
    let result = submit.map_or_else(|| TypeExpr::atom("unknown"), |f| output_expr(printer, f));
    let mentions = result.mentions("T.");
    let decls = vec![
        Decl::Interface {
            doc: doc_lines(
                Some(&format!("The values of the `{}` form.", form.wire_name)),
                false,
            ),
            name: data.clone(),
            members,
        },
        // Fields keep the form's order: it is the order to render them in.
        Decl::Const(Const {
            doc: DocLines::none(),
            export: false,
            name: names.fields.clone(),
            ty: Some(format!("FieldsOf<{data}>")),
            value: Expr::Data(Data::Array(form.fields.iter().map(field_meta).collect())),
        }),
        Decl::Const(Const {
            doc: DocLines::none(),
            export: false,
            name: names.initial.clone(),
            ty: Some(format!("Partial<{data}>")),
            value: Expr::object(initial),
        }),
        Decl::Const(Const {
            doc: doc_lines(
                Some(&format!(
                    "Zod schema of the `{}` form's data, from its field list.",
                    form.wire_name
                )),
                false,
            ),
            export: true,
            name: names.schema.clone(),
            ty: None,
            value: Expr::call(
                "formSchema",
                vec![TypeExpr::reference(data.clone())],
                vec![Expr::atom(names.fields.clone())],
            ),
        }),
        Decl::Function(Function {
            doc: doc_lines(
                Some(&format!(
                    "The `{}` form ({title}): values, client-side validation with Zod{}, and submission{}.",
                    form.wire_name,
                    validate.map(|f| format!(", server-side through `{}`", f.wire_name)).unwrap_or_default(),
                    submit.map(|f| format!(" through `{}`", f.wire_name)).unwrap_or_default()
                )),
                false,
            ),
            name: names.hook.clone(),
            params: Vec::new(),
            returns: Some(TypeExpr::generic(
                "FormState",
                vec![TypeExpr::reference(data), result],
            )),
            body: vec![Stmt::Return(Expr::call(
                layer.form_helper(),
                Vec::new(),
                vec![
                    Expr::atom(names.schema),
                    Expr::atom(names.initial),
                    Expr::atom(names.fields),
                    Expr::atom(submit.map_or_else(
                        || "null".to_owned(),
                        |f| string_literal(&f.wire_name),
                    )),
                    Expr::atom(validate.map_or_else(
                        || "null".to_owned(),
                        |f| string_literal(&f.wire_name),
                    )),
                ],
            ))],
        }),
    ];
    (decls, mentions)
}
