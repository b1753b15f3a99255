//! The reference fixture's data model: the types its functions take and return (their JSON
//! Schemas are the export's `components.schemas`), the accounts, and the in-memory `Store`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The signed-in user.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    #[schemars(email)]
    pub email: String,
    pub is_staff: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SiteSettings {
    pub site_name: String,
    #[serde(default)]
    pub maintenance: bool,
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ProfileOutput {
    pub user_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Order {
    pub id: i64,
    /// Decimal amount, as a string to keep precision.
    #[schemars(extend("format" = "decimal"))]
    pub total: String,
    pub status: OrderStatus,
    #[schemars(extend("format" = "date-time"))]
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ItemOutput {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UserProfileInput {
    pub user_id: i64,
}

fn ten() -> i64 {
    10
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UserOrdersInput {
    pub user_id: i64,
    #[serde(default = "ten")]
    pub limit: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EchoInput {
    pub text: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct EchoOutput {
    pub message: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddInput {
    pub a: i64,
    pub b: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SumOutput {
    pub total: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct FindUserInput {
    pub user_id: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct OrderHistoryInput {
    pub user_id: i64,
    /// Where the page starts: the previous page's `next_cursor`; the first page without.
    #[serde(default)]
    pub cursor: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct OrderPage {
    pub orders: Vec<Order>,
    /// The cursor of the next page; null on the last one.
    #[serde(default)]
    pub next_cursor: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct StatusOutput {
    pub ok: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateProfileInput {
    pub user_id: i64,
    #[schemars(length(max = 100))]
    pub name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RenameUserInput {
    pub user_id: i64,
    #[schemars(length(max = 100))]
    pub name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetItemNameInput {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateEmailInput {
    #[schemars(email)]
    pub email: String,
}

/// A file part of a multipart call, as the server received it.
#[derive(Debug, Clone, Deserialize)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub size: usize,
    pub sha256: String,
}

impl JsonSchema for Upload {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Upload".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "binary" })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UploadAvatarInput {
    pub user_id: i64,
    pub file: Upload,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Default)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum Topic {
    #[default]
    General,
    Support,
    Sales,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ContactData {
    #[schemars(length(max = 100))]
    pub name: String,
    #[schemars(email, length(max = 254))]
    pub email: String,
    #[schemars(length(min = 10))]
    pub message: String,
    #[serde(default)]
    pub topic: Topic,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ContactFormInput {
    // Read as raw JSON so that the form's own validation reports every field error at once.
    #[schemars(with = "ContactData")]
    pub data: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FieldError {
    pub message: String,
    pub code: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FormValidation {
    pub errors: BTreeMap<String, Vec<FieldError>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FormFieldSpec {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub required: bool,
    #[serde(default)]
    pub choices: Option<Vec<(String, String)>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FormSchema {
    pub name: String,
    pub title: String,
    pub submit_label: String,
    pub fields: Vec<FormFieldSpec>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ChatParams {
    pub room: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ChatMessage {
    pub text: String,
    pub user: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ChatClientMessage {
    #[schemars(length(min = 1))]
    pub text: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct InternalStats {
    pub rows: i64,
}

/// A user account of the reference backend.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub is_staff: bool,
    pub is_superuser: bool,
}

/// The backend's data, in memory.
#[derive(Debug)]
pub struct Store {
    pub users: BTreeMap<i64, User>,
    pub names: BTreeMap<i64, String>,
    pub items: BTreeMap<i64, String>,
    pub avatars: BTreeMap<i64, Upload>,
    pub contact_messages: Vec<ContactData>,
}

/// Ids that have a profile: the accounts, and every id up to this one.
pub const PROFILE_IDS: i64 = 10_000;

impl Default for Store {
    fn default() -> Self {
        let user = |id: i64, username: &str, is_staff: bool, is_superuser: bool| {
            (
                id,
                User {
                    id,
                    username: username.to_owned(),
                    email: format!("{username}@example.com"),
                    is_staff,
                    is_superuser,
                },
            )
        };
        Store {
            users: [
                user(1, "ada", false, false),
                user(2, "grace", true, false),
                user(3, "root", true, true),
            ]
            .into_iter()
            .collect(),
            names: BTreeMap::new(),
            items: [(1, "Lamp"), (2, "Desk"), (3, "Chair")]
                .into_iter()
                .map(|(id, n)| (id, n.to_owned()))
                .collect(),
            avatars: BTreeMap::new(),
            contact_messages: Vec::new(),
        }
    }
}

impl Store {
    /// The profile of `user_id`, when that id has one.
    pub fn profile(&self, user_id: i64) -> Option<ProfileOutput> {
        if !(1..=PROFILE_IDS).contains(&user_id) {
            return None;
        }
        let name =
            self.names
                .get(&user_id)
                .cloned()
                .unwrap_or_else(|| match self.users.get(&user_id) {
                    Some(u) => u.username.clone(),
                    None => format!("User {user_id}"),
                });
        Some(ProfileOutput { user_id, name })
    }
}
