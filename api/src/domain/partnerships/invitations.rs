//! Partners' consent: an organisation named as a partner takes part only once one of its owners confirms.
//!
//! Naming an organisation (`createPartnership`, `updatePartnership`) makes it an INVITED partner, mails its
//! owners and records `partnership.partner_invited`; when the person naming it owns it (or, for the lead
//! partner, owns or edits it, as the lead's owners and editors act for the partnership anyway) it is CONFIRMED
//! at once. One of the organisation's owners accepts (CONFIRMED) or declines (DECLINED, kept so the lead sees
//! the answer); the lead's owners and editors withdraw an invitation not accepted. An application is submitted
//! only when every partner is CONFIRMED (`applications::check`).

use super::policy;
use crate::auth::Principal;
use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::unit_of_work::Write;
use crate::domain::{Services, accounts, organisations, regions};
use crate::error::{AppError, AppResult};
use crate::mail::{OutgoingEmail, quote};
use entity::organisation_member::{self, MemberRole};
use entity::partner::{self, PartnerRole, PartnerStatus};
use entity::partnership;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// Whether a person with `role` in an organisation confirms for it at once when naming it as a partner with
/// `partner_role`: its owners do; its editors only for the lead partner (they edit the partnership and its
/// applications for the lead already). Anybody else (staff included) invites it.
pub fn confirms_at_once(role: Option<MemberRole>, partner_role: PartnerRole) -> bool {
    match role {
        Some(MemberRole::Owner) => true,
        Some(MemberRole::Editor) => partner_role == PartnerRole::Lead,
        _ => false,
    }
}

/// For each newly named partner still INVITED: the event, and a mail to its organisation's owners.
pub(crate) async fn invite(
    tx: &mut Write,
    partnership: &partnership::Model,
    named: &[partner::Model],
) -> AppResult<()> {
    let invited: Vec<&partner::Model> = named.iter().filter(|p| p.status == PartnerStatus::Invited).collect();
    if invited.is_empty() {
        return Ok(());
    }
    let region = regions::find(&**tx, partnership.region_id).await?;
    let lead = lead_name(&**tx, partnership.id).await?;
    let named_by = match tx.actor().and_then(Principal::user_id) {
        Some(user_id) => accounts::load(&**tx, user_id).await?.display_name,
        None => "the programme's staff".to_owned(),
    };
    let ids: Vec<Uuid> = invited.iter().map(|p| p.organisation_id).collect();
    let names = organisations::organisations_by_id(&**tx, &ids).await?;
    let frontend = tx.services().config.frontend_url.trim_end_matches('/').to_owned();
    for partner in invited {
        let organisation = names.iter().find(|o| o.id == partner.organisation_id).map(|o| o.name.as_str());
        let about = [
            format!("Your organisation: {}", organisation.unwrap_or("-")),
            format!("Partnership: {}", partnership.name),
            format!("Region: {}", region.name),
            format!("Lead partner: {}", lead.as_deref().unwrap_or("not named yet")),
            format!("Named by: {named_by}"),
        ]
        .join("\n");
        let text_body = format!(
            "Hello,\n\nan applicant on IMPACT named an organisation you own as a partner of a cross-border \
             partnership:\n\n{about}\n\nAs its owner you decide whether it takes part: until one of its owners \
             accepts, no application of this partnership can be submitted. If you do not know this partnership, \
             decline.\n\nAnswer at {frontend}/partnership-invitations\n",
            about = quote(&about),
        );
        for address in organisations::owner_addresses(&**tx, partner.organisation_id).await? {
            let mail = OutgoingEmail {
                to: address,
                subject: "Your organisation is invited to a partnership on IMPACT".to_owned(),
                text_body: text_body.clone(),
                headers: Vec::new(),
            };
            tx.mail(mail).await?;
        }
        tx.emit(partner_event(EventType::PartnershipPartnerInvited, partner));
    }
    Ok(())
}

/// An event about one partner of a partnership (the partnership is the subject: its parties and staff see it).
fn partner_event(event_type: EventType, partner: &partner::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::Partnership, partner.partnership_id).payload(json!({
        "organisationId": partner.organisation_id.to_string(),
        "side": partner.side,
        "role": partner.role.to_value(),
        "status": partner.status.to_value(),
    }))
}

