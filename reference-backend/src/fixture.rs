//! The reference fixture (docs/PROTOCOL.md, the functions every backend and the end-to-end
//! suite share): its functions, channel and form, registered in the fixture's order.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::model::{
    AddInput, ChatClientMessage, ChatMessage, ChatParams, ContactData, ContactFormInput,
    CurrentUser, EchoInput, EchoOutput, FieldError, FindUserInput, FormFieldSpec, FormSchema,
    FormValidation, InternalStats, ItemOutput, Order, OrderHistoryInput, OrderPage, OrderStatus,
    ProfileOutput, RenameUserInput, SetItemNameInput, SiteSettings, StatusOutput, SumOutput, Topic,
    UpdateEmailInput, UpdateProfileInput, UploadAvatarInput, User, UserOrdersInput,
    UserProfileInput,
};
use crate::registry::{Api, Auth, Cache, ExpectedPanic, Registry};

/// Every user's order history: seven orders, three to a page.
const HISTORY_LEN: i64 = 7;
const PAGE_SIZE: i64 = 3;

const OK: StatusOutput = StatusOutput { ok: true };

fn current(user: &User) -> CurrentUser {
    CurrentUser {
        id: user.id,
        username: user.username.clone(),
        email: user.email.clone(),
        is_staff: user.is_staff,
    }
}

/// The contact form's fields, as `x-mizan-forms` declares them.
fn contact_form() -> Value {
    let field = |name: &str,
                 label: &str,
                 ty: &str,
                 widget: &str,
                 required: bool,
                 help: &str,
                 max: Value,
                 min: Value| {
        json!({ "name": name, "label": label, "type": ty, "widget": widget, "required": required, "disabled": false,
                "helpText": help, "initial": null, "maxLength": max, "minLength": min, "choices": null })
    };
    let mut topic = field(
        "topic",
        "Topic",
        "choice",
        "select",
        false,
        "",
        Value::Null,
        Value::Null,
    );
    topic["initial"] = json!("general");
    topic["choices"] = json!([
        ["general", "General"],
        ["support", "Support"],
        ["sales", "Sales"]
    ]);
    json!({
        "name": "contact", "title": "Contact Us", "submitLabel": "Send",
        "fields": [
            field("name", "Name", "text", "input", true, "", json!(100), Value::Null),
            field("email", "Email", "email", "input", true, "We reply to this address.", json!(254), Value::Null),
            field("message", "Message", "textarea", "textarea", true, "", Value::Null, json!(10)),
            topic,
        ],
        "functions": { "schema": "contact.schema", "validate": "contact.validate", "submit": "contact.submit" },
    })
}

fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(local), Some(domain), None)
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(char::is_whitespace))
}

/// Where a form's errors that belong to no field go (Django's `NON_FIELD_ERRORS`).
const NON_FIELD_ERRORS: &str = "__all__";

/// Field errors of contact form data (empty when valid), each with Django's code. One rule
/// belongs to no field and goes under `__all__`: a message that only repeats the name
/// (`repeated`), checked once both fields are valid on their own.
fn validate_contact(data: &Value) -> (BTreeMap<String, Vec<FieldError>>, Option<ContactData>) {
    let mut errors: BTreeMap<String, Vec<FieldError>> = BTreeMap::new();
    let mut add = |field: &str, code: &str, message: &str| {
        errors
            .entry(field.to_owned())
            .or_default()
            .push(FieldError {
                message: message.to_owned(),
                code: code.to_owned(),
            });
    };
    let text = |key: &str| {
        data.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
    };
    let (name, email, message) = (text("name"), text("email"), text("message"));
    if name.is_empty() {
        add("name", "required", "This field is required.");
    } else if name.chars().count() > 100 {
        add(
            "name",
            "max_length",
            "Ensure this value has at most 100 characters.",
        );
    }
    if email.is_empty() {
        add("email", "required", "This field is required.");
    } else if !is_email(email) || email.len() > 254 {
        add("email", "invalid", "Enter a valid email address.");
    }
    if message.is_empty() {
        add("message", "required", "This field is required.");
    } else if message.chars().count() < 10 {
        add(
            "message",
            "min_length",
            "Ensure this value has at least 10 characters.",
        );
    }
    let topic = match data
        .get("topic")
        .and_then(Value::as_str)
        .unwrap_or("general")
    {
        "general" => Topic::General,
        "support" => Topic::Support,
        "sales" => Topic::Sales,
        _ => {
            add("topic", "invalid_choice", "Select a valid choice.");
            Topic::General
        }
    };
    if !errors.contains_key("name")
        && !errors.contains_key("message")
        && name.to_lowercase() == message.to_lowercase()
    {
        errors
            .entry(NON_FIELD_ERRORS.to_owned())
            .or_default()
            .push(FieldError {
                message: "The message only repeats the name.".to_owned(),
                code: "repeated".to_owned(),
            });
    }
    let valid = errors.is_empty().then(|| ContactData {
        name: name.to_owned(),
        email: email.to_owned(),
        message: message.to_owned(),
        topic,
    });
    (errors, valid)
}

