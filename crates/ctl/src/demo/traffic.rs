//! The demo's traffic: what salespeople of both companies on the tenant do
//! in a few seconds, with the redeliveries and faults a real tenant has.
//!
//! Each scene goes through the sandbox's admin endpoints, which change the
//! record and send the webhook as SuperOffice would. The echoes of the
//! connector's own writes need no scene: every PATCH the workers send comes
//! back as a `*.changed` webhook by the API user.
//!
//! What the script did is kept in [`Played`]: every change of ours that must
//! reach a final outcome, and the records poisoned on purpose.

use std::time::Duration;

use serde_json::json;

use super::cast::Cast;
use super::sandbox::{Admin, Scripted};

/// Pause between scenes, so the traffic arrives in waves as in real life.
const PAUSE: Duration = Duration::from_millis(700);

/// New companies of ours: name, owner, web site.
const NEW_OURS: [(&str, i64, &str); 5] = [
    (
        "Klinikum Nordhafen GmbH",
        23,
        "https://www.klinikum-nordhafen.example",
    ),
    (
        "Hotel Seeblick Lindau AG",
        24,
        "https://www.hotel-seeblick-lindau.example",
    ),
    (
        "Logistikzentrum Rheinau GmbH",
        31,
        "https://www.logistikzentrum-rheinau.example",
    ),
    (
        "Seniorenresidenz Am Stadtpark GmbH",
        23,
        "https://www.residenz-stadtpark.example",
    ),
    (
        "Flughafen Bodensee Betriebs GmbH",
        24,
        "https://www.flughafen-bodensee.example",
    ),
];
/// New companies of the other company on the tenant.
const NEW_THEIRS: [(&str, i64, &str); 2] = [
    (
        "Fitnesswerk Aarau AG",
        40,
        "https://www.fitnesswerk-aarau.example",
    ),
    (
        "Museum am Fluss Stiftung",
        44,
        "https://www.museum-am-fluss.example",
    ),
];
/// The company created three times within a second.
const DUPLICATE: (&str, i64, &str) = (
    "Kranich Facility Services GmbH",
    31,
    "https://www.kranich-facility.example",
);

/// A change of ours that must end in a final outcome (completed, skipped
/// or failed), or the demo counts it lost.
#[derive(Debug, Clone)]
pub struct Change {
    /// `contact` or `person`.
    pub entity: &'static str,
    /// The record.
    pub id: i64,
    /// When the change was made (ms since the Unix epoch); its delivery is
    /// received after this.
    pub at_ms: i64,
    /// What it was, for the report (`renamed`).
    pub what: &'static str,
}