/// The lead partner's name, when there is one lead.
async fn lead_name(db: &impl ConnectionTrait, partnership_id: Uuid) -> AppResult<Option<String>> {
    let partners = super::partners_of(db, &[partnership_id]).await?.remove(&partnership_id).unwrap_or_default();
    let leads: Vec<Uuid> = partners.iter().filter(|p| p.role == PartnerRole::Lead).map(|p| p.organisation_id).collect();
    if leads.len() != 1 {
        return Ok(None);
    }
    Ok(organisations::organisations_by_id(db, &leads).await?.into_iter().next().map(|o| o.name))
}

/// The partnership `id` if the caller may see it; `NOT_FOUND` on the input's `partnershipId` otherwise.
async fn visible(db: &impl ConnectionTrait, actor: Option<&Principal>, id: Uuid) -> AppResult<partnership::Model> {
    super::find_visible(db, actor, id).await.map_err(|error| match error {
        AppError::Rejected(_) => AppError::not_found(&["partnershipId"], "partnership"),
        other => other,
    })
}

/// The partner `organisation_id` of the partnership; `NOT_FOUND` on the input's `organisationId` otherwise.
async fn partner(db: &impl ConnectionTrait, partnership_id: Uuid, organisation_id: Uuid) -> AppResult<partner::Model> {
    partner::Entity::find_by_id((partnership_id, organisation_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(&["organisationId"], "partner of this partnership"))
}

fn status_name(status: PartnerStatus) -> &'static str {
    match status {
        PartnerStatus::Invited => "has not answered yet",
        PartnerStatus::Confirmed => "has confirmed taking part",
        PartnerStatus::Declined => "has declined",
    }
}

/// Accepts an invitation: the partner becomes CONFIRMED. One of the organisation's owners only.
pub async fn accept(
    services: &Services,
    actor: Option<&Principal>,
    partnership_id: Uuid,
    organisation_id: Uuid,
) -> AppResult<partnership::Model> {
    answer(services, actor, partnership_id, organisation_id, PartnerStatus::Confirmed).await
}

/// Declines an invitation: the partner stays, DECLINED, until the lead removes it. Owners only.
pub async fn decline(
    services: &Services,
    actor: Option<&Principal>,
    partnership_id: Uuid,
    organisation_id: Uuid,
) -> AppResult<partnership::Model> {
    answer(services, actor, partnership_id, organisation_id, PartnerStatus::Declined).await
}