/// Every function, channel and form of the reference fixture, in the fixture's order.
pub fn registry() -> Api {
    let mut r = Registry::new();
    r.function0(
        "current_user",
        "The signed-in user, or null for anonymous visitors.",
        |cx| Ok(cx.user().map(current)),
    )
    .context("global");
    r.function0("site_settings", "Site-wide settings.", |_| {
        Ok(SiteSettings {
            site_name: "Mizan".into(),
            maintenance: false,
            features: vec!["chat".into(), "uploads".into()],
        })
    })
    .context("global")
    .cache(Cache::Seconds(300));
    r.function(
        "user_profile",
        "A user's public profile.",
        |cx, i: UserProfileInput| {
            cx.store()
                .profile(i.user_id)
                .ok_or_else(|| ApiError::not_found("no such user"))
        },
    )
    .context("user")
    .cache(Cache::Seconds(60));
    r.function(
        "user_orders",
        "A user's most recent orders.",
        |cx, i: UserOrdersInput| {
            cx.store()
                .profile(i.user_id)
                .ok_or_else(|| ApiError::not_found("no such user"))?;
            let statuses = [
                OrderStatus::Pending,
                OrderStatus::Paid,
                OrderStatus::Shipped,
            ];
            let count = (i.user_id % 4 + 1).min(i.limit.max(0));
            Ok((0..count)
                .map(|n| Order {
                    id: i.user_id * 100 + n,
                    total: format!("{}.{:02}", 10 + n * 7, (i.user_id * 13 + n) % 100),
                    status: statuses[(n % 3) as usize],
                    created_at: format!("2026-11-{:02}T10:00:00Z", n + 1),
                })
                .collect::<Vec<_>>())
        },
    )
    .context("user")
    .cache(Cache::Seconds(60));
    r.function0("list_items", "Every item.", |cx| {
        Ok(cx
            .store()
            .items
            .iter()
            .map(|(id, name)| ItemOutput {
                id: *id,
                name: name.clone(),
            })
            .collect::<Vec<_>>())
    })
    .context("items")
    .rev(2)
    .cache(Cache::Seconds(30));
    r.public_context("items");
    r.function(
        "echo",
        "Returns the text it is given.",
        |_, i: EchoInput| Ok(EchoOutput { message: i.text }),
    );
    r.function("add", "Adds two integers.", |_, i: AddInput| {
        i.a.checked_add(i.b)
            .map(|total| SumOutput { total })
            .ok_or_else(|| ApiError::field("b", "the sum overflows"))
    });
    r.function(
        "find_user",
        "The profile of a user, or null when there is none.",
        |cx, i: FindUserInput| Ok(cx.store().profile(i.user_id)),
    );
    r.function(
        "order_history",
        "A user's orders, oldest first, three to a page; `cursor` is where the next page starts.",
        |cx, i: OrderHistoryInput| {
            cx.store()
                .profile(i.user_id)
                .ok_or_else(|| ApiError::not_found("no such user"))?;
            let start = i.cursor.unwrap_or(0);
            if !(0..=HISTORY_LEN).contains(&start) {
                return Err(ApiError::field("cursor", "no such page"));
            }
            let end = (start + PAGE_SIZE).min(HISTORY_LEN);
            Ok(OrderPage {
                orders: (start..end)
                    .map(|n| Order {
                        id: i.user_id * 1000 + n,
                        total: format!("{}.00", 5 + n),
                        status: OrderStatus::Paid,
                        created_at: format!("2026-10-{:02}T09:00:00Z", n + 1),
                    })
                    .collect(),
                next_cursor: (end < HISTORY_LEN).then_some(end),
            })
        },
    );
    r.function0("whoami", "The authenticated caller.", |cx| {
        cx.user()
            .map(current)
            .ok_or_else(|| ApiError::unauthorized("sign in"))
    })
    .auth(Auth::Authenticated);
    r.function0("staff_only", "Only staff may call this.", |_| Ok(OK))
        .auth(Auth::Staff);
    r.function0(
        "not_implemented_fn",
        "Always answers NOT_IMPLEMENTED.",
        |_| Err::<StatusOutput, _>(ApiError::not_implemented()),
    );
    r.function0(
        "buggy_fn",
        "Always fails with INTERNAL_ERROR.",
        |_| -> Result<StatusOutput, ApiError> {
            // The panic is caught and answered as INTERNAL_ERROR, with no detail; its payload
            // keeps it out of the log, where a panic means a bug.
            std::panic::panic_any(ExpectedPanic("exercises the 500 path"))
        },
    );
    r.function0("ws_whoami", "The caller, over the WebSocket.", |cx| {
        Ok(cx.user().map(current))
    })
    .websocket();
    r.function(
        "update_profile",
        "Changes a user's name; refetches their context.",
        |cx, i: UpdateProfileInput| {
            let mut store = cx.store();
            store
                .profile(i.user_id)
                .ok_or_else(|| ApiError::not_found("no such user"))?;
            store.names.insert(i.user_id, i.name);
            Ok(OK)
        },
    )
    .affects("user");
    r.function(
        "rename_user",
        "Changes a user's name; the new profile is merged without a refetch.",
        |cx, i: RenameUserInput| {
            let mut store = cx.store();
            store
                .profile(i.user_id)
                .ok_or_else(|| ApiError::not_found("no such user"))?;
            store.names.insert(i.user_id, i.name.clone());
            Ok(ProfileOutput {
                user_id: i.user_id,
                name: i.name,
            })
        },
    )
    .merge("user");
    r.function(
        "set_item_name",
        "Renames an item.",
        |cx, i: SetItemNameInput| {
            let mut store = cx.store();
            let name = store
                .items
                .get_mut(&i.id)
                .ok_or_else(|| ApiError::not_found("no such item"))?;
            name.clone_from(&i.name);
            Ok(ItemOutput {
                id: i.id,
                name: i.name,
            })
        },
    )
    .affects("items");
    r.function(
        "update_email",
        "Changes the caller's email.",
        |cx, i: UpdateEmailInput| {
            let id = cx
                .user()
                .ok_or_else(|| ApiError::unauthorized("sign in"))?
                .id;
            if !is_email(&i.email) {
                return Err(ApiError::field("email", "Enter a valid email address."));
            }
            if let Some(u) = cx.store().users.get_mut(&id) {
                u.email = i.email;
            }
            Ok(OK)
        },
    )
    .auth(Auth::Authenticated)
    .affects_function("current_user", "global");
    r.function(
        "upload_avatar",
        "Stores a new avatar image.",
        |cx, i: UploadAvatarInput| {
            let mut store = cx.store();
            store
                .profile(i.user_id)
                .ok_or_else(|| ApiError::not_found("no such user"))?;
            store.avatars.insert(i.user_id, i.file);
            Ok(OK)
        },
    )
    .upload();
    r.view(
        "profile_page",
        "The HTML profile page.",
        "/profile/<int:user_id>/",
        |cx, args| {
            let id: i64 = args
                .get("user_id")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| ApiError::not_found("no such page"))?;
            let p = cx
                .store()
                .profile(id)
                .ok_or_else(|| ApiError::not_found("no such user"))?;
            let name = p
                .name
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            Ok(format!(
                "<!doctype html><title>{name}</title><h1>{name}</h1>"
            ))
        },
    );
    r.function0("contact.schema", "The contact form's fields.", |_| {
        let form = contact_form();
        let fields = form["fields"].as_array().cloned().unwrap_or_default();
        Ok(FormSchema {
            name: "contact".into(),
            title: "Contact Us".into(),
            submit_label: "Send".into(),
            fields: fields
                .iter()
                .map(|f| FormFieldSpec {
                    name: f["name"].as_str().unwrap_or_default().into(),
                    label: f["label"].as_str().unwrap_or_default().into(),
                    field_type: f["type"].as_str().unwrap_or_default().into(),
                    required: f["required"].as_bool().unwrap_or(false),
                    choices: serde_json::from_value(f["choices"].clone()).ok().flatten(),
                })
                .collect(),
        })
    });
    r.function(
        "contact.validate",
        "Validates contact form data without submitting it.",
        |_, i: ContactFormInput| {
            Ok(FormValidation {
                errors: validate_contact(&i.data).0,
            })
        },
    );
    r.function(
        "contact.submit",
        "Submits the contact form.",
        |cx, i: ContactFormInput| match validate_contact(&i.data) {
            (_, Some(data)) => {
                cx.store().contact_messages.push(data);
                Ok(OK)
            }
            // The same `FieldError`s, codes included, as `contact.validate` answers.
            (errors, None) => Err(ApiError::validation(json!(errors))),
        },
    );
    r.function0("internal_stats", "Server-side only.", |cx| {
        Ok(InternalStats {
            rows: cx.store().items.len() as i64,
        })
    })
    .private()
    .auth(Auth::Superuser);
    r.channel::<ChatParams, ChatMessage, ChatClientMessage>("chat");
    r.form(contact_form());
    r.finish()
}

/// The outcome of sending a chat message: what subscribers receive.
pub fn chat_message(user: Option<&User>, message: &Value) -> Result<Value, ApiError> {
    let text = message
        .get("text")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    if text.is_empty() {
        return Err(ApiError::field("text", "This field is required."));
    }
    let user = user.map_or_else(|| "anonymous".to_owned(), |u| u.username.clone());
    serde_json::to_value(ChatMessage {
        text: text.to_owned(),
        user,
    })
    .map_err(|_| ApiError::internal())
}
