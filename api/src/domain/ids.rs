//! Global object identification shared by GraphQL (`node(id:)`) and domain events (an event's subject):
//! an ID is the URL-safe base64 of `Type:key`. Clients treat it as opaque.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// The types that implement `Node`, as named inside global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeType {
    Country,
    NutsRegion,
    InterregProgramme,
    User,
    ServiceAccount,
    NewsletterIssue,
    NewsletterSubscription,
    Resource,
    Event,
    EventRegistration,
    Organisation,
    CrossBorderRegion,
    Partnership,
    Call,
    Application,
    ExpertProfile,
    ExpertAssignment,
    Strategy,
    StrategyComment,
    WebhookEndpoint,
    WebhookDelivery,
}

impl NodeType {
    pub const ALL: [NodeType; 21] = [
        NodeType::Country,
        NodeType::NutsRegion,
        NodeType::InterregProgramme,
        NodeType::User,
        NodeType::ServiceAccount,
        NodeType::NewsletterIssue,
        NodeType::NewsletterSubscription,
        NodeType::Resource,
        NodeType::Event,
        NodeType::EventRegistration,
        NodeType::Organisation,
        NodeType::CrossBorderRegion,
        NodeType::Partnership,
        NodeType::Call,
        NodeType::Application,
        NodeType::ExpertProfile,
        NodeType::ExpertAssignment,
        NodeType::Strategy,
        NodeType::StrategyComment,
        NodeType::WebhookEndpoint,
        NodeType::WebhookDelivery,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NodeType::Country => "Country",
            NodeType::NutsRegion => "NutsRegion",
            NodeType::InterregProgramme => "InterregProgramme",
            NodeType::User => "User",
            NodeType::ServiceAccount => "ServiceAccount",
            NodeType::NewsletterIssue => "NewsletterIssue",
            NodeType::NewsletterSubscription => "NewsletterSubscription",
            NodeType::Resource => "Resource",
            NodeType::Event => "Event",
            NodeType::EventRegistration => "EventRegistration",
            NodeType::Organisation => "Organisation",
            NodeType::CrossBorderRegion => "CrossBorderRegion",
            NodeType::Partnership => "Partnership",
            NodeType::Call => "Call",
            NodeType::Application => "Application",
            NodeType::ExpertProfile => "ExpertProfile",
            NodeType::ExpertAssignment => "ExpertAssignment",
            NodeType::Strategy => "Strategy",
            NodeType::StrategyComment => "StrategyComment",
            NodeType::WebhookEndpoint => "WebhookEndpoint",
            NodeType::WebhookDelivery => "WebhookDelivery",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether `key` has the form of this type's keys (so a malformed ID is refused, not merely not found).
    pub fn accepts(self, key: &str) -> bool {
        match self {
            NodeType::Country | NodeType::NutsRegion => !key.is_empty(),
            _ => Uuid::parse_str(key).is_ok(),
        }
    }
}

/// The global ID of `key` of type `node_type`.
pub fn encode(node_type: NodeType, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{key}", node_type.name()))
}

/// The type and key inside a global ID, when it is one.
pub fn decode(id: &str) -> Option<(NodeType, String)> {
    let raw = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (type_name, key) = text.split_once(':')?;
    let node_type = NodeType::parse(type_name)?;
    node_type.accepts(key).then(|| (node_type, key.to_owned()))
}