async fn answer(
    services: &Services,
    actor: Option<&Principal>,
    partnership_id: Uuid,
    organisation_id: Uuid,
    to: PartnerStatus,
) -> AppResult<partnership::Model> {
    let principal = policy::can_create(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut tx = services.write(Some(principal)).await?;
    let partnership = visible(&*tx, actor, partnership_id).await?;
    let current = partner(&*tx, partnership_id, organisation_id).await?;
    // Consent is the organisation's: only its owners give it (not its editors, not the programme's staff).
    if organisations::role_of(&*tx, organisation_id, user_id).await? != Some(MemberRole::Owner) {
        return Err(AppError::Forbidden);
    }
    let organisation = organisations::find(&*tx, organisation_id).await?;
    let not_open = || {
        AppError::invalid_state(
            &["organisationId"],
            format!("{} {}; only an open invitation is answered", organisation.name, status_name(current.status)),
        )
    };
    if current.status != PartnerStatus::Invited {
        return Err(not_open());
    }
    let now = tx.now();
    let answered = partner::Entity::update_many()
        .col_expr(partner::Column::Status, Expr::value(to.to_value()))
        .col_expr(partner::Column::AnsweredBy, Expr::value(user_id))
        .col_expr(partner::Column::AnsweredAt, Expr::value(now))
        .filter(partner::Column::PartnershipId.eq(partnership_id))
        .filter(partner::Column::OrganisationId.eq(organisation_id))
        .filter(partner::Column::Status.eq(PartnerStatus::Invited))
        .exec(&*tx)
        .await?;
    if answered.rows_affected != 1 {
        return Err(not_open());
    }
    let updated = partner(&*tx, partnership_id, organisation_id).await?;
    let (event_type, verb) = match to {
        PartnerStatus::Declined => (EventType::PartnershipPartnerDeclined, "declined to take part in"),
        _ => (EventType::PartnershipPartnerConfirmed, "confirmed taking part in"),
    };
    tell_lead(&mut tx, &partnership, &organisation.name, verb).await?;
    tx.emit(partner_event(event_type, &updated));
    tx.commit().await?;
    Ok(partnership)
}

/// Mails the lead organisation's members that a partner answered.
async fn tell_lead(tx: &mut Write, partnership: &partnership::Model, organisation: &str, verb: &str) -> AppResult<()> {
    let partners = super::partners_of(&**tx, &[partnership.id]).await?.remove(&partnership.id).unwrap_or_default();
    let leads: Vec<Uuid> = partners.iter().filter(|p| p.role == PartnerRole::Lead).map(|p| p.organisation_id).collect();
    let frontend = tx.services().config.frontend_url.trim_end_matches('/').to_owned();
    let about = quote(&format!("Partner: {organisation}\nPartnership: {}", partnership.name));
    for address in organisations::member_addresses(&**tx, &leads).await? {
        let mail = OutgoingEmail {
            to: address,
            subject: "A partner answered your invitation on IMPACT".to_owned(),
            text_body: format!(
                "Hello,\n\na partner organisation {verb} your partnership:\n\n{about}\n\nSee the partners at \
                 {frontend}/partnerships\n"
            ),
            headers: Vec::new(),
        };
        tx.mail(mail).await?;
    }
    Ok(())
}

/// Withdraws an invitation not accepted (INVITED or DECLINED): the organisation is no longer a partner. The
/// partnership's editors (owners and editors of the lead organisation) and staff.
pub async fn withdraw(
    services: &Services,
    actor: Option<&Principal>,
    partnership_id: Uuid,
    organisation_id: Uuid,
) -> AppResult<partnership::Model> {
    policy::can_create(actor)?;
    let mut tx = services.write(actor).await?;
    let partnership = visible(&*tx, actor, partnership_id).await?;
    policy::can_edit(&*tx, actor, &partnership).await?;
    let current = partner(&*tx, partnership_id, organisation_id).await?;
    if current.status == PartnerStatus::Confirmed {
        return Err(AppError::invalid_state(
            &["organisationId"],
            "this partner confirmed taking part; remove it from the partners with updatePartnership",
        ));
    }
    let removed = partner::Entity::delete_many()
        .filter(partner::Column::PartnershipId.eq(partnership_id))
        .filter(partner::Column::OrganisationId.eq(organisation_id))
        .filter(partner::Column::Status.eq(current.status))
        .exec(&*tx)
        .await?;
    if removed.rows_affected != 1 {
        return Err(AppError::invalid_state(&["organisationId"], "this partner's answer just changed; look again"));
    }
    tx.emit(partner_event(EventType::PartnershipInvitationWithdrawn, &current));
    tx.commit().await?;
    Ok(partnership)
}

/// The open invitations (INVITED partners) of the organisations `user_id` owns, oldest first.
pub async fn pending_for(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<partner::Model>> {
    let select = partner::Entity::find().filter(partner::Column::Status.eq(PartnerStatus::Invited)).filter(
        partner::Column::OrganisationId.in_subquery(
            Query::select()
                .column(organisation_member::Column::OrganisationId)
                .from(organisation_member::Entity)
                .and_where(organisation_member::Column::UserId.eq(user_id))
                .and_where(organisation_member::Column::Role.eq(MemberRole::Owner))
                .to_owned(),
        ),
    );
    paginate(
        db,
        select,
        (partner::Column::CreatedAt, partner::Column::PartnershipId, partner::Column::OrganisationId),
        |p| (p.created_at, p.partnership_id, p.organisation_id),
        SortOrder::Ascending,
        page,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_confirm_at_once_and_editors_only_for_the_lead() {
        assert!(confirms_at_once(Some(MemberRole::Owner), PartnerRole::Partner));
        assert!(confirms_at_once(Some(MemberRole::Owner), PartnerRole::Lead));
        assert!(confirms_at_once(Some(MemberRole::Editor), PartnerRole::Lead));
        assert!(!confirms_at_once(Some(MemberRole::Editor), PartnerRole::Partner));
        assert!(!confirms_at_once(Some(MemberRole::Viewer), PartnerRole::Lead));
        assert!(!confirms_at_once(None, PartnerRole::Lead));
    }
}
