//! Reading `x-mizan-forms`: each form's fields and choices, and the names of the functions it
//! calls ([`super::resolve`] turns them into ids).

use super::extensions::Named;
use super::Builder;
use crate::diagnostics;
use crate::ir::fields::ReadFields;
use crate::ir::names;
use crate::ir::{Choice, FieldType, FormField};
use crate::openapi::json::{Node, Value};
use crate::span::Span;

const FORM_KEYS: &[&str] = &[
    "name",
    "title",
    "submitLabel",
    "fields",
    "functions",
    "description",
];
/// The keys of a form's `functions`, in the order of [`RawForm::functions`].
pub(super) const FORM_FUNCTION_KEYS: &[&str] = &["schema", "validate", "submit"];
const FIELD_KEYS: &[&str] = &[
    "name",
    "label",
    "type",
    "widget",
    "required",
    "disabled",
    "helpText",
    "initial",
    "maxLength",
    "minLength",
    "choices",
];

/// A form as written: its functions still names.
pub(super) struct RawForm<'a> {
    pub(super) name: &'a str,
    pub(super) ident: String,
    pub(super) title: Option<String>,
    pub(super) submit_label: Option<String>,
    pub(super) fields: Vec<FormField>,
    /// `schema`, `validate` and `submit`.
    pub(super) functions: [Option<(&'a str, Span)>; 3],
    pub(super) span: Span,
}

impl<'a> Builder<'a> {
    pub(super) fn read_forms(&mut self, root: &'a Node) -> Vec<RawForm<'a>> {
        let mut out = Vec::new();
        for Named {
            node,
            name,
            span,
            ident,
        } in self.named_entries(root, "x-mizan-forms", "form", FORM_KEYS)
        {
            let mut functions = [None, None, None];
            if let Some(f) = node.get("functions").filter(|f| !f.is_null()) {
                if self
                    .object(f, "a form's functions", FORM_FUNCTION_KEYS)
                    .is_some()
                {
                    for (slot, key) in functions.iter_mut().zip(FORM_FUNCTION_KEYS) {
                        *slot = self.string(f, key);
                    }
                }
            }
            // Each field with the span of its name, for a repeated name's report.
            let mut fields: Vec<(FormField, Span)> = Vec::new();
            for field in node
                .get("fields")
                .map_or(&[][..], |f| self.array(f, "fields"))
            {
                let Some(read) = self.read_field(field) else {
                    continue;
                };
                // Field names are the keys of the form's values and errors: one key, one field.
                let name_span = field.get("name").map_or(field.span, |n| n.span);
                if let Some((_, first)) = fields.iter().find(|(f, _)| f.wire_name == read.wire_name)
                {
                    self.diags.push(diagnostics::duplicate_name(
                        name_span,
                        *first,
                        "form field",
                        &read.wire_name,
                    ));
                    continue;
                }
                fields.push((read, name_span));
            }
            out.push(RawForm {
                name,
                ident,
                title: self.string(node, "title").map(|(t, _)| t.to_owned()),
                submit_label: self.string(node, "submitLabel").map(|(t, _)| t.to_owned()),
                fields: fields.into_iter().map(|(f, _)| f).collect(),
                functions,
                span,
            });
        }
        out
    }

    fn read_field(&mut self, node: &'a Node) -> Option<FormField> {
        self.object(node, "a form field", FIELD_KEYS)?;
        let (name, name_span) = self.required_string(node, "name", "a form field")?;
        if names::is_object_member(name) {
            self.diags.push(diagnostics::object_member_name(
                name_span,
                "a form field",
                name,
            ));
        }
        let (type_name, type_span) =
            self.required_string(node, "type", &format!("form field `{name}`"))?;
        let Some(field_type) = FieldType::ALL
            .iter()
            .find(|(n, _)| *n == type_name)
            .map(|(_, t)| *t)
        else {
            let allowed: Vec<&str> = FieldType::ALL.iter().map(|(n, _)| *n).collect();
            self.diags.push(diagnostics::invalid_value(
                type_span, "type", type_name, &allowed,
            ));
            return None;
        };
        let required = self.boolean(node, "required").unwrap_or(false);
        let choices: Option<Vec<Choice>> = match node.get("choices") {
            None => None,
            Some(c) if c.is_null() => None,
            Some(c) => Some(
                self.array(c, "choices")
                    .iter()
                    .filter_map(|c| self.read_choice(c))
                    .collect(),
            ),
        };
        let initial = node.get("initial").filter(|i| !i.is_null());
        if let Some(i) = initial {
            self.check_initial(name, type_name, field_type, required, choices.as_deref(), i);
        }
        Some(FormField {
            wire_name: name.to_owned(),
            label: self.string(node, "label").map(|(s, _)| s.to_owned()),
            field_type,
            widget: self.string(node, "widget").map(|(s, _)| s.to_owned()),
            required,
            disabled: self.boolean(node, "disabled").unwrap_or(false),
            help_text: self
                .string(node, "helpText")
                .map(|(s, _)| s.to_owned())
                .filter(|s| !s.is_empty()),
            initial: initial.map(Node::to_serde),
            max_length: self.count(node, "maxLength"),
            min_length: self.count(node, "minLength"),
            choices,
        })
    }

    /// A field's `initial` must be a value of the field's type in the generated form data
    /// (`number` for `integer` and `number`, `boolean`, one of the choices...): reported here,
    /// pointing at the value, rather than left to fail type-checking in the output.
    fn check_initial(
        &mut self,
        field: &str,
        type_name: &str,
        field_type: FieldType,
        required: bool,
        choices: Option<&[Choice]>,
        initial: &Node,
    ) {
        let choices = choices.filter(|c| !c.is_empty());
        let value = initial.to_serde();
        let expected = match field_type {
            FieldType::File => Some(None),
            FieldType::Integer if !is_whole_number(&value) => Some(Some("a whole number")),
            FieldType::Number if !value.is_number() => Some(Some("a number")),
            FieldType::Boolean if !value.is_boolean() => Some(Some("`true` or `false`")),
            FieldType::MultipleChoice if !value.is_array() => Some(Some("an array of choices")),
            FieldType::Choice if choices.is_some() => None,
            FieldType::Integer
            | FieldType::Number
            | FieldType::Boolean
            | FieldType::MultipleChoice => None,
            _ if !value.is_string() => Some(Some("a string")),
            _ => None,
        };
        if let Some(expected) = expected {
            self.diags.push(diagnostics::initial_wrong_type(
                initial.span,
                field,
                type_name,
                expected,
                initial.kind_name(),
            ));
            return;
        }
        let values: Vec<&serde_json::Value> =
            choices.into_iter().flatten().map(|c| &c.value).collect();
        let known = |v: &serde_json::Value| match choices {
            Some(_) => values.iter().any(|c| same_value(c, v)),
            None => v.is_string(),
        };
        match field_type {
            FieldType::Choice if choices.is_some() => {
                // An optional choice may start unselected (`""`).
                let blank = !required && value.as_str() == Some("");
                if !blank && !known(&value) {
                    self.diags.push(diagnostics::initial_not_a_choice(
                        initial.span,
                        field,
                        &value,
                        &values,
                        required,
                    ));
                }
            }
            FieldType::MultipleChoice => {
                // The first item that does not fit: one report per field.
                let items = initial.as_array().unwrap_or_default();
                if let Some((item, v)) = items
                    .iter()
                    .map(|i| (i, i.to_serde()))
                    .find(|(_, v)| !known(v))
                {
                    self.diags.push(if choices.is_some() {
                        diagnostics::initial_not_a_choice(item.span, field, &v, &values, false)
                    } else {
                        diagnostics::initial_wrong_type(
                            item.span,
                            field,
                            type_name,
                            Some("a string in each item"),
                            item.kind_name(),
                        )
                    });
                }
            }
            _ => {}
        }
    }

    /// A choice is `[value, label]` (Django's pairs), `{"value", "label"}`, or a bare value.
    fn read_choice(&mut self, node: &Node) -> Option<Choice> {
        let label_of = |v: &Node| match &v.value {
            Value::String(s) => s.to_string(),
            _ => v.to_serde().to_string(),
        };
        match &node.value {
            Value::Array(pair) if pair.len() == 2 => Some(Choice {
                value: pair[0].to_serde(),
                label: label_of(&pair[1]),
            }),
            Value::Object(_) => match (node.get("value"), node.get("label")) {
                (Some(v), l) => Some(Choice {
                    value: v.to_serde(),
                    label: l.map_or_else(|| label_of(v), label_of),
                }),
                (None, _) => {
                    self.diags
                        .push(diagnostics::missing_field(node.span, "a choice", "value"));
                    None
                }
            },
            Value::Array(_) => {
                self.diags.push(diagnostics::wrong_type(
                    node.span,
                    "choices",
                    "[value, label] pairs",
                    "an array of another length",
                ));
                None
            }
            _ => Some(Choice {
                value: node.to_serde(),
                label: label_of(node),
            }),
        }
    }
}

/// A JSON number without a fractional part (`18`, `18.0`).
fn is_whole_number(v: &serde_json::Value) -> bool {
    v.as_i64().is_some()
        || v.as_u64().is_some()
        || v.as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// Two JSON values as the same TypeScript literal (`1` and `1.0` are one number).
fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a, b) {
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
