//! A person's data in organisations: memberships (by user id) and invitations (by e-mail address).
//!
//! Erasure removes the person's memberships. An organisation keeps an owner when it can: if the person was its
//! last owner, the longest-standing remaining member (editors before viewers) becomes owner; when nobody is
//! left, the organisation stays without members and staff manage it (they may invite a new owner). Erasure is
//! never refused for this: a person's right to erasure does not depend on an organisation's state.
//! Invitations sent to the person's address are deleted; invitations the person sent and the organisations
//! they created keep the person's id only (no name, no address).

use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::NodeType;
use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::organisation_member::{self, MemberRole};
use entity::{organisation, organisation_invitation};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "organisations",
    tables: &["organisation", "organisation_member", "organisation_invitation"],
    on_erasure: "memberships removed (a last owner is replaced by the longest-standing remaining member, editors \
                 first; an organisation left without members stays for staff); invitations to the address deleted; \
                 organisations created and invitations sent by the person keep the person's id only",
};

/// The person's memberships and the invitations sent to the person's address.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let memberships = organisation_member::Entity::find()
        .filter(organisation_member::Column::UserId.eq(person.user_id))
        .order_by_asc(organisation_member::Column::CreatedAt)
        .all(db)
        .await?;
    let invitations = organisation_invitation::Entity::find()
        .filter(organisation_invitation::Column::Email.eq(&person.email))
        .order_by_asc(organisation_invitation::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<_> =
        memberships.iter().map(|m| m.organisation_id).chain(invitations.iter().map(|i| i.organisation_id)).collect();
    let organisations = super::organisations_by_id(db, &ids).await?;
    let name = |id| organisations.iter().find(|o: &&organisation::Model| o.id == id).map(|o| o.name.clone());
    Ok(json!({
        "memberships": memberships.iter().map(|m| json!({
            "organisationId": m.organisation_id.to_string(),
            "organisation": name(m.organisation_id),
            "role": m.role.to_value(),
            "joinedAt": m.created_at,
        })).collect::<Vec<_>>(),
        "invitations": invitations.iter().map(|i| json!({
            "organisationId": i.organisation_id.to_string(),
            "organisation": name(i.organisation_id),
            "email": i.email,
            "role": i.role.to_value(),
            "invitedAt": i.created_at,
            "expiresAt": i.expires_at,
            "usedAt": i.used_at,
        })).collect::<Vec<_>>(),
    }))
}

/// Removes the person's memberships (handing ownership on, see the module's note) and the invitations to
/// the person's address.
pub async fn erase(tx: &mut Write, person: &Person) -> AppResult<()> {
    let memberships = organisation_member::Entity::find()
        .filter(organisation_member::Column::UserId.eq(person.user_id))
        .all(&**tx)
        .await?;
    for membership in memberships {
        let organisation_id = membership.organisation_id;
        if membership.role == MemberRole::Owner {
            super::lock(&**tx, organisation_id).await?;
        }
        if membership.role == MemberRole::Owner && super::owner_count(&**tx, organisation_id).await? <= 1 {
            let mut others = organisation_member::Entity::find()
                .filter(organisation_member::Column::OrganisationId.eq(organisation_id))
                .filter(organisation_member::Column::UserId.ne(person.user_id))
                .order_by_asc(organisation_member::Column::CreatedAt)
                .all(&**tx)
                .await?;
            others.sort_by_key(|m| (m.role != MemberRole::Editor, m.created_at));
            if let Some(heir) = others.into_iter().next() {
                let (heir_id, from) = (heir.user_id, heir.role);
                let mut active: organisation_member::ActiveModel = heir.into();
                active.role = Set(MemberRole::Owner);
                active.update(&**tx).await?;
                tx.emit(
                    DomainEvent::new(EventType::OrganisationMemberChanged, NodeType::Organisation, organisation_id)
                        .payload(json!({
                            "userId": heir_id.to_string(),
                            "from": from.to_value(),
                            "to": MemberRole::Owner.to_value(),
                            "reason": "erasure",
                        })),
                );
            }
        }
        organisation_member::Entity::delete_by_id((organisation_id, person.user_id)).exec(&**tx).await?;
        tx.emit(DomainEvent::new(EventType::OrganisationMemberRemoved, NodeType::Organisation, organisation_id).payload(
            json!({ "userId": person.user_id.to_string(), "role": membership.role.to_value(), "reason": "erasure" }),
        ));
    }
    organisation_invitation::Entity::delete_many()
        .filter(organisation_invitation::Column::Email.eq(&person.email))
        .exec(&**tx)
        .await?;
    Ok(())
}