/// What the script did.
#[derive(Debug, Clone, Default)]
pub struct Played {
    /// The changes of ours, in order.
    pub changes: Vec<Change>,
    /// Records answering 500 on purpose: their jobs are meant to fail.
    pub poisoned: Vec<(&'static str, i64)>,
    /// Admin calls that changed data or sent webhooks.
    pub actions: u32,
}

/// Plays every scene against the sandbox; notes go to stderr.
pub async fn play(admin: &Admin) -> anyhow::Result<Played> {
    let cast = Cast::find(admin).await?;
    let mut played = Played::default();

    let created = new_accounts(admin, &mut played).await?;
    tokio::time::sleep(PAUSE).await;
    duplicate_burst(admin, &mut played).await?;
    tokio::time::sleep(PAUSE).await;
    changes(admin, &cast, &mut played).await?;
    tokio::time::sleep(PAUSE).await;
    persons(admin, &cast, &created, &mut played).await?;
    tokio::time::sleep(PAUSE).await;
    redeliveries(admin, &cast, &mut played).await?;
    tokio::time::sleep(PAUSE).await;
    faults(admin, &cast, &mut played).await?;
    Ok(played)
}

impl Played {
    fn record(&mut self, entity: &'static str, id: i64, at_ms: i64, what: &'static str) {
        self.changes.push(Change {
            entity,
            id,
            at_ms,
            what,
        });
    }
}

/// New accounts of ours and of the other company; returns ours.
async fn new_accounts(admin: &Admin, played: &mut Played) -> anyhow::Result<Vec<i64>> {
    let mut created = Vec::new();
    for (name, owner, url) in NEW_OURS {
        let at = so_queue::now_ms();
        let id = admin.create_contact(name, owner, url).await?;
        played.record("contact", id, at, "created");
        created.push(id);
    }
    for (name, owner, url) in NEW_THEIRS {
        admin.create_contact(name, owner, url).await?;
    }
    played.actions += (NEW_OURS.len() + NEW_THEIRS.len()) as u32;
    note(&format!(
        "new accounts: {} of ours, {} of the other company",
        NEW_OURS.len(),
        NEW_THEIRS.len()
    ));
    Ok(created)
}

/// The same company created three times within a second, as a double
/// click or an import does.
async fn duplicate_burst(admin: &Admin, played: &mut Played) -> anyhow::Result<()> {
    let (name, owner, url) = DUPLICATE;
    for _ in 0..3 {
        let at = so_queue::now_ms();
        let id = admin.create_contact(name, owner, url).await?;
        played.record("contact", id, at, "created again");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    played.actions += 3;
    note(&format!("duplicate creations: {name:?} three times"));
    Ok(())
}

/// Changes that matter (name, web site) and changes that do not
/// (department), on accounts of both companies.
async fn changes(admin: &Admin, cast: &Cast, played: &mut Played) -> anyhow::Result<()> {
    let [a, b, c, d, e, ..] = &cast.ours[..] else {
        unreachable!("the cast has at least OURS_NEEDED companies of ours");
    };
    for contact in [a, c] {
        let at = so_queue::now_ms();
        let name = format!("{} Gruppe", contact.name);
        let by = contact.associate_id;
        admin
            .change_contact(contact.id, json!({ "Name": name }), by)
            .await?;
        played.record("contact", contact.id, at, "renamed");
    }
    let at = so_queue::now_ms();
    let site = json!({ "Urls": ["https://www.new-site-of-1.example"] });
    admin.change_contact(b.id, site, b.associate_id).await?;
    played.record("contact", b.id, at, "new web site");

    for contact in [d, e] {
        let department = json!({ "Department": "Einkauf" });
        admin
            .change_contact(contact.id, department, contact.associate_id)
            .await?;
    }
    let theirs = &cast.theirs[0];
    let name = json!({ "Name": format!("{} Neu", theirs.name) });
    admin
        .change_contact(theirs.id, name, theirs.associate_id)
        .await?;
    let department = json!({ "Department": "Verwaltung" });
    let other = &cast.theirs[1];
    admin
        .change_contact(other.id, department, other.associate_id)
        .await?;

    played.actions += 7;
    note("changes: 2 renames and a new web site of ours, 2 department edits of ours, 2 of theirs");
    Ok(())
}

/// Persons created at new companies of ours, titles changed on both sides.
async fn persons(
    admin: &Admin,
    cast: &Cast,
    created: &[i64],
    played: &mut Played,
) -> anyhow::Result<()> {
    let new = [
        ("Jana", "Vogt", "Leiterin Facility Management"),
        ("Tobias", "Brandt", "Hoteldirektor"),
    ];
    for (contact_id, names) in created.iter().zip(new) {
        let at = so_queue::now_ms();
        let id = admin.create_person(*contact_id, names, 23).await?;
        played.record("person", id, at, "person created");
    }
    for person in &cast.our_persons[..2] {
        let at = so_queue::now_ms();
        let title = json!({ "Title": "Head of Purchasing" });
        admin.change_person(person.id, title, 23).await?;
        played.record("person", person.id, at, "new title");
    }
    if let Some(person) = cast.their_persons.first() {
        let title = json!({ "Title": "Einkaufsleiter" });
        admin.change_person(person.id, title, 41).await?;
    }

    played.actions += 5;
    note("persons: 2 created at new companies of ours, 3 titles changed");
    Ok(())
}

/// The same webhook delivered more than once (same `EventId`), as
/// SuperOffice does after a timeout: scripted copies, and a stretch where
/// every event is sent twice.
async fn redeliveries(admin: &Admin, cast: &Cast, played: &mut Played) -> anyhow::Result<()> {
    admin
        .fault("webhook-copies", json!({ "copies": 2 }))
        .await?;
    let contact = &cast.ours[5];
    let at = so_queue::now_ms();
    let name = json!({ "Name": format!("{} International", contact.name) });
    admin
        .change_contact(contact.id, name, contact.associate_id)
        .await?;
    played.record("contact", contact.id, at, "renamed (sent twice)");
    admin
        .fault("webhook-copies", json!({ "copies": 1 }))
        .await?;

    let contact = &cast.ours[6];
    let at = so_queue::now_ms();
    let copies = Scripted {
        event: "contact.changed",
        id: contact.id,
        changes: &["contact_id", "name"],
        by: contact.associate_id,
        copies: 3,
    };
    admin.send_events(&[copies]).await?;
    played.record("contact", contact.id, at, "change sent three times");

    played.actions += 4;
    note("redeliveries: one change sent twice, one three times, same EventIds");
    Ok(())
}

/// Throttling, an expired access token, and a record that answers 500
/// until its job gives up.
async fn faults(admin: &Admin, cast: &Cast, played: &mut Played) -> anyhow::Result<()> {
    let retry_after = json!({ "count": 4, "retry_after": { "seconds": 2 } });
    admin.fault("throttle", retry_after).await?;
    for contact in &cast.ours[7..9] {
        let at = so_queue::now_ms();
        let name = json!({ "Name": format!("{} Service", contact.name) });
        admin
            .change_contact(contact.id, name, contact.associate_id)
            .await?;
        played.record("contact", contact.id, at, "renamed while throttled");
    }
    tokio::time::sleep(PAUSE).await;

    admin.fault("expire-tokens", json!({})).await?;
    let contact = &cast.ours[9];
    let at = so_queue::now_ms();
    let site = json!({ "Urls": ["https://www.new-site-of-2.example"] });
    admin
        .change_contact(contact.id, site, contact.associate_id)
        .await?;
    played.record("contact", contact.id, at, "new web site, token expired");

    let poisoned = &cast.ours[10];
    admin
        .fault("fail-contact", json!({ "id": poisoned.id, "on": true }))
        .await?;
    let at = so_queue::now_ms();
    let name = json!({ "Name": format!("{} Neu", poisoned.name) });
    admin
        .change_contact(poisoned.id, name, poisoned.associate_id)
        .await?;
    played.record("contact", poisoned.id, at, "renamed, answers 500");
    played.poisoned.push(("contact", poisoned.id));

    played.actions += 7;
    note(&format!(
        "faults: 4 answers 429 (Retry-After 2 s), access tokens expired, \
         contact {} answers 500 (its job is meant to fail)",
        poisoned.id
    ));
    Ok(())
}

fn note(text: &str) {
    eprintln!("  · {text}");
}
